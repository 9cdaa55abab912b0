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


def test_the_fake_speaks_the_services_contract() -> None:
    """The fake builds its JSON with knowledge.serialize, the module the real API uses (tests/knowledge/test_api.py
    checks the same key sets against the real service)."""
    from fake_knowledge import fake_answer

    from knowledge.serialize import ANSWER_KEYS, CITATION_KEYS, CLARIFY_KEYS

    answered = fake_answer("lasten dienstverlening 2026", None)
    assert set(answered) == set(ANSWER_KEYS) and set(answered["citations"][0]) == set(CITATION_KEYS)
    assert set(answered["resolved"]) == set(RESOLVED_KEYS)
    asked_back = fake_answer("welk bedrag gaat naar bestuur?", None)
    assert set(asked_back["clarify"]) == set(CLARIFY_KEYS)


def test_client_reads_a_question_back(knowledge: FakeKnowledge) -> None:
    answer = KnowledgeClient(knowledge.url, timeout=2).answer("welk bedrag gaat naar bestuur?")
    assert not answer.answered and answer.clarify is not None
    assert [o["question"] for o in answer.clarify["options"]] == ["Wat zijn de lasten van Bestuur?",
                                                                   "Wat zijn de baten van Bestuur?"]
