"""Edge: the feedback store (helped / didn't help) and the log of unanswered questions, masked.

SQLite is the embedded default; ``BW_FEEDBACK_URL=postgresql://…`` selects :class:`PostgresFeedbackStore`
(psycopg 3) with the same interface, for several workers or hosts.

The database file is created with mode 0600 (its folder 0700 when created here). A fault of the store
(database locked, read-only file, unwritable folder) never stops the service: the store starts anyway, each
call tries again, and errors surface as :class:`FeedbackStoreError` (the API answers 503) — except for
:meth:`FeedbackStore.add_unanswered`, which is best-effort so an answer never depends on it.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from nlu.privacy import mask_pii

log = logging.getLogger("knowledge.feedback")

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
FILE_MODE = 0o600
# Waiting for a lock: feedback writes may wait a little; logging an unanswered question must not delay an answer.
WRITE_TIMEOUT = 2.0
BEST_EFFORT_TIMEOUT = 0.2


class FeedbackSource(str, Enum):
    """Where feedback comes from: the residents' chat, the KCC page, the Rasa assistant or the command line."""

    WEB = "web"
    KCC = "kcc"
    RASA = "rasa"
    CLI = "cli"


class FeedbackStoreError(Exception):
    """The feedback database cannot be read or written right now."""


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
    """SQLite store; every text is masked (nlu.privacy) before it is written."""

    def __init__(self, path: Path) -> None:
        """Prepare the database; a fault is logged and retried on the next call, never raised here."""
        self.path = path
        self._ready = False
        try:
            self._prepare()
        except FeedbackStoreError as error:
            log.warning("feedback store not available at start-up: %s", error)

    def _prepare(self) -> None:
        """Create folder (0700), file (0600) and tables once."""
        if self._ready:
            return
        try:
            if not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
            if not self.path.exists():
                try:
                    os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, FILE_MODE))
                except FileExistsError:  # another worker was first
                    pass
            mode = self.path.stat().st_mode & 0o777
            if mode & 0o077:  # an older, world-readable file: owner only (a read-only file stays read-only)
                os.chmod(self.path, mode & 0o700)
            with closing(self._connect(WRITE_TIMEOUT)) as db, db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise FeedbackStoreError(f"{self.path}: {error}") from error
        self._ready = True

    def _connect(self, timeout: float) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=timeout)

    def available(self) -> bool:
        """True when the database can be opened and read now."""
        try:
            self._prepare()
            with closing(self._connect(BEST_EFFORT_TIMEOUT)) as db:
                db.execute("SELECT count(*) FROM feedback").fetchone()
        except (FeedbackStoreError, sqlite3.Error):
            return False
        return True

    @staticmethod
    def _now() -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S")

    def add_feedback(self, question: str, answer: str, helped: bool, source: FeedbackSource,
                     conversation_id: str | None = None) -> int:
        """Store feedback on an answer; returns its id. Raises FeedbackStoreError when the store fails."""
        self._prepare()
        try:
            with closing(self._connect(WRITE_TIMEOUT)) as db, db:
                cur = db.execute(
                    "INSERT INTO feedback (created, question, answer, helped, source, conversation_id) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (self._now(), mask_pii(question[:MAX_TEXT]), mask_pii(answer[:MAX_TEXT]), int(helped),
                     FeedbackSource(source).value, conversation_id[:100] if conversation_id else None),
                )
                return int(cur.lastrowid or 0)
        except sqlite3.Error as error:
            raise FeedbackStoreError(f"{self.path}: {error}") from error

    def add_unanswered(self, question: str, reason: str) -> bool:
        """Log a question the budget could not answer, best-effort: False (and a warning) when that failed."""
        try:
            self._prepare()
            with closing(self._connect(BEST_EFFORT_TIMEOUT)) as db, db:
                db.execute("INSERT INTO unanswered (created, question, reason) VALUES (?, ?, ?)",
                           (self._now(), mask_pii(question[:MAX_TEXT]), reason[:200]))
        except (FeedbackStoreError, sqlite3.Error) as error:
            log.warning("unanswered question not logged: %s", error)
            return False
        return True

    def feedback(self, limit: int = 100) -> list[FeedbackRow]:
        """The most recent feedback first. Raises FeedbackStoreError when the store fails."""
        self._prepare()
        try:
            with closing(self._connect(WRITE_TIMEOUT)) as db:
                rows = db.execute(
                    "SELECT id, created, question, answer, helped, source, conversation_id FROM feedback "
                    "ORDER BY id DESC LIMIT ?", (limit,)
                ).fetchall()
        except sqlite3.Error as error:
            raise FeedbackStoreError(f"{self.path}: {error}") from error
        return [FeedbackRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6]) for r in rows]

    def unanswered(self, limit: int = 100) -> list[tuple[str, int]]:
        """Unanswered questions with how often they were asked, most frequent first."""
        self._prepare()
        try:
            with closing(self._connect(WRITE_TIMEOUT)) as db:
                rows = db.execute(
                    "SELECT lower(question), count(*) AS n FROM unanswered GROUP BY lower(question) "
                    "ORDER BY n DESC LIMIT ?", (limit,)
                ).fetchall()
        except sqlite3.Error as error:
            raise FeedbackStoreError(f"{self.path}: {error}") from error
        return [(r[0], int(r[1])) for r in rows]


