"""Parts of a subject, lists of what falls under it, and the out-of-scope rules, on documents nobody tuned on.

The fictional fixture documents (tests/data/fixtures) are indexed beside the real budget; questions name their
partijen and reserves, which no rule in the code knows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from knowledge.coverage import _part_of
from knowledge.understand import split_measure_compounds
from tests.knowledge.test_documents import corpus_dir, service_for  # noqa: F401  (module fixture)


@pytest.fixture(scope="module")
def svc(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:  # noqa: F811
    return service_for(corpus_dir, tmp_path_factory.mktemp("outline-index"))


def _slugs(answer: Any) -> list[str]:
    return [c.section_id.split(":", 1)[1] for c in answer.citations]


def test_a_named_part_of_a_partij_is_quoted_from_that_part(svc: Any) -> None:
    answer = svc.answer("Welke risico's noemt de begroting voor Werkbedrijf Veenstreek?")
    assert answer.answered and answer.method == "parts"
    assert "minimumloon" in answer.text
    assert all("werkbedrijf-veenstreek" in s and "risico" in s for s in _slugs(answer))


def test_a_part_question_without_subject_stays_with_the_previous_partij(svc: Any) -> None:
    first = svc.answer("Wat zijn de kansen van GGD Veenland?")
    assert first.answered and "gezondheidsmonitor" in first.text
    follow = svc.answer("welke risico's zijn er?", first.resolved)
    assert follow.answered and "jeugdartsen" in follow.text  # GGD Veenland's risks, not another partij's


def test_switching_partij_keeps_the_part_asked_about(svc: Any) -> None:
    first = svc.answer("Wat zijn de risico's van GGD Veenland?")
    assert "jeugdartsen" in first.text
    follow = svc.answer("en bij Werkbedrijf Veenstreek?", first.resolved)
    assert follow.answered and "minimumloon" in follow.text
    assert "jeugdartsen" not in follow.text


def test_which_reserves_lists_the_rows_of_the_reserves_table(svc: Any) -> None:
    answer = svc.answer("Welke reserves zijn er in Veenhoven?")
    assert answer.answered and answer.method == "outline"
    for name in ("Reserve sociaal domein", "Reserve jeugdhulp", "Reserve armoedebestrijding"):
        assert name.lower() in answer.text.lower()
    assert "totaal" not in answer.text.lower()


def test_which_members_is_not_answered_with_the_list_of_parts(svc: Any) -> None:
    answer = svc.answer("Welke gemeenten zitten in Werkbedrijf Veenstreek?")
    assert "Kansen" not in answer.text and "Risico's (top 3)" not in answer.text


def test_a_budget_of_a_municipality_not_in_the_index_is_refused(svc: Any) -> None:
    answer = svc.answer("Wat is de begroting van de gemeente Zandmeer?")
    assert not answer.answered and "niet in deze zoekdienst" in answer.text
    assert svc.understand("Wat zijn de lasten van de gemeente Veenhoven in 2027?").scope  # an indexed one is


def test_a_fee_for_ones_own_case_is_not_a_budget_line(svc: Any) -> None:
    for question in ("Wat kost het om mijn rijbewijs te verlengen?", "Hoeveel kost mijn paspoort?"):
        answer = svc.answer(question)
        assert not answer.answered and "tarief" in answer.text, question


def test_a_count_of_things_is_not_read_from_a_percentage_row(svc: Any) -> None:
    answer = svc.answer("Hoeveel zetels heeft de gemeenteraad?")
    assert answer.method != "table"


def test_a_compound_of_a_word_and_a_measure_is_split(svc: Any) -> None:
    vocab, words = svc.vocab, svc.index.vocabulary
    assert split_measure_compounds("totale programmalasten", vocab, words) == "totale programma lasten"
    assert split_measure_compounds("de lasten", vocab, words) == "de lasten"
    assert split_measure_compounds("onttrekkingen", vocab, words) == "onttrekkingen"  # a measure itself


def test_compound_parts_count_but_derivations_do_not() -> None:
    assert _part_of("schema", "vergaderschema")
    assert _part_of("klant", "klanttevredenheidsonderzoek")
    assert not _part_of("wacht", "verwacht")  # 'ver-' is a prefix, not a word
    assert not _part_of("raad", "raadsreserve")  # too short to be trusted inside a compound
