"""Phone handoff codes in the actions: against the real knowledge service (started from .venv on loopback), and
the plain handoff without a code when the knowledge service is down."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from action_helpers import make_tracker
from fake_knowledge import FAKE_CODE, FakeKnowledge, free_port
from rasa_sdk.executor import CollectingDispatcher

from actions.budget import ActionAnswerBudget
from actions.feedback import ActionFeedback
from actions.handoff import ActionDefaultFallback, ActionHandoff, ActionHandoffContact

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_PY = ROOT / ".venv" / "bin" / "python"
TOKEN = "actions-handoff-token"
CODE_LINE = re.compile(r"Bel 14 071 en noem code ([A-HJKMNP-Z2-9]{3}-[2-9]{2})\. Dan ziet de medewerker ons gesprek")


def run(action: Any, tracker: Any) -> list[dict[str, Any]]:
    """Run an action and return its messages."""
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def real_knowledge() -> Iterator[str]:
    """The real knowledge service (BM25 over the real budget), in the project's Python 3.11 venv."""
    if not KNOWLEDGE_PY.exists():
        pytest.fail(f"{KNOWLEDGE_PY} missing: run `make setup`")
    tmp = Path(tempfile.mkdtemp(prefix="bw-actions-knowledge-"))
    port = free_port()
    env = {**os.environ, "BW_DATA_DIR": str(ROOT / "data"), "BW_INDEX_DIR": str(tmp / "index"),
           "BW_RETRIEVAL": "bm25", "BW_FEEDBACK_DB": str(tmp / "feedback.sqlite"), "BW_STAFF_TOKEN": TOKEN,
           "BW_RATE_LIMIT": "0", "BW_RASA_URL": "", "PYTHONPATH": str(ROOT)}
    log = (tmp / "knowledge.log").open("w")
    process = subprocess.Popen([str(KNOWLEDGE_PY), "-m", "knowledge", "serve", "--port", str(port)], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if _get(f"{url}/health")[0] == 200:
                break
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if process.poll() is not None:
            pytest.fail(f"knowledge service stopped: {(tmp / 'knowledge.log').read_text()[-2000:]}")
        time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("knowledge service did not start in 120 s")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


@pytest.fixture()
def point_at(real_knowledge: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KNOWLEDGE_URL", real_knowledge)
    monkeypatch.setenv("KNOWLEDGE_TIMEOUT", "10")
    for name in ("KCC_PHONE", "BW_KCC_PHONE", "BOT_ASK_FEEDBACK"):
        monkeypatch.delenv(name, raising=False)
    return real_knowledge


def _conversation(url: str, code: str) -> dict[str, Any]:
    status, body = _get(f"{url}/api/handoff/{code}", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def test_not_found_hands_over_with_a_code_that_opens_the_conversation(point_at: str) -> None:
    sender = "bewoner-code-1"
    answered = run(ActionAnswerBudget(), make_tracker("Wat zijn de lasten van dienstverlening in 2027?",
                                                      "ask_budget", sender_id=sender))
    assert "14.984.000" in answered[0]["text"] and not CODE_LINE.search(answered[0]["text"])
    messages = run(ActionAnswerBudget(), make_tracker("Hoe laat gaat het zwembad morgen open? Bel 06-12345678",
                                                      "ask_budget", sender_id=sender))
    found = CODE_LINE.search(messages[0]["text"])
    assert found, messages[0]["text"]
    code = found.group(1)
    assert messages[0]["custom"]["handoff"] == {**messages[0]["custom"]["handoff"], "code": code,
                                                "reason": "not_found"}
    body = _conversation(point_at, code)
    assert [t["answered"] for t in body["turns"]] == [True, False] and body["reason"] == "not_found"
    assert body["turns"][0]["citations"] and "zwembad" in body["unanswered"]
    assert "06-12345678" not in json.dumps(body) and "[TELEFOON]" in body["unanswered"]


def test_request_for_a_person_and_out_of_scope_get_a_code(point_at: str) -> None:
    [message] = run(ActionHandoff(), make_tracker("ik wil een medewerker", "request_human", sender_id="bewoner-2"))
    assert "Chat live" in message["text"] and CODE_LINE.search(message["text"])
    # after the plain domain response (utter_out_of_scope) the contact action adds the configured details and the
    # code, and logs the question
    [line] = run(ActionHandoffContact(), make_tracker("Waar kan ik mijn grofvuil kwijt?", "out_of_scope",
                                                      sender_id="bewoner-3"))
    found = CODE_LINE.search(line["text"])
    assert found and line["text"].startswith("Een medewerker van de gemeente helpt u graag verder:\n- Bel 14 071")
    assert line["custom"]["handoff"] == {"reason": "out_of_scope", "phone": "14 071", "code": found.group(1),
                                         "website": "https://www.leiden.nl/contact",
                                         "chat": "https://www.leiden.nl/contact"}
    body = _conversation(point_at, found.group(1))
    assert body["reason"] == "out_of_scope" and body["unanswered"] == "Waar kan ik mijn grofvuil kwijt?"


def test_not_helped_and_fallback_hand_over_with_a_code(point_at: str) -> None:
    tracker = make_tracker("Nee", "feedback_not_helped", sender_id="bewoner-4",
                           slots={"awaiting_feedback": True, "last_question": "Wat kost bestuur?",
                                  "last_answer": "De lasten zijn € 12.399.000."})
    [message] = run(ActionFeedback(), tracker)
    assert message["text"].startswith("Jammer") and CODE_LINE.search(message["text"])
    [fallback] = run(ActionDefaultFallback(), make_tracker("???", "nlu_fallback", sender_id="bewoner-5"))
    assert CODE_LINE.search(fallback["text"]) and fallback["custom"]["handoff"]["reason"] == "fallback"


def test_knowledge_down_still_hands_over_without_a_code(knowledge_down: str) -> None:
    started = time.monotonic()
    [message] = run(ActionHandoff(), make_tracker("ik wil een medewerker", "request_human"))
    assert "Bel 14 071 (Klant Contact Centrum)" in message["text"] and "code" not in message["text"]
    assert "code" not in message["custom"]["handoff"]
    [details] = run(ActionHandoffContact(), make_tracker("Waar kan ik mijn grofvuil kwijt?", "out_of_scope"))
    assert "Bel 14 071 (Klant Contact Centrum)" in details["text"] and "code" not in details["text"]
    assert details["custom"]["handoff"]["reason"] == "out_of_scope" and "code" not in details["custom"]["handoff"]
    [unavailable] = run(ActionAnswerBudget(), make_tracker("Wat kost bestuur in 2026?", "ask_budget"))
    assert unavailable["custom"]["handoff"]["reason"] == "unavailable" and "noem code" not in unavailable["text"]
    assert time.monotonic() - started < 10


def test_code_comes_from_the_service_and_sender_id_goes_along(knowledge: FakeKnowledge) -> None:
    [message] = run(ActionHandoff(), make_tracker("ik wil een medewerker", "request_human", sender_id="bewoner-6"))
    assert f"noem code {FAKE_CODE}." in message["text"]
    assert knowledge.posted("/api/handoff") == [{"conversation_id": "bewoner-6", "reason": "request"}]
    run(ActionAnswerBudget(), make_tracker("Wat kost bestuur in 2026?", "ask_budget", sender_id="bewoner-6"))
    assert knowledge.posted("/api/answer")[-1]["conversation_id"] == "bewoner-6"
