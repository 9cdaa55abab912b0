"""Tests of actions.knowledge_client against the fake service (contract, timeout, down)."""

from __future__ import annotations

import time

import pytest
from fake_knowledge import FakeKnowledge, free_port

from actions.knowledge_client import KnowledgeClient, KnowledgeUnavailable, clean_context
from knowledge.serialize import RESOLVED_KEYS


def test_answer_parses_contract(knowledge: FakeKnowledge) -> None:
    client = KnowledgeClient(knowledge.url, timeout=2)
    answer = client.answer("lasten dienstverlening 2026")
    assert answer.answered
    assert answer.citations[0]["n"] == 1
    assert answer.resolved["year"] == 2026 and answer.resolved["line"] == "Dienstverlening"
    assert set(answer.resolved) == set(RESOLVED_KEYS)


def test_context_is_cleaned(knowledge: FakeKnowledge) -> None:
    client = KnowledgeClient(knowledge.url, timeout=2)
    client.answer("En in 2027?", {"year": "2027", "line": "Dienstverlening", "measure": None, "extra": 1})
    assert knowledge.posted("/api/answer")[0]["context"] == {
        **{k: None for k in RESOLVED_KEYS}, "year": 2027, "line": "Dienstverlening",
    }
    assert clean_context({"year": None, "line": ""}) is None
    assert clean_context({"year": "twee"}) is None


def test_health_and_feedback(knowledge: FakeKnowledge) -> None:
    client = KnowledgeClient(knowledge.url, timeout=2)
    assert client.health()
    assert client.feedback("vraag 06-12345678", "antwoord", True, "c1")
    assert knowledge.posted("/api/feedback")[0]["question"] == "vraag [TELEFOON]"


def test_down_raises_quickly() -> None:
    client = KnowledgeClient(f"http://127.0.0.1:{free_port()}", timeout=1)
    started = time.monotonic()
    with pytest.raises(KnowledgeUnavailable):
        client.answer("lasten 2026")
    assert time.monotonic() - started < 2
    assert not client.health()
    assert not client.feedback("q", "a", False, None)


def test_timeout_raises(knowledge: FakeKnowledge) -> None:
    knowledge.delay = 2.0
    client = KnowledgeClient(knowledge.url, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(KnowledgeUnavailable):
        client.answer("lasten 2026")
    assert time.monotonic() - started < 1.5
