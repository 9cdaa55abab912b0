"""End-to-end conversations over Rasa's REST channel with the real knowledge service and action server.

Starts knowledge, the action server and Rasa on free loopback ports (scripts/run_all.py), then holds
multi-turn conversations: a follow-up that needs slots, a handoff, an unanswerable question, a restart of
Rasa (SQLite tracker store, masked), handoff and refusal with the action server stopped, the supervisor of
`make run` bringing a killed action server back, and a question while the knowledge service is stopped.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import run_all  # noqa: E402
import train_bot  # noqa: E402

pytestmark = pytest.mark.e2e


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Assistant:
    """The three running services plus a REST helper."""

    def __init__(self, tmp: Path) -> None:
        """Prepare (not start) the services on free ports with a private tracker database."""
        self.tracker_db = tmp / "tracker.db"
        self.feedback_db = tmp / "feedback.sqlite"
        self.rasa_port = free_port()
        self.services = run_all.assistant_services(
            knowledge_port=free_port(),
            actions_port=free_port(),
            rasa_port=self.rasa_port,
            tracker_db=str(self.tracker_db),
            log_dir=tmp / "log",
            run_dir=tmp,
            knowledge_env={"BW_FEEDBACK_DB": str(tmp / "feedback.sqlite")},
        )
        self.knowledge, self.actions, self.rasa = self.services

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        """Send one message over REST and return the bot's messages."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return list(json.loads(response.read()))

    def text(self, sender: str, message: str) -> str:
        """Send a message and return all bot texts joined."""
        return "\n".join(m.get("text", "") for m in self.say(sender, message) if m.get("text"))

    def restart_rasa(self) -> None:
        """Stop and start Rasa (conversations must survive through the SQL tracker store)."""
        self.rasa.stop()
        self.rasa.start()
        self.rasa.wait_healthy()


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """Knowledge, action server and Rasa, running for the whole module."""
    if not run_all.RASA_BIN.exists():
        pytest.skip("the Rasa venv is missing: run `make setup`")
    if not run_all.VENV_PY.exists():
        pytest.skip("the knowledge venv is missing: run `make setup`")
    assert train_bot.train() == 0, "training the Rasa model failed"
    bot = Assistant(tmp_path_factory.mktemp("assistant"))
    try:
        run_all.start_all(bot.services, log=lambda _: None)
        yield bot
    finally:
        run_all.stop_all(bot.services)


def conversation() -> str:
    """A fresh conversation id."""
    return f"e2e-{uuid.uuid4().hex[:8]}"


def test_followup_uses_slots(assistant: Assistant) -> None:
    user = conversation()
    first = assistant.say(user, "lasten dienstverlening 2026")
    first_text = "\n".join(m.get("text", "") for m in first if m.get("text"))
    assert "14.909" in first_text
    assert "Bronnen:" in first_text
    custom = [m["custom"] for m in first if "custom" in m]
    assert custom and custom[0]["answered"] is True and custom[0]["citations"]

    second = assistant.text(user, "En in 2027?")
    assert "14.984" in second
    assert "Bronnen:" in second

    third = assistant.text(user, "En de baten?")
    assert "4.124" in third


def test_handoff(assistant: Assistant) -> None:
    messages = assistant.say(conversation(), "Ik wil graag een medewerker spreken")
    # the plain response first (works without the action server), then the configured details with the phone code
    assert "website van uw gemeente" in messages[0]["text"] and "14 071" not in messages[0]["text"]
    reply = "\n".join(m.get("text", "") for m in messages if m.get("text"))
    assert "Bel 14 071 (Klant Contact Centrum)" in reply and "noem code" in reply
    assert "https://www.leiden.nl/contact" in reply
    assert messages[-1]["custom"]["handoff"]["phone"] == "14 071"


def test_unanswerable_question_hands_over(assistant: Assistant) -> None:
    reply = assistant.text(conversation(), "Wat zijn de openingstijden van het zwembad?")
    assert "14 071" in reply
    assert "Bronnen:" not in reply


def test_feedback_after_answer(assistant: Assistant) -> None:
    user = conversation()
    messages = assistant.say(user, "Wat zijn de lasten van bestuur in 2027?")
    assert any(m.get("buttons") for m in messages), "the bot asks whether the answer helped"
    reply = assistant.text(user, "nee")
    assert "Jammer" in reply and "14 071" in reply
    assert assistant.feedback_db.exists(), "the knowledge service stored the feedback"


