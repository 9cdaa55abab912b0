"""The one factory: settings in, a ready service out (index loaded or built, model loaded once)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from tqdm import tqdm

from knowledge.embedding import Embedder, load_embedder
from knowledge.index import (
    build_index,
    corpus_fingerprint,
    index_lock,
    load_index,
    save_index,
    stale_reason,
    units_to_embed,
)
from knowledge.ingest import budget_files, load_corpus
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


def _build(settings: Settings, data_dir: Path, embedder: Embedder | None, show_progress: bool) -> Path:
    corpus_hash = corpus_fingerprint(data_dir)  # before reading: a file changed meanwhile makes the index stale
    corpus = load_corpus(budget_files(data_dir))
    embedder = embedder or load_embedder_for(settings)
    with tqdm(total=units_to_embed(corpus), desc="Indexeren", unit="tekst", disable=not show_progress,
              file=sys.stderr) as bar:
        index = build_index(corpus, embedder, settings.model, progress=bar.update)
    save_index(index, settings.index_dir, corpus_hash)
    return settings.index_dir


def build(settings: Settings, data_dir: Path | None = None, embedder: Embedder | None = None,
          show_progress: bool = True) -> Path:
    """Ingest every document in a folder and write the index, always (also over a damaged one); a bad file
    leaves the old index untouched."""
    with index_lock(settings.index_dir):
        return _build(settings, data_dir or settings.data_dir, embedder, show_progress)


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
