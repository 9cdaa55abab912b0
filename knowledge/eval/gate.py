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


# Floors on the later writers' tuning halves, where the targets above are not met yet (README): a ratchet at the
# level reached in the fourth to ninth rounds (one question of slack), with the wrong amounts that remain there; the
# fourth set's floors hold both its halves (PROMOTED).
# Raise them as the sets improve; never lower them to let a change through.
RATCHET: dict[str, tuple[dict[str, float], int]] = {
    "singles_v2": ({"hit3": 0.95, "cited_hit": 0.90, "fact_recall": 0.92, "abstain_accuracy": 0.96}, 0),
    "singles_v3": ({"hit3": 0.95, "cited_hit": 0.95, "fact_recall": 0.93, "abstain_accuracy": 0.97}, 0),
    "singles_v4": ({"hit3": 0.95, "cited_hit": 0.89, "fact_recall": 0.87, "abstain_accuracy": 0.94}, 0),
    "conversations_v2": ({"turn_success": 0.84, "conversation_pass": 0.59}, 1),
    "conversations_v3": ({"turn_success": 0.92, "conversation_pass": 0.85}, 0),
    "conversations_v4": ({"turn_success": 0.79, "conversation_pass": 0.59}, 0),
    "singles_v5": ({"hit3": 0.95, "cited_hit": 0.86, "fact_recall": 0.85, "abstain_accuracy": 0.90}, 0),
    "conversations_v5": ({"turn_success": 0.80, "conversation_pass": 0.70}, 0),
    "singles_v6": ({"hit3": 0.95, "cited_hit": 0.93, "fact_recall": 0.90, "abstain_accuracy": 0.95}, 0),
    "conversations_v6": ({"turn_success": 0.97, "conversation_pass": 0.96}, 0),
    "singles_v7": ({"hit3": 0.95, "cited_hit": 0.86, "fact_recall": 0.89, "abstain_accuracy": 0.92}, 0),
    "conversations_v7": ({"turn_success": 0.74, "conversation_pass": 0.53}, 0),
    "singles_v8": ({"hit3": 0.95, "cited_hit": 0.89, "fact_recall": 0.89, "abstain_accuracy": 0.90}, 0),
    "conversations_v8": ({"turn_success": 0.79, "conversation_pass": 0.56}, 0),
    "singles_v9": ({"hit3": 0.95, "cited_hit": 0.86, "fact_recall": 0.88, "abstain_accuracy": 0.93}, 0),
    "conversations_v9": ({"turn_success": 0.78, "conversation_pass": 0.59}, 0),
    "singles_v10": ({"hit3": 0.95, "cited_hit": 0.78, "fact_recall": 0.74, "abstain_accuracy": 0.85}, 0),
    "conversations_v10": ({"turn_success": 0.77, "conversation_pass": 0.53}, 0),
}


# Sets whose report half became tuning data (sixth round: the held-out wrong amounts of the fourth set were studied
# to learn their mechanism; a fresh seventh set took its place as held-out data). Their ratchet covers both halves.
PROMOTED = frozenset({"singles_v4", "conversations_v4"})


def ratchet_misses(metrics: Metrics, floors: dict[str, float], wrong_allowed: int) -> list[str]:
    """Every floor a run falls below, and wrong amounts beyond those that remain."""
    out = [m for m in misses(metrics, floors) if not m.startswith("wrong_amounts")]
    if metrics.wrong_amounts > wrong_allowed:
        out.append(f"wrong_amounts {metrics.wrong_amounts} > {wrong_allowed}")
    return out
