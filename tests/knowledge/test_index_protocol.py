"""The Index protocol is the seam for another search backend: a second implementation answers through the same
understanding and answering stages, untouched."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.index import Index, MemoryIndex, Sentence
from knowledge.lexical import tokens
from knowledge.service import Service
from knowledge.types import Chunk, Corpus


@dataclass
class TermIndex:
    """A second backend, as a search engine would be: its own lexical scoring (term frequency over the chunk's
    stems, no BM25) and no vectors at all (dense scores are zero)."""

    corpus: Corpus
    chunks: list[Chunk]
    sentences: list[Sentence]
    vocabulary: frozenset[str]
    model: str
    postings: dict[str, Counter[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, chunk in enumerate(self.chunks):
            for term in tokens(f"{' '.join(chunk.path[-2:])} {chunk.text}", self.vocabulary):
                self.postings.setdefault(term, Counter())[i] += 1

    def lexical_scores(self, query: str) -> np.ndarray:
        scores = np.zeros(len(self.chunks), np.float32)
        for term in set(tokens(query, self.vocabulary)):
            hits = self.postings.get(term, Counter())
            weight = np.log(1 + len(self.chunks) / (1 + len(hits)))
            for i, count in hits.items():
                scores[i] += weight * count / (count + 1.0)
        return scores

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        return np.zeros(len(self.chunks), np.float32)

    def sentence_similarity(self, sentence: int, vector: np.ndarray) -> float:
        return 0.0

    def knows(self, term: str) -> bool:
        return term in self.postings


def other_backend(memory: MemoryIndex) -> Index:
    return TermIndex(memory.corpus, memory.chunks, memory.sentences, memory.vocabulary, memory.model)


def test_a_second_backend_answers_through_the_same_stages(fake_service: Any) -> None:
    index = other_backend(fake_service.index)
    service = Service(fake_service.settings, index, fake_service.embedder)
    amount = service.answer("Wat kost dienstverlening in 2027?")
    assert amount.answered and "€ 14.984.000" in amount.text  # the table cell, found without BM25 or vectors
    passage = service.answer("Wanneer zijn de gemeenteraadsverkiezingen?")
    assert passage.answered and re.search(r"verkiezingen.*2026|2026.*verkiezingen", passage.text)
    assert passage.citations and passage.citations[0].section_id in {s.id for s in index.corpus.sections}
    assert not service.answer("Wanneer wordt het grofvuil opgehaald?").answered
    assert isinstance(fake_service.index, MemoryIndex)  # the in-memory index is the default implementation
