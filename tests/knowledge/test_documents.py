"""Many documents: fictional programmes of other municipalities beside Leiden's, and a synthetic copy of Leiden's.

Nothing in the understanding code knows these documents: rows, reserves, years and names come from the corpus.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, ROOT

FIXTURES = ROOT / "tests" / "data" / "fixtures"


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    for path in [*DATA.glob("*.txt"), *DATA.glob("*.meta.json"), *FIXTURES.glob("*.txt"), *FIXTURES.glob("*.json")]:
        shutil.copy(path, folder / path.name)
    synthetic = tmp_path_factory.mktemp("synthetic")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_synthetic.py"), "--n", "1", "--seed", "7",
                    "--out", str(synthetic)], check=True, capture_output=True, text=True, cwd=ROOT)
    for path in synthetic.glob("*programma-1-*"):
        shutil.copy(path, folder / path.name)
    return folder


def service_for(folder: Path, tmp: Path, **settings: Any) -> Any:
    from knowledge.embedding import HashingEmbedder
    from knowledge.factory import build_service
    from knowledge.settings import Settings

    return build_service(Settings(data_dir=folder, index_dir=tmp / "index", model="hashing",
                                  feedback_db=tmp / "feedback.sqlite", **settings), embedder=HashingEmbedder())


@pytest.fixture(scope="module")
def many(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return service_for(corpus_dir, tmp_path_factory.mktemp("many-index"))


def test_metadata_comes_from_the_header_and_the_sidecar(many: Any) -> None:
    docs = {d.municipality: d for d in many.index.corpus.documents}
    assert {"Leiden", "Rijnwaarde", "Veenhoven", "Bremmerdijk"} <= set(docs)
    veenhoven = docs["Veenhoven"]
    assert (veenhoven.kind, veenhoven.year, veenhoven.programme, veenhoven.programme_number) == (
        "Programmabegroting", 2027, "Sociaal domein", "4")
    assert veenhoven.label == "gemeente Veenhoven, Programmabegroting 2027, programma 4 Sociaal domein"


def test_rows_of_a_document_nobody_here_wrote_are_answered_and_explained(many: Any) -> None:
    answer = many.answer("Wat zijn de lasten van Jeugd in 2027?")
    assert "€ 32.418.000" in answer.text and "gemeente Veenhoven" in answer.text
    assert answer.citations[0].document_title.startswith("gemeente Veenhoven")
    why = many.answer("waarom?", answer.resolved)
    assert why.citations[0].section_id.endswith("budgettaire-ontwikkelingen-beleidsterrein-jeugd")


def test_a_name_in_several_municipalities_asks_which(many: Any) -> None:
    answer = many.answer("Wat zijn de lasten van dienstverlening in 2026?")
    assert answer.method == "clarify" and not answer.answered
    assert answer.clarify is not None
    places = {o.label for o in answer.clarify.options}
    assert "Gemeente Leiden" in places and len(places) == 2
    leiden = next(o for o in answer.clarify.options if o.label == "Gemeente Leiden")
    assert "€ 14.909.000" in many.answer(leiden.question).text


def test_naming_the_municipality_answers_within_it(many: Any) -> None:
    answer = many.answer("Wat zijn de lasten van dienstverlening in 2026 in Leiden?")
    assert "€ 14.909.000" in answer.text and "gemeente Leiden" in answer.text


def test_the_default_municipality_setting_scopes_every_question(corpus_dir: Path, tmp_path: Path) -> None:
    service = service_for(corpus_dir, tmp_path, municipality="Leiden")
    answer = service.answer("Wat zijn de lasten van dienstverlening in 2026?")
    assert "€ 14.909.000" in answer.text
    assert not service.answer("Wat zijn de lasten van Jeugd in 2027?").answered


def test_a_programme_number_selects_its_document(many: Any) -> None:
    answer = many.answer("Wat is het saldo van programma 7 in 2026?")
    assert answer.answered and "gemeente Bremmerdijk" in answer.text


def test_search_and_answer_within_a_chosen_document(many: Any) -> None:
    leiden = next(d.id for d in many.index.corpus.documents if d.municipality == "Leiden")
    answer = many.answer("Wat zijn de lasten van dienstverlening in 2026?", None, (leiden,))
    assert "€ 14.909.000" in answer.text
    hits = many.search("reserves", 5, (leiden,))
    assert hits and all(h.section.document_id == leiden for h in hits)
