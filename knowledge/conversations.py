"""Edge: the masked log of conversation turns, the phone handoff codes and the evaluators' reviews.

Kept beside the feedback store, in the same database (the SQLite file ``BW_FEEDBACK_DB`` or PostgreSQL at
``BW_FEEDBACK_URL``), with the same interface on both. Every text is masked (nlu.privacy) before it is written.
Residents' data stays minimal: a turn is deleted after the retention period unless a live handoff code still
points at its conversation, and a code is deleted when it expires. A review keeps only the masked question,
answer and verdict (no conversation id), so it outlives the turn it was made on.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from knowledge.feedback import FILE_MODE, FeedbackStoreError, redact_url
from knowledge.handoff_codes import new_code
from nlu.privacy import mask_pii

log = logging.getLogger("knowledge.conversations")

MAX_TEXT = 4000
WRITE_TIMEOUT = 2.0
BEST_EFFORT_TIMEOUT = 0.2
CODE_ATTEMPTS = 8

TABLES = """
CREATE TABLE IF NOT EXISTS turns (
    id {serial},
    created DOUBLE PRECISION NOT NULL,
    conversation_id TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered INTEGER NOT NULL,
    reason TEXT NOT NULL,
    citations TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_conversation ON turns (conversation_id);
CREATE TABLE IF NOT EXISTS handoff_codes (
    code TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    created DOUBLE PRECISION NOT NULL,
    expires DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
    id {serial},
    created DOUBLE PRECISION NOT NULL,
    turn_id BIGINT NOT NULL UNIQUE,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    section_id TEXT NOT NULL,
    cited TEXT NOT NULL,
    kind TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class HandoffCode:
    """A speakable code that lets staff open one conversation, until it expires (epoch seconds)."""

    code: str
    conversation_id: str
    reason: str
    created: float
    expires: float


@dataclass(frozen=True)
class LoggedTurn:
    """One masked turn of a conversation: question, answer, whether it answered, why not, the citations."""

    id: int
    created: float
    conversation_id: str
    question: str
    answer: str
    answered: bool
    reason: str
    citations: tuple[dict[str, Any], ...]
    correct: bool | None = None
    section_id: str = ""


@dataclass(frozen=True)
class Review:
    """An evaluator's verdict on a turn (right or wrong) and the section that holds the right answer."""

    id: int
    created: float
    turn_id: int
    question: str
    answer: str
    answered: bool
    correct: bool
    section_id: str
    cited: tuple[str, ...]
    kind: str


def _statements(serial: str) -> list[str]:
    return [s.strip() for s in TABLES.format(serial=serial).split(";") if s.strip()]


def _citations(citations: Sequence[dict[str, Any]]) -> str:
    """Only what staff need to find the source again, masked."""
    keep = ("n", "section_id", "code", "title", "url", "quote")
    return json.dumps([{k: mask_pii(str(c.get(k) or "")) if k == "quote" else c.get(k) for k in keep}
                       for c in citations][:10], ensure_ascii=False)


class ConversationStore(ABC):
    """Turns, handoff codes and reviews; SQL is written with ``?`` placeholders for both databases."""

    @abstractmethod
    def _batch(self, steps: Sequence[tuple[str, Sequence[Any]]],
               timeout: float = WRITE_TIMEOUT) -> list[tuple[Any, ...]]:
        """Run statements in one transaction; the last one's rows. FeedbackStoreError on a fault."""

    def _run(self, sql: str, params: Sequence[Any] = (), timeout: float = WRITE_TIMEOUT) -> list[tuple[Any, ...]]:
        """Run one statement and return its rows."""
        return self._batch([(sql, params)], timeout)

    @abstractmethod
    def _prepare(self) -> None:
        """Create the tables once."""

    @staticmethod
    def _purge(now: float, retention: float) -> list[tuple[str, Sequence[Any]]]:
        """Statements deleting expired codes, and turns past retention that no live code points at."""
        return [("DELETE FROM handoff_codes WHERE expires <= ?", (now,)),
                ("DELETE FROM turns WHERE created < ? AND conversation_id NOT IN "
                 "(SELECT conversation_id FROM handoff_codes)", (now - retention,))]

    def add_turn(self, conversation_id: str, question: str, answer: str, answered: bool, reason: str,
                 citations: Sequence[dict[str, Any]], retention: float) -> bool:
        """Log one turn, best-effort: False (and a warning) when that failed; an answer never depends on it."""
        now = time.time()
        try:
            self._prepare()
            self._batch([*self._purge(now, retention),
                         ("INSERT INTO turns (created, conversation_id, question, answer, answered, reason, citations) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (now, conversation_id[:100], mask_pii(question[:MAX_TEXT]), mask_pii(answer[:MAX_TEXT]),
                           int(answered), reason[:40], _citations(citations)))], BEST_EFFORT_TIMEOUT)
        except FeedbackStoreError as error:
            log.warning("turn not logged: %s", error)
            return False
        return True

    def create_code(self, conversation_id: str, reason: str, lifetime: float, retention: float) -> HandoffCode:
        """A new random code for the conversation, valid for ``lifetime`` seconds. Raises FeedbackStoreError."""
        self._prepare()
        now = time.time()
        self._batch(self._purge(now, retention))
        made = HandoffCode("", conversation_id[:100], reason[:40], now, now + lifetime)
        for _ in range(CODE_ATTEMPTS):  # a clash with a live code is unlikely; draw again when it happens
            code = new_code()
            rows = self._batch([
                ("INSERT INTO handoff_codes (code, conversation_id, reason, created, expires) VALUES (?, ?, ?, ?, ?) "
                 "ON CONFLICT (code) DO NOTHING", (code, made.conversation_id, made.reason, now, made.expires)),
                ("SELECT code, conversation_id, reason, created, expires FROM handoff_codes WHERE code = ?", (code,))])
            if rows and HandoffCode(*rows[0]) == replace(made, code=code):  # ours, not a live code drawn before
                return replace(made, code=code)
        raise FeedbackStoreError("no free handoff code found")

    def code(self, code: str) -> HandoffCode | None:
        """The live code (None when unknown or expired). Raises FeedbackStoreError."""
        self._prepare()
        rows = self._run("SELECT code, conversation_id, reason, created, expires FROM handoff_codes "
                         "WHERE code = ? AND expires > ?", (code, time.time()))
        return HandoffCode(*rows[0]) if rows else None

    def conversation(self, conversation_id: str) -> list[LoggedTurn]:
        """The logged turns of one conversation, oldest first. Raises FeedbackStoreError."""
        self._prepare()
        return [self._turn(r) for r in self._run(
            "SELECT id, created, conversation_id, question, answer, answered, reason, citations FROM turns "
            "WHERE conversation_id = ? ORDER BY id", (conversation_id,))]

    def turns(self, limit: int = 100, retention: float | None = None) -> list[LoggedTurn]:
        """The most recent logged turns first, with their review when there is one. Raises FeedbackStoreError."""
        self._prepare()
        if retention is not None:
            self._batch(self._purge(time.time(), retention))
        rows = self._run(
            "SELECT t.id, t.created, t.conversation_id, t.question, t.answer, t.answered, t.reason, t.citations, "
            "r.correct, r.section_id FROM turns t LEFT JOIN reviews r ON r.turn_id = t.id "
            "ORDER BY t.id DESC LIMIT ?", (limit,))
        return [self._turn(r) for r in rows]

    @staticmethod
    def _turn(row: Sequence[Any]) -> LoggedTurn:
        verdict = None if len(row) < 10 or row[8] is None else bool(row[8])
        return LoggedTurn(int(row[0]), float(row[1]), str(row[2]), str(row[3]), str(row[4]), bool(row[5]),
                          str(row[6]), tuple(json.loads(row[7] or "[]")), verdict,
                          str(row[9]) if len(row) > 9 and row[9] else "")

    def turn(self, turn_id: int) -> LoggedTurn | None:
        """One logged turn by id. Raises FeedbackStoreError."""
        self._prepare()
        rows = self._run("SELECT id, created, conversation_id, question, answer, answered, reason, citations "
                         "FROM turns WHERE id = ?", (turn_id,))
        return self._turn(rows[0]) if rows else None

    def review(self, turn: LoggedTurn, correct: bool, section_id: str, kind: str) -> Review:
        """Store (or replace) the verdict on a turn, masked. Raises FeedbackStoreError."""
        self._prepare()
        now = time.time()
        cited = ",".join(str(c.get("section_id") or "") for c in turn.citations if c.get("section_id"))
        rows = self._batch([
            ("DELETE FROM reviews WHERE turn_id = ?", (turn.id,)),
            ("INSERT INTO reviews (created, turn_id, question, answer, answered, correct, section_id, cited, kind) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
             (now, turn.id, mask_pii(turn.question), mask_pii(turn.answer), int(turn.answered), int(correct),
              section_id[:300], cited[:2000], kind[:40])),
            ("SELECT id FROM reviews WHERE turn_id = ?", (turn.id,))])
        return Review(int(rows[0][0]), now, turn.id, mask_pii(turn.question), mask_pii(turn.answer), turn.answered,
                      correct, section_id[:300], tuple(c for c in cited.split(",") if c), kind[:40])

    def reviews(self) -> list[Review]:
        """Every review, oldest first. Raises FeedbackStoreError."""
        self._prepare()
        rows = self._run("SELECT id, created, turn_id, question, answer, answered, correct, section_id, cited, kind "
                         "FROM reviews ORDER BY id")
        return [Review(int(r[0]), float(r[1]), int(r[2]), str(r[3]), str(r[4]), bool(r[5]), bool(r[6]), str(r[7]),
                       tuple(c for c in str(r[8]).split(",") if c), str(r[9])) for r in rows]


class SqliteConversationStore(ConversationStore):
    """The SQLite variant, in the feedback store's file (mode 0600, its folder 0700 when created here)."""

    def __init__(self, path: Path) -> None:
        """Remember the file; tables are created on first use."""
        self.path = path
        self._ready = False

    def _batch(self, steps: Sequence[tuple[str, Sequence[Any]]],
               timeout: float = WRITE_TIMEOUT) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        try:
            with closing(sqlite3.connect(self.path, timeout=timeout)) as db, db:
                for sql, params in steps:
                    rows = list(db.execute(sql, tuple(params)).fetchall())
            return rows
        except (sqlite3.Error, OverflowError) as error:
            raise FeedbackStoreError(f"{self.path}: {error}") from error

    def _prepare(self) -> None:
        if not self._ready:
            try:
                if not self.path.parent.exists():
                    self.path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
                if not self.path.exists():
                    os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
            except OSError as error:
                raise FeedbackStoreError(f"{self.path}: {error}") from error
            # AUTOINCREMENT: an id is never reused after a purge, so a review never sticks to a newer turn
            self._batch([(statement, ()) for statement in _statements("INTEGER PRIMARY KEY AUTOINCREMENT")])
            self._ready = True


class PostgresConversationStore(ConversationStore):
    """The PostgreSQL variant (psycopg 3), one short connection per call, like the feedback store."""

    def __init__(self, url: str) -> None:
        """Remember the URL; tables are created on first use."""
        self.url = url
        self.label = redact_url(url)
        self._ready = False

    def _batch(self, steps: Sequence[tuple[str, Sequence[Any]]],
               timeout: float = WRITE_TIMEOUT) -> list[tuple[Any, ...]]:
        import psycopg  # only needed when PostgreSQL is configured

        rows: list[tuple[Any, ...]] = []
        try:
            with psycopg.connect(self.url, connect_timeout=max(1, round(timeout)),
                                 options=f"-c statement_timeout={int(max(timeout, 0.2) * 1000)}") as db:
                for sql, params in steps:
                    cursor = db.execute(sql.replace("?", "%s"), tuple(params))
                    rows = list(cursor.fetchall()) if cursor.description else []
            return rows
        except (psycopg.Error, OSError, OverflowError) as error:
            raise FeedbackStoreError(f"{self.label}: {error}") from error

    def _prepare(self) -> None:
        if not self._ready:
            self._batch([(statement, ()) for statement in _statements("BIGSERIAL PRIMARY KEY")])
            self._ready = True


def open_conversations(db: Path, url: str = "") -> ConversationStore:
    """The configured store: PostgreSQL when ``url`` (BW_FEEDBACK_URL) is a postgresql:// URL, else SQLite at ``db``."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresConversationStore(url)
    return SqliteConversationStore(db)
