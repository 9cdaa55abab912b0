"""The knowledge API: shapes, Dutch 4xx errors for bad input, feedback masking, and a real server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from knowledge.api import create_app
from knowledge.feedback import FeedbackStore
from knowledge.settings import Settings
from tests.conftest import DOC, ROOT


@pytest.fixture(scope="module")
def client(fake_service, fake_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    store = FeedbackStore(tmp_path_factory.mktemp("api") / "feedback.sqlite")
    settings = fake_settings.with_(rasa_url="http://127.0.0.1:9")  # nothing listens on the discard port
    with TestClient(create_app(settings, fake_service, store)) as test_client:
        yield test_client


def test_health_and_documents(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
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
    [row] = [r for r in client.get("/api/feedback").json() if r["id"] == response.json()["id"]]
    assert "111222333" not in row["question"] and "jan@example.nl" not in row["question"]
    assert row["helped"] is False
    assert client.post("/api/feedback", json={"question": "x"}).status_code == 422


def test_unanswered_questions_are_logged_masked(client: TestClient) -> None:
    client.post("/api/answer", json={"question": "Wat is de hoofdstad van Frankrijk? Bel 06-12345678"})
    logged = client.get("/api/unanswered").json()
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
