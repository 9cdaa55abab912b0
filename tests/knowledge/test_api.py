"""The knowledge API: shapes, Dutch 4xx errors, feedback masking, staff-only views, store faults, real server."""

from __future__ import annotations

import base64
import json
import os
import re
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
from knowledge.serialize import ANSWER_KEYS, CITATION_KEYS, CLARIFY_KEYS, OPTION_KEYS, RESOLVED_KEYS
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
    assert set(body) == set(ANSWER_KEYS)
    assert body["answered"] and "€ 14.909.000" in body["answer"]
    citation = body["citations"][0]
    assert citation["section_id"] == f"{DOC}:programmakosten" and citation["url"].startswith("/sections/")
    assert set(citation) == set(CITATION_KEYS) and set(body["resolved"]) == set(RESOLVED_KEYS)
    assert "Leiden" in citation["document_title"] and "2026" in citation["document_title"]


def test_clarify_is_part_of_the_contract(client: TestClient) -> None:
    body = client.post("/api/answer", json={"question": "Hoeveel is de reserve raad?"}).json()
    assert body["method"] == "clarify" and body["answered"] is False
    assert set(body["clarify"]) == set(CLARIFY_KEYS)
    assert all(set(o) == set(OPTION_KEYS) for o in body["clarify"]["options"])


def test_the_frame_of_an_answer_goes_back_as_context(client: TestClient) -> None:
    first = client.post("/api/answer", json={"question": "Wat kost dienstverlening in 2027?"}).json()
    follow = client.post("/api/answer", json={"question": "en de baten?", "context": first["resolved"]}).json()
    assert "€ 4.124.000" in follow["answer"]


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


# ------------------------------------------------------------------------- edge: errors, limits, headers, docs


def test_framework_errors_are_dutch_json(client: TestClient) -> None:
    missing = client.get("/bestaat/niet")
    assert missing.status_code == 404 and missing.json() == {"detail": "Dit adres bestaat niet."}
    wrong = client.get("/api/answer")
    assert wrong.status_code == 405 and "niet toegestaan" in wrong.json()["detail"] and "POST" in wrong.headers["allow"]
    assert client.get("/static/bestaat-niet.js").json() == {"detail": "Dit adres bestaat niet."}
    for response in (missing, wrong):
        assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("body", "word"),
    [
        (b'{"question": "\\ud800"}', "Unicode"),  # a lone surrogate
        (b'{"question": "lasten \\udc00 2026"}', "Unicode"),
        (b'{"question": "\\ud800\\u0041"}', "Unicode"),  # high surrogate followed by a non-surrogate
        (b'{"question": "lasten \xff\xfe 2026"}', "UTF-8"),
        (b'{"question": "caf\xe9"}', "UTF-8"),  # latin-1, not UTF-8
    ],
)
def test_invalid_unicode_and_utf8_get_a_dutch_400(client: TestClient, body: bytes, word: str) -> None:
    for path in ("/api/answer", "/api/feedback", "/api/chat"):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, path
        assert word in response.json()["detail"]


