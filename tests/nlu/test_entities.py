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


@pytest.mark.parametrize(("raw", "code"), [("1b1.4", "1B1.4"), ("1A1.2.", "1A1.2"), ("1a1.A", "1A1.a"),
                                           ("1B1", "1B1"), ("1A2.3", "1A2.3")])
def test_section_codes(raw: str, code: str) -> None:
    assert normalise_code(raw) == code
    assert _kinds(f"Wat staat er bij {raw}?")["section_code"] == [code]


def test_amounts() -> None:
    assert _kinds("een bijdrage van € 1.659.874,- en 2,5 miljoen")["amount"] == ["1659874", "2500000"]
    assert parse_amount("100.000 euro") == 100000


def test_nothing_in_unrelated_text() -> None:
    assert extract_entities("Wat zijn de openingstijden van het zwembad?") == []


def test_english_questions_are_expanded_with_dutch_terms() -> None:
    assert looks_english("When are the elections?")
    assert "verkiezingen" in expand("When are the elections?")
    assert expand("Wanneer zijn de verkiezingen?") == "Wanneer zijn de verkiezingen?"


def test_names_come_from_the_corpus_not_from_constants() -> None:
    question = "Wat zijn de lasten van dienstverlening in 2026?"
    kinds = {e.kind for e in extract_entities(question)}
    assert kinds == {"measure", "year"}
    extra = {"line": {"Dienstverlening": ["dienstverlening"]}}
    found = {(e.kind, e.value) for e in extract_entities(question, extra=extra)}
    assert ("line", "Dienstverlening") in found and ("measure", "Lasten") in found and ("year", "2026") in found


def test_english_measures_and_years() -> None:
    found = {(e.kind, e.value) for e in extract_entities("How much does the city spend in 2027?")}
    assert ("measure", "Lasten") in found and ("year", "2027") in found


def test_typo_search_through_trigrams_finds_what_comparing_every_term_finds() -> None:
    """The trigram shortcut for misspelt names never loses a match a full comparison would make."""
    import difflib
    import random

    from nlu.entities import _Lexicon, fold

    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"
    terms = ["".join(rng.choice(letters) for _ in range(rng.randint(8, 14))) for _ in range(300)]
    terms += ["dienstverlening", "burgerzaken", "belastingsamenwerking", "rekenkamercommissie"]
    lexicon = _Lexicon("line", {t: () for t in terms})
    ordered = sorted({fold(t) for t in terms}, key=len, reverse=True)
    checked = found = 0
    for term in terms:
        for _ in range(4):  # misspell: drop, double, swap or replace letters
            word = list(term)
            for _ in range(rng.randint(1, 2)):
                i = rng.randrange(len(word) - 1)
                op = rng.choice("drsx")
                if op == "d":
                    del word[i]
                elif op == "r":
                    word.insert(i, word[i])
                elif op == "s":
                    word[i], word[i + 1] = word[i + 1], word[i]
                else:
                    word[i] = rng.choice(letters)
            typo = "".join(word)
            if len(typo) < 8:
                continue
            for size in range(len(typo) - 2, len(typo) + 3):
                brute = next((t for t in ordered if len(t) == size
                              and difflib.SequenceMatcher(None, typo, t).ratio() >= 0.88), None)
                assert lexicon._near(typo, size) == brute
                checked += 1
                found += brute is not None
    assert checked > 3000 and found > 300
