"""Run questions against the assistant: in-process, through the HTTP API, or through Rasa REST."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import httpx

from knowledge.eval.metrics import Outcome, TurnOutcome, slug_of
from knowledge.eval.questions import Question, Turn
from knowledge.settings import Settings
from knowledge.types import Answer, Resolved

SEARCH_K = 10
CONFIGS: dict[str, dict[str, object]] = {
    "bm25": {"retrieval": "bm25", "table_answers": True},
    "dense": {"retrieval": "dense", "table_answers": True},
    "hybrid": {"retrieval": "hybrid", "table_answers": True},
    "hybrid-notables": {"retrieval": "hybrid", "table_answers": False},
}


@dataclass(frozen=True)
class Reply:
    """One answer as any target returns it, reduced to what the metrics need."""

    text: str
    answered: bool
    cited: tuple[str, ...]
    method: str = ""
    confidence: float | None = None
    context: Any = None


class Runner(Protocol):
    """Something that can answer a question, optionally in the context of an earlier reply."""

    name: str

    def rank(self, question: str) -> tuple[str, ...]:
        """Section slugs ranked for the question (best first)."""

    def ask(self, question: str, previous: Reply | None, conversation: str) -> Reply:
        """Answer a question, continuing the conversation of the previous reply."""


class InProcessRunner:
    """Calls a service object built by knowledge.factory.build_service."""

    def __init__(self, name: str, service: Any) -> None:
        self.name = name
        self.service = service

    def rank(self, question: str) -> tuple[str, ...]:
        """Section slugs of service.search(question, k=10)."""
        return tuple(slug_of(r.section.id) for r in self.service.search(question, k=SEARCH_K))

    def ask(self, question: str, previous: Reply | None, conversation: str) -> Reply:
        """service.answer with the previous answer's resolved context."""
        context: Resolved | None = previous.context if previous else None
        answer: Answer = self.service.answer(question, context=context)
        return Reply(
            text=answer.text,
            answered=answer.answered,
            cited=tuple(slug_of(c.section_id) for c in answer.citations),
            method=answer.method,
            confidence=answer.confidence,
            context=answer.resolved,
        )


def _section_ids(items: Any) -> tuple[str, ...]:
    """Section slugs from a list of search results or citations as JSON."""
    if isinstance(items, dict):
        items = items.get("results", items.get("citations", []))
    slugs: list[str] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        section = item.get("section")
        sid = item.get("section_id") or (section.get("id") if isinstance(section, dict) else None)
        if isinstance(sid, str):
            slugs.append(slug_of(sid))
    return tuple(slugs)


class ApiRunner:
    """Calls POST /api/answer and GET /api/search of a running knowledge service."""

    def __init__(self, base_url: str, client: httpx.Client | None = None, name: str = "api") -> None:
        self.name = name
        self.client = client or httpx.Client(base_url=base_url.rstrip("/"), timeout=60.0)

    def rank(self, question: str) -> tuple[str, ...]:
        """Section slugs of GET /api/search."""
        resp = self.client.get("/api/search", params={"q": question, "k": SEARCH_K})
        resp.raise_for_status()
        return _section_ids(resp.json())

    def ask(self, question: str, previous: Reply | None, conversation: str) -> Reply:
        """POST /api/answer, passing the previous reply's 'resolved' as context."""
        body: dict[str, Any] = {"question": question}
        if previous is not None and previous.context:
            body["context"] = previous.context
        resp = self.client.post("/api/answer", json=body)
        resp.raise_for_status()
        data = resp.json()
        return Reply(
            text=str(data.get("answer", "")),
            answered=bool(data.get("answered")),
            cited=_section_ids(data.get("citations", [])),
            confidence=data.get("confidence"),
            context=data.get("resolved"),
        )


