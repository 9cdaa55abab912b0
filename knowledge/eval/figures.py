"""Key figures of one evaluation run as counts (38 of 40), with targets and risks, and their JSON form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.eval.gate import CONVERSATION_TARGETS, SINGLE_TARGETS
from knowledge.eval.metrics import (
    Outcome,
    abstention_correct,
    conversation_ok,
    first_turn,
    missing_facts,
    percentile,
    rank_of,
    turn_ok,
    wrong_amounts,
)

# Figures with a target (share of the counted items); the keys follow the gate's metric names.
TARGETS = {
    "found": SINGLE_TARGETS["hit3"],
    "cited": SINGLE_TARGETS["cited_hit"],
    "facts": SINGLE_TARGETS["fact_recall"],
    "handled": SINGLE_TARGETS["abstain_accuracy"],
    "conversations": CONVERSATION_TARGETS["conversation_pass"],
    "turns": CONVERSATION_TARGETS["turn_success"],
}
# Figures that are risks: every counted item is one too many.
RISKS = ("out_of_scope_answered", "wrong_amounts", "errors")
ORDER = ("found", "top1", "cited", "facts", "handled", "out_of_scope_answered", "wrongly_refused",
         "wrong_amounts", "conversations", "turns", "errors")


@dataclass(frozen=True)
class Count:
    """num of den; den 0 means there was nothing to measure."""

    num: int
    den: int

    @property
    def share(self) -> float | None:
        """num/den, None when there was nothing to measure."""
        return self.num / self.den if self.den else None


@dataclass(frozen=True)
class Figures:
    """Key figures of a group of outcomes, as counts."""

    questions: int
    counts: dict[str, Count] = field(default_factory=dict)
    wrong_amount_total: int = 0
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None

    def count(self, key: str) -> Count:
        """The count of one figure (0 of 0 when absent)."""
        return self.counts.get(key, Count(0, 0))


def measure(outcomes: Sequence[Outcome]) -> Figures:
    """Count what the metrics measure: hits, cited sources, facts, abstentions, risks, conversations."""
    retrieval = [o for o in outcomes if o.answerable and o.expected_sections]
    ranks = [rank_of(o.ranked_sections, o.expected_sections) for o in retrieval]
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    facts_total = sum(len(o.expected_facts) for o in answerable)
    facts_found = facts_total - sum(len(missing_facts(o.expected_facts, o.text)) for o in answerable)
    answers = [first_turn(o) for o in outcomes] + [t for o in outcomes for t in o.turns]
    wrong = [len(wrong_amounts(t.expected_facts, t.answerable, t.answered, t.text)) for t in answers]
    talks = [o for o in outcomes if o.turns]
    turns = [t for o in outcomes for t in o.turns]
    latencies = [o.latency_s * 1000 for o in outcomes if o.latency_s is not None]
    counts = {
        "found": Count(sum(1 for r in ranks if r is not None and r <= 3), len(retrieval)),
        "top1": Count(sum(1 for r in ranks if r == 1), len(retrieval)),
        "cited": Count(sum(1 for o in retrieval if rank_of(o.cited_sections, o.expected_sections)), len(retrieval)),
        "facts": Count(facts_found, facts_total),
        "handled": Count(sum(1 for o in outcomes if abstention_correct(o)), len(outcomes)),
        "out_of_scope_answered": Count(sum(1 for o in unanswerable if o.answered), len(unanswerable)),
        "wrongly_refused": Count(sum(1 for o in answerable if not o.answered and o.error is None), len(answerable)),
        "wrong_amounts": Count(sum(1 for w in wrong if w), sum(1 for t in answers if t.answered)),
        "conversations": Count(sum(1 for o in talks if conversation_ok(o)), len(talks)),
        "turns": Count(sum(1 for t in turns if turn_ok(t)), len(turns)),
        "errors": Count(sum(1 for o in outcomes if o.error is not None or any(t.error for t in o.turns)),
                        len(outcomes)),
    }
    return Figures(len(outcomes), counts, sum(wrong), percentile(latencies, 50), percentile(latencies, 95))


def met(key: str, count: Count) -> bool | None:
    """True when a target is met or a risk is absent; None when the figure has neither or nothing was measured."""
    if key in RISKS:
        return count.num == 0
    if key not in TARGETS or count.share is None:
        return None
    return count.share >= TARGETS[key]


def to_json(figures: Figures) -> dict[str, Any]:
    """The figures as plain JSON (for the history file)."""
    return {
        "questions": figures.questions,
        "counts": {k: [c.num, c.den] for k, c in figures.counts.items()},
        "wrong_amount_total": figures.wrong_amount_total,
        "latency_p50_ms": figures.latency_p50_ms,
        "latency_p95_ms": figures.latency_p95_ms,
    }


def from_json(data: Any) -> Figures | None:
    """Figures read back from JSON; None when the data does not have their shape."""
    try:
        counts = {str(k): Count(int(v[0]), int(v[1])) for k, v in dict(data["counts"]).items()}
        p50, p95 = data.get("latency_p50_ms"), data.get("latency_p95_ms")
        return Figures(int(data["questions"]), counts, int(data.get("wrong_amount_total", 0)),
                       None if p50 is None else float(p50), None if p95 is None else float(p95))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
