"""The JSON shape of an answer, shared by the CLI and the API."""

from __future__ import annotations

from dataclasses import asdict

from knowledge.types import Answer, Query


def answer_json(answer: Answer) -> dict[str, object]:
    """The JSON shape of an answer, shared by the CLI and the API."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "answer": answer.text,
        "confidence": answer.confidence,
        "citations": [{**asdict(c), "path": list(c.path)} for c in answer.citations],
        "resolved": asdict(answer.resolved),
        "method": answer.method,
        "clarify": asdict(answer.clarify) if answer.clarify else None,
    }


def frame_json(query: Query) -> dict[str, object]:
    """The understood frame, for `ask --explain` and evaluators."""
    data = asdict(query)
    data["mentions"] = [asdict(m) for m in query.mentions]
    return data
