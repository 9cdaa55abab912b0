"""Recall and false positives of the PII masker (nlu/privacy.py) per kind, on the two question sets.

Usage: .venv/bin/python scripts/bench_privacy.py [--pii FILE] [--clean FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlu.privacy_bench import evaluate, read_jsonl, report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 when recall < 0.95 or the false-positive rate > 0.02."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pii", type=Path, default=ROOT / "tests" / "data" / "pii_questions.jsonl")
    parser.add_argument("--clean", type=Path, default=ROOT / "tests" / "data" / "clean_questions.jsonl")
    args = parser.parse_args(argv)
    result = evaluate(read_jsonl(args.pii), read_jsonl(args.clean))
    print(report(result))
    return 0 if result.recall >= 0.95 and result.false_positive_rate <= 0.02 else 1


if __name__ == "__main__":
    sys.exit(main())
