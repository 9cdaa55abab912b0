"""Building the index: several documents, clear errors, and a failed build leaves the old index intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from knowledge.embedding import HashingEmbedder
from knowledge.factory import build
from knowledge.index import load_index
from knowledge.ingest import IngestError, budget_files, load_corpus
from knowledge.settings import Settings
from tests.conftest import BUDGET


def _settings(tmp_path: Path, data: Path) -> Settings:
    return Settings(data_dir=data, index_dir=tmp_path / "index", model="hashing")


def test_build_indexes_every_document_and_names_it(tmp_path: Path, data_dir: Path) -> None:
    shutil.copy(BUDGET, data_dir / "tweede-begroting.txt")
    settings = _settings(tmp_path, data_dir)
    build(settings, embedder=HashingEmbedder(), show_progress=False)
    index = load_index(settings.index_dir)
    assert [d.id for d in index.corpus.documents] == [BUDGET.stem, "tweede-begroting"]
    assert {c.document_id for c in index.chunks} == {BUDGET.stem, "tweede-begroting"}
    assert index.vectors.shape == (len(index.chunks), 64)
    cells = [c.text for c in index.chunks if c.kind == "cell"]
    assert "Programmakosten — Dienstverlening — lasten — begroting 2026: € 14.909.000 (in de tabel: 14.909 × €1.000)" \
        in cells


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("leeg.txt", b"", "leeg"),
        ("latin1.txt", "Programmabegroting 2026\n\n3.1.1 Bestuur\n\nRéserve".encode("latin-1"), "UTF-8"),
        ("recept.txt", b"Pannenkoeken\n\nMeng de bloem met melk.\n", "programmabegroting"),
        ("binair.txt", b"\x00\x01\x02 data", "binair"),
    ],
)
def test_bad_file_fails_with_its_name_and_keeps_old_index(
    tmp_path: Path, data_dir: Path, name: str, content: bytes, reason: str
) -> None:
    settings = _settings(tmp_path, data_dir)
    build(settings, embedder=HashingEmbedder(), show_progress=False)
    manifest = (settings.index_dir / "manifest.json").read_text()
    (data_dir / name).write_bytes(content)
    with pytest.raises(IngestError) as caught:
        build(settings, embedder=HashingEmbedder(), show_progress=False)
    assert name in str(caught.value) and reason in str(caught.value)
    assert (settings.index_dir / "manifest.json").read_text() == manifest
    assert load_index(settings.index_dir).corpus.documents[0].id == BUDGET.stem
    assert not [p for p in settings.index_dir.parent.iterdir() if p.name.startswith(".index-")]


def test_empty_or_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="geen .txt-bestanden"):
        budget_files(tmp_path)
    with pytest.raises(IngestError, match="bestaat niet"):
        budget_files(tmp_path / "nope")


def test_rebuild_gives_the_same_ids(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    build(settings, embedder=HashingEmbedder(), show_progress=False)
    first = json.loads((settings.index_dir / "chunks.json").read_text())
    build(settings, embedder=HashingEmbedder(), show_progress=False)
    second = json.loads((settings.index_dir / "chunks.json").read_text())
    assert [c["id"] for c in first] == [c["id"] for c in second]
    assert load_corpus(budget_files(data_dir)).sections[0].id == f"{BUDGET.stem}:programma"
