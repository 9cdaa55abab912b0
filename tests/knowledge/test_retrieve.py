"""Hybrid retrieval over the real budget with the fake embedder: codes pin, parties favour, cells wait for money."""

from __future__ import annotations

from typing import Any

import numpy as np

from knowledge.retrieve import PINNED, coverage, kind_weights, rank_chunks, rank_sections
from nlu.entities import extract_entities


def _top(service: Any, question: str, money: bool = False) -> list[str]:
    vector = service.embedder.embed_queries([question])[0]
    fused, _, _ = rank_chunks(service.index, question, vector, "hybrid", extract_entities(question), money)
    return [h.section.slug for h in rank_sections(service.index, fused, 3)]


def test_section_code_pins_its_section(fake_service: Any) -> None:
    question = "Wat staat er bij 1b1.3?"
    vector = fake_service.embedder.embed_queries([question])[0]
    fused, _, _ = rank_chunks(fake_service.index, question, vector, "hybrid", extract_entities(question))
    assert fused.max() >= PINNED
    assert _top(fake_service, question)[0] == "1b1-3"


def test_named_party_wins(fake_service: Any) -> None:
    assert _top(fake_service, "Wat zijn de kansen van Holland Rijnland?")[0].startswith("holland-rijnland")


def test_table_cells_count_fully_only_for_money_questions(fake_service: Any) -> None:
    index = fake_service.index
    cells = np.array([c.kind == "cell" for c in index.chunks])
    assert (kind_weights(index, money=False)[cells] < 1).all()
    assert (kind_weights(index, money=True)[cells] == 1).all()


def test_bm25_only_mode_ignores_the_vector(fake_service: Any) -> None:
    question = "klachten"
    fused, lexical, dense = rank_chunks(fake_service.index, question, None, "bm25", [])
    assert not dense.any() and lexical.max() > 0
    best = fake_service.index.chunks[int(np.argmax(fused))]
    assert "klachten" in best.text


def test_coverage_of_topic_words(fake_service: Any) -> None:
    assert coverage(fake_service.index, "Wanneer zijn de gemeenteraadsverkiezingen?") == 1.0
    assert coverage(fake_service.index, "Wat zijn de openingstijden van het zwembad?") == 0.0