def test_a_valid_surrogate_pair_is_an_ordinary_character(client: TestClient) -> None:
    response = client.post("/api/answer", content=b'{"question": "lasten dienstverlening 2026 \\ud83d\\ude00"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 200


def test_bodies_above_the_cap_are_refused_before_parsing(fake_service, fake_settings: Settings,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    settings = fake_settings.with_(max_body_bytes=1024)
    big = json.dumps({"question": "x" * 2000}).encode()
    with _app_client(fake_service, settings, FeedbackStore(tmp_path / "f.sqlite")) as client:
        response = client.post("/api/answer", content=big, headers={"content-type": "application/json"})
        assert response.status_code == 413 and response.json()["detail"].startswith("De aanvraag is te groot")
        # without Content-Length (chunked): counted while reading
        chunked = client.post("/api/answer", content=iter([big[:600], big[600:]]),
                              headers={"content-type": "application/json"})
        assert chunked.status_code == 413 and "te groot" in chunked.json()["detail"]
        small = client.post("/api/answer", json={"question": "lasten dienstverlening 2026"})
        assert small.status_code == 200
    assert Settings().max_body_bytes == 64 * 1024
    assert Settings.from_env({"BW_MAX_BODY_BYTES": "2048"}).max_body_bytes == 2048


def test_rate_limit_per_client_with_a_dutch_429_and_retry_after(fake_service, fake_settings: Settings,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    settings = fake_settings.with_(rate_limit="3/minute")
    with _app_client(fake_service, settings, FeedbackStore(tmp_path / "f.sqlite")) as client:
        codes = [client.get("/api/documents").status_code for _ in range(3)]
        limited = client.post("/api/answer", json={"question": "lasten 2026"})
        assert codes == [200, 200, 200] and limited.status_code == 429
        assert "Te veel vragen" in limited.json()["detail"]
        assert 1 <= int(limited.headers["retry-after"]) <= 20
        # pages, static files and /health are not limited
        assert client.get("/health").status_code == 200 and client.get("/").status_code == 200
    exempt = settings.with_(rate_limit_exempt=("10.0.0.0/8",))  # e.g. the action server's network
    app = create_app(exempt, fake_service, FeedbackStore(tmp_path / "g.sqlite"))
    with TestClient(app, client=("10.1.2.3", 5000)) as inside, TestClient(app, client=("192.0.2.7", 5000)) as out:
        assert all(inside.get("/api/documents").status_code == 200 for _ in range(6))
        assert [out.get("/api/documents").status_code for _ in range(4)] == [200, 200, 200, 429]
    off = settings.with_(rate_limit="0")
    with _app_client(fake_service, off, FeedbackStore(tmp_path / "h.sqlite")) as client:
        assert all(client.get("/api/documents").status_code == 200 for _ in range(10))


def test_rate_limit_settings() -> None:
    from knowledge.limits import Rate, RateLimiter, parse_rate

    assert parse_rate("60/minute") == Rate(60, 60.0) and parse_rate("5/second") == Rate(5, 1.0)
    assert parse_rate("0") is None and parse_rate("off") is None
    with pytest.raises(ValueError):
        Settings.from_env({"BW_RATE_LIMIT": "veel"})
    assert Settings.from_env({"BW_RATE_LIMIT_EXEMPT": "127.0.0.1, 10.0.0.0/8"}).rate_limit_exempt == (
        "127.0.0.1", "10.0.0.0/8")
    now = [0.0]
    limiter = RateLimiter(Rate(2, 60.0), exempt=["10.0.0.0/8"], clock=lambda: now[0])
    assert limiter.take("1.2.3.4") == 0 and limiter.take("1.2.3.4") == 0
    assert limiter.take("1.2.3.4") == pytest.approx(30.0)  # one token per 30 s
    assert limiter.take("5.6.7.8") == 0  # per client
    assert limiter.take("10.1.2.3") == 0 and limiter.take("10.1.2.3") == 0 and limiter.take("10.1.2.3") == 0
    now[0] = 30.0
    assert limiter.take("1.2.3.4") == 0


SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy")


def test_security_headers_on_every_response(fake_service, fake_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = fake_settings.with_(rate_limit="2/minute", frame_ancestors="'self' https://www.leiden.nl")
    with _app_client(fake_service, settings, FeedbackStore(tmp_path / "f.sqlite")) as client:
        responses = [client.get("/"), client.get("/kcc"), client.get("/static/chat.js"), client.get("/health"),
                     client.get("/openapi.json"), client.get("/bestaat-niet"), client.get("/api/documents"),
                     client.post("/api/answer", json={"vraag": 1}), client.get("/api/documents")]
        assert responses[-1].status_code == 429
        for response in responses:
            assert all(h in response.headers for h in SECURITY), response.url
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "same-origin"
        csp = responses[0].headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert "frame-ancestors 'self' https://www.leiden.nl" in csp
    assert "frame-ancestors 'self'" in _csp_of(fake_service, fake_settings, tmp_path)
    assert Settings.from_env({"BW_FRAME_ANCESTORS": "https://www.leiden.nl"}).frame_ancestors == \
        "https://www.leiden.nl"


def _csp_of(fake_service: Any, settings: Settings, tmp_path: Path) -> str:
    with _app_client(fake_service, settings, FeedbackStore(tmp_path / "csp.sqlite")) as client:
        return str(client.get("/").headers["content-security-policy"])


def test_pages_have_no_inline_scripts_or_styles() -> None:
    import re

    for page in (ROOT / "web").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), page  # every script is a file
        assert "<style" not in html and " style=" not in html, page
        assert not re.search(r"\son[a-z]+=", html), page  # no inline event handlers
        assert "//cdn" not in html and "https://" not in html.split("<body")[0], page


def test_errors_are_documented_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"404", "405", "413", "422", "429", "500"} <= documented, (method, path)
            assert operation["responses"]["429"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"}
    assert schema["components"]["schemas"]["ErrorBody"]["required"] == ["detail"]
    assert "503" in schema["paths"]["/health"]["get"]["responses"]


def test_docs_are_served_without_any_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources)
    assert "<script>" not in page.text  # no inline script: the page works under the CSP
    for source in sources:
        asset = client.get(f"/{source}")
        assert asset.status_code == 200 and len(asset.content) > 100, source
    assert "cdn" not in client.get("/docs/init.js").text
    assert client.get("/redoc").status_code == 404


def test_docs_can_be_turned_off(fake_service, fake_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with _app_client(fake_service, fake_settings.with_(docs=False), FeedbackStore(tmp_path / "f.sqlite")) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 200


def test_health_reports_each_part(fake_service, fake_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RasaRoot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = fake_settings.with_(rasa_url=f"http://127.0.0.1:{server.server_address[1]}")
        with _app_client(fake_service, settings, FeedbackStore(tmp_path / "f.sqlite")) as client:
            body = client.get("/health").json()
            assert body["status"] == "ok"
            assert {body[p]["status"] for p in ("index", "model", "feedback_store", "rasa")} == {"ok"}
            assert body["model"]["name"] == "hashing" and body["index"]["documents"] >= 1
        blocker = tmp_path / "geen-map"
        blocker.write_text("een bestand waar een map hoort")
        with _app_client(fake_service, settings.with_(feedback_db=blocker / "f.sqlite")) as client:
            health = client.get("/health")
            assert health.status_code == 200 and health.json()["status"] == "degraded"
            assert health.json()["feedback_store"]["status"] == "down" and health.json()["rasa"]["status"] == "ok"
    finally:
        server.shutdown()


class _RasaRoot(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        payload = b"Hello from Rasa: 3.6.21"
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


class _Broken:
    """A service whose answering crashes: the API must answer a Dutch 500 and keep the connection."""

    def __init__(self, service: Any) -> None:
        self.index = service.index
        self.embedder = service.embedder

    def answer(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("kapot")


def test_kept_alive_connection_survives_every_error(fake_service, fake_settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import http.client

    import uvicorn

    settings = fake_settings.with_(rate_limit="12/minute", max_body_bytes=2048)
    app = create_app(settings, _Broken(fake_service), FeedbackStore(tmp_path / "f.sqlite"))  # type: ignore[arg-type]
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.time() + 20
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        json_headers = {"content-type": "application/json"}
        requests: list[tuple[str, str, bytes | None, int]] = [
            ("GET", "/bestaat-niet", None, 404),
            ("GET", "/api/answer", None, 405),
            ("POST", "/api/answer", b'{"question": "\\ud800"}', 400),
            ("POST", "/api/answer", b"\xff\xfe", 400),
            ("POST", "/api/answer", b'{"vraag": 1}', 422),
            ("POST", "/api/answer", b'{"question": "lasten 2026"}', 500),
            ("POST", "/api/feedback", b'{"question": "' + b"x" * 1500 + b'", "helped": true}', 201),
            ("GET", "/health", None, 200),
        ]
        first_socket = None
        for method, path, body, status in requests:
            conn.request(method, path, body=body, headers=json_headers)
            response = conn.getresponse()
            payload = response.read()
            assert response.status == status, (path, payload)
            if status >= 400:
                assert json.loads(payload)["detail"] and "Content-Security-Policy" in response.headers
            if status == 500:
                assert json.loads(payload) == {"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."}
            first_socket = first_socket or conn.sock
            assert conn.sock is first_socket, f"connection closed after {status} on {path}"
        # 429 also keeps the connection
        statuses = []
        for _ in range(12):
            conn.request("GET", "/api/documents")
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
            assert conn.sock is first_socket
        assert statuses[-1] == 429
        conn.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)



@pytest.mark.parametrize("path", ["/", "/kcc", f"/sections/{DOC}:programmakosten"])
def test_pages_name_the_municipality_and_documents_from_the_metadata(client: TestClient, path: str) -> None:
    page = client.get(path).text
    assert "{{" not in page
    assert "Gemeente Leiden" in page  # from the document's sidecar, not from the page
    if path != "/":
        assert "gemeente Leiden, Programmabegroting 2026, programma 1 Bestuur en dienstverlening" in page


def test_search_can_be_limited_to_one_document(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "lasten dienstverlening 2026", "document": DOC}).json()
    assert body["results"] and all(r["document"] == DOC for r in body["results"])
    assert "€ 14.909.000" in body["answer"]["answer"]
    missing = client.get("/api/search", params={"q": "lasten", "document": "bestaat-niet"})
    assert missing.status_code == 404 and "document" in missing.json()["detail"]
    docs = client.get("/api/documents").json()
    assert docs[0]["label"] == "gemeente Leiden, Programmabegroting 2026, programma 1 Bestuur en dienstverlening"


def test_pages_give_the_deployments_phone_number(fake_service, fake_settings: Settings,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path) -> None:
    settings = fake_settings.with_(kcc_phone="0800 1234")
    with TestClient(create_app(settings, fake_service, FeedbackStore(tmp_path / "f.sqlite"))) as other:
        for path in ("/", "/kcc", "/embed"):
            page = other.get(path).text
            assert 'data-telefoon="0800 1234"' in page and "14 071" not in page, path
    script = (Path(__file__).resolve().parents[2] / "web" / "static" / "chat.js").read_text(encoding="utf-8")
    assert "14 071" not in script and "14071" not in script  # the number comes from the page, not the code
