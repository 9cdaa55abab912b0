"""Summarise `rasa test` results: stories passed/failed and NLU intent F1; exit 1 when a story failed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def count_test_stories(path: Path) -> int:
    """Count the stories in a test story file (lines starting with '- story:')."""
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip().startswith("- story:"))


def failed_stories(results: Path) -> list[str]:
    """Return the names of the failed test stories written by `rasa test`."""
    failed_file = results / "failed_test_stories.yml"
    if not failed_file.exists():
        return []
    return [
        line.split(":", 1)[1].strip()
        for line in failed_file.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("- story:")
    ]


def intent_f1(results: Path) -> tuple[float | None, dict[str, float]]:
    """Return the weighted intent F1 and the per-intent F1 from intent_report.json."""
    report_file = results / "intent_report.json"
    if not report_file.exists():
        return None, {}
    report = json.loads(report_file.read_text(encoding="utf-8"))
    weighted = report.get("weighted avg", {}).get("f1-score")
    per_intent = {
        name: values["f1-score"]
        for name, values in report.items()
        if isinstance(values, dict) and "f1-score" in values and not name.endswith("avg")
    }
    return weighted, per_intent


def main() -> int:
    """Print the summary; exit 1 when any story failed or no results exist."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path)
    parser.add_argument("--stories", type=Path, required=True)
    args = parser.parse_args()

    total = count_test_stories(args.stories)
    failed = failed_stories(args.results)
    weighted, per_intent = intent_f1(args.results)
    print(f"Rasa test stories: {total - len(failed)}/{total} passed")
    for name in failed:
        print(f"  FAILED: {name}")
    if weighted is None:
        print("NLU intent F1: no intent_report.json found")
        return 1
    print(f"NLU intent F1 (weighted, held-out bot/tests/test_nlu.yml): {weighted:.3f}")
    for name, f1 in sorted(per_intent.items()):
        print(f"  {name:22s} {f1:.3f}")
    if failed or total == 0:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
