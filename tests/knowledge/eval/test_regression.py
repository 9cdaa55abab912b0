"""The quality gate on the tuning halves, in-process with the hybrid configuration and the real model.

The report halves never run here: they are measured by `make eval` and only reported. The gate must be able to
fail: it fails when follow-up context is ignored and when every citation points to the root section (below), and
when the parser raises (a stale index is rebuilt, so the failure cannot hide: tests/knowledge/test_build.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from knowledge.eval.gate import CONVERSATION_TARGETS, PROMOTED, RATCHET, SINGLE_TARGETS, misses, ratchet_misses
from knowledge.eval.metrics import compute, failures
from knowledge.eval.questions import load_questions, split_sets
from knowledge.eval.runners import InProcessRunner, Reply, inprocess_runners, run_all
from knowledge.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"

pytestmark = pytest.mark.slow


def tune(name: str) -> list[Any]:
    """The tuning half of a question set (the whole set when its report half was promoted to tuning data)."""
    questions = load_questions(DATA / f"{name}.jsonl")
    return questions if name in PROMOTED else split_sets({name: questions}, "tune")[f"{name}-tune"]


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> InProcessRunner:
    settings = Settings.from_env().with_(feedback_db=tmp_path_factory.mktemp("gate") / "feedback.sqlite",
                                         data_dir=ROOT / "data", index_dir=ROOT / "var" / "index")
    return inprocess_runners(["hybrid"], settings)[0]


def _report(outcomes: list[Any]) -> str:
    return "\n".join(f"{o.id}: {o.question} -> {'; '.join(failures(o))}" for o in outcomes if failures(o))


def test_single_questions_meet_the_targets(runner: InProcessRunner) -> None:
    outcomes = run_all(runner, tune("singles"))
    missed = misses(compute(outcomes), SINGLE_TARGETS)
    assert not missed, f"{missed}\n{_report(outcomes)}"


def test_conversations_meet_the_targets(runner: InProcessRunner) -> None:
    outcomes = run_all(runner, tune("conversations"))
    missed = misses(compute(outcomes), CONVERSATION_TARGETS)
    assert not missed, f"{missed}\n{_report(outcomes)}"


@pytest.mark.parametrize("name", sorted(RATCHET))
def test_later_sets_stay_above_their_floors(runner: InProcessRunner, name: str) -> None:
    floors, wrong_allowed = RATCHET[name]
    outcomes = run_all(runner, tune(name))
    missed = ratchet_misses(compute(outcomes), floors, wrong_allowed)
    assert not missed, f"{missed}\n{_report(outcomes)}"


def test_the_ratchet_fails_below_a_floor_and_on_a_new_wrong_amount() -> None:
    from knowledge.eval.metrics import Metrics

    good = Metrics(n=10, fact_recall=0.95, wrong_amounts=1)
    assert ratchet_misses(good, {"fact_recall": 0.9}, 1) == []
    assert ratchet_misses(replace(good, fact_recall=0.8), {"fact_recall": 0.9}, 1)
    assert ratchet_misses(replace(good, wrong_amounts=2), {"fact_recall": 0.9}, 1)


class ForgetfulRunner(InProcessRunner):
    """A broken variant: every follow-up is asked without the conversation's context."""

    def ask(self, question: str, previous: Reply | None, conversation: str) -> Reply:
        return super().ask(question, None, conversation)


class RootCitingRunner(InProcessRunner):
    """A broken variant: every citation points to the document's root section."""

    def ask(self, question: str, previous: Reply | None, conversation: str) -> Reply:
        reply = super().ask(question, previous, conversation)
        return replace(reply, cited=tuple("programma" for _ in reply.cited))


@pytest.mark.parametrize("variant", [ForgetfulRunner, RootCitingRunner])
def test_the_gate_fails_on_broken_variants(runner: InProcessRunner, variant: type[InProcessRunner]) -> None:
    broken = variant("broken", runner.service)
    outcomes = run_all(broken, tune("conversations"))
    assert misses(compute(outcomes), CONVERSATION_TARGETS)
