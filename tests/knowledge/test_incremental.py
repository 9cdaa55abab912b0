"""The incremental index (only new or changed texts are embedded), `knowledge add|remove`, and hot reload of a
running service: a real uvicorn server keeps answering, without one failed request, while a document is added."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from knowledge.embedding import HashingEmbedder
from knowledge.factory import DocumentError, add_document, build_service, build_with_report, remove_document
from knowledge.index import load_index
from knowledge.ingest import IngestError
from knowledge.settings import Settings
from tests.conftest import BUDGET, ROOT

FIXTURES = ROOT / "tests" / "data" / "fixtures"
VEENHOVEN = FIXTURES / "veenhoven-2027-programma-4-sociaal-domein.txt"
JEUGD = "Wat zijn de lasten van Jeugd in 2027 in Veenhoven?"
JEUGD_2027 = "€ 32.418.000"


class CountingEmbedder(HashingEmbedder):
    """The fake embedder, counting what it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super().embed_passages(texts)


def _settings(tmp_path: Path, data: Path) -> Settings:
    return Settings(data_dir=data, index_dir=tmp_path / "index", model="hashing", feedback_db=tmp_path / "f.sqlite",
                    rasa_url="", rate_limit="0", web_dir=ROOT / "web")


def _state(settings: Settings) -> tuple[str, list[str]]:
    """The manifest and the data folder's file names: what a refused command must leave as it was."""
    return ((settings.index_dir / "manifest.json").read_text(),
            sorted(p.name for p in settings.data_dir.iterdir()))


# ------------------------------------------------------------------------------------------ incremental build


