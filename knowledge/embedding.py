"""Text embedders for dense retrieval: multilingual-e5 via sentence-transformers, plus a fake."""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
HASHING = "hashing"


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of size ``dim``."""

    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search questions, shape (n, dim)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed indexed passages, shape (n, dim)."""
        ...


@contextmanager
def quiet_hf() -> Iterator[None]:
    """Silence transformers' info logging and progress bars inside the block."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def default_threads() -> int:
    """Torch threads: ``BW_EMBED_THREADS`` if set, else all cores but one (1..4).

    One core is left to the rest of the service (web server, dialogue engine):
    on a busy 2-core machine an oversubscribed torch is far slower than 1 thread.
    """
    configured = os.environ.get("BW_EMBED_THREADS", "").strip()
    if configured:
        return max(1, int(configured))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores - 1, 4))


class SentenceTransformerEmbedder:
    """e5-style embedder backed by a sentence-transformers model on the CPU."""

    def __init__(self, model_name_or_path: str, threads: int | None = None, batch_size: int = 32) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        self.threads = threads or default_threads()
        torch.set_num_threads(self.threads)
        self.batch_size = batch_size
        with quiet_hf():
            self.model: SentenceTransformer = SentenceTransformer(model_name_or_path, device="cpu")
        self.model.eval()
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"{model_name_or_path}: cannot determine the embedding dimension")
        self.dim = int(dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions with the e5 ``query: `` prefix."""
        return self._embed(texts, QUERY_PREFIX)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages with the e5 ``passage: `` prefix."""
        return self._embed(texts, PASSAGE_PREFIX)

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        import torch

        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        with torch.inference_mode():
            vectors = self.model.encode(
                [prefix + text for text in texts],
                batch_size=self.batch_size,
                show_progress_bar=False,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


_WORD = re.compile(r"\w+")


class HashingEmbedder:
    """Deterministic fake embedder: signed hashing of words and character trigrams."""

    def __init__(self, dim: int = 64) -> None:
        if dim < 2:
            raise ValueError("dim must be at least 2")
        self.dim = dim

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions (no prefix: the fake has no query/passage asymmetry)."""
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages."""
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in self._features(text):
                code = zlib.crc32(feature.encode("utf-8"))
                out[row, code % self.dim] += weight if code & 0x8000_0000 else -weight
        norms = np.linalg.norm(out, axis=1)
        out[norms == 0, 0] = 1.0  # featureless text: a fixed unit vector
        norms[norms == 0] = 1.0
        return out / norms[:, None]

    @staticmethod
    def _features(text: str) -> Iterator[tuple[str, float]]:
        for word in _WORD.findall(text.lower()):
            yield "w:" + word, 1.0
            padded = f"#{word}#"
            for i in range(len(padded) - 2):
                yield "c:" + padded[i : i + 3], 0.5


def load_embedder(model: str) -> Embedder:
    """Build an embedder: ``hashing[:DIM]`` for the fake, else a sentence-transformers name/path."""
    if model == HASHING or model.startswith(HASHING + ":"):
        _, _, dim = model.partition(":")
        return HashingEmbedder(int(dim) if dim else 64)
    path = Path(model)
    looks_local = model.startswith((".", "/", "~")) or (path.parts[:1] == ("var",))
    if looks_local and not path.expanduser().exists():
        raise FileNotFoundError(
            f"embedding model folder {model!r} does not exist; build it with "
            f"`python -m knowledge.e5convert {model}` (or `make setup`)"
        )
    return SentenceTransformerEmbedder(str(path.expanduser()) if looks_local else model)
