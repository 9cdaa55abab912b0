"""Understanding over the real budget (fake embedder): one frame per question, merge rules, verified amounts."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.types import Resolved


def frame(service: Any, question: str, previous: Resolved | None = None) -> Any:
    return service.understand(question, previous)


def subject_label(service: Any, query: Any) -> str | None:
    return service.vocab.subjects[query.subject].label if query.subject else None


# -- the frame ---------------------------------------------------------------------------------------------
def test_an_amount_question_becomes_one_frame(fake_service: Any) -> None:
    q = frame(fake_service, "Wat kost dienstverlening in 2027?")
    assert (q.intent, subject_label(fake_service, q), q.measure, q.years) == ("amount", "Dienstverlening", "lasten",
                                                                              (2027,))
    assert q.language == "nl" and not q.topic_words


@pytest.mark.parametrize(("question", "intent"), [
    ("Waarom zijn de baten van dienstverlening hoger?", "explain"),
    ("Stijgen de lasten van bestuur in 2027?", "compare"),
    ("Wat zijn de doelen van beleidsterrein Bestuur?", "goal"),
    ("Wat is Holland Rijnland?", "define"),
    ("Wie doen er mee aan de Belastingsamenwerking?", "who"),
    ("Wanneer zijn de verkiezingen?", "when"),
    ("wat betekent dat?", "meaning"),
])
def test_question_words_give_the_intent(fake_service: Any, question: str, intent: str) -> None:
    assert frame(fake_service, question).intent == intent


def test_english_questions_use_general_budget_vocabulary(fake_service: Any) -> None:
    q = frame(fake_service, "How much does the city spend on services in 2027?")
    assert q.language == "en" and q.measure == "lasten" and q.years == (2027,)
    assert subject_label(fake_service, q) == "Dienstverlening"


def test_typos_are_corrected_against_names_from_the_corpus(fake_service: Any) -> None:
    q = frame(fake_service, "hoeveel betalen we aan holand rijnland")
    assert subject_label(fake_service, q) == "Holland Rijnland" and q.measure == "bijdrage"


def test_topic_words_outside_the_subjects_are_kept(fake_service: Any) -> None:
    q = frame(fake_service, "Hoeveel kost een parkeervergunning?")
    assert q.subject is None and "parkeervergunning" in q.topic_words


def test_a_programme_the_index_does_not_hold_is_out_of_scope(fake_service: Any) -> None:
    q = frame(fake_service, "Wat is het budget van programma 7?")
    assert q.scope == ()
    answer = fake_service.answer("Wat is het budget van programma 7?")
    assert not answer.answered and "€" not in answer.text


# -- merge rules (knowledge/context.py) --------------------------------------------------------------------


@pytest.fixture()
def state(fake_service: Any) -> Resolved:
    return fake_service.answer("Wat kost dienstverlening in 2027?").resolved


def test_what_the_new_question_fills_wins(fake_service: Any, state: Resolved) -> None:
    q = frame(fake_service, "Wat zijn de baten van bestuur in 2025?", state)
    assert (subject_label(fake_service, q), q.measure, q.years, q.inherited) == ("Bestuur", "baten", (2025,), ())


def test_a_follow_up_without_subject_stays_in_the_topic(fake_service: Any, state: Resolved) -> None:
    q = frame(fake_service, "en de baten?", state)
    assert (subject_label(fake_service, q), q.measure, q.years) == ("Dienstverlening", "baten", (2027,))
    assert {"subject", "year"} <= set(q.inherited)


@pytest.mark.parametrize(("question", "year"), [("en vorig jaar?", 2026), ("and next year?", 2028),
                                                 ("En het jaar daarna?", 2028), ("en 2 jaar later", 2029),
                                                 ("and two years before?", 2025), ("en drie jaar eerder?", 2024),
                                                 ("a year later?", 2028), ("en het jaar daarop?", 2028)])
def test_relative_years_resolve_against_the_previous_year(fake_service: Any, state: Resolved, question: str,
                                                          year: int) -> None:
    q = frame(fake_service, question, state)
    assert q.years == (year,) and subject_label(fake_service, q) == "Dienstverlening" and q.measure == "lasten"


def test_english_follow_ups_work_like_dutch_ones(fake_service: Any, state: Resolved) -> None:
    answer = fake_service.answer("and the revenue?", state)
    assert "€ 4.124.000" in answer.text


def test_another_subject_keeps_measure_and_year(fake_service: Any, state: Resolved) -> None:
    answer = fake_service.answer("En voor bestuur?", state)
    assert "€ 14.116.000" in answer.text


def test_a_turn_that_did_not_answer_leaves_the_state(fake_service: Any, state: Resolved) -> None:
    answer = fake_service.answer("Hoeveel kost een parkeervergunning?", state)
    assert not answer.answered and answer.resolved == state
    assert "€ 4.124.000" in fake_service.answer("en de baten?", answer.resolved).text


def test_a_follow_up_on_a_partij_stays_in_its_subtree(fake_service: Any) -> None:
    first = fake_service.answer("Wat is Holland Rijnland?")
    amount = fake_service.answer("wat betalen we daaraan?", first.resolved)
    assert "€ 1.659.874" in amount.text
    kansen = fake_service.answer("en welke kansen zijn er?", first.resolved)
    assert kansen.citations[0].section_id.endswith("holland-rijnland-kansen")


# -- explanations linked to numbers ------------------------------------------------------------------------
def test_why_after_a_reserve_withdrawal_quotes_its_toelichting(fake_service: Any) -> None:
    first = fake_service.answer("Hoeveel wordt er in 2026 onttrokken aan de reserve raad?")
    assert "€ 80.000" in first.text
    why = fake_service.answer("waarvoor?", first.resolved)
    assert why.citations[0].section_id.endswith("reserves-reserve-raad") and "democratie" in why.text
    assert "€ 20.000" in fake_service.answer("en in 2027?", why.resolved).text  # the number's state is kept


def test_why_after_a_cost_quotes_the_budgettaire_ontwikkelingen_of_its_line(fake_service: Any, state: Resolved) -> None:
    why = fake_service.answer("waarom?", state)
    assert why.citations[0].section_id.endswith("budgettaire-ontwikkelingen-beleidsterrein-dienstverlening")


def test_without_a_specific_reason_the_general_explanation_is_quoted(fake_service: Any) -> None:
    first = fake_service.answer("Wat is het saldo van het programma in 2027?")
    why = fake_service.answer("waarom?", first.resolved)
    assert "geen specifieke reden" in why.text
    assert why.citations[0].section_id.endswith(":budgettaire-ontwikkelingen")


def test_goals_come_from_the_doel_sections(fake_service: Any) -> None:
    answer = fake_service.answer("Wat zijn de doelen van beleidsterrein Bestuur?")
    assert [c.code for c in answer.citations] == ["1A", "1A1", "1A2", "1A3"]


def test_what_is_x_answers_from_the_section_that_introduces_x(fake_service: Any) -> None:
    answer = fake_service.answer("Wat is Holland Rijnland?")
    assert answer.citations[0].section_id.endswith(":holland-rijnland") and answer.method == "definition"


# -- verified amounts and clarifying questions -------------------------------------------------------------
def test_totaal_of_the_programme_is_not_the_reserves_total(fake_service: Any) -> None:
    answer = fake_service.answer("Wat kost het programma in totaal in 2026?")
    assert "€ 27.308.000" in answer.text


def test_saldo_is_answered_with_the_saldo_not_the_lasten(fake_service: Any) -> None:
    assert "€ 23.198.000" in fake_service.answer("Wat is het saldo van het programma in 2026?").text
    assert "€ 12.215.000" in fake_service.answer("Wat is het saldo van bestuur in 2026?").text


def test_the_total_of_all_reserves_comes_from_the_total_row(fake_service: Any) -> None:
    answer = fake_service.answer("Wat is de totale onttrekking aan de reserves in 2029?")
    assert "€ 25.000" in answer.text and answer.citations[0].section_id.endswith(":reserves")


def test_an_ambiguous_measure_asks_back(fake_service: Any) -> None:
    answer = fake_service.answer("Hoeveel is de reserve raad?")
    assert answer.method == "clarify" and not answer.answered and answer.clarify is not None
    assert 2 <= len(answer.clarify.options) <= 4
    for option in answer.clarify.options:
        followed = fake_service.answer(option.question)
        assert followed.answered and followed.method == "table", option


def test_a_narrower_subject_without_an_amount_is_refused_with_options(fake_service: Any) -> None:
    answer = fake_service.answer("Wat kosten de paspoorten?")
    assert not answer.answered and "geen apart bedrag" in answer.text and "14 071" in answer.text
    assert "€" not in answer.text
    price = fake_service.answer("Wat kost een paspoort?")  # the price of one: no budget line at all
    assert not price.answered and "per paspoort" in price.text and "€" not in price.text


@pytest.mark.parametrize("question", ["Wat zijn de openingstijden van het stadhuis?", "Wat verdient de wethouder?",
                                      "Wie gaat de verkiezingen winnen in Katwijk?",
                                      "What are the opening hours of the swimming pool?"])
def test_near_miss_questions_are_not_answered(fake_service: Any, question: str) -> None:
    answer = fake_service.answer(question)
    assert not answer.answered, answer.text


def test_a_general_term_is_explained_from_the_begrippenlijst_not_the_budget(fake_service: Any) -> None:
    answer = fake_service.answer("Wat betekent kapitaallasten?")
    assert answer.answered and answer.method == "begrippenlijst" and answer.citations == ()
    assert "Begrippenlijst" in answer.text and "geen tekst uit de begroting" in answer.text


def test_what_is_a_reserve_answers_from_its_toelichting(fake_service: Any) -> None:
    answer = fake_service.answer("wat is de egalisatiereserve")
    assert answer.citations[0].section_id.endswith("reserves-egalisatiereserve-verkiezingen")


@pytest.mark.parametrize("question", [
    "Moet Veenhoven bijbetalen als de jeugdhulp meer kost dan begroot?",
    "is de gemeente aansprakelijk als de regio te veel uitgeeft?",
    "and what if it costs more than budgeted?",
])
def test_money_in_a_condition_asks_for_no_amount(fake_service: Any, question: str) -> None:
    q = frame(fake_service, question)
    assert q.intent not in ("amount", "compare") and q.measure is None


@pytest.mark.parametrize(("question", "measure"), [
    ("Hoeveel zijn de lasten als je de reserves meetelt?", "lasten"),
    ("Wat zijn de baten van bestuur, als ik vragen mag?", "baten"),
])
def test_a_condition_after_an_amount_question_keeps_the_amount(fake_service: Any, question: str,
                                                               measure: str) -> None:
    q = frame(fake_service, question)
    assert q.intent == "amount" and q.measure == measure


@pytest.mark.parametrize("question", ["lasten bestuur gemeente zoeterhout",
                                      "hoeveel kost bestuur in de gemeente zoeterhout?"])
def test_a_municipality_typed_in_lower_case_that_the_index_lacks_is_out_of_scope(fake_service: Any,
                                                                              question: str) -> None:
    assert frame(fake_service, question).scope == ()
    assert frame(fake_service, "Hoeveel haalt de gemeente elk jaar uit de reserve raad?").scope != ()


def test_english_compounds_possessives_and_taking_out_are_understood(fake_service: Any) -> None:
    q = frame(fake_service, "how much comes out of the council reserve in 2027?")
    assert subject_label(fake_service, q) == "Reserve raad" and q.takes_out and q.counted is None
    q = frame(fake_service, "how much is added to the council's reserve in 2027?")
    assert subject_label(fake_service, q) == "Reserve raad"
    assert frame(fake_service, "how many councillors are there?").counted == "raadsleden"  # counted in Dutch


def test_keyword_english_with_a_word_dutch_shares_is_still_english(fake_service: Any) -> None:
    q = frame(fake_service, "yearly withdrawal from the elections reserve?")
    assert q.language == "en" and q.measure == "onttrekking"
    assert subject_label(fake_service, q) == "Egalisatiereserve verkiezingen"
    assert frame(fake_service, "reserve raad onttrekking 2027").language == "nl"