POSTGRES_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS feedback (
        id BIGSERIAL PRIMARY KEY,
        created TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        helped BOOLEAN NOT NULL,
        source TEXT NOT NULL,
        conversation_id TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS unanswered (
        id BIGSERIAL PRIMARY KEY,
        created TEXT NOT NULL,
        question TEXT NOT NULL,
        reason TEXT NOT NULL
    )""",
)


def redact_url(url: str) -> str:
    """A database URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostgresFeedbackStore(FeedbackStore):
    """The same store on PostgreSQL (``BW_FEEDBACK_URL=postgresql://…``), for several workers or hosts.

    Same interface and fault behaviour as the SQLite store: faults raise :class:`FeedbackStoreError`, except
    :meth:`add_unanswered` (best effort, short timeout). One short connection per call (psycopg 3).
    """

    def __init__(self, url: str) -> None:
        """Prepare the tables; a fault is logged and retried on the next call, never raised here."""
        self.url = url
        self.label = redact_url(url)
        self.path = Path("postgresql")  # no file; kept for the interface
        self._ready = False
        try:
            self._prepare()
        except FeedbackStoreError as error:
            log.warning("feedback store not available at start-up: %s", error)

    def _pg(self, timeout: float) -> Any:
        import psycopg  # only needed when PostgreSQL is configured

        # connect_timeout is whole seconds (minimum 1); statement_timeout bounds a wait for locks.
        return psycopg.connect(self.url, connect_timeout=max(1, round(timeout)),
                               options=f"-c statement_timeout={int(timeout * 1000)}")

    def _errors(self) -> tuple[type[BaseException], ...]:
        import psycopg

        return (psycopg.Error, OSError)

    def _prepare(self) -> None:
        if self._ready:
            return
        try:
            with self._pg(WRITE_TIMEOUT) as db:
                for statement in POSTGRES_SCHEMA:
                    db.execute(statement)
        except self._errors() as error:
            raise FeedbackStoreError(f"{self.label}: {error}") from error
        self._ready = True

    def available(self) -> bool:
        """True when the database can be reached and read now."""
        errors: tuple[type[BaseException], ...] = (FeedbackStoreError, *self._errors())
        try:
            self._prepare()
            with self._pg(1.0) as db:
                db.execute("SELECT count(*) FROM feedback").fetchone()
        except errors:
            return False
        return True

    def add_feedback(self, question: str, answer: str, helped: bool, source: FeedbackSource,
                     conversation_id: str | None = None) -> int:
        """Store feedback on an answer; returns its id. Raises FeedbackStoreError when the store fails."""
        self._prepare()
        try:
            with self._pg(WRITE_TIMEOUT) as db:
                row = db.execute(
                    "INSERT INTO feedback (created, question, answer, helped, source, conversation_id) "
                    "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                    (self._now(), mask_pii(question[:MAX_TEXT]), mask_pii(answer[:MAX_TEXT]), bool(helped),
                     FeedbackSource(source).value, conversation_id[:100] if conversation_id else None),
                ).fetchone()
                return int(row[0]) if row else 0
        except self._errors() as error:
            raise FeedbackStoreError(f"{self.label}: {error}") from error

    def add_unanswered(self, question: str, reason: str) -> bool:
        """Log a question the budget could not answer, best-effort: False (and a warning) when that failed."""
        errors: tuple[type[BaseException], ...] = (FeedbackStoreError, *self._errors())
        try:
            self._prepare()
            with self._pg(BEST_EFFORT_TIMEOUT) as db:
                db.execute("INSERT INTO unanswered (created, question, reason) VALUES (%s, %s, %s)",
                           (self._now(), mask_pii(question[:MAX_TEXT]), reason[:200]))
        except errors as error:
            log.warning("unanswered question not logged: %s", error)
            return False
        return True

    def feedback(self, limit: int = 100) -> list[FeedbackRow]:
        """The most recent feedback first. Raises FeedbackStoreError when the store fails."""
        self._prepare()
        try:
            with self._pg(WRITE_TIMEOUT) as db:
                rows = db.execute(
                    "SELECT id, created, question, answer, helped, source, conversation_id FROM feedback "
                    "ORDER BY id DESC LIMIT %s", (limit,)
                ).fetchall()
        except self._errors() as error:
            raise FeedbackStoreError(f"{self.label}: {error}") from error
        return [FeedbackRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6]) for r in rows]

    def unanswered(self, limit: int = 100) -> list[tuple[str, int]]:
        """Unanswered questions with how often they were asked, most frequent first."""
        self._prepare()
        try:
            with self._pg(WRITE_TIMEOUT) as db:
                rows = db.execute(
                    "SELECT lower(question), count(*) AS n FROM unanswered GROUP BY lower(question) "
                    "ORDER BY n DESC LIMIT %s", (limit,)
                ).fetchall()
        except self._errors() as error:
            raise FeedbackStoreError(f"{self.label}: {error}") from error
        return [(r[0], int(r[1])) for r in rows]


def open_store(db: Path, url: str = "") -> FeedbackStore:
    """The configured store: PostgreSQL when ``url`` (BW_FEEDBACK_URL) is a postgresql:// URL, else SQLite at ``db``."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresFeedbackStore(url)
    if url:
        raise ValueError(f"BW_FEEDBACK_URL must start with postgresql://, not {redact_url(url)!r}")
    return FeedbackStore(db)
