"""The quality gate: targets on the tuning halves of the question sets, and why a run misses them."""

from __future__ import annotations

from knowledge.eval.metrics import Metrics

# Targets for single questions and for conversations (tuning halves; the report halves are only reported).
SINGLE_TARGETS = {"hit3": 0.95, "cited_hit": 0.90, "fact_recall": 0.88, "abstain_accuracy": 0.92}
CONVERSATION_TARGETS = {"cited_hit": 0.90, "turn_success": 0.85, "conversation_pass": 0.80}


def misses(metrics: Metrics, targets: dict[str, float]) -> list[str]:
    """Every target a run misses, in words; a wrong amount always misses."""
    out = []
    for key, target in targets.items():
        value = getattr(metrics, key)
        if value is None or value < target:
            out.append(f"{key} {value if value is None else round(value, 3)} < {target}")
    if metrics.wrong_amounts:
        out.append(f"wrong_amounts {metrics.wrong_amounts} > 0")
    if metrics.errors:
        out.append(f"errors {metrics.errors} > 0")
    return out
