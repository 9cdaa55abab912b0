"""The fixed-width summary table `make eval` prints on the terminal (configuration x question set)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from knowledge.eval.metrics import Outcome, compute

COLUMNS = (("n", "n"), ("hit1", "hit@1"), ("hit3", "hit@3"), ("mrr", "MRR"), ("cited_hit", "bron"),
           ("fact_recall", "feiten"), ("abstain_accuracy", "afgehandeld"), ("conversation_pass", "gesprekken"),
           ("wrong_amounts", "foute bedragen"), ("latency_p50", "p50 ms"), ("errors", "fouten"))


class Measured(Protocol):
    """A run: a set-up name and its outcomes per question set."""

    @property
    def config(self) -> str:
        """The set-up's name."""

    @property
    def sets(self) -> dict[str, list[Outcome]]:
        """Outcomes per question set."""


def fmt(key: str, value: object) -> str:
    """Format a metric value for the terminal table."""
    if value is None:
        return "–"
    if key.startswith("latency"):
        return f"{float(str(value)) * 1000:.0f}"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def summary_table(runs: Sequence[Measured]) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (configuration x set) of the terminal summary."""
    rows = [[r.config, name] + [fmt(k, getattr(compute(outs), k)) for k, _ in COLUMNS]
            for r in runs for name, outs in r.sets.items()]
    return ["config", "set"] + [label for _, label in COLUMNS], rows


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A fixed-width plain-text table for the terminal."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(headers, widths)), "  ".join("-" * w for w in widths)]
    return "\n".join(lines + ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows])
