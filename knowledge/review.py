"""What evaluators see and produce: unanswered questions by topic, feedback per week, reviewed turns as test lines."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from knowledge.conversations import HandoffCode, LoggedTurn, Review
from knowledge.feedback import FeedbackRow
from knowledge.service import Service

NO_TOPIC = "(geen onderwerp herkend)"
# The understanding stage's intent, as the question sets' kind; other intents export as a keyword question.
KIND_OF_INTENT = {"amount": "cost", "compare": "compare", "define": "define", "meaning": "define",
                  "explain": "explain", "goal": "goal", "doel": "goal"}


def topic_of(service: Service, question: str) -> str:
    """The topic of a question as the understanding stage resolves it: its subject, else its rarest topic word."""
    query = service.understand(question)
    subject = service.vocab.subjects.get(query.subject) if query.subject else None
    if subject is not None:
        return subject.label
    return min(query.topic_words, key=service.coverage.frequency) if query.topic_words else NO_TOPIC


def kind_of(service: Service, question: str) -> str:
    """The question-set kind for a reviewed question, from the understood intent."""
    return KIND_OF_INTENT.get(service.understand(question).intent, "keyword")


def unanswered_by_topic(service: Service, asked: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    """Unanswered questions grouped by topic, the most asked topic first; questions within by count."""
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for question, count in asked:
        groups[topic_of(service, question)].append((question, count))
    ranked = sorted(groups.items(), key=lambda item: (-sum(n for _, n in item[1]), item[0]))
    return [{"topic": topic, "count": sum(n for _, n in items),
             "questions": [{"question": q, "count": n} for q, n in sorted(items, key=lambda i: (-i[1], i[0]))]}
            for topic, items in ranked]


def week_of(created: str) -> str:
    """The ISO week ("2026-W48") of a stored time stamp ("2026-11-29T12:00:00")."""
    year, week, _ = datetime.strptime(created[:19], "%Y-%m-%dT%H:%M:%S").isocalendar()
    return f"{year}-W{week:02d}"


def feedback_per_week(rows: Iterable[FeedbackRow]) -> list[dict[str, Any]]:
    """Helped and did-not-help counts per ISO week, the newest week first."""
    helped: Counter[str] = Counter()
    not_helped: Counter[str] = Counter()
    for row in rows:
        (helped if row.helped else not_helped)[week_of(row.created)] += 1
    weeks = sorted(set(helped) | set(not_helped), reverse=True)
    return [{"week": w, "helped": helped[w], "not_helped": not_helped[w]} for w in weeks]


def latest_report(folder: Path) -> Path | None:
    """The newest HTML report `make eval` wrote (eval-<stamp>.html), or None."""
    reports = sorted(folder.glob("eval-*.html")) if folder.is_dir() else []
    return reports[-1] if reports else None


def when_text(epoch: float) -> str:
    """Epoch seconds as local time ("2026-11-29T12:00:00"), like the feedback store."""
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%dT%H:%M:%S")


def turn_json(turn: LoggedTurn) -> dict[str, Any]:
    """A logged turn for staff (masked when stored); the conversation id stays on the server."""
    return {"id": turn.id, "created": when_text(turn.created), "question": turn.question, "answer": turn.answer,
            "answered": turn.answered, "reason": turn.reason, "citations": list(turn.citations),
            "review": None if turn.correct is None else {"correct": turn.correct, "section_id": turn.section_id}}


def handoff_json(code: HandoffCode, turns: Sequence[LoggedTurn]) -> dict[str, Any]:
    """What the KCC sees for a code: why the bot handed over, and the conversation, oldest turn first."""
    unanswered = [t for t in turns if not t.answered]
    return {"code": code.code, "reason": code.reason, "created": when_text(code.created),
            "expires": when_text(code.expires), "turns": [turn_json(t) for t in turns],
            "unanswered": unanswered[-1].question if unanswered else None}


def export_line(review: Review) -> dict[str, Any]:
    """A reviewed turn as a line for the question sets (the schema of tests/data/singles.jsonl)."""
    if review.correct:
        sections = [review.section_id] if review.section_id else list(review.cited[:1]) if review.answered else []
    else:
        sections = [review.section_id] if review.section_id else []
    answerable = bool(sections)
    verdict = "goed" if review.correct else "fout"
    return {"id": f"r-{review.id}", "question": review.question, "kind": review.kind if answerable else "out_of_scope",
            "expected_sections": sections, "expected_facts": [], "answerable": answerable,
            "note": f"Uit gebruik, beoordeeld op {when_text(review.created)[:10]}: antwoord was {verdict}."}


def export_lines(reviews: Iterable[Review]) -> str:
    """JSONL text, one line per review."""
    return "".join(json.dumps(export_line(r), ensure_ascii=False) + "\n" for r in reviews)
