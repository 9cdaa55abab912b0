"""Pure evaluation metrics on hand-made outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.eval.metrics import (
    Outcome,
    TurnOutcome,
    compute,
    fact_found,
    failures,
    hit_at,
    percentile,
    rank_of,
    reciprocal_rank,
    summarise,
    wrong_amounts,
)

ROOT = Path(__file__).resolve().parents[3]


def outcome(**changes: object) -> Outcome:
    """An answered cost question, with some fields changed."""
    base: dict[str, object] = {
        "id": "q",
        "kind": "cost",
        "question": "Wat kost dienstverlening in 2027?",
        "answerable": True,
        "expected_sections": ("programmakosten",),
        "expected_facts": ("€ 14.984.000",),
        "text": "De lasten zijn € 14.984.000.",
        "answered": True,
        "ranked_sections": ("programmakosten", "reserves"),
        "cited_sections": ("programmakosten",),
        "latency_s": 0.1,
    }
    base.update(changes)
    return Outcome(**base)  # type: ignore[arg-type]


def test_fact_matching_is_case_and_space_insensitive() -> None:
    assert fact_found("€ 14.984.000", "lasten:  €14.984.000 in 2027")
    assert fact_found("Maart 2026", "in maart\n2026 zijn")
    assert fact_found("15%", "streefwaarde 15%")
    assert not fact_found("€ 4.124.000", "€ 14.124.000")


def test_ranks_use_distinct_sections_and_full_ids() -> None:
    ranked = ["doc:1b1", "doc:1b1", "doc:1b1-4", "doc:reserves"]
    assert rank_of(ranked, ["1b1-4"]) == 2
    assert hit_at(ranked, ["1b1-4"], 1) is False
    assert hit_at(ranked, ["1b1-4"], 3) is True
    assert reciprocal_rank(ranked, ["reserves", "1b1-4"]) == 0.5
    assert reciprocal_rank(ranked, ["subsidies"]) == 0.0


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(i) for i in range(1, 101)], 95) == pytest.approx(95.05)


def test_compute_retrieval_facts_and_abstention() -> None:
    outcomes = [
        outcome(id="a"),
        outcome(id="b", ranked_sections=("reserves", "x", "programmakosten"), text="geen bedrag"),
        outcome(id="c", ranked_sections=("x", "y", "z", "programmakosten"), answered=False, text="Bel 14 071"),
        outcome(id="d", kind="out_of_scope", answerable=False, expected_sections=(), expected_facts=(), answered=False),
        outcome(id="e", kind="out_of_scope", answerable=False, expected_sections=(), expected_facts=(), answered=True),
    ]
    m = compute(outcomes)
    assert m.n == 5
    assert m.hit1 == pytest.approx(1 / 3)
    assert m.hit3 == pytest.approx(2 / 3)
    assert m.mrr == pytest.approx((1 + 1 / 3 + 1 / 4) / 3)
    assert m.fact_recall == pytest.approx(1 / 3)
    assert m.abstain_precision == pytest.approx(1 / 2)  # abstained on c (wrong) and d (right)
    assert m.abstain_recall == pytest.approx(1 / 2)  # d caught, e missed
    assert m.abstain_accuracy == pytest.approx(3 / 5)  # a, b, d right; c, e wrong
    assert m.turn_success is None


def test_turn_success_and_errors() -> None:
    ok = TurnOutcome("En in 2028?", ("€ 14.523.000",), True, "€ 14.523.000", True)
    wrong = TurnOutcome("En de baten?", ("€ 4.124.000",), True, "€ 3.926.000", True)
    should_abstain = TurnOutcome("Parkeervergunning?", (), False, "Bel 14 071", False)
    broken = TurnOutcome("En nu?", (), True, "", False, error="HTTPError")
    m = compute([outcome(turns=(ok, wrong, should_abstain, broken)), outcome(id="x", error="boom", answered=False)])
    assert m.turn_success == pytest.approx(2 / 4)
    assert m.errors == 2


def test_empty_groups_give_none() -> None:
    m = compute([])
    assert m.n == 0 and m.hit3 is None and m.fact_recall is None and m.latency_p50 is None


def test_summary_per_kind() -> None:
    s = summarise([outcome(id="a"), outcome(id="b", kind="typo", text="")])
    assert list(s.per_kind) == ["cost", "typo"]
    assert s.per_kind["cost"].fact_recall == 1.0
    assert s.per_kind["typo"].fact_recall == 0.0
    assert s.overall.fact_recall == 0.5


def test_failures_explain_why() -> None:
    assert failures(outcome()) == []
    reasons = failures(outcome(ranked_sections=("x",), text="iets anders", answered=False))
    assert "ten onrechte doorverwezen" in reasons
    assert "verwachte sectie niet in top-3" in reasons
    assert "ontbrekende feiten: € 14.984.000" in reasons
    oos = outcome(kind="out_of_scope", answerable=False, expected_sections=(), expected_facts=())
    assert failures(oos) == ["beantwoord maar had moeten doorverwijzen", "verkeerd bedrag: € 14.984.000"]


def test_the_cells_a_difference_is_computed_from_are_not_wrong_amounts() -> None:
    text = "In 2026: € 80.000. In 2027: € 20.000. Dat is € 60.000 minder in 2027."
    assert wrong_amounts(("€ 60.000",), True, True, text) == []
    # another amount beside them still counts, and so does a difference that is not the expected one
    assert wrong_amounts(("€ 60.000",), True, True, text + " Totaal € 500.000.") == [500000]
    assert wrong_amounts(("€ 50.000",), True, True, text) == [80000, 20000, 60000]


def test_the_cells_of_a_difference_are_excused_only_when_the_difference_is_stated() -> None:
    assert wrong_amounts(("€ 60.000",), True, True, "In 2026: € 80.000. In 2027: € 20.000.") == [80000, 20000]
