"""Runners against fakes: an in-process service object, the HTTP API and Rasa REST (httpx mock transports)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from knowledge.eval.questions import Question, Turn
from knowledge.eval.runners import ApiRunner, InProcessRunner, RasaRunner, config_settings, run_question
from knowledge.types import Answer, Citation, Resolved

ROOT = Path(__file__).resolve().parents[3]

DOC = "leiden-2026-programma-1-bestuur-en-dienstverlening"
QUESTION = Question(
    id="fu-01",
    question="Wat zijn de lasten van dienstverlening in 2026?",
    kind="followup",
    expected_sections=("programmakosten",),
    expected_facts=("€ 14.909.000",),
    answerable=True,
    turns=(Turn("En in 2027?", ("€ 14.984.000",)),),
)
AMOUNTS = {2026: "€ 14.909.000", 2027: "€ 14.984.000"}


def citation(slug: str) -> Citation:
    """A citation of a section of the test document."""
    return Citation(1, DOC, f"{DOC}:{slug}", None, slug, (slug,), "", "")


@dataclass
class FakeSection:
    id: str


@dataclass
class FakeResult:
    section: FakeSection


class FakeService:
    """Answers lasten of dienstverlening per year; follow-ups keep the year from context unless given."""

    def __init__(self) -> None:
        self.contexts: list[Resolved | None] = []

    def search(self, query: str, k: int) -> list[FakeResult]:
        return [FakeResult(FakeSection(f"{DOC}:{s}")) for s in ("1b1", "programmakosten")][:k]

    def answer(self, question: str, context: Resolved | None = None) -> Answer:
        self.contexts.append(context)
        year = 2027 if "2027" in question else (context.year if context and context.year else 2026)
        return Answer(
            question,
            True,
            f"Lasten: {AMOUNTS[year]}",
            0.9,
            (citation("programmakosten"),),
            Resolved(year=year, line="Dienstverlening"),
            "table",
        )


def test_in_process_runner_passes_context_to_follow_ups() -> None:
    service = FakeService()
    outcome = run_question(InProcessRunner("fake", service), QUESTION)
    assert outcome.ranked_sections == ("1b1", "programmakosten")
    assert outcome.cited_sections == ("programmakosten",)
    assert outcome.text == "Lasten: € 14.909.000" and outcome.method == "table"
    assert outcome.latency_s is not None and outcome.error is None
    assert service.contexts[0] is None and service.contexts[1] == Resolved(year=2026, line="Dienstverlening")
    assert outcome.turns[0].text == "Lasten: € 14.984.000"


def test_service_errors_become_outcomes() -> None:
    class Broken(FakeService):
        def answer(self, question: str, context: Resolved | None = None) -> Answer:
            raise RuntimeError("index missing")

    outcome = run_question(InProcessRunner("broken", Broken()), QUESTION)
    assert outcome.error == "RuntimeError: index missing"
    assert outcome.answered is False


def test_api_runner_uses_search_and_answer_with_resolved_context() -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/search":
            assert request.url.params["k"] == "10"
            return httpx.Response(200, json={"results": [{"section_id": f"{DOC}:programmakosten"}]})
        body = json.loads(request.content)
        bodies.append(body)
        year = 2027 if "2027" in body["question"] else 2026
        return httpx.Response(
            200,
            json={
                "answered": True,
                "answer": f"Lasten: {AMOUNTS[year]}",
                "confidence": 0.9,
                "citations": [{"n": 1, "section_id": f"{DOC}:programmakosten"}],
                "resolved": {"year": year},
            },
        )

    client = httpx.Client(base_url="http://api", transport=httpx.MockTransport(handler))
    outcome = run_question(ApiRunner("http://api", client), QUESTION)
    assert outcome.ranked_sections == ("programmakosten",)
    assert outcome.cited_sections == ("programmakosten",)
    assert bodies[0] == {"question": QUESTION.question}
    assert bodies[1] == {"question": "En in 2027?", "context": {"year": 2026}}
    assert outcome.turns[0].text == "Lasten: € 14.984.000"


def test_rasa_runner_keeps_one_sender_per_conversation() -> None:
    senders: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        senders.append(body["sender"])
        custom = {"answered": True, "citations": [{"section_id": f"{DOC}:programmakosten"}]}
        return httpx.Response(200, json=[{"text": "Lasten:"}, {"text": AMOUNTS[2026], "custom": custom}])

    client = httpx.Client(base_url="http://rasa", transport=httpx.MockTransport(handler))
    outcome = run_question(RasaRunner("http://rasa", client), QUESTION)
    assert outcome.text == "Lasten:\n€ 14.909.000" and outcome.answered
    assert outcome.ranked_sections == ("programmakosten",)
    assert senders[1] == senders[2] != senders[0]  # rank uses its own conversation; answer and turn share one


def test_rasa_reply_without_custom_counts_as_not_answered() -> None:
    client = httpx.Client(
        base_url="http://rasa",
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=[{"text": "Bel 14 071"}])),
    )
    reply = RasaRunner("http://rasa", client).ask("Wat is de hoofdstad van Frankrijk?", None, "c1")
    assert reply.answered is False and reply.cited == ()


def test_config_settings() -> None:
    assert config_settings("hybrid-notables").table_answers is False
    assert config_settings("bm25").retrieval == "bm25"
