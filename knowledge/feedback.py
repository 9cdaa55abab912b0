"""Edge: the feedback store (helped / didn't help) and the log of unanswered questions, in SQLite, masked."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from nlu.privacy import mask_pii

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    helped INTEGER NOT NULL,
    source TEXT NOT NULL,
    conversation_id TEXT
);
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    reason TEXT NOT NULL
);
"""
MAX_TEXT = 4000


@dataclass(frozen=True)
class FeedbackRow:
    """One stored piece of feedback."""

    id: int
    created: str
    question: str
    answer: str
    helped: bool
    source: str
    conversation_id: str | None


class FeedbackStore:
    """SQLite store; every text is masked (BSN, e-mail, phone, IBAN) before it is written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5)

    @staticmethod
    def _now() -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S")

    def add_feedback(self, question: str, answer: str, helped: bool, source: str,
                     conversation_id: str | None = None) -> int:
        """Store feedback on an answer; returns its id."""
        with closing(self._connect()) as db, db:
            cur = db.execute(
                "INSERT INTO feedback (created, question, answer, helped, source, conversation_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (self._now(), mask_pii(question[:MAX_TEXT]), mask_pii(answer[:MAX_TEXT]), int(helped),
                 source[:20], mask_pii(conversation_id[:100]) if conversation_id else None),
            )
            return int(cur.lastrowid or 0)

    def add_unanswered(self, question: str, reason: str) -> None:
        """Log a question the budget could not answer."""
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO unanswered (created, question, reason) VALUES (?, ?, ?)",
                       (self._now(), mask_pii(question[:MAX_TEXT]), reason[:200]))

    def feedback(self, limit: int = 100) -> list[FeedbackRow]:
        """The most recent feedback first."""
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT id, created, question, answer, helped, source, conversation_id FROM feedback "
                "ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [FeedbackRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6]) for r in rows]

    def unanswered(self, limit: int = 100) -> list[tuple[str, int]]:
        """Unanswered questions with how often they were asked, most frequent first."""
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT lower(question), count(*) AS n FROM unanswered GROUP BY lower(question) "
                "ORDER BY n DESC LIMIT ?", (limit,)
            ).fetchall()
        return [(r[0], int(r[1])) for r in rows]
