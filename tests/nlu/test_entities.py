"""Dutch entity recognition: years, codes, lines, measures, parties, reserves, amounts (runs on 3.10 and 3.11)."""

from __future__ import annotations

import pytest

from nlu.entities import extract_entities, normalise_code, parse_amount
from nlu.glossary import expand, looks_english


def _kinds(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for e in extract_entities(text):
        found.setdefault(e.kind, []).append(e.value)
    return found


def test_line_measure_year() -> None:
    assert _kinds("Wat zijn de lasten van dienstverlening in 2026?") == {
        "measure": ["Lasten"], "line": ["Dienstverlening"], "year": ["2026"]}


def test_typos_in_long_words_are_recognised() -> None:
    assert _kinds("wat kost dienstverleneing in 2027")["line"] == ["Dienstverlening"]


def test_programme_name_is_the_whole_programme() -> None:
    assert set(_kinds("Hoeveel kost het programma Bestuur en dienstverlening?")["line"]) == {"Programma"}


@pytest.mark.parametrize(("raw", "code"), [("1b1.4", "1B1.4"), ("1A1.2.", "1A1.2"), ("1a1.A", "1A1.a"),
                                           ("1B1", "1B1"), ("1A2.3", "1A2.3")])
def test_section_codes(raw: str, code: str) -> None:
    assert normalise_code(raw) == code
    assert _kinds(f"Wat staat er bij {raw}?")["section_code"] == [code]


def test_parties_and_reserves() -> None:
    assert _kinds("Wat betaalt Leiden aan de BSGR?")["party"] == ["Belastingsamenwerking Gouwe-Rijnland"]
    assert _kinds("risico's van Holland Rijnland")["party"] == ["Holland Rijnland"]
    assert _kinds("onttrekking egalisatiereserve verkiezingen")["reserve"] == ["Egalisatiereserve verkiezingen"]


def test_amounts() -> None:
    assert _kinds("een bijdrage van € 1.659.874,- en 2,5 miljoen")["amount"] == ["1659874", "2500000"]
    assert parse_amount("100.000 euro") == 100000


def test_english_measures_and_years() -> None:
    assert _kinds("What are the costs of public services in 2028?") == {
        "measure": ["Lasten"], "line": ["Dienstverlening"], "year": ["2028"]}


def test_nothing_in_unrelated_text() -> None:
    assert extract_entities("Wat zijn de openingstijden van het zwembad?") == []


def test_english_questions_are_expanded_with_dutch_terms() -> None:
    assert looks_english("When are the elections?")
    assert "verkiezingen" in expand("When are the elections?")
    assert expand("Wanneer zijn de verkiezingen?") == "Wanneer zijn de verkiezingen?"
