"""Phone handoff codes: shape, and their lifecycle over a real server on loopback (create, read, wrong, expired,
no credentials), with the conversation's turns stored masked."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from knowledge.api import create_app
from knowledge.conversations import SqliteConversationStore
from knowledge.feedback import FeedbackStore
from knowledge.handoff_codes import ALPHABET, new_code, normalise_code, spoken
from knowledge.settings import Settings

TOKEN = "handoff-test-token"
STAFF = {"Authorization": f"Bearer {TOKEN}"}
PII_QUESTION = "Ik ben Jan de Vries, mail jan@example.nl of bel 06-12345678. Wat kost dienstverlening in 2027?"
UNANSWERABLE = "Hoe laat gaat het zwembad morgen open?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(app: Any) -> Iterator[str]:
    """Run the app with uvicorn on a free loopback port; yield its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def make_app(fake_service: Any, fake_settings: Settings, folder: Path, **changes: Any) -> tuple[Any, Path]:
    db = folder / "feedback.sqlite"
    settings = fake_settings.with_(rasa_url="http://127.0.0.1:9", rate_limit="0", **changes)
    app = create_app(settings, fake_service, FeedbackStore(db), SqliteConversationStore(db))
    return app, db


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("handoff")


@pytest.fixture(scope="module")
def base(fake_service, fake_settings: Settings, folder: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    app, _ = make_app(fake_service, fake_settings, folder, staff_token=TOKEN)
    yield from serve(app)


def test_codes_are_short_random_and_unambiguous() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) > 1990  # random, about 1.9 million possible
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{3}-[2-9]{2}", code)
        assert not set(code.replace("-", "")) & set("01OIL") and set(code.replace("-", "")) <= set(ALPHABET)
    assert normalise_code(" k7q 42 ") == "K7Q-42" == normalise_code("K7Q42") == normalise_code("k7q-42")
    assert normalise_code("K0Q-42") is None and normalise_code("K7Q-421") is None and normalise_code("") is None
    assert spoken("K7Q-42") == "K 7 Q - 4 2"


def _conversation(base: str, sender: str, hours: float = 24) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        first = client.post("/api/answer", json={"question": PII_QUESTION, "conversation_id": sender})
        assert first.status_code == 200 and first.json()["answered"]
        second = client.post("/api/answer", json={"question": UNANSWERABLE, "conversation_id": sender})
        assert second.status_code == 200 and not second.json()["answered"]
        made = client.post("/api/handoff", json={"conversation_id": sender, "reason": "not_found"})
        assert made.status_code == 201, made.text
        body = made.json()
        assert re.fullmatch(r"[A-Z2-9]{3}-[2-9]{2}", body["code"]) and body["hours"] == hours
        return str(body["code"])


def test_staff_read_the_masked_conversation_behind_a_code(base: str) -> None:
    code = _conversation(base, "gesprek-1")
    _conversation(base, "gesprek-2")  # another resident's conversation is not part of this code
    reply = httpx.get(f"{base}/api/handoff/{code.lower().replace('-', ' ')}", headers=STAFF, timeout=30)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["code"] == code and body["reason"] == "not_found"
    assert [t["answered"] for t in body["turns"]] == [True, False]
    first = body["turns"][0]
    assert "€ 14.984.000" in first["answer"] and first["citations"][0]["section_id"].endswith(":programmakosten")
    assert first["citations"][0]["url"].startswith("/sections/")
    assert body["unanswered"] == UNANSWERABLE and body["turns"][1]["reason"]
    stored = repr(body)
    for secret in ("jan@example.nl", "06-12345678", "Jan de Vries"):
        assert secret not in stored
    assert "[E-MAIL]" in first["question"] and "[TELEFOON]" in first["question"]


def test_the_store_holds_only_masked_text(base: str, folder: Path) -> None:
    import sqlite3

    _conversation(base, "gesprek-3")
    with sqlite3.connect(folder / "feedback.sqlite") as connection:
        text = repr(connection.execute("SELECT * FROM turns").fetchall())
    assert "[TELEFOON]" in text and "06-12345678" not in text and "jan@example.nl" not in text


def test_wrong_code_and_missing_credentials(base: str) -> None:
    code = _conversation(base, "gesprek-4")
    for headers in ({}, {"Authorization": "Bearer fout"}, {"Authorization": "Basic eDp5"}):
        refused = httpx.get(f"{base}/api/handoff/{code}", headers=headers, timeout=10)
        assert refused.status_code == 401 and "medewerker" in refused.json()["detail"]
        assert "turns" not in refused.text
    wrong = "ZZZ-99" if code != "ZZZ-99" else "ZZZ-98"
    for attempt in (wrong, "nonsens", "K0O-11"):
        missing = httpx.get(f"{base}/api/handoff/{attempt}", headers=STAFF, timeout=10)
        assert missing.status_code == 404 and "bestaat niet of is verlopen" in missing.json()["detail"]


def test_bad_requests_get_dutch_errors(base: str) -> None:
    for body in ({}, {"conversation_id": ""}, {"conversation_id": "x", "reason": "DROP TABLE"}):
        reply = httpx.post(f"{base}/api/handoff", json=body, timeout=10)
        assert reply.status_code == 422 and "De aanvraag klopt niet" in reply.json()["detail"]


def test_closed_without_configured_credentials(fake_service, fake_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app, _ = make_app(fake_service, fake_settings, tmp_path)
    for url in serve(app):
        code = _conversation(url, "gesprek-5")
        reply = httpx.get(f"{url}/api/handoff/{code}", headers=STAFF, timeout=10)
        assert reply.status_code == 403 and "gesloten" in reply.json()["detail"]


def test_codes_expire_and_take_the_turns_with_them(fake_service, fake_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    window = 4.0  # seconds a code and its turns live here: long enough for a loaded machine to read it once
    app, db = make_app(fake_service, fake_settings, tmp_path, staff_token=TOKEN,
                       handoff_code_hours=window / 3600, turn_retention_hours=window / 3600)
    for url in serve(app):
        code = _conversation(url, "gesprek-6", window / 3600)
        assert httpx.get(f"{url}/api/handoff/{code}", headers=STAFF, timeout=10).status_code == 200
        time.sleep(window + 0.5)
        expired = httpx.get(f"{url}/api/handoff/{code}", headers=STAFF, timeout=10)
        assert expired.status_code == 404 and "verlopen" in expired.json()["detail"]
        # the next write purges the expired code and the turns no live code points at
        _conversation(url, "gesprek-7", window / 3600)
        with sqlite3.connect(db) as connection:
            owners = {r[0] for r in connection.execute("SELECT conversation_id FROM turns")}
            codes = {r[0] for r in connection.execute("SELECT code FROM handoff_codes")}
        assert owners == {"gesprek-7"} and code not in codes
