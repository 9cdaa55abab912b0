"""Hybrid retrieval: BM25 and dense rankings fused; the frame's codes pin and its subject favours sections."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.index import Index
from knowledge.types import Chunk, Section

RRF_K = 60
DENSE_RECENT = 8  # query vectors whose chunk similarities are kept
SECTION_SCAN = 256  # chunks looked at for the best sections before sorting them all
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 1.0
DENSE_MARGIN = 0.03
PINNED = 2.0
FAVOURED = 0.3
HEADING_WEIGHT = 0.8
CELL_WEIGHT = 0.3
@dataclass(frozen=True)
class SectionHit:
    """A section ranked for a query, with its best-matching chunk."""

    section: Section
    score: float
    chunk: Chunk


def lexical_scores(index: Index, query: str) -> np.ndarray:
    """BM25 score of every chunk for the query."""
    return index.lexical_scores(query)


def top_indices(scores: np.ndarray, m: int) -> np.ndarray:
    """Indices of the m highest scores, highest first, ties in index order: the head of a stable descending sort,
    without sorting every chunk."""
    if m >= len(scores):
        return np.argsort(-scores, kind="stable")
    kth = -np.partition(-scores, m - 1)[m - 1]
    above = np.flatnonzero(scores > kth)
    chosen = np.concatenate([above, np.flatnonzero(scores == kth)[: m - len(above)]])
    return chosen[np.lexsort((chosen, -scores[chosen]))]


def dense_scores(index: Index, query_vector: np.ndarray) -> np.ndarray:
    """Cosine similarity of every chunk to the query vector; the last few are kept, since one answer ranks the
    same question several times (within a subject, then everywhere)."""
    recent: dict[bytes, np.ndarray] = index.__dict__.get("_dense_recent", {})
    key = query_vector.tobytes()
    found = recent.get(key)
    if found is None:
        found = np.asarray(index.dense_scores(query_vector), dtype=np.float32)
        found.setflags(write=False)  # shared between calls: nobody may change it in place
        kept = dict(list(recent.items())[-(DENSE_RECENT - 1):])  # a new dict: threads never see one change
        kept[key] = found
        index.__dict__["_dense_recent"] = kept
    return found


def _rrf(scores: np.ndarray, positive_only: bool) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    fused = np.zeros(len(scores), np.float32)
    for rank, i in enumerate(order):
        if positive_only and scores[i] <= 0:
            break
        fused[i] = 1.0 / (RRF_K + rank + 1)
    return fused


def rank_chunks(
    index: Index,
    query: str,
    query_vector: np.ndarray | None,
    mode: str,
    boost: np.ndarray | None = None,
    money: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fused score per chunk, plus the raw BM25 and dense scores.

    Dense similarities of e5 are compressed (most passages score 0.80–0.86), so only the chunks within
    DENSE_MARGIN of the best dense score take part in the dense ranking; further down its order is noise.
    Table-cell chunks count fully only for money questions; heading chunks count a little less than prose.
    """
    n = len(index.chunks)
    lexical = lexical_scores(index, query) if mode in ("bm25", "hybrid") else np.zeros(n, np.float32)
    dense = (
        dense_scores(index, query_vector)
        if mode in ("dense", "hybrid") and query_vector is not None
        else np.zeros(n, np.float32)
    )
    fused = np.zeros(n, np.float32)
    if mode in ("bm25", "hybrid") and lexical.max(initial=0.0) > 0:
        fused += LEXICAL_WEIGHT * lexical / lexical.max()
    if mode in ("dense", "hybrid") and len(dense):
        floor = float(dense.max()) - DENSE_MARGIN
        fused += DENSE_WEIGHT * np.clip((dense - floor) / DENSE_MARGIN, 0.0, 1.0)
    if mode == "hybrid":
        fused /= LEXICAL_WEIGHT + DENSE_WEIGHT
    fused *= kind_weights(index, money)
    if boost is not None:
        fused += boost
    return fused, lexical, dense


def kind_weights(index: Index, money: bool) -> np.ndarray:
    """Weight per chunk by its kind and the question's intent."""
    cache = index.__dict__.setdefault("_kind_weights", {})
    if money not in cache:  # once per loaded index and intent, not per question
        weights = {"text": 1.0, "heading": HEADING_WEIGHT, "cell": 1.0 if money else CELL_WEIGHT}
        cache[money] = np.array([weights.get(c.kind, 1.0) for c in index.chunks], np.float32)
    result: np.ndarray = cache[money]
    return result


def rank_sections(index: Index, fused: np.ndarray, k: int) -> list[SectionHit]:
    """Sections ranked by their best chunk."""
    by_id = index.corpus.by_id
    head = top_indices(fused, SECTION_SCAN)
    best = _best_per_section(index, fused, head, k)
    if len(best) < k and len(head) < len(fused) and fused[head[-1]] > 0:
        best = _best_per_section(index, fused, np.argsort(-fused, kind="stable"), k)  # look further down
    return [SectionHit(by_id[sid], score, index.chunks[i]) for sid, (score, i) in best.items()]


def _best_per_section(index: Index, fused: np.ndarray, order: np.ndarray, k: int) -> dict[str, tuple[float, int]]:
    """The first (best) chunk of each section in a descending order, for up to k sections."""
    best: dict[str, tuple[float, int]] = {}
    for i in order:
        if fused[i] <= 0:
            break
        sid = index.chunks[i].section_id
        if sid not in best:
            best[sid] = (float(fused[i]), int(i))
            if len(best) >= k:
                break
    return best
