"""The knowledge API: shapes, Dutch 4xx errors, feedback masking, staff-only views, store faults, real server."""

from __future__ import annotations

import base64
import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from knowledge.api import create_app
from knowledge.feedback import FeedbackStore
from knowledge.settings import Settings
from tests.conftest import DOC, ROOT

STAFF_TOKEN = "geheim-token-voor-tests"
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


@pytest.fixture(scope="module")
def client(fake_service, fake_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    store = FeedbackStore(tmp_path_factory.mktemp("api") / "feedback.sqlite")
    # nothing listens on the discard port
    settings = fake_settings.with_(rasa_url="http://127.0.0.1:9", staff_token=STAFF_TOKEN)
    with TestClient(create_app(settings, fake_service, store)) as test_client:
        yield test_client


def test_health_and_documents(client: TestClient) -> None:
    health = client.get("/health")
    # the assistant (Rasa) is down in this fixture: answering still works, so 200 and "degraded"
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert health.json()["index"]["status"] == "ok" and health.json()["rasa"]["status"] == "down"
    [doc] = client.get("/api/documents").json()
    assert doc["id"] == DOC and doc["sections"] > 50


def test_answer_shape_and_table_value(client: TestClient) -> None:
    body = client.post("/api/answer", json={"question": "Wat zijn de lasten van dienstverlening in 2026?"}).json()
    assert set(body) == {"question", "answered", "answer", "confidence", "citations", "resolved"}
    assert body["answered"] and "€ 14.909.000" in body["answer"]
    citation = body["citations"][0]
    assert citation["section_id"] == f"{DOC}:programmakosten" and citation["url"].startswith("/sections/")


def test_follow_up_with_context(client: TestClient) -> None:
    context = {"year": 2026, "line": "Dienstverlening", "measure": "Lasten"}
    body = client.post("/api/answer", json={"question": "En in 2028?", "context": context}).json()
    assert "€ 14.523.000" in body["answer"] and body["resolved"]["year"] == 2028


@pytest.mark.parametrize(
    ("payload", "status", "word"),
    [
        ({"question": ""}, 400, "leeg"),
        ({"question": "   "}, 400, "leeg"),
        ({"question": "x" * 1001}, 413, "te lang"),
        ({"vraag": "hallo"}, 422, "question"),
        ({"question": 42}, 422, "question"),
        ({"question": "lasten", "context": {"year": "volgend jaar"}}, 422, "year"),
    ],
)
def test_bad_questions_get_a_dutch_4xx(client: TestClient, payload: dict, status: int, word: str) -> None:
    response = client.post("/api/answer", json=payload)
    assert response.status_code == status
    assert word in response.json()["detail"]


def test_malformed_json_is_a_400(client: TestClient) -> None:
    response = client.post("/api/answer", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    response = client.post("/api/answer", content="vraag".encode("utf-16"),
                           headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)


def test_search_returns_ranked_sections_and_an_answer(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "1B1.4", "k": 3}).json()
    assert body["results"][0]["code"] == "1B1.4"
    assert {"section_id", "code", "title", "path", "url", "snippet", "score"} <= set(body["results"][0])
    assert body["answer"]["answered"]
    assert client.get("/api/search", params={"q": ""}).status_code == 400
    assert client.get("/api/search", params={"q": "x", "k": 0}).status_code == 422


def test_section_view_and_404(client: TestClient) -> None:
    body = client.get(f"/api/sections/{DOC}:programmakosten").json()
    assert body["title"] == "Programmakosten" and body["tables"][0]["unit"] == "× €1.000"
    assert ["Dienstverlening", "Lasten", 2026, "begroting", "14.909"] in body["tables"][0]["rows"]
    assert client.get(f"/api/sections/{DOC}:1b").json()["children"][0]["code"] == "1B1"
    missing = client.get("/api/sections/bestaat-niet")
    assert missing.status_code == 404 and "bestaat niet" in missing.json()["detail"]


def test_feedback_is_stored_masked(client: TestClient) -> None:
    response = client.post("/api/feedback", json={
        "question": "Mijn BSN is 111222333 en mail jan@example.nl", "answer": "…", "helped": False,
        "source": "web", "conversation_id": "abc"})
    assert response.status_code == 201
    [row] = [r for r in client.get("/api/feedback", headers=STAFF).json() if r["id"] == response.json()["id"]]
    assert "111222333" not in row["question"] and "jan@example.nl" not in row["question"]
    assert row["helped"] is False
    assert client.post("/api/feedback", json={"question": "x"}).status_code == 422


def test_unanswered_questions_are_logged_masked(client: TestClient) -> None:
    client.post("/api/answer", json={"question": "Wat is de hoofdstad van Frankrijk? Bel 06-12345678"})
    logged = client.get("/api/unanswered", headers=STAFF).json()
    assert any("frankrijk" in row["question"] and "12345678" not in row["question"] for row in logged)


def test_chat_proxy_reports_unreachable_assistant(client: TestClient) -> None:
    response = client.post("/api/chat", json={"sender": "t1", "message": "hallo"})
    assert response.status_code == 503 and "14 071" in response.json()["detail"]


def test_openapi_docs(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/answer", "/api/search", "/api/documents", "/health"} <= set(paths)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.e2e
@pytest.mark.slow
def test_real_server_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "BW_INDEX_DIR": str(ROOT / "var" / "index"), "BW_FEEDBACK_DB": str(tmp_path / "f.sqlite")}
    proc = subprocess.Popen([sys.executable, "-m", "knowledge", "serve", "--port", str(port)], cwd=ROOT, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        body = httpx.post(f"{base}/api/answer", json={"question": "Wanneer zijn de verkiezingen?"}, timeout=30).json()
        assert body["answered"] and "maart 2026" in body["answer"]
        bad = httpx.post(f"{base}/api/answer", content=b"\xff\xfe\x00", timeout=10,
                         headers={"content-type": "application/json"})
        assert 400 <= bad.status_code < 500
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# ------------------------------------------------------------------------------------------ staff-only views


def _app_client(fake_service: Any, settings: Settings, store: FeedbackStore | None = None) -> TestClient:
    return TestClient(create_app(settings, fake_service, store))


@pytest.mark.parametrize("path", ["/api/feedback", "/api/unanswered"])
def test_staff_views_are_closed_without_configured_credentials(fake_service, fake_settings: Settings,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path, path: str) -> None:
    settings = fake_settings.with_(staff_token="", staff_user="", staff_password="")
    with _app_client(fake_service, settings, FeedbackStore(tmp_path / "f.sqlite")) as client:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Basic Og=="}):
            response = client.get(path, headers=headers)
            assert response.status_code == 403
            assert "alleen voor medewerkers" in response.json()["detail"]
        # the public budget search stays public
        assert client.get("/api/search", params={"q": "1B1.4"}).status_code == 200
        assert client.post("/api/answer", json={"question": "lasten dienstverlening 2026"}).status_code == 200


@pytest.mark.parametrize("path", ["/api/feedback", "/api/unanswered"])
def test_staff_views_need_the_token_or_basic_credentials(fake_service, fake_settings: Settings,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path, path: str) -> None:
    settings = fake_settings.with_(staff_token="t0ken-42", staff_user="kcc", staff_password="wacht:woord")
    basic = base64.b64encode(b"kcc:wacht:woord").decode()
    wrong_basic = base64.b64encode(b"kcc:fout").decode()
    with _app_client(fake_service, settings, FeedbackStore(tmp_path / "f.sqlite")) as client:
        for headers in ({}, {"Authorization": "Bearer fout"}, {"Authorization": f"Basic {wrong_basic}"},
                        {"Authorization": "Basic !!geen-base64!!"}, {"Authorization": "t0ken-42"}):
            response = client.get(path, headers=headers)
            assert response.status_code == 401, headers
            assert "medewerker" in response.json()["detail"]
            challenge = response.headers["www-authenticate"]
            assert "Bearer" in challenge and "Basic" in challenge
        assert client.get(path, headers={"Authorization": "Bearer t0ken-42"}).status_code == 200
        assert client.get(path, headers={"Authorization": f"Basic {basic}"}).status_code == 200


def test_staff_settings_come_from_the_environment_and_stay_out_of_repr() -> None:
    settings = Settings.from_env({"BW_STAFF_TOKEN": "abc", "BW_STAFF_USER": "kcc", "BW_STAFF_PASSWORD": "pw"})
    assert (settings.staff_token, settings.staff_user, settings.staff_password) == ("abc", "kcc", "pw")
    assert "abc" not in repr(settings) and "pw" not in repr(settings)


def test_openapi_documents_the_staff_errors(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"401", "403", "503"} <= set(paths["/api/feedback"]["get"]["responses"])
    assert {"401", "403", "503"} <= set(paths["/api/unanswered"]["get"]["responses"])


# ----------------------------------------------------------------------------------- feedback source, files


def test_feedback_source_is_an_enum(client: TestClient) -> None:
    base = {"question": "Wat kost dienstverlening?", "answer": "…", "helped": True}
    for source in ("web", "kcc", "rasa", "cli"):
        assert client.post("/api/feedback", json={**base, "source": source}).status_code == 201
    rasa = client.post("/api/feedback", json={**base, "source": "bot"})  # what the action server sends
    assert rasa.status_code == 201
    [row] = [r for r in client.get("/api/feedback", headers=STAFF).json() if r["id"] == rasa.json()["id"]]
    assert row["source"] == "rasa"
    for bad in ("Jan Jansen 06-12345678", "WEB", "", 3):
        response = client.post("/api/feedback", json={**base, "source": bad})
        assert response.status_code == 422
        assert "source" in response.json()["detail"] and "klopt niet" in response.json()["detail"]


def test_feedback_and_conversation_id_masking(client: TestClient) -> None:
    conversation = "e540c2d8f8b04f6b9ad6f6a8b1f1c7d2-0612345678"
    response = client.post("/api/feedback", json={
        "question": "Ik ben Jan de Vries, Breestraat 12, 2311 CS, geboren 12-03-1980, bsn111222333, "
                    "bel 071 - 516 5000", "answer": "x", "helped": False, "source": "web",
        "conversation_id": conversation})
    [row] = [r for r in client.get("/api/feedback", headers=STAFF).json() if r["id"] == response.json()["id"]]
    assert row["question"] == ("Ik ben [NAAM], [ADRES], [POSTCODE], geboren [GEBOORTEDATUM], bsn[BSN], "
                               "bel [TELEFOON]")
    assert row["conversation_id"] == conversation  # an id is never masked


def test_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "nieuw" / "feedback.sqlite"
    store = FeedbackStore(path)
    store.add_unanswered("vraag", "abstain")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    old = tmp_path / "oud.sqlite"
    old.touch(mode=0o644)
    os.chmod(old, 0o644)
    FeedbackStore(old)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


# -------------------------------------------------------------------------------------- feedback-store faults

UNANSWERABLE = "Wat is de hoofdstad van Frankrijk?"


def _assert_store_503(client: TestClient) -> None:
    for response in (
        client.get("/api/feedback", headers=STAFF),
        client.get("/api/unanswered", headers=STAFF),
        client.post("/api/feedback", json={"question": "q", "answer": "a", "helped": True, "source": "web"}),
    ):
        assert response.status_code == 503
        assert "feedbackopslag is nu niet beschikbaar" in response.json()["detail"]


def test_a_locked_database_never_changes_an_answer(fake_service, fake_settings: Settings, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.feedback as feedback_module

    monkeypatch.setattr(feedback_module, "WRITE_TIMEOUT", 0.3)
    path = tmp_path / "feedback.sqlite"
    store = FeedbackStore(path)
    settings = fake_settings.with_(staff_token=STAFF_TOKEN)
    with _app_client(fake_service, settings, store) as client:
        before = client.post("/api/answer", json={"question": UNANSWERABLE}).json()
        lock = sqlite3.connect(path, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # another process holds the database
        try:
            started = time.monotonic()
            during = client.post("/api/answer", json={"question": UNANSWERABLE})
            assert during.status_code == 200 and during.json() == before
            assert time.monotonic() - started < 3
            answered = client.post("/api/answer", json={"question": "lasten dienstverlening 2026"})
            assert answered.status_code == 200
            _assert_store_503(client)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        assert client.get("/api/unanswered", headers=STAFF).status_code == 200


def _make_read_only(path: Path) -> None:
    if os.geteuid() != 0:
        os.chmod(path, 0o444)
    else:  # root ignores file modes: make the file immutable instead
        result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if result.returncode != 0:
            pytest.skip(f"cannot make a file read-only as root here: {result.stderr.decode().strip()}")
    try:
        with open(path, "ab"):
            pytest.skip("the file is still writable")
    except PermissionError:
        pass


def test_a_read_only_database_never_changes_an_answer(fake_service, fake_settings: Settings,  # type: ignore[no-untyped-def]
                                                      tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    FeedbackStore(path).add_unanswered("oude vraag", "abstain")
    _make_read_only(path)
    try:
        store = FeedbackStore(path)
        assert not store.add_unanswered("nieuwe vraag", "abstain")
        settings = fake_settings.with_(staff_token=STAFF_TOKEN)
        with _app_client(fake_service, settings, store) as client:
            response = client.post("/api/answer", json={"question": UNANSWERABLE})
            assert response.status_code == 200 and response.json()["answered"] is False
            # reading still works; writing feedback is a Dutch 503
            assert client.get("/api/unanswered", headers=STAFF).json() == [{"question": "oude vraag", "count": 1}]
            bad = client.post("/api/feedback", json={"question": "q", "answer": "a", "helped": True})
            assert bad.status_code == 503 and "niet beschikbaar" in bad.json()["detail"]
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_unwritable_folder_at_start_up_does_not_stop_the_service(fake_service, fake_settings: Settings,  # type: ignore[no-untyped-def]
                                                                    tmp_path: Path) -> None:
    blocker = tmp_path / "geen-map"
    blocker.write_text("een bestand waar een map hoort")
    settings = fake_settings.with_(feedback_db=blocker / "feedback.sqlite", staff_token=STAFF_TOKEN)
    with _app_client(fake_service, settings) as client:  # the app creates its own store at start-up
        response = client.post("/api/answer", json={"question": UNANSWERABLE})
        assert response.status_code == 200 and response.json()["answered"] is False
        assert client.post("/api/answer", json={"question": "lasten dienstverlening 2026"}).json()["answered"]
        _assert_store_503(client)
        # once the folder can be made, the store recovers without a restart
        blocker.unlink()
        assert client.get("/api/unanswered", headers=STAFF).status_code == 200


# -------------------------------------------------------------------------------- chat proxy masks the message


class _FakeRasa(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeRasa.received.append(body)
        payload = json.dumps([{"recipient_id": body["sender"], "text": "ok"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


def test_chat_masks_the_message_but_not_the_sender(fake_service, fake_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeRasa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = fake_settings.with_(rasa_url=f"http://127.0.0.1:{server.server_address[1]}")
        sender = "0612345678e540c2d8f8b04f6b9ad6f6"
        with _app_client(fake_service, settings, FeedbackStore(tmp_path / "f.sqlite")) as client:
            response = client.post("/api/chat", json={
                "sender": sender, "message": "Ik ben Jan Smit, mijn bsn is 123456789. Wat kost 1B1.1 in 2027?"})
            assert response.status_code == 200 and response.json()[0]["recipient_id"] == sender
    finally:
        server.shutdown()
    [sent] = _FakeRasa.received
    assert sent == {"sender": sender, "message": "Ik ben [NAAM], mijn bsn is [BSN]. Wat kost 1B1.1 in 2027?"}