def test_conversation_survives_restart_and_pii_is_masked(assistant: Assistant) -> None:
    user = conversation()
    assert "14.909" in assistant.text(user, "Wat zijn de lasten van dienstverlening in 2026?")
    assistant.text(user, "Mijn BSN is 123456782 en mijn mail is piet@example.nl")

    assistant.restart_rasa()

    assert "14.984" in assistant.text(user, "En in 2027?")
    rows = sqlite3.connect(assistant.tracker_db).execute(
        "select data from events where sender_id = ?", (user,)
    ).fetchall()
    stored = "\n".join(row[0] for row in rows)
    assert "[BSN]" in stored and "[E-MAIL]" in stored
    assert "123456782" not in stored and "piet@example.nl" not in stored


def test_a_question_back_becomes_buttons_with_full_questions(assistant: Assistant) -> None:
    user = conversation()
    messages = assistant.say(user, "Hoeveel is de reserve raad?")
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert 2 <= len(buttons) <= 4, messages
    chosen = next(b for b in buttons if "nttrekking" in b["title"])
    answer = assistant.text(user, chosen["payload"])
    assert "Reserve raad" in answer and "€" in answer


def test_conversations_through_rasa_meet_the_gate(assistant: Assistant) -> None:
    """The tuning half of the conversation set, end to end through Rasa (REST, actions, knowledge)."""
    from knowledge.eval.gate import CONVERSATION_TARGETS, misses
    from knowledge.eval.metrics import compute, failures
    from knowledge.eval.questions import load_questions, split_sets
    from knowledge.eval.runners import RasaRunner, run_all

    questions = split_sets({"c": load_questions(ROOT / "tests" / "data" / "conversations.jsonl")}, "tune")["c-tune"]
    outcomes = run_all(RasaRunner(f"http://127.0.0.1:{assistant.rasa_port}"), questions)
    missed = misses(compute(outcomes), CONVERSATION_TARGETS)
    assert not missed, (missed, [(o.id, failures(o)) for o in outcomes if failures(o)])

def test_turn_benchmark_gets_the_same_answers_through_rasa_as_straight(assistant: Assistant) -> None:
    """scripts/bench_rasa_turn.py: a conversation through Rasa answers as /api/answer does, and every figure is read."""
    import bench_rasa_turn

    base = {service.name: service.health_url.rsplit("/", 1)[0] for service in assistant.services}
    report = bench_rasa_turn.run(f"http://127.0.0.1:{assistant.rasa_port}", base["actions"], base["knowledge"],
                                 turns=4, warmup=0)
    assert report["answers_differing_from_api"] == []
    for name in ("rasa", "api_answer", "api_answer_logged", "plain", "action"):
        assert 0 < report[name]["p50_ms"] <= report[name]["p95_ms"], name
    assert report["ratio_p50"] > 1  # a turn through Rasa does all of /api/answer's work and more


def test_handoff_and_refusal_work_with_the_action_server_down(assistant: Assistant) -> None:
    """Handoff and out-of-scope are plain responses through rules: no action server needed."""
    assistant.actions.stop()
    assert not assistant.actions.healthy()
    handoff = assistant.text(conversation(), "Ik wil een medewerker")
    # the plain domain response names no municipality's number: the action server adds the configured details
    assert "medewerker" in handoff and "website van uw gemeente" in handoff and "14 071" not in handoff
    refusal = assistant.say(conversation(), "Hoe laat gaat het zwembad morgen open?")
    refusal_text = "\n".join(m.get("text", "") for m in refusal if m.get("text"))
    assert "helaas niet" in refusal_text and "website van uw gemeente" in refusal_text
    assert any(m.get("custom", {}).get("handoff", {}).get("reason") == "out_of_scope" for m in refusal)


def test_supervisor_restarts_a_killed_service(assistant: Assistant) -> None:
    """`make run`'s supervisor: the action server is killed, reported with its cause and log, and comes back."""
    if not assistant.actions.alive():
        assistant.actions.start()
        assistant.actions.wait_healthy()
    reports: list[str] = []
    supervisor = run_all.Supervisor(assistant.services, log=reports.append)
    assert assistant.actions.process is not None
    os.killpg(assistant.actions.process.pid, signal.SIGKILL)
    deadline = time.monotonic() + 120
    while not (assistant.actions.alive() and assistant.actions.healthy()) and time.monotonic() < deadline:
        supervisor.check()
        time.sleep(0.2)
    assert assistant.actions.healthy(), reports
    assert supervisor.restarts == {"actions": 1}
    assert "actions stopped unexpectedly (killed by SIGKILL); restarting in 1 s" in reports[0]
    assert "Last lines of" in reports[0] and reports[0].count("\n") >= 2  # the log tail is not empty
    assert "14.909" in assistant.text(conversation(), "Wat zijn de lasten van dienstverlening in 2026?")


def test_knowledge_down_is_graceful(assistant: Assistant) -> None:
    """Runs last in this module: it stops the knowledge service."""
    assistant.knowledge.stop()
    reply = assistant.text(conversation(), "Wat zijn de lasten van bestuur in 2026?")
    assert "lukt me nu niet" in reply
    assert "14 071" in reply

