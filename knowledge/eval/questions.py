"""Load and validate evaluation question sets (JSONL, one question per line)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = frozenset(
    {
        "goal",
        "cost",
        "reserve",
        "indicator",
        "party",
        "service",
        "keyword",
        "typo",
        "english",
        "out_of_scope",
        "followup",
        "compare",
        "explain",
        "define",
        "conversation",
    }
)
REQUIRED = ("id", "question", "kind", "expected_sections", "expected_facts", "answerable")
OPTIONAL = ("turns", "note", "split")
SPLITS = ("tune", "report")


class QuestionFileError(ValueError):
    """A question file has a line that is not a valid question."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line


@dataclass(frozen=True)
class Turn:
    """A follow-up question in a conversation and the facts its answer must contain."""

    question: str
    expected_facts: tuple[str, ...] = ()
    answerable: bool = True
    expected_sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """One evaluation question with what a good answer cites and says."""

    id: str
    question: str
    kind: str
    expected_sections: tuple[str, ...]
    expected_facts: tuple[str, ...]
    answerable: bool
    turns: tuple[Turn, ...] = ()
    source: str = ""
    line: int = 0
    split: str = ""


def _string_list(value: Any, field: str) -> tuple[str, ...]:
    """Return a list of non-empty strings as a tuple, or raise ValueError naming the field."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TypeError(f"field {field!r} must be a list of non-empty strings")
    return tuple(value)


def _turn(value: Any, index: int) -> Turn:
    """Validate one entry of 'turns'."""
    where = f"turns[{index}]"
    if not isinstance(value, dict):
        raise TypeError(f"{where} must be an object")
    unknown = set(value) - {"question", "expected_facts", "answerable", "expected_sections"}
    if unknown:
        raise ValueError(f"{where} has unknown field(s) {sorted(unknown)}")
    question = value.get("question")
    if not isinstance(question, str) or not question.strip():
        raise TypeError(f"{where}.question must be a non-empty string")
    answerable = value.get("answerable", True)
    if not isinstance(answerable, bool):
        raise TypeError(f"{where}.answerable must be true or false")
    facts = _string_list(value.get("expected_facts", []), f"{where}.expected_facts")
    sections = _string_list(value.get("expected_sections", []), f"{where}.expected_sections")
    if answerable and "expected_sections" in value and not (facts and sections):
        raise ValueError(f"{where}: an answerable turn needs expected facts and sections")
    return Turn(question=question, expected_facts=facts, answerable=answerable, expected_sections=sections)


def conversation_record(record: dict[str, Any]) -> dict[str, Any]:
    """A conversation line ({id, split, turns}) as a question whose first turn is the question."""
    turns = record.get("turns")
    if not isinstance(turns, list) or len(turns) < 2 or not isinstance(turns[0], dict):
        raise ValueError("a conversation needs at least two turns")
    first = turns[0]
    return {
        "id": record["id"], "question": first.get("question", ""), "kind": "conversation",
        "expected_sections": first.get("expected_sections", []), "expected_facts": first.get("expected_facts", []),
        "answerable": first.get("answerable", True), "turns": turns[1:], "split": record.get("split", ""),
    }


def parse_question(record: Any, source: str = "", line: int = 0) -> Question:
    """Validate one decoded JSON record; raise ValueError or TypeError describing the first problem."""
    if not isinstance(record, dict):
        raise TypeError("a line must hold a JSON object")
    if "turns" in record and "question" not in record and "id" in record:
        record = conversation_record(record)
    missing = [f for f in REQUIRED if f not in record]
    if missing:
        raise ValueError(f"missing field(s) {missing}")
    unknown = set(record) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)}")
    for field in ("id", "question", "kind"):
        if not isinstance(record[field], str) or not record[field].strip():
            raise TypeError(f"field {field!r} must be a non-empty string")
    if record["kind"] not in KINDS:
        raise ValueError(f"kind {record['kind']!r} is not one of {sorted(KINDS)}")
    if not isinstance(record["answerable"], bool):
        raise TypeError("field 'answerable' must be true or false")
    sections = _string_list(record["expected_sections"], "expected_sections")
    facts = _string_list(record["expected_facts"], "expected_facts")
    turns_raw = record.get("turns", [])
    if not isinstance(turns_raw, list):
        raise TypeError("field 'turns' must be a list")
    turns = tuple(_turn(t, i) for i, t in enumerate(turns_raw))
    answerable: bool = record["answerable"]
    if record["kind"] == "out_of_scope" and (answerable or sections or facts):
        raise ValueError("an out_of_scope question must be unanswerable, without sections or facts")
    if answerable and not sections:
        raise ValueError("an answerable question needs at least one expected section")
    split = record.get("split", "")
    if split and split not in SPLITS:
        raise ValueError(f"split {split!r} is not one of {SPLITS}")
    if not answerable and facts:
        raise ValueError("an unanswerable question cannot have expected facts")
    return Question(
        id=record["id"],
        question=record["question"],
        kind=record["kind"],
        expected_sections=sections,
        expected_facts=facts,
        answerable=answerable,
        turns=turns,
        source=source,
        line=line,
        split=split,
    )


def load_questions(path: Path | str) -> list[Question]:
    """Read a JSONL question file; a bad line raises QuestionFileError with file and line number."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionFileError(path, 0, f"cannot read question file: {exc}") from exc
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise QuestionFileError(path, number, f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
        try:
            question = parse_question(record, source=path.stem, line=number)
        except (ValueError, TypeError) as exc:
            raise QuestionFileError(path, number, str(exc)) from exc
        if question.id in seen:
            raise QuestionFileError(path, number, f"duplicate id {question.id!r} (first on line {seen[question.id]})")
        seen[question.id] = number
        questions.append(question)
    if not questions:
        raise QuestionFileError(path, 0, "the file holds no questions")
    return questions


def load_sets(paths: list[Path]) -> dict[str, list[Question]]:
    """Load several files as named sets (by file stem); ids must be unique across all of them."""
    sets: dict[str, list[Question]] = {}
    owner: dict[str, Path] = {}
    for path in paths:
        questions = load_questions(path)
        for q in questions:
            if q.id in owner:
                raise QuestionFileError(path, q.line, f"id {q.id!r} is also used in {owner[q.id]}")
            owner[q.id] = path
        sets[path.stem] = questions
    return sets


def split_sets(sets: dict[str, list[Question]], only: str | None = None) -> dict[str, list[Question]]:
    """Sets with a 'split' field become '<name>-tune' and '<name>-report'; ``only`` keeps one half."""
    out: dict[str, list[Question]] = {}
    for name, questions in sets.items():
        if not any(q.split for q in questions):
            out[name] = questions
            continue
        for half in SPLITS:
            part = [q for q in questions if q.split == half]
            if part and (only is None or only == half):
                out[f"{name}-{half}"] = part
    return out
