"""Rasa's socket.io channel (bot/credentials.yml, bot/socketio_channel.py) spoken to by a client nobody here wrote.

The client is the npm package socket.io-client, run by node (tests/e2e/socketio_conversation.js), installed by
mk/widget.mk into var/node-socketio. Knowledge, the action server and Rasa run on free loopback ports
(scripts/run_all.py, the same processes as `make run`); REST and socket.io are both open on Rasa's port.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import run_all  # noqa: E402
import train_bot  # noqa: E402

pytestmark = pytest.mark.e2e

CLIENT = ROOT / "tests" / "e2e" / "socketio_conversation.js"
NODE_MODULES = Path(os.environ.get("BW_SOCKETIO_MODULES", str(ROOT / "var" / "node-socketio" / "node_modules")))


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def node_client() -> str:
    """Path of node; skips (fails in CI) naming what is missing when node or socket.io-client is not installed."""
    node = shutil.which("node")
    missing = [] if node else ["node (Debian package nodejs)"]
    if not (NODE_MODULES / "socket.io-client" / "package.json").is_file():
        missing.append(f"socket.io-client from npm in {NODE_MODULES}")
    if missing:
        reason = f"not installed: {', '.join(missing)} (run `make setup`, see mk/widget.mk)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    assert node is not None
    return node


class Rasa:
    """The three services, with Rasa's base address."""

    def __init__(self, tmp: Path) -> None:
        """Prepare (not start) the services on free ports with a private tracker database."""
        self.port = free_port()
        self.tracker_db = tmp / "tracker.db"
        self.services = run_all.assistant_services(
            knowledge_port=free_port(), actions_port=free_port(), rasa_port=self.port,
            tracker_db=str(self.tracker_db), log_dir=tmp / "log", run_dir=tmp,
            knowledge_env={"BW_FEEDBACK_DB": str(tmp / "feedback.sqlite")},
        )
        self.url = f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rasa]:
    """Knowledge, action server and Rasa (REST + socket.io), running for this module."""
    if not run_all.RASA_BIN.exists():
        pytest.skip("the Rasa venv is missing: run `make setup`")
    assert train_bot.train() == 0, "training the Rasa model failed"
    stack = Rasa(tmp_path_factory.mktemp("socketio"))
    try:
        run_all.start_all(stack.services, log=lambda _: None)
        yield stack
    finally:
        run_all.stop_all(stack.services)


def converse(node: str, url: str, *messages: str, session: str | None = None) -> dict[str, Any]:
    """Run the node client for one connection; its JSON output: session_id and turns with replies."""
    args = [node, str(CLIENT), url, *(["--session", session] if session else []), *messages]
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    done = subprocess.run(args, capture_output=True, text=True, timeout=240, env=env, cwd=ROOT)
    assert done.returncode == 0, f"node client failed ({done.returncode}): {done.stderr[-2000:]}"
    return dict(json.loads(done.stdout))


def texts(turn: dict[str, Any]) -> str:
    """All texts the bot sent in one turn."""
    return "\n".join(str(r["text"]) for r in turn["replies"] if r.get("text"))


def customs(turn: dict[str, Any]) -> list[dict[str, Any]]:
    """The custom payloads of one turn (citations, series, handoff)."""
    return [r["custom"] for r in turn["replies"] if isinstance(r.get("custom"), dict)]


def test_conversation_with_a_follow_up_over_socketio(rasa: Rasa) -> None:
    node = node_client()
    result = converse(node, rasa.url, "Wat zijn de lasten van dienstverlening in 2026?", "En in 2027?")
    first, second = result["turns"]

    assert "14.909" in texts(first) and "Dienstverlening" in texts(first)
    payload = customs(first)
    assert payload and payload[0]["answered"] is True
    assert payload[0]["citations"][0]["section_id"].endswith(":programmakosten")
    assert [b["payload"] for r in first["replies"] for b in r.get("quick_replies", [])] == [
        "/feedback_helped", "/feedback_not_helped"]

    # The follow-up names only a year: the topic (lasten of Dienstverlening) comes from the conversation.
    assert "14.984" in texts(second) and "Dienstverlening" in texts(second) and "lasten" in texts(second)
    assert customs(second)[0]["citations"]


def test_a_reconnect_with_the_session_id_goes_on_with_the_conversation(rasa: Rasa) -> None:
    node = node_client()
    first = converse(node, rasa.url, "lasten dienstverlening 2027")
    assert "14.984" in texts(first["turns"][0])

    again = converse(node, rasa.url, "En de baten?", session=first["session_id"])
    assert again["session_id"] == first["session_id"]
    follow_up = texts(again["turns"][0])
    assert "4.124" in follow_up and "baten" in follow_up and "Dienstverlening" in follow_up

    # A new session knows nothing of it: the same short question gets no amount of that row.
    fresh = converse(node, rasa.url, "En de baten?")
    assert fresh["session_id"] != first["session_id"]
    assert "4.124" not in texts(fresh["turns"][0])


def test_rest_still_works_beside_socketio(rasa: Rasa) -> None:
    request = urllib.request.Request(
        f"{rasa.url}/webhooks/rest/webhook", headers={"Content-Type": "application/json"},
        data=json.dumps({"sender": "rest-beside-socketio", "message": "Ik wil een medewerker spreken"}).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        replies = json.loads(response.read())
    assert "14 071" in "\n".join(m.get("text", "") for m in replies)
    with urllib.request.urlopen(f"{rasa.url}/webhooks/socketio/", timeout=10) as response:
        assert json.loads(response.read()) == {"status": "ok"}
