"""Abbreviations answered with the words the budget spells them out with (real budget and a fictional one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.knowledge.test_documents import corpus_dir, service_for  # noqa: F401  (module fixture)


@pytest.mark.parametrize(("question", "spelled"), [
    ("waar staat de afkorting BAG voor", "Basisregistratie Adressen en Gebouwen"),
    ("what does BRP stand for?", "Basisregistratie Personen"),
    ("wat betekent kcc", "Klant Contact Centrum"),
])
def test_an_abbreviation_is_spelled_out_from_the_budget(real_service: Any, question: str, spelled: str) -> None:
    answer = real_service.answer(question)
    assert answer.answered and answer.method == "definition" and f"staat voor: {spelled}." in answer.text
    assert answer.citations and f"({answer.text.split()[0]})" in answer.citations[0].quote


def test_a_subject_the_budget_describes_keeps_its_description(real_service: Any) -> None:
    answer = real_service.answer("wat is de BSGR")
    assert answer.answered and "staat voor" not in answer.text and "samenwerkingsverband" in answer.text


def test_one_word_before_an_abbreviation_does_not_spell_it_out(corpus_dir: Path,  # noqa: F811
                                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    svc = service_for(corpus_dir, tmp_path_factory.mktemp("abbreviation-index"))
    answer = svc.answer("waar staat BUIG voor?")  # written after 'bijstandsuitkeringen', which is no spelling
    assert "staat voor: bijstandsuitkeringen" not in answer.text
