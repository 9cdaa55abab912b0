"""The one factory: settings in, a ready service out (index loaded or built, model loaded once)."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from knowledge.embedding import Embedder, load_embedder
from knowledge.index import (
    build_index,
    corpus_fingerprint,
    document_hashes,
    index_exists,
    index_lock,
    load_index,
    load_vector_cache,
    read_manifest,
    save_index,
    stale_reason,
)
from knowledge.ingest import IngestError, budget_files, load_corpus, read_document
from knowledge.service import Service
from knowledge.settings import Settings

log = logging.getLogger("knowledge.factory")


class ModelUnavailable(Exception):
    """The embedding model named in the settings cannot be loaded (the message is Dutch and names it)."""


def load_embedder_for(settings: Settings) -> Embedder:
    """Load the embedding model named in the settings; ModelUnavailable when that fails."""
    try:
        return load_embedder(settings.model)
    except Exception as exc:  # a missing folder, a damaged file, an unreachable hub: all mean "no model"
        raise ModelUnavailable(
            f"Het taalmodel {settings.model!r} kan niet geladen worden ({type(exc).__name__}: {exc}). "
            f"Bouw het met `python -m knowledge.e5convert {settings.model}` (of `make setup`)."
        ) from exc


@dataclass
class BuildReport:
    """What a build did: which documents were new, changed, unchanged or removed, and what was embedded."""

    index_dir: Path
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    chunks: int = 0
    seconds: float = 0.0
    full_reason: str | None = None  # why no vectors could be reused (None: the previous index was reused)

    def summary(self) -> str:
        """One Dutch paragraph for the command line."""
        def names(ids: list[str]) -> str:
            return f" ({', '.join(ids)})" if ids and len(ids) <= 5 else ""

        parts = [f"{len(self.added)} nieuw{names(self.added)}", f"{len(self.changed)} gewijzigd{names(self.changed)}",
                 f"{len(self.unchanged)} ongewijzigd", f"{len(self.removed)} verwijderd{names(self.removed)}"]
        lines = [f"Documenten: {', '.join(parts)}.",
                 f"{self.embedded} teksten ingebed, {self.reused} hergebruikt uit de vorige index; "
                 f"{self.chunks} stukken, in {self.seconds:.1f} s."]
        if self.full_reason and self.embedded:
            lines.append(f"Alles is opnieuw ingebed: {self.full_reason}.")
        return "\n".join(lines)


def _previous_hashes(index_dir: Path) -> dict[str, str]:
    try:
        hashes = read_manifest(index_dir).get("document_hashes") if index_exists(index_dir) else None
    except Exception:  # a damaged manifest: every document counts as new
        return {}
    return {str(k): str(v) for k, v in hashes.items()} if isinstance(hashes, dict) else {}


def _build(settings: Settings, data_dir: Path, embedder: Embedder | None, show_progress: bool) -> BuildReport:
    started = time.perf_counter()
    corpus_hash = corpus_fingerprint(data_dir)  # before reading: a file changed meanwhile makes the index stale
    files = budget_files(data_dir)
    hashes = document_hashes(files)
    corpus = load_corpus(files)
    previous = _previous_hashes(settings.index_dir)
    cache, reason = load_vector_cache(settings.index_dir, settings.model)
    loaded: list[Embedder] = [embedder] if embedder is not None else []

    def model() -> Embedder:  # loaded only when some text is not in the cache
        if not loaded:
            loaded.append(load_embedder_for(settings))
        return loaded[0]

    with tqdm(total=None, desc="Indexeren", unit="tekst", disable=not show_progress, file=sys.stderr) as bar:
        index = build_index(corpus, model, settings.model, progress=bar.update, cache=cache,
                            on_total=lambda n: bar.reset(total=n))
    save_index(index, settings.index_dir, corpus_hash, hashes)
    report = BuildReport(
        settings.index_dir,
        added=[d for d in hashes if d not in previous],
        changed=[d for d in hashes if d in previous and previous[d] != hashes[d]],
        unchanged=[d for d in hashes if previous.get(d) == hashes[d]],
        removed=[d for d in previous if d not in hashes],
        embedded=cache.misses, reused=cache.hits, chunks=len(index.chunks),
        seconds=time.perf_counter() - started, full_reason=reason)
    log.info("index %s gebouwd: %s", settings.index_dir, report.summary().replace("\n", " "))
    return report


def build_with_report(settings: Settings, data_dir: Path | None = None, embedder: Embedder | None = None,
                      show_progress: bool = True) -> BuildReport:
    """Ingest every document in a folder and write the index, always (also over a damaged one), embedding only
    texts the previous index does not hold; a bad file leaves the old index untouched."""
    with index_lock(settings.index_dir):
        return _build(settings, data_dir or settings.data_dir, embedder, show_progress)


def build(settings: Settings, data_dir: Path | None = None, embedder: Embedder | None = None,
          show_progress: bool = True) -> Path:
    """Ingest every document in a folder and write the index (see build_with_report); returns its folder."""
    return build_with_report(settings, data_dir, embedder, show_progress).index_dir


class DocumentError(ValueError):
    """`knowledge add` or `knowledge remove` cannot do what was asked (Dutch message); nothing was changed."""


class _Backup:
    """Files tracked here are copied away before they are changed, so they can be put back."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="bw-backup-"))
        self.saved: dict[Path, Path | None] = {}

    def track(self, path: Path) -> None:
        if path in self.saved:
            return
        if path.exists():
            copy = self.folder / path.name
            shutil.copy2(path, copy)
            self.saved[path] = copy
        else:
            self.saved[path] = None

    def restore(self) -> None:
        for path, copy in self.saved.items():
            if copy is None:
                path.unlink(missing_ok=True)
            else:
                shutil.copy2(copy, path)


