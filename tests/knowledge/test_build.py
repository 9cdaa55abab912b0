"""Building the index: several documents, clear errors, and a failed build leaves the old index intact."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from knowledge.embedding import HashingEmbedder
from knowledge.factory import build
from knowledge.index import FORMAT_VERSION, IndexDamaged, code_fingerprint, corpus_fingerprint, load_index
from knowledge.ingest import IngestError, budget_files, load_corpus
from knowledge.settings import Settings
from tests.conftest import BUDGET, ROOT


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


# ------------------------------------------------------------------ manifest: checksums, corpus and code hashes


def _service(settings: Settings):  # type: ignore[no-untyped-def]
    from knowledge.factory import build_service

    return build_service(settings, embedder=HashingEmbedder())


def _manifest(settings: Settings) -> dict:
    return json.loads((settings.index_dir / "manifest.json").read_text())


def test_manifest_records_checksums_and_what_the_index_was_built_from(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    build(settings, embedder=HashingEmbedder(), show_progress=False)
    manifest = _manifest(settings)
    assert manifest["model"] == "hashing"
    assert manifest["code_hash"] == code_fingerprint()
    assert manifest["corpus_hash"] == corpus_fingerprint(data_dir) and len(manifest["corpus_hash"]) == 64
    stored = {p.relative_to(settings.index_dir).as_posix() for p in settings.index_dir.rglob("*")
              if p.is_file() and p.name != "manifest.json"}
    assert set(manifest["files"]) == stored and {"vectors.npy", "corpus.json", "chunks.json"} <= stored
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((settings.index_dir / name).read_bytes()).hexdigest() == digest


def test_corpus_hash_follows_content_not_file_times(tmp_path: Path, data_dir: Path) -> None:
    before = corpus_fingerprint(data_dir)
    path = data_dir / BUDGET.name
    path.write_bytes(path.read_bytes())  # same content, new modification time
    assert corpus_fingerprint(data_dir) == before
    (data_dir / f"{BUDGET.stem}.meta.json").write_text('{"municipality": "Leiden"}')
    assert corpus_fingerprint(data_dir) != before


def test_a_changed_corpus_makes_the_service_rebuild_the_index(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    assert _service(settings).index.corpus.documents[0].municipality == ""
    built = _manifest(settings)["corpus_hash"]
    (data_dir / f"{BUDGET.stem}.meta.json").write_text('{"municipality": "Leiden"}', encoding="utf-8")
    service = _service(settings)
    assert service.index.corpus.documents[0].municipality == "Leiden"  # the new corpus, not the stored one
    assert _manifest(settings)["corpus_hash"] == corpus_fingerprint(data_dir) != built


def test_changed_index_code_makes_the_service_rebuild_the_index(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    _service(settings)
    manifest = _manifest(settings)
    manifest["code_hash"] = "0" * 64  # as if parse.py or chunk.py had changed since the build
    (settings.index_dir / "manifest.json").write_text(json.dumps(manifest))
    old_built = (settings.index_dir / "chunks.json").stat().st_ino
    _service(settings)
    assert _manifest(settings)["code_hash"] == code_fingerprint()
    assert (settings.index_dir / "chunks.json").stat().st_ino != old_built  # a new folder was swapped in


def test_an_index_of_another_model_or_format_is_rebuilt(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    _service(settings)
    assert _service(settings.with_(model="hashing:32")).index.vectors.shape[1] == 64  # embedder given: 64 dims
    assert _manifest(settings)["model"] == "hashing:32"
    manifest = _manifest(settings)
    manifest["format"] = 1
    (settings.index_dir / "manifest.json").write_text(json.dumps(manifest))
    _service(settings)
    assert _manifest(settings)["format"] == FORMAT_VERSION


def test_a_parser_that_raises_is_not_hidden_by_a_stale_index(tmp_path: Path, data_dir: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.parse

    settings = _settings(tmp_path, data_dir)
    _service(settings)
    manifest = _manifest(settings)
    manifest["code_hash"] = "f" * 64  # the parser's code changed (here: it raises) since the index was built
    (settings.index_dir / "manifest.json").write_text(json.dumps(manifest))

    def broken(document_id: str, text: str) -> None:
        raise RuntimeError("parser stuk")

    monkeypatch.setattr(knowledge.parse, "parse_budget", broken)
    with pytest.raises(RuntimeError, match="parser stuk"):
        _service(settings)
    # and a changed corpus also goes through the (broken) parser
    manifest["code_hash"] = code_fingerprint()
    (settings.index_dir / "manifest.json").write_text(json.dumps(manifest))
    (data_dir / "tweede.txt").write_text(BUDGET.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="parser stuk"):
        _service(settings)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "file", "reason"),
    [
        (_truncate, "vectors.npy", "controlegetal"),
        (_flip_last_byte, "vectors.npy", "controlegetal"),  # same size, different numbers: wrong answers
        (lambda p: p.unlink(), "chunks.json", "ontbreekt"),
        (lambda p: p.write_text("{kapot"), "corpus.json", "controlegetal"),
        (lambda p: p.write_text("{kapot"), "manifest.json", "JSON"),
        (lambda p: p.unlink(), "manifest.json", "ontbreekt"),
    ],
)
def test_a_damaged_index_refuses_to_start_and_is_not_rebuilt(tmp_path: Path, data_dir: Path, damage: Any,
                                                             file: str, reason: str) -> None:
    settings = _settings(tmp_path, data_dir)
    _service(settings)
    target = settings.index_dir / file
    damage(target)
    damaged = target.read_bytes() if target.exists() else None
    with pytest.raises(IndexDamaged) as caught:
        _service(settings)
    message = str(caught.value)
    assert str(target) in message and reason in message
    assert "beschadigd" in message and "python -m knowledge build" in message
    assert (target.read_bytes() if target.exists() else None) == damaged  # not silently rebuilt
    with pytest.raises(IndexDamaged):
        load_index(settings.index_dir)
    # `knowledge build` always rebuilds, and then the service starts again
    build(settings, embedder=HashingEmbedder(), show_progress=False)
    assert _service(settings).index.vectors.shape[0] == len(_service(settings).index.chunks)


def test_health_reports_a_damaged_index_and_answers_are_a_dutch_503(tmp_path: Path, data_dir: Path) -> None:
    from fastapi.testclient import TestClient

    from knowledge.api import create_app

    settings = _settings(tmp_path, data_dir).with_(feedback_db=tmp_path / "f.sqlite", rasa_url="")
    _service(settings)
    _truncate(settings.index_dir / "vectors.npy")
    with TestClient(create_app(settings)) as client:  # loads the index itself, like `knowledge serve`
        health = client.get("/health")
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "down" and body["index"]["status"] == "damaged"
        assert "vectors.npy" in body["index"]["detail"] and "python -m knowledge build" in body["index"]["detail"]
        assert body["model"]["status"] == "ok" and body["feedback_store"]["status"] == "ok"
        answer = client.post("/api/answer", json={"question": "Wat kost dienstverlening in 2026?"})
        assert answer.status_code == 503 and "niet geladen" in answer.json()["detail"]
        assert client.get("/api/search", params={"q": "WOZ"}).status_code == 503


def test_health_reports_a_missing_model(tmp_path: Path, data_dir: Path) -> None:
    from fastapi.testclient import TestClient

    from knowledge.api import create_app

    settings = _settings(tmp_path, data_dir).with_(feedback_db=tmp_path / "f.sqlite", rasa_url="")
    _service(settings)  # a sound index
    missing = settings.with_(model=str(tmp_path / "geen-model"))
    with TestClient(create_app(missing)) as client:
        body = client.get("/health")
        assert body.status_code == 503
        assert body.json()["model"]["status"] == "unavailable" and "geen-model" in body.json()["model"]["detail"]
        assert body.json()["index"]["status"] == "not_loaded"


def test_the_command_line_names_the_damaged_file(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    _service(settings)
    _truncate(settings.index_dir / "vectors.npy")
    env = {**os.environ, "BW_INDEX_DIR": str(settings.index_dir), "BW_DATA_DIR": str(data_dir),
           "BW_EMBED_MODEL": "hashing", "BW_RETRIEVAL": "bm25"}
    result = subprocess.run([sys.executable, "-m", "knowledge", "ask", "Wat kost dienstverlening?"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "vectors.npy" in result.stderr and "python -m knowledge build" in result.stderr
    assert "Traceback" not in result.stderr
