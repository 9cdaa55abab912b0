"""Quality targets on the project's question set, in-process with the hybrid configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.eval.metrics import compute, failures
from knowledge.eval.questions import load_questions
from knowledge.eval.runners import inprocess_runners, run_all
from knowledge.settings import Settings

ROOT = Path(__file__).resolve().parents[3]

QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
TARGETS = {"hit3": 0.95, "fact_recall": 0.90, "abstain_accuracy": 0.90}


@pytest.mark.slow
def test_hybrid_meets_quality_targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    settings = Settings.from_env().with_(feedback_db=tmp_path / "feedback.sqlite")
    runner = inprocess_runners(["hybrid"], settings)[0]
    outcomes = run_all(runner, load_questions(QUESTIONS))
    metrics = compute(outcomes)
    failed = "\n".join(f"{o.id}: {o.question} -> {'; '.join(failures(o))}" for o in outcomes if failures(o))
    scores = {key: getattr(metrics, key) for key in TARGETS}
    low = {key: value for key, value in scores.items() if value is None or value < TARGETS[key]}
    assert not low, f"below target {TARGETS}: {low}\nfailed questions:\n{failed}"
    assert metrics.errors == 0, failed