@contextmanager
def _data_change() -> Iterator[_Backup]:
    """When the block fails, every tracked file is put back as it was (or removed again when it did not exist),
    so a failed add or remove leaves the data folder as the index describes it."""
    backup = _Backup()
    try:
        yield backup
    except BaseException:
        backup.restore()
        raise
    finally:
        shutil.rmtree(backup.folder, ignore_errors=True)


def _copy_into(source: Path, target: Path) -> None:
    """Copy a file into a folder atomically (a temporary name, then a rename)."""
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(source, tmp)
    tmp.replace(target)


def add_document(settings: Settings, file: Path, embedder: Embedder | None = None,
                 show_progress: bool = True) -> BuildReport:
    """Copy a budget file (and its '<name>.meta.json', if any) into the data folder and rebuild the index
    incrementally. The file is read and parsed first: a bad file changes neither the data folder nor the index.
    A document of the same name is replaced (a new version)."""
    if file.suffix.lower() != ".txt":
        raise DocumentError(f"{file}: alleen .txt-bestanden (de tekstexport van een begroting) kunnen worden "
                            "toegevoegd")
    if not file.is_file():
        raise DocumentError(f"{file}: het bestand bestaat niet")
    read_document(file)  # IngestError (Dutch, names the file) when it is not a readable budget
    data_dir = settings.data_dir
    if not data_dir.is_dir():
        raise DocumentError(f"{data_dir}: de datamap bestaat niet")
    sidecar = file.with_name(f"{file.stem}.meta.json")
    with index_lock(settings.index_dir), _data_change() as backup:
        target = data_dir / file.name
        if file.resolve() != target.resolve():
            backup.track(target)
            _copy_into(file, target)
            target_sidecar = data_dir / sidecar.name
            if sidecar.is_file():
                backup.track(target_sidecar)
                _copy_into(sidecar, target_sidecar)
            elif target_sidecar.exists():  # the new version has no sidecar: the old one no longer applies
                backup.track(target_sidecar)
                target_sidecar.unlink()
        return _build(settings, data_dir, embedder, show_progress)


def remove_document(settings: Settings, document: str, embedder: Embedder | None = None,
                    show_progress: bool = True) -> BuildReport:
    """Remove a document (by id, the file name without .txt) and its sidecar from the data folder and rebuild the
    index; an unknown id or the last document is refused without changing anything."""
    document_id = document.strip()
    if document_id.endswith(".txt"):
        document_id = document_id[: -len(".txt")]
    data_dir = settings.data_dir
    if not document_id or "/" in document_id or document_id.startswith("."):
        raise DocumentError(f"{document!r} is geen documentnaam; gebruik de naam zoals /api/documents die geeft")
    with index_lock(settings.index_dir):
        try:
            present = [p.stem for p in budget_files(data_dir)]
        except IngestError as exc:
            raise DocumentError(str(exc)) from exc
        if document_id not in present:
            known = ", ".join(present[:10]) + (" …" if len(present) > 10 else "")
            raise DocumentError(f"er is geen document {document_id!r} in {data_dir}; wel: {known}")
        if len(present) == 1:
            raise DocumentError(f"{document_id} is het enige document; een index zonder documenten kan niet. "
                                "Voeg eerst een ander document toe.")
        with _data_change() as backup:
            for path in (data_dir / f"{document_id}.txt", data_dir / f"{document_id}.meta.json"):
                if path.exists():
                    backup.track(path)
                    path.unlink()
            return _build(settings, data_dir, embedder, show_progress)


def build_service(settings: Settings, embedder: Embedder | None = None) -> Service:
    """Load the model and the index once; the index is rebuilt from the data folder when there is none or it is
    stale (other corpus, other index-building code, other model).

    A damaged index (a file missing or not matching its checksum) is never rebuilt here: IndexDamaged says which
    file and to run `python -m knowledge build`. ModelUnavailable when the model cannot be loaded."""
    if embedder is None and settings.retrieval != "bm25":
        embedder = load_embedder_for(settings)
    corpus_hash = corpus_fingerprint(settings.data_dir)
    if stale_reason(settings.index_dir, settings.model, corpus_hash):
        with index_lock(settings.index_dir):  # another worker may have rebuilt it meanwhile
            reason = stale_reason(settings.index_dir, settings.model, corpus_fingerprint(settings.data_dir))
            if reason:
                log.warning("index %s wordt opnieuw gebouwd: %s", settings.index_dir, reason)
                _build(settings, settings.data_dir, embedder, show_progress=False)
    return Service(settings, load_index(settings.index_dir), embedder)