class RasaRunner:
    """Talks to the Rasa REST channel; one sender id per conversation, so follow-ups keep context."""

    def __init__(self, base_url: str, client: httpx.Client | None = None, name: str = "rasa") -> None:
        self.name = name
        self.client = client or httpx.Client(base_url=base_url.rstrip("/"), timeout=60.0)

    def rank(self, question: str) -> tuple[str, ...]:
        """Rasa has no search: the ranking is the cited sections of a fresh conversation."""
        return self.ask(question, None, f"eval-rank-{uuid.uuid4().hex}").cited

    def ask(self, question: str, previous: Reply | None, conversation: str) -> Reply:
        """POST /webhooks/rest/webhook; texts are joined, citations and 'answered' read from 'custom'."""
        resp = self.client.post("/webhooks/rest/webhook", json={"sender": conversation, "message": question})
        resp.raise_for_status()
        messages = resp.json()
        texts: list[str] = []
        cited: list[str] = []
        answered = False
        for message in messages if isinstance(messages, list) else []:
            if not isinstance(message, dict):
                continue
            if isinstance(message.get("text"), str):
                texts.append(message["text"])
            custom = message.get("custom")
            if isinstance(custom, dict):
                cited.extend(_section_ids(custom.get("citations", [])))
                answered = answered or custom.get("answered") is True
        return Reply(text="\n".join(texts), answered=answered, cited=tuple(cited))


def _error(exc: Exception) -> str:
    """A short description of an exception for the report."""
    return f"{type(exc).__name__}: {exc}"[:300]


def _turn(runner: Runner, turn: Turn, previous: Reply | None, conversation: str) -> tuple[TurnOutcome, Reply | None]:
    """Ask one follow-up turn; errors become part of the outcome."""
    try:
        reply = runner.ask(turn.question, previous, conversation)
    except Exception as exc:  # every failure is reported, not raised
        return TurnOutcome(turn.question, turn.expected_facts, turn.answerable, "", False, error=_error(exc),
                           expected_sections=turn.expected_sections), None
    out = TurnOutcome(turn.question, turn.expected_facts, turn.answerable, reply.text, reply.answered, reply.cited,
                      expected_sections=turn.expected_sections)
    return out, reply


def run_question(runner: Runner, question: Question) -> Outcome:
    """Rank, answer (timed) and play the follow-up turns of one question."""
    conversation = f"eval-{question.id}-{uuid.uuid4().hex[:8]}"
    blank = Outcome(
        id=question.id,
        kind=question.kind,
        question=question.question,
        answerable=question.answerable,
        expected_sections=question.expected_sections,
        expected_facts=question.expected_facts,
        text="",
        answered=False,
    )
    try:
        ranked = runner.rank(question.question)
        start = time.perf_counter()
        reply = runner.ask(question.question, None, conversation)
        latency = time.perf_counter() - start
    except Exception as exc:  # every failure is reported, not raised
        return replace(blank, error=_error(exc))
    turns: list[TurnOutcome] = []
    previous: Reply | None = reply
    for turn in question.turns:
        outcome, previous = _turn(runner, turn, previous, conversation)
        turns.append(outcome)
    return replace(
        blank,
        text=reply.text,
        answered=reply.answered,
        ranked_sections=ranked,
        cited_sections=reply.cited,
        method=reply.method,
        confidence=reply.confidence,
        latency_s=latency,
        turns=tuple(turns),
    )


def run_all(
    runner: Runner, questions: Sequence[Question], progress: Callable[[int, int], None] | None = None
) -> list[Outcome]:
    """Run every question in order; progress(done, total) is called after each."""
    outcomes: list[Outcome] = []
    for i, question in enumerate(questions, start=1):
        outcomes.append(run_question(runner, question))
        if progress is not None:
            progress(i, len(questions))
    return outcomes


def config_settings(name: str, base: Settings | None = None) -> Settings:
    """Settings for a named configuration (bm25, dense, hybrid, hybrid-notables)."""
    if name not in CONFIGS:
        raise ValueError(f"unknown config {name!r}; choose from {', '.join(CONFIGS)}")
    return (base or Settings.from_env()).with_(**CONFIGS[name])


def inprocess_runners(names: Sequence[str], base: Settings | None = None) -> list[InProcessRunner]:
    """Build one service per configuration, sharing one embedder among them."""
    from knowledge.factory import build_service, load_embedder_for

    settings = {name: config_settings(name, base) for name in names}
    dense = [s for s in settings.values() if s.retrieval != "bm25"]
    embedder = load_embedder_for(dense[0]) if dense else None
    runners: list[InProcessRunner] = []
    for name, s in settings.items():
        service = build_service(s, embedder=embedder) if embedder is not None else build_service(s)
        runners.append(InProcessRunner(name, service))
    return runners
