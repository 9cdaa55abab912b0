"""Conversation state: what the turn before quoted carries over (fictional documents, then the real budget)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from knowledge.serialize import QUOTE_LIMIT, resolved_from_json
from tests.knowledge.test_documents import corpus_dir, service_for  # noqa: F401  (module fixture)


@pytest.fixture(scope="module")
def svc(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:  # noqa: F811
    return service_for(corpus_dir, tmp_path_factory.mktemp("context-index"))


def test_an_answer_keeps_the_start_of_what_it_quoted(svc: Any) -> None:
    first = svc.answer("Vanaf wanneer gelden de nieuwe contracten met minder aanbieders in Veenhoven?")
    assert first.answered and first.resolved.quote
    assert first.resolved.quote == first.citations[0].quote[:QUOTE_LIMIT]
    refused = svc.answer("Wat kost een parkeervergunning op de maan?", first.resolved)
    assert not refused.answered and refused.resolved == first.resolved  # a refusal changes nothing
    assert resolved_from_json({"quote": "x" * 2000}).quote == "x" * QUOTE_LIMIT  # a client's state is bounded


def test_with_whom_is_read_from_the_sentence_just_quoted(svc: Any) -> None:
    first = svc.answer("Vanaf wanneer gelden de nieuwe contracten met minder aanbieders in Veenhoven?")
    follow = svc.answer("met wie?", first.resolved)
    assert follow.answered and "Jeugdzorgregio Veen en Vaart" in follow.text
    assert follow.text.strip() in first.citations[0].quote or "samen met de gemeenten" in follow.text


def test_a_kind_of_subject_after_a_passage_is_the_one_named_in_it(svc: Any) -> None:
    first = svc.answer("Vanaf wanneer gelden de nieuwe contracten met minder aanbieders in Veenhoven?")
    query = svc.understand("is daar een reserve voor?", first.resolved)
    assert query.subject is not None and svc.vocab.subjects[query.subject].label.lower() == "reserve jeugdhulp"
    assert "reserve" not in query.topic_words
    # without a passage before it there is nothing to point back to
    assert svc.understand("is daar een reserve voor?").subject is None


def test_who_takes_part_needs_a_sentence_naming_others(svc: Any) -> None:
    query = svc.understand("wie zitten er in de wijkteams van Veenhoven?")
    assert query.intent == "who" and query.asks_members
    answer = svc.answer("wie zitten er in de wijkteams van Veenhoven?")
    assert not answer.answered  # the wijkteams work with others, the budget names no members
    assert not svc.understand("wie betaalt de jeugdhulp in Veenhoven?").asks_members


def test_the_real_budget_keeps_the_quote_for_with_whom(real_service: Any) -> None:
    first = real_service.answer("Werkt de gemeente aan proactieve dienstverlening?")
    follow = real_service.answer("met wie?", first.resolved)
    assert follow.answered and "ministerie van BZK" in follow.text


def test_an_ordinal_points_at_one_of_the_names_just_listed(svc: Any) -> None:
    listed = svc.answer("welke verbonden partijen heeft Veenhoven?")
    assert listed.answered and listed.resolved.quote
    last = svc.answer("wat zijn de risico's van de laatste?", listed.resolved)
    assert last.answered and "Jeugdzorgregio Veen en Vaart" in last.text and "Faillissement" in last.text
    first = svc.understand("en de eerste?", listed.resolved)
    assert svc.vocab.subjects[first.subject].label == "Werkbedrijf Veenstreek"
    assert svc.understand("en het eerste jaar?", listed.resolved).subject != first.subject  # a year, no item


def test_the_list_stays_while_its_items_are_picked_one_by_one(svc: Any) -> None:
    listed = svc.answer("welke verbonden partijen zijn er in Veenhoven?")
    first = svc.answer("wat betaalt Veenhoven aan de eerste?", listed.resolved)
    second = svc.answer("en aan de tweede?", first.resolved)
    assert "Werkbedrijf Veenstreek" in first.text and "GGD Veenland" in second.text and "€ 2.047.310" in second.text
    assert first.resolved.listing and "Jeugdzorgregio" in first.resolved.listing


def test_a_synonym_of_a_budget_term_finds_the_part_it_names(svc: Any) -> None:
    answer = svc.answer("wat kan er misgaan bij de Jeugdzorgregio Veen en Vaart?")
    assert answer.answered and "Faillissement" in answer.text


def test_a_short_question_with_one_topic_word_follows_up_on_the_passage(svc: Any) -> None:
    first = svc.answer("Met wie maakt Rijnwaarde prestatieafspraken over sociale huurwoningen?")
    count = svc.answer("hoeveel corporaties", first.resolved)
    assert count.answered and "drie corporaties" in count.text
    assert "topic" in svc.understand("hoeveel corporaties", first.resolved).inherited
    assert not svc.understand("hoeveel corporaties bouwen er sociale huurwoningen", first.resolved).follow_up


@pytest.mark.parametrize(("first", "follow", "part", "total"), [
    ("when are the local elections", "how much comes out of the council reserve to organise them", "60.000", "80.000"),
    ("What is 'levendige lokale democratie'?", "how much is taken from the council reserve for it in 2026?",
     "20.000", "80.000"),
])
def test_the_part_of_a_withdrawal_for_what_was_just_discussed(real_service: Any, first: str, follow: str,
                                                             part: str, total: str) -> None:
    before = real_service.answer(first)
    answer = real_service.answer(follow, before.resolved)
    assert answer.answered and part in answer.text and total not in answer.text
    assert answer.citations and part in answer.citations[0].quote
    alone = real_service.answer("how much is taken from the council reserve in 2026?")  # nothing to point back to
    assert total in alone.text


def test_why_after_a_passage_is_asked_of_that_passage_not_of_the_subjects_budget(svc: Any) -> None:
    from knowledge.context import on_passage
    from knowledge.types import Resolved

    doc = "rijnwaarde-2025-programma-2-wonen-en-leefomgeving"
    state = Resolved(topic=f"{doc}:2a2-1", subject=f"{doc}#wonen", intent="how", document=doc)
    frame = svc.understand("waar is dat loket dan voor?", state)
    assert on_passage(frame) and frame.intent == "explain"
    answer = svc.answer("waar is dat loket dan voor?", state)
    assert answer.answered and answer.citations[0].section_id == f"{doc}:2a2-1"  # not the budget's explanation
    assert svc.understand("wat willen ze daarmee bereiken?", state).intent == "explain"  # of the plan, no goals
    amount = Resolved(topic=f"{doc}:programmakosten", subject=f"{doc}#wonen", measure="lasten", year=2025,
                      intent="amount", document=doc)
    assert not on_passage(svc.understand("waarom?", amount))  # after a number: its explanation


def test_a_question_with_nothing_of_its_own_stays_in_the_passage_just_quoted(svc: Any) -> None:
    first = svc.answer("Wat doet Veenhoven met bijstandsgerechtigden?")
    assert first.answered and first.resolved.topic
    follow = svc.answer("voor wie is die bedoeld?", first.resolved)  # no anaphor the cues know, no topic word
    assert follow.answered and follow.citations[0].section_id == first.resolved.topic
    assert "bijstandsuitkering" in follow.text
    assert not svc.answer("voor wie is die bedoeld?").answered  # without a passage before it, nothing to go on


def test_keyword_follow_ups_keep_the_topic_the_year_and_the_reserve(svc: Any) -> None:
    first = svc.answer("Wat is de reserve jeugdhulp?")
    assert first.answered
    taken = svc.answer("hoeveel wordt er in 2027 uit gehaald?", first.resolved)  # after the reserve: its withdrawal
    assert taken.answered and taken.resolved.measure == "onttrekking" and "2027" in taken.text
    lasten = svc.answer("wat kost het sociaal domein in Veenhoven in 2028?")
    remains = svc.answer("en wat blijft er netto over?", lasten.resolved)  # what is left over: the saldo
    assert remains.answered and remains.resolved.measure == "saldo" and remains.resolved.year == 2028
    typed = svc.understand("totale inkomstn sociaal domein Veenhoven 2028?")  # a resident's measure word, mistyped
    assert typed.measure == "baten"


def test_a_passage_that_is_an_indicators_own_section_carries_the_indicator(svc: Any) -> None:
    first = svc.answer("hoeveel procent van de aanslagen in Bremmerdijk wordt binnen de termijn betaald?")
    assert first.answered
    follow = svc.understand("streefwaarde 2028?", replace(first.resolved, subject=None))  # (as a passage leaves it)
    assert follow.subject is not None and follow.subject.endswith("7B1.c")


def test_en_verder_goes_on_where_the_quote_stopped(real_service: Any) -> None:
    first = real_service.answer("Wat houdt de levendige lokale democratie van de raad in?")
    assert first.answered and first.resolved.quote_end
    more = real_service.answer("en verder?", first.resolved)
    assert more.answered and more.citations[0].section_id == first.citations[0].section_id
    assert more.text[:40] not in first.text  # the next sentences, not the same ones again


def test_en_verder_after_a_whole_passage_says_there_is_no_more(svc: Any) -> None:
    first = svc.answer("Wie vinden moeilijk een woning in Rijnwaarde?")
    assert first.answered
    more = svc.answer("en verder?", first.resolved)
    assert not more.answered and "Meer staat er in dit deel van de begroting niet over" in more.text
