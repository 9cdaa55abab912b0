"""The one factory: settings in, a ready service out (index loaded or built, model loaded once)."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from knowledge.embedding import Embedder, load_embedder
from knowledge.index import build_index, index_exists, load_index, save_index, units_to_embed
from knowledge.ingest import budget_files, load_corpus
from knowledge.service import Service
from knowledge.settings import Settings


def load_embedder_for(settings: Settings) -> Embedder:
    """Load the embedding model named in the settings."""
    return load_embedder(settings.model)


def build(settings: Settings, data_dir: Path | None = None, embedder: Embedder | None = None,
          show_progress: bool = True) -> Path:
    """Ingest every document in a folder and write the index; a bad file leaves the old index untouched."""
    corpus = load_corpus(budget_files(data_dir or settings.data_dir))
    embedder = embedder or load_embedder_for(settings)
    with tqdm(total=units_to_embed(corpus), desc="Indexeren", unit="tekst", disable=not show_progress,
              file=sys.stderr) as bar:
        index = build_index(corpus, embedder, settings.model, progress=bar.update)
    save_index(index, settings.index_dir)
    return settings.index_dir


def build_service(settings: Settings, embedder: Embedder | None = None) -> Service:
    """Load the index (building it from the data folder when none exists) and the model, once."""
    if embedder is None and settings.retrieval != "bm25":
        embedder = load_embedder_for(settings)
    if not index_exists(settings.index_dir):
        build(settings, embedder=embedder or load_embedder_for(settings), show_progress=False)
    index = load_index(settings.index_dir)
    if index.model != settings.model:
        build(settings, embedder=embedder or load_embedder_for(settings), show_progress=False)
        index = load_index(settings.index_dir)
    return Service(settings, index, embedder)
