"""The hybrid index: BM25 over Dutch stems and dense e5 vectors, built, saved and loaded as one folder."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s  # type: ignore[import-untyped]
import numpy as np

from knowledge.chunk import chunk_corpus, split_sentences
from knowledge.embedding import Embedder
from knowledge.lexical import tokens, vocabulary_of
from knowledge.store import chunks_from_json, chunks_to_json, corpus_from_json, corpus_to_json, read_json, write_json
from knowledge.types import Chunk, Corpus

FORMAT_VERSION = 1
Progress = Callable[[Sequence[str]], Sequence[str]]


@dataclass(frozen=True)
class Sentence:
    """A sentence of a prose chunk, the unit answers are extracted from."""

    chunk: int
    text: str


@dataclass
class Index:
    """Everything retrieval needs, in memory."""

    corpus: Corpus
    chunks: list[Chunk]
    bm25: bm25s.BM25
    vocabulary: frozenset[str]
    vectors: np.ndarray
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    model: str


def passage_text(chunk: Chunk) -> str:
    """What is indexed for a chunk: the last parts of its heading path, then its text."""
    context = " > ".join(chunk.path[-2:])
    return f"{context}: {chunk.text}" if chunk.kind != "heading" else " > ".join(chunk.path)


def chunk_sentences(chunks: list[Chunk]) -> list[Sentence]:
    """Sentences of prose chunks, for extractive answers."""
    return [Sentence(i, s) for i, c in enumerate(chunks) if c.kind == "text" for s in split_sentences(c.text)]


def _bm25(texts: list[str], vocabulary: frozenset[str]) -> bm25s.BM25:
    retriever = bm25s.BM25()
    retriever.index([tokens(t, vocabulary) or ["_"] for t in texts], show_progress=False)
    return retriever


def _embed(embedder: Embedder, texts: list[str], progress: Callable[[int], None] | None, batch: int = 32) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embedder.embed_passages(texts[start : start + batch]))
        if progress:
            progress(min(batch, len(texts) - start))
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, embedder.dim), np.float32)


def build_index(corpus: Corpus, embedder: Embedder, model: str, progress: Callable[[int], None] | None = None) -> Index:
    """Chunk a corpus and index its chunks lexically and densely."""
    chunks = chunk_corpus(corpus)
    texts = [passage_text(c) for c in chunks]
    vocabulary = vocabulary_of(s.text for s in corpus.sections)
    sentences = chunk_sentences(chunks)
    sentence_texts = [f"{' > '.join(chunks[s.chunk].path[-1:])}: {s.text}" for s in sentences]
    vectors = _embed(embedder, texts, progress)
    sentence_vectors = _embed(embedder, sentence_texts, progress)
    return Index(corpus, chunks, _bm25(texts, vocabulary), vocabulary, vectors, sentences, sentence_vectors, model)


def units_to_embed(corpus: Corpus) -> int:
    """How many texts build_index will embed, for a progress bar."""
    chunks = chunk_corpus(corpus)
    return len(chunks) + len(chunk_sentences(chunks))


def save_index(index: Index, target: Path) -> None:
    """Write the index to a temporary folder next to target, then swap it in; the old index survives failures."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        write_json(tmp / "corpus.json", corpus_to_json(index.corpus))
        write_json(tmp / "chunks.json", chunks_to_json(index.chunks))
        write_json(tmp / "sentences.json", [[s.chunk, s.text] for s in index.sentences])
        np.save(tmp / "vectors.npy", index.vectors)
        np.save(tmp / "sentence_vectors.npy", index.sentence_vectors)
        index.bm25.save(str(tmp / "bm25"), show_progress=False)
        write_json(tmp / "manifest.json", {
            "format": FORMAT_VERSION,
            "model": index.model,
            "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "documents": [d.id for d in index.corpus.documents],
            "chunks": len(index.chunks),
        })
        old = target.parent / f".{target.name}-old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def index_exists(path: Path) -> bool:
    """True when a complete index is stored at path."""
    return (path / "manifest.json").is_file()


def load_index(path: Path) -> Index:
    """Load an index saved by save_index."""
    manifest = read_json(path / "manifest.json")
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: index format {manifest.get('format')} is not {FORMAT_VERSION}; rebuild it")
    corpus = corpus_from_json(read_json(path / "corpus.json"))
    chunks = chunks_from_json(read_json(path / "chunks.json"))
    sentences = [Sentence(int(i), str(t)) for i, t in read_json(path / "sentences.json")]
    bm25 = bm25s.BM25.load(str(path / "bm25"), show_progress=False, verbosity=0)
    return Index(
        corpus,
        chunks,
        bm25,
        vocabulary_of(s.text for s in corpus.sections),
        np.load(path / "vectors.npy"),
        sentences,
        np.load(path / "sentence_vectors.npy"),
        str(manifest.get("model", "")),
    )
