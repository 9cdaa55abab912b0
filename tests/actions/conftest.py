"""Fixtures for the action tests (run in the Rasa venv): fake knowledge service, trackers, settings."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
for path in (str(ROOT), str(ROOT / "bot")):
    if path not in sys.path:
        sys.path.insert(0, path)

from fake_knowledge import FakeKnowledge, free_port  # noqa: E402


@pytest.fixture()
def knowledge(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKnowledge]:
    """A running fake knowledge service that the actions are pointed at."""
    fake = FakeKnowledge()
    monkeypatch.setenv("KNOWLEDGE_URL", fake.url)
    monkeypatch.setenv("KNOWLEDGE_PUBLIC_URL", "http://localhost:8000")
    monkeypatch.setenv("KNOWLEDGE_TIMEOUT", "2")
    monkeypatch.delenv("BOT_ASK_FEEDBACK", raising=False)
    for name in ("KCC_PHONE", "KCC_WEBSITE", "KCC_CHAT_URL"):
        monkeypatch.delenv(name, raising=False)
    yield fake
    fake.close()


@pytest.fixture()
def knowledge_down(monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the actions at a loopback port where nothing listens."""
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("KNOWLEDGE_URL", url)
    monkeypatch.setenv("KNOWLEDGE_TIMEOUT", "1")
    return url