def test_only_new_or_changed_texts_are_embedded_and_vectors_match_a_full_build(tmp_path: Path,
                                                                               data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    first = CountingEmbedder()
    report = build_with_report(settings, embedder=first, show_progress=False)
    assert report.added == [BUDGET.stem] and report.reused == 0 and report.embedded == len(set(first.embedded))
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert set(manifest["document_hashes"]) == {BUDGET.stem} and len(manifest["document_hashes"][BUDGET.stem]) == 64

    # a new document: only its texts are embedded, the first document's vectors are reused
    shutil.copy(VEENHOVEN, data_dir)
    shutil.copy(VEENHOVEN.with_name(f"{VEENHOVEN.stem}.meta.json"), data_dir)
    second = CountingEmbedder()
    report = build_with_report(settings, embedder=second, show_progress=False)
    assert report.added == [VEENHOVEN.stem] and report.unchanged == [BUDGET.stem]
    assert 0 < report.embedded == len(second.embedded) and not set(second.embedded) & set(first.embedded)
    incremental = load_index(settings.index_dir)

    # ... and the result is the index a build from nothing gives: same chunks, same order, same vectors
    full_settings = settings.with_(index_dir=tmp_path / "full")
    build_with_report(full_settings, embedder=HashingEmbedder(), show_progress=False)
    full = load_index(full_settings.index_dir)
    assert [c.id for c in incremental.chunks] == [c.id for c in full.chunks]
    assert np.array_equal(incremental.vectors, full.vectors)
    assert np.array_equal(incremental.sentence_vectors, full.sentence_vectors)

    # a changed sidecar changes the document's hash, not its texts: nothing to embed; no change: nothing either
    (data_dir / f"{BUDGET.stem}.meta.json").write_text('{"municipality": "Leiden"}', encoding="utf-8")
    report = build_with_report(settings, embedder=CountingEmbedder(), show_progress=False)
    assert report.changed == [BUDGET.stem] and report.embedded == 0
    assert load_index(settings.index_dir).corpus.documents[0].municipality == "Leiden"
    # a changed amount: only the texts holding it are embedded again
    text = (data_dir / VEENHOVEN.name).read_text(encoding="utf-8")
    (data_dir / VEENHOVEN.name).write_text(text.replace("32.418", "32.419", 1), encoding="utf-8")
    third = CountingEmbedder()
    report = build_with_report(settings, embedder=third, show_progress=False)
    assert report.changed == [VEENHOVEN.stem] and 0 < report.embedded <= 5, third.embedded


def test_a_damaged_or_other_model_index_is_not_a_source_of_vectors(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    build_with_report(settings, embedder=HashingEmbedder(), show_progress=False)
    vectors = settings.index_dir / "vectors.npy"
    data = bytearray(vectors.read_bytes())
    data[-1] ^= 0xFF
    vectors.write_bytes(bytes(data))
    report = build_with_report(settings, embedder=HashingEmbedder(), show_progress=False)
    assert report.reused == 0 and report.full_reason and "beschadigd" in report.full_reason
    other = build_with_report(settings.with_(model="hashing:32"), embedder=HashingEmbedder(32), show_progress=False)
    assert other.reused == 0 and load_index(settings.index_dir).vectors.shape[1] == 32


def test_unchanged_corpus_needs_no_model_at_all(tmp_path: Path, data_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.factory

    settings = _settings(tmp_path, data_dir)
    shutil.copy(VEENHOVEN, data_dir)
    build_with_report(settings, embedder=HashingEmbedder(), show_progress=False)

    def no_model(settings: Settings) -> Any:
        raise AssertionError("the model was loaded although every vector is stored")

    monkeypatch.setattr(knowledge.factory, "load_embedder_for", no_model)
    report = build_with_report(settings, show_progress=False)
    assert report.embedded == 0 and report.unchanged == [BUDGET.stem, VEENHOVEN.stem]
    report = remove_document(settings, VEENHOVEN.stem, show_progress=False)
    assert report.embedded == 0 and report.removed == [VEENHOVEN.stem]


# ---------------------------------------------------------------------------------------------- add / remove


def test_add_and_remove_a_document(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    build_with_report(settings, embedder=HashingEmbedder(), show_progress=False)
    report = add_document(settings, VEENHOVEN, embedder=HashingEmbedder(), show_progress=False)
    assert report.added == [VEENHOVEN.stem]
    assert (data_dir / VEENHOVEN.name).is_file() and (data_dir / f"{VEENHOVEN.stem}.meta.json").is_file()
    service = build_service(settings, embedder=HashingEmbedder())  # current: loaded, not rebuilt
    assert JEUGD_2027 in service.answer(JEUGD).text
    report = remove_document(settings, f"{VEENHOVEN.stem}.txt", embedder=HashingEmbedder(), show_progress=False)
    assert report.removed == [VEENHOVEN.stem] and report.embedded == 0
    assert sorted(p.name for p in data_dir.iterdir()) == [BUDGET.name]
    assert [d.id for d in load_index(settings.index_dir).corpus.documents] == [BUDGET.stem]


def test_refused_add_or_remove_changes_nothing(tmp_path: Path, data_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(tmp_path, data_dir)
    build_with_report(settings, embedder=HashingEmbedder(), show_progress=False)
    before = _state(settings)
    recipe = tmp_path / "recept.txt"
    recipe.write_text("Pannenkoeken\n\nMeng de bloem met melk.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="recept.txt"):
        add_document(settings, recipe, embedder=HashingEmbedder())
    with pytest.raises(DocumentError, match="bestaat niet"):
        add_document(settings, tmp_path / "nergens.txt", embedder=HashingEmbedder())
    with pytest.raises(DocumentError, match="alleen .txt"):
        add_document(settings, tmp_path / "f.sqlite", embedder=HashingEmbedder())
    with pytest.raises(DocumentError, match="geen document 'onbekend'"):
        remove_document(settings, "onbekend", embedder=HashingEmbedder())
    with pytest.raises(DocumentError, match="enige document"):
        remove_document(settings, BUDGET.stem, embedder=HashingEmbedder())
    assert _state(settings) == before

    # the document itself is fine but the build fails (here: the indexer breaks): the copy is taken back
    import knowledge.factory

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("indexer stuk")

    monkeypatch.setattr(knowledge.factory, "save_index", broken)
    with pytest.raises(RuntimeError, match="indexer stuk"):
        add_document(settings, VEENHOVEN, embedder=HashingEmbedder())
    assert _state(settings) == before


def test_the_command_line_adds_and_removes_with_dutch_messages(tmp_path: Path, data_dir: Path) -> None:
    settings = _settings(tmp_path, data_dir)
    env = {**os.environ, "BW_DATA_DIR": str(data_dir), "BW_INDEX_DIR": str(settings.index_dir),
           "BW_EMBED_MODEL": "hashing"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "knowledge", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    built = run("build")
    assert built.returncode == 0 and "1 nieuw" in built.stdout, built.stderr
    added = run("add", str(VEENHOVEN))
    assert added.returncode == 0, added.stderr
    assert f"Document {VEENHOVEN.stem} toegevoegd" in added.stdout and "1 ongewijzigd" in added.stdout
    before = _state(settings)
    missing = run("remove", "bestaat-niet")
    assert missing.returncode == 1 and "geen document 'bestaat-niet'" in missing.stderr
    assert "niet veranderd" in missing.stderr and "Traceback" not in missing.stderr
    assert _state(settings) == before
    removed = run("remove", VEENHOVEN.stem)
    assert removed.returncode == 0 and f"Document {VEENHOVEN.stem} verwijderd" in removed.stdout
    assert "0 teksten ingebed" in removed.stdout


# ------------------------------------------------------------------------------------------------ hot reload


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def served(tmp_path: Path, data_dir: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Settings]]:
    """A real uvicorn server on loopback over an index of the Leiden budget (fake embedder)."""
    import uvicorn

    from knowledge.api import create_app

    settings = _settings(tmp_path, data_dir).with_(staff_token="geheim", **getattr(request, "param", {}))
    service = build_service(settings, embedder=HashingEmbedder())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, service), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", settings
    finally:
        server.should_exit = True
        thread.join(10)


class Firing:
    """A client thread firing /api/answer continuously, counting every failed request."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.ok = 0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        questions = ["Wat kost dienstverlening in 2027?", JEUGD, "Wat zijn de baten van bestuur in 2024?"]
        with httpx.Client(base_url=self.base, timeout=10) as client:
            i = 0
            while not self.stop.is_set():
                question = questions[i % len(questions)]
                i += 1
                try:
                    reply = client.post("/api/answer", json={"question": question})
                except httpx.HTTPError as exc:
                    self.failures.append(f"{question}: {type(exc).__name__}")
                    continue
                if reply.status_code != 200 or not reply.json().get("answer"):
                    self.failures.append(f"{question}: {reply.status_code} {reply.text[:200]}")
                else:
                    self.ok += 1

    def __enter__(self) -> Firing:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(15)


def _add_with_the_command_line(settings: Settings) -> None:
    env = {**os.environ, "BW_DATA_DIR": str(settings.data_dir), "BW_INDEX_DIR": str(settings.index_dir),
           "BW_EMBED_MODEL": "hashing"}
    result = subprocess.run([sys.executable, "-m", "knowledge", "add", str(VEENHOVEN)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def _answer(base: str, question: str) -> str:
    reply = httpx.post(f"{base}/api/answer", json={"question": question}, timeout=10)
    assert reply.status_code == 200
    return str(reply.json()["answer"])


def test_the_running_service_picks_up_an_added_document_without_a_failed_request(
        served: tuple[str, Settings]) -> None:
    base, settings = served
    assert JEUGD_2027 not in _answer(base, JEUGD)
    with Firing(base) as firing:
        time.sleep(0.5)
        _add_with_the_command_line(settings)  # writes the new index; the manifest watcher loads and swaps it
        deadline = time.monotonic() + 30
        while JEUGD_2027 not in _answer(base, JEUGD):
            assert time.monotonic() < deadline, "the new index was not picked up"
            time.sleep(0.1)
        time.sleep(0.5)
    assert firing.failures == [] and firing.ok > 20
    documents = httpx.get(f"{base}/api/documents", timeout=10).json()
    assert {d["id"] for d in documents} == {BUDGET.stem, VEENHOVEN.stem}
    assert httpx.get(f"{base}/health", timeout=10).json()["index"]["documents"] == 2


@pytest.mark.parametrize("served", [{"index_watch_seconds": 0.0}], indirect=True)
def test_a_staff_reload_swaps_the_index_without_a_failed_request(served: tuple[str, Settings]) -> None:
    base, settings = served
    assert httpx.post(f"{base}/api/reload", timeout=10).status_code == 401
    wrong = httpx.post(f"{base}/api/reload", headers={"Authorization": "Bearer fout"}, timeout=10)
    assert wrong.status_code == 401 and "medewerker" in wrong.json()["detail"]
    with Firing(base) as firing:
        time.sleep(0.3)
        _add_with_the_command_line(settings)
        time.sleep(1.5)  # the watcher is off: still the old index
        assert JEUGD_2027 not in _answer(base, JEUGD)
        reply = httpx.post(f"{base}/api/reload", headers={"Authorization": "Bearer geheim"}, timeout=30)
        assert reply.status_code == 200, reply.text
        assert reply.json()["documents"] == [BUDGET.stem, VEENHOVEN.stem]
        assert JEUGD_2027 in _answer(base, JEUGD)
        time.sleep(0.3)
    assert firing.failures == [] and firing.ok > 10

    # a damaged index on disk: the reload says so in Dutch and the service keeps answering from the one in use
    (settings.index_dir / "vectors.npy").write_bytes(b"kapot")
    failed = httpx.post(f"{base}/api/reload", headers={"Authorization": "Bearer geheim"}, timeout=30)
    assert failed.status_code == 503 and "vorige blijft in gebruik" in failed.json()["detail"]
    assert "vectors.npy" in failed.json()["detail"]
    assert JEUGD_2027 in _answer(base, JEUGD)
