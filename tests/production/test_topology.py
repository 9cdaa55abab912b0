"""The production topology for real (scripts/production.py): 20 conversations alternate between two Rasa replicas
behind HAProxy, one replica is killed mid-run, and every conversation keeps its context with no turn lost.

Run by `make test-production` (which installs PostgreSQL, Redis and HAProxy from Debian first). Missing servers
are a failure, never a skip.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import production  # noqa: E402
import train_bot  # noqa: E402

CONVERSATIONS = 20
# (message, the amount the answer must name): each follow-up only makes sense with the previous turn's context.
TURNS = (
    ("Wat zijn de lasten van dienstverlening in 2026?", "14.909.000"),
    ("En in 2027?", "14.984.000"),
    ("en de baten?", "4.124.000"),
    ("En in 2026?", "3.926.000"),
)
KILLED = "rasa2"
# The replica is killed right before the third turn (both replicas have served every conversation by then), so
# half of the third turns ask for a dead replica. Known gap: a turn *in flight* on the killed replica leaves its
# ticket in Rasa's Redis lock and the retried turn waited 60 s (Sanic timeout, empty reply) in our runs, even with
# TICKET_LOCK_LIFETIME=10; see the report of issue 11.
KILL_DURING_TURN = 2


@dataclass
class Turn:
    """One request and what came back."""

    conversation: str
    index: int
    asked_replica: str
    served_by: str = ""
    text: str = ""
    error: str = ""
    seconds: float = 0.0


@dataclass
class Run:
    """All turns of the run."""

    turns: list[Turn] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[production.Topology]:
    """PostgreSQL, Redis, knowledge (2 workers), actions, two Rasa replicas and HAProxy, started for real."""
    missing = production.missing_programs()
    assert not missing, f"not installed: {missing}; `make test-production` installs them (apt-get)"
    assert train_bot.train() == 0, "training the Rasa model failed"
    topo = production.Topology(base=production.BASE)
    try:
        topo.start(log=lambda _: None)
        yield topo
    finally:
        topo.stop()


def send(topo: production.Topology, turn: Turn, message: str) -> Turn:
    """One turn through the load balancer, asking for ``turn.asked_replica``."""
    body = json.dumps({"sender": turn.conversation, "message": message}).encode()
    request = urllib.request.Request(
        f"{topo.lb_url}/webhooks/rest/webhook", data=body,
        headers={"Content-Type": "application/json", "X-Replica": turn.asked_replica},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=90) as response:
            turn.served_by = response.headers.get("X-Served-By", "")
            turn.text = "\n".join(m.get("text", "") for m in json.loads(response.read()) if m.get("text"))
    except OSError as error:  # HTTPError, URLError, reset: a lost turn
        turn.error = repr(error)
    turn.seconds = time.monotonic() - started
    return turn


DETECT_SECONDS = 4.5


def test_conversations_survive_a_replica_dying(topology: production.Topology) -> None:
    conversations = [f"prod-{i:02d}-{uuid.uuid4().hex[:6]}" for i in range(CONVERSATIONS)]
    run = Run()
    replicas = production.REPLICAS
    with ThreadPoolExecutor(max_workers=10) as pool:
        for index, (message, _) in enumerate(TURNS):
            # Turn n of conversation i asks replica (i + n) % 2: consecutive turns alternate between replicas.
            turns = [Turn(c, index, replicas[(i + index) % 2]) for i, c in enumerate(conversations)]
            if index == KILL_DURING_TURN:
                killed = topology.service(KILLED)
                assert killed.process is not None
                os.killpg(killed.process.pid, signal.SIGKILL)
                # The balancer notices a dead replica by its health check (inter 1 s, fall 3); the turns of this
                # round are sent once it has, as a resident's next message would be. A turn in flight on a
                # replica that dies is a known gap (Rasa's Redis lock), see the module docstring.
                time.sleep(DETECT_SECONDS)
            futures = [pool.submit(send, topology, turn, message) for turn in turns]
            run.turns.extend(f.result() for f in futures)

    lost = [t for t in run.turns if t.error]
    assert not lost, [(t.conversation, t.index, t.error) for t in lost]
    for turn in run.turns:
        expected = TURNS[turn.index][1]
        assert f"€ {expected}" in turn.text, (turn.conversation, turn.index, turn.served_by, turn.text)

    by_conversation: dict[str, list[Turn]] = {}
    for turn in run.turns:
        by_conversation.setdefault(turn.conversation, []).append(turn)
    for conversation, turns in by_conversation.items():
        before = [t.served_by for t in turns if t.index < KILL_DURING_TURN]
        assert set(before) == set(replicas), (conversation, before)  # context crossed replicas
        after = [t.served_by for t in turns if t.index > KILL_DURING_TURN]
        assert set(after) == {"rasa1"}, (conversation, after)  # the dead replica serves nothing
    assert not topology.service(KILLED).alive()

    # No turn lost or doubled: the shared tracker store holds each user message once, masked and in order.
    with psycopg.connect(topology.database_url("rasa")) as db:
        rows = db.execute(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' AND sender_id LIKE 'prod-%' ORDER BY id"
        ).fetchall()
    stored: dict[str, list[str]] = {}
    for sender, data in rows:
        stored.setdefault(sender, []).append(json.loads(data)["text"])
    assert stored == {c: [message for message, _ in TURNS] for c in conversations}


def test_feedback_store_is_postgres(topology: production.Topology) -> None:
    body = json.dumps({"question": "Mijn BSN is 123456782, wat kost bestuur?", "answer": "€ 1", "helped": True,
                       "source": "web"}).encode()
    request = urllib.request.Request(f"{topology.knowledge_url}/api/feedback", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
    with urllib.request.urlopen(f"{topology.knowledge_url}/health", timeout=30) as response:
        assert json.loads(response.read())["feedback_store"]["status"] == "ok"
    with psycopg.connect(topology.database_url("feedback")) as db:
        (question,) = db.execute("SELECT question FROM feedback ORDER BY id DESC LIMIT 1").fetchone() or ("",)
    assert "[BSN]" in question and "123456782" not in question


def test_handoff_through_the_load_balancer(topology: production.Topology) -> None:
    turn = send(topology, Turn(f"prod-h-{uuid.uuid4().hex[:6]}", 0, "rasa1"), "ik wil een medewerker")
    assert not turn.error and "14 071" in turn.text
