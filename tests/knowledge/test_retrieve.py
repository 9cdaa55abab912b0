"""Hybrid retrieval over the real budget with the fake embedder: codes pin, subjects favour, cells wait for money."""

from __future__ import annotations

from typing import Any

import numpy as np

from knowledge.retrieve import PINNED, kind_weights, rank_chunks, rank_sections


def _top(service: Any, question: str) -> list[str]:
    query = service.understand(question)
    vector = service.embedder.embed_queries([query.search_text])[0]
    fused, _ = service._rank(query, vector, set(), restrict=False)
    return [h.section.slug for h in rank_sections(service.index, fused, 3)]


def test_section_code_pins_its_section(fake_service: Any) -> None:
    query = fake_service.understand("Wat staat er bij 1b1.3?")
    assert query.codes == ("1B1.3",)
    vector = fake_service.embedder.embed_queries([query.search_text])[0]
    fused, _ = fake_service._rank(query, vector, set())
    assert fused.max() >= PINNED
    assert _top(fake_service, "Wat staat er bij 1b1.3?")[0] == "1b1-3"


def test_named_party_answers_within_its_subtree(fake_service: Any) -> None:
    answer = fake_service.answer("Wat zijn de kansen van Holland Rijnland?")
    assert answer.citations[0].section_id.split(":")[1].startswith("holland-rijnland")


def test_table_cells_count_fully_only_for_money_questions(fake_service: Any) -> None:
    index = fake_service.index
    cells = np.array([c.kind == "cell" for c in index.chunks])
    assert (kind_weights(index, money=False)[cells] < 1).all()
    assert (kind_weights(index, money=True)[cells] == 1).all()


def test_bm25_only_mode_ignores_the_vector(fake_service: Any) -> None:
    fused, lexical, dense = rank_chunks(fake_service.index, "klachten", None, "bm25")
    assert not dense.any() and lexical.max() > 0
    best = fake_service.index.chunks[int(np.argmax(fused))]
    assert "klachten" in best.text


def test_top_indices_is_the_head_of_a_stable_descending_sort() -> None:
    """The partial sort gives exactly what sorting every chunk gives, ties included."""
    import numpy as np

    from knowledge.retrieve import top_indices

    rng = np.random.default_rng(5)
    for n, m in ((1, 1), (10, 3), (500, 12), (500, 256), (300, 400)):
        for coarse in (False, True):  # coarse scores have many ties, also at the cut
            scores = rng.random(n).astype(np.float32)
            if coarse:
                scores = np.round(scores * 4) / 4
            expected = np.argsort(-scores, kind="stable")[:m]
            assert top_indices(scores, m).tolist() == expected.tolist()
