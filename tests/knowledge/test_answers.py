"""Grounded answers with the real model over the real budget."""

from __future__ import annotations

import re
from typing import Any

import pytest

from knowledge.types import Resolved

pytestmark = pytest.mark.slow


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d{1,3}(?:\.\d{3})+", text))


def test_table_answer_gives_exact_value_unit_year_and_kind(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("Wat zijn de lasten van dienstverlening in 2026?")
    assert answer.answered and answer.method == "table"
    assert "€ 14.909.000" in answer.text and "begroting 2026" in answer.text
    assert "× €1.000" in answer.text
    [citation] = answer.citations
    assert citation.title == "Programmakosten" and "14.909" in citation.quote
    assert citation.url.endswith(":programmakosten")


def test_every_number_in_a_table_answer_is_in_its_citation(real_service) -> None:  # type: ignore[no-untyped-def]
    for question in ("Hoeveel inkomsten heeft dienstverlening in 2024?", "Wat kost bestuur in 2029?",
                     "saldo van het programma in 2028", "onttrekking reserve rekenkamer 2027"):
        answer = real_service.answer(question)
        quoted = " ".join(c.quote for c in answer.citations)
        for number in _numbers(answer.text.replace("€ ", "")):
            thousands = number[: -len(".000")] if number.endswith(".000") else number
            assert number in quoted or thousands in quoted, (question, number, quoted)


def test_baten_are_explained_as_negative_in_the_table(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("Wat zijn de baten van dienstverlening in 2027?")
    assert "€ 4.124.000" in answer.text and "negatief" in answer.text


def test_comparison_computes_the_difference_from_cited_cells(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("Stijgen de lasten van bestuur in 2027 ten opzichte van 2026?")
    assert "€ 12.399.000" in answer.text and "€ 14.116.000" in answer.text
    assert "€ 1.717.000 hoger" in answer.text


def test_follow_up_uses_the_context(real_service) -> None:  # type: ignore[no-untyped-def]
    first = real_service.answer("Wat zijn de lasten van dienstverlening in 2026?")
    follow = real_service.answer("En in 2027?", first.resolved)
    assert "€ 14.984.000" in follow.text
    baten = real_service.answer("En de baten?", follow.resolved)
    assert "€ 4.124.000" in baten.text


def test_reserve_and_party_and_indicator_come_from_tables(real_service) -> None:  # type: ignore[no-untyped-def]
    reserve = real_service.answer("Hoeveel geld gaat er in 2026 uit de egalisatiereserve verkiezingen?")
    assert "€ 25.000" in reserve.text and reserve.citations[0].title == "Reserves"
    party = real_service.answer("Hoeveel betaalt Leiden aan de BSGR?")
    assert "€ 2.518.000" in party.text
    indicator = real_service.answer("Wat is de streefwaarde voor 1A1.a in 2027?")
    assert "15%" in indicator.text and indicator.citations[0].code == "1A1.a"


def test_text_answer_is_short_and_cites_the_right_section(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("Wanneer zijn de verkiezingen?")
    assert answer.answered and "maart 2026" in answer.text
    assert answer.citations[0].code == "1A2.3"
    assert len(answer.text.split()) <= 85
    assert answer.citations[0].quote in answer.text


def test_section_code_wins(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("Wat staat er bij 1B1.3?")
    assert answer.citations[0].code == "1B1.3"
    hits = real_service.search("1A3.1", 3)
    assert hits[0].section.code == "1A3.1"


def test_named_party_wins(real_service) -> None:  # type: ignore[no-untyped-def]
    hits = real_service.search("Wat zijn de risico's van Holland Rijnland?", 3)
    assert hits[0].section.path[-2:] == ("Holland Rijnland", "Risico's (top 3)") or hits[0].section.title == \
        "Holland Rijnland"


@pytest.mark.parametrize("question", [
    "Wat zijn de openingstijden van het zwembad?",
    "Wat is de hoofdstad van Frankrijk?",
    "Hoeveel kost een parkeervergunning?",
])
def test_out_of_scope_is_refused_with_a_referral(real_service, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer(question)
    assert not answer.answered and answer.citations == ()
    assert "14 071" in answer.text


def test_english_question_is_answered(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("Who determines the WOZ value of my house?")
    assert answer.answered
    assert "Belastingsamenwerking" in " ".join(answer.citations[0].path)


def test_resolved_context_is_returned(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("lasten bestuur 2028")
    doc = answer.citations[0].document
    assert answer.resolved == Resolved(2028, "Bestuur", "lasten", answer.citations[0].section_id, f"{doc}#bestuur",
                                       "amount", doc, quote=answer.citations[0].quote,
                                       quote_end=" ".join(answer.text.split())[-60:])  # the end of what it showed


def test_an_older_clients_state_still_works(real_service) -> None:  # type: ignore[no-untyped-def]
    follow = real_service.answer("En in 2028?", Resolved(2026, "Dienstverlening", "Lasten"))
    assert "€ 14.523.000" in follow.text


def test_anaphora_follow_up_uses_the_topic_of_the_previous_answer(real_service) -> None:  # type: ignore[no-untyped-def]
    first = real_service.answer("Wat doet Holland Rijnland?")
    follow = real_service.answer("Hoeveel draagt Leiden daaraan bij?", first.resolved)
    assert "€ 1.659.874" in follow.text


def test_an_amount_the_budget_does_not_give_is_refused(real_service) -> None:  # type: ignore[no-untyped-def]
    for question in ("Wat kost een paspoort?", "Wat is het tarief van de hondenbelasting?",
                     "Hoeveel kost een parkeervergunning in Leiden?"):
        answer = real_service.answer(question)
        assert not answer.answered and answer.citations == (), question
        assert "14 071" in answer.text
        assert not re.search(r"€\s?\d", answer.text), answer.text


def test_english_money_question_uses_the_tables(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("How much money is withdrawn from the elections reserve in 2027?")
    assert answer.answered and "€ 25.000" in answer.text
    assert answer.citations[0].title == "Reserves"


def test_a_quote_does_not_start_with_a_word_pointing_back() -> None:
    from types import SimpleNamespace

    from knowledge.answer import MAX_WORDS
    from knowledge.quote import answer_window

    filler = " ".join(["woord"] * 20) + "."
    texts = [filler, "Nu kiezen we een samenhangende aanpak.", "We maken een plan voor alle kanalen.",
             "Dit noemen we de kanalenstrategie.", filler, filler, filler]
    index = SimpleNamespace(sentences=[SimpleNamespace(text=t, chunk=0) for t in texts])
    window = answer_window(index, 3)  # type: ignore[arg-type]
    assert window[0] <= 2 and 3 in window  # what 'Dit' points at comes first
    assert sum(len(texts[i].split()) for i in window) <= MAX_WORDS
    assert texts[window[0]].split()[0] not in ("Dit", "Deze", "Ook")


def test_a_separable_verb_is_covered_by_its_participle(real_service) -> None:  # type: ignore[no-untyped-def]
    # 'handelt … af' ~ 'wordt … afgehandeld': the verb is in the passage, as a participle
    answer = real_service.answer("Welk deel van de vragen handelt het KCC meteen af?")
    assert answer.answered and "75%" in answer.text


def test_a_list_asked_for_is_quoted_whole() -> None:
    from types import SimpleNamespace

    from knowledge.answer import MAX_WORDS
    from knowledge.quote import LIST_WORDS, answer_window

    items = [f"Regio {n}: samenwerking op {' '.join(['taken'] * 12)}." for n in range(8)]
    texts = ["We werken samen op de volgende onderwerpen:", *items, "Daarna volgt iets anders."]
    index = SimpleNamespace(sentences=[SimpleNamespace(text=t, chunk=0) for t in texts],
                            chunks=[SimpleNamespace(section_id="s")])
    short = answer_window(index, 1)  # type: ignore[arg-type]
    whole = answer_window(index, 1, LIST_WORDS)  # type: ignore[arg-type]
    assert sum(len(texts[i].split()) for i in short) <= MAX_WORDS < sum(len(texts[i].split()) for i in whole)
    assert whole[0] == 0 and len(whole) > len(short)


def test_a_title_holding_the_asked_word_leads_the_quote(real_service) -> None:  # type: ignore[no-untyped-def]
    # the sentences of the prestatie do not name its products; its title does
    answer = real_service.answer("Wat hoort er bij de producten van burgerzaken?")
    assert answer.answered and "reisdocumenten, rijbewijzen, huwelijken" in answer.text


def test_a_compounds_head_is_not_covered_by_a_verb_with_the_same_short_stem(real_service) -> None:  # type: ignore[no-untyped-def]
    # the budget writes 'we heffen … op' (abolish), never a 'heffing' of this kind
    answer = real_service.answer("rioolheffing 2027")
    assert not answer.answered


def test_a_rows_text_columns_follow_its_name() -> None:
    from knowledge.render import render_table
    from knowledge.types import Cell

    cell = Cell("Vervanging brug", "Investering", 2026, "begroting", 900.0, "900", "× €1.000")
    text = render_table("Investeringen", "× €1.000", [cell], {"Vervanging brug": {
        "Omschrijving prestatie": "Onderhoud openbare ruimte", "Categorie": "Econ.", "VK/NK": "-"}})
    assert "Vervanging brug (Omschrijving prestatie: Onderhoud openbare ruimte; Categorie: Econ.) — Investering" in text


def test_a_year_the_question_names_must_be_in_the_passage(real_service) -> None:  # type: ignore[no-untyped-def]
    assert real_service.answer("Wat doet de rekenkamer in 2026?").answered  # the budget's own year
    past = real_service.answer("Wat deed de rekenkamer in 2019?")
    assert not past.answered and "onafhankelijk onderzoek" not in past.text  # no passage speaks of that year


def test_a_naming_sentence_brings_what_it_names() -> None:
    from types import SimpleNamespace

    from knowledge.quote import NAMES_WHAT_CAME, _described

    texts = ["Dit staat ergens anders.", "We bundelen de loketten tot een plek.", "Inwoners hoeven nog maar een keer "
             "hun verhaal te doen.", "Dit noemen we het 'eenloketmodel'.", "Daarna volgt iets anders."]
    index = SimpleNamespace(sentences=[SimpleNamespace(text=t, chunk=0) for t in texts])
    assert NAMES_WHAT_CAME.match(texts[3])
    assert _described(index, 3, [2, 3]) == [0, 1, 2, 3]  # type: ignore[arg-type]


def test_where_figures_come_from_is_each_indicators_source(real_service) -> None:  # type: ignore[no-untyped-def]
    question = "Welke bron gebruiken ze voor de effectindicatoren bij Bestuur?"
    assert real_service.understand(question).asks_source
    answer = real_service.answer(question)
    assert answer.answered and "Stadsenquete" in answer.text
    assert len(answer.citations) >= 3 and answer.citations[0].section_id.endswith("-effectindicatoren")  # the table


def test_a_paragraphs_first_sentence_naming_the_topic_leads_the_quote(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("Hoe werkt Leiden met data?")
    assert answer.answered and answer.text.startswith("De gemeente werkt steeds meer met data.")
    assert "datagedreven" in answer.text


def test_a_quote_reaching_a_lead_in_brings_its_list_to_the_last_item(real_service) -> None:  # type: ignore[no-untyped-def]
    answer = real_service.answer("Wat bereidt de griffie allemaal voor rond de verkiezingen?")
    assert answer.answered and "de verkiezingsuitslagavond;" in answer.text
    assert answer.text.endswith("de wisseling van raad en college.")  # the list ends with its last item


def test_a_term_is_quoted_with_the_sentence_that_says_what_it_is(real_service: Any) -> None:
    answer = real_service.answer("Wat wordt bedoeld met interne data?")
    assert answer.answered and "eigen werkzaamheden" in answer.text  # ('… interne data. Dit is data die …')
