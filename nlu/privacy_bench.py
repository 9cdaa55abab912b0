"""Measure the PII masker: recall per kind on PII-laden messages, false positives on clean budget questions.

Used by tests/nlu/test_privacy.py and scripts/bench_privacy.py; pure Python, runs in both venvs.

- An expected item counts as caught when masked spans cover all of its characters (the kind may differ:
  "Kerkstraat 5" masked as part of a name still leaves nothing readable) and its text is gone from the output.
- A clean question is a false positive when masking changes it at all.
- Extra spans in PII-laden messages (overlapping no expected item) are reported as over-masking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nlu.privacy import KINDS, find_pii, mask_pii


@dataclass(frozen=True)
class KindScore:
    """Recall of one kind: how many expected items were masked."""

    kind: str
    expected: int
    caught: int
    same_kind: int

    @property
    def recall(self) -> float:
        """Caught / expected (1.0 when nothing was expected)."""
        return self.caught / self.expected if self.expected else 1.0


@dataclass(frozen=True)
class BenchResult:
    """Recall per kind, misses, false positives on clean questions and over-masking."""

    kinds: tuple[KindScore, ...]
    missed: tuple[tuple[str, str, str], ...]  # (kind, value, masked text)
    clean_total: int
    false_positives: tuple[tuple[str, str], ...]  # (question, masked question)
    false_positive_kinds: dict[str, int]
    extra_spans: tuple[tuple[str, str, str], ...]  # (kind, value, message)

    @property
    def expected(self) -> int:
        """All expected items."""
        return sum(k.expected for k in self.kinds)

    @property
    def recall(self) -> float:
        """Micro-averaged recall over every kind."""
        return sum(k.caught for k in self.kinds) / self.expected if self.expected else 1.0

    @property
    def false_positive_rate(self) -> float:
        """Share of clean questions that masking changed."""
        return len(self.false_positives) / self.clean_total if self.clean_total else 0.0


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """One JSON object per non-empty line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]




def evaluate(pii_rows: list[dict[str, object]], clean_rows: list[dict[str, object]]) -> BenchResult:
    """Score :func:`nlu.privacy.find_pii` / :func:`mask_pii` on the two sets."""
    expected = {kind: 0 for kind in KINDS}
    caught = {kind: 0 for kind in KINDS}
    same = {kind: 0 for kind in KINDS}
    missed: list[tuple[str, str, str]] = []
    extra: list[tuple[str, str, str]] = []
    for row in pii_rows:
        text = str(row["text"])
        spans = find_pii(text)
        masked = mask_pii(text)
        items = row["pii"]
        assert isinstance(items, list)
        for item in items:
            kind, start, end, value = str(item["kind"]), int(item["start"]), int(item["end"]), str(item["value"])
            expected[kind] += 1
            text_chars = [i for i in range(start, end) if not text[i].isspace()]
            if all(any(s.start <= i < s.end for s in spans) for i in text_chars) and value not in masked:
                caught[kind] += 1
                if any(s.kind == kind and s.start < end and s.end > start for s in spans):
                    same[kind] += 1
            else:
                missed.append((kind, value, masked))
        for span in spans:
            if not any(span.start < int(i["end"]) and span.end > int(i["start"]) for i in items):
                extra.append((span.kind, text[span.start:span.end], text))
    false_positives: list[tuple[str, str]] = []
    fp_kinds = {kind: 0 for kind in KINDS}
    for row in clean_rows:
        text = str(row["text"])
        spans = find_pii(text)
        if spans:
            false_positives.append((text, mask_pii(text)))
            for span in spans:
                fp_kinds[span.kind] += 1
    return BenchResult(
        kinds=tuple(KindScore(k, expected[k], caught[k], same[k]) for k in KINDS),
        missed=tuple(missed),
        clean_total=len(clean_rows),
        false_positives=tuple(false_positives),
        false_positive_kinds=fp_kinds,
        extra_spans=tuple(extra),
    )


def report(result: BenchResult) -> str:
    """A plain-text table: recall and false positives per kind, then the misses and false positives."""
    lines = [f"{'kind':<10} {'expected':>8} {'caught':>7} {'recall':>7} {'as kind':>8} {'fp spans':>9}"]
    for k in result.kinds:
        lines.append(f"{k.kind:<10} {k.expected:>8} {k.caught:>7} {k.recall:>7.3f} {k.same_kind:>8} "
                     f"{result.false_positive_kinds[k.kind]:>9}")
    lines.append(f"{'all':<10} {result.expected:>8} {sum(k.caught for k in result.kinds):>7} "
                 f"{result.recall:>7.3f}")
    lines.append(f"clean questions: {result.clean_total}, changed by masking: {len(result.false_positives)} "
                 f"(false-positive rate {result.false_positive_rate:.3f})")
    lines.append(f"extra spans in PII messages (over-masking): {len(result.extra_spans)}")
    for kind, value, masked in result.missed:
        lines.append(f"  missed {kind}: {value!r} in {masked!r}")
    for text, masked in result.false_positives:
        lines.append(f"  false positive: {text!r} -> {masked!r}")
    for kind, value, text in result.extra_spans:
        lines.append(f"  extra {kind}: {value!r} in {text!r}")
    return "\n".join(lines)
