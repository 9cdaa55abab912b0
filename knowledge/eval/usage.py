"""Real usage from the feedback store (read-only): feedback helped / did not help and unanswered questions per week."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

_SPACE = re.compile(r"\s+")
WEEKS = 8


@dataclass(frozen=True)
class Week:
    """Counts of one ISO week."""

    label: str
    helped: int = 0
    not_helped: int = 0
    unanswered: int = 0


@dataclass(frozen=True)
class Usage:
    """What residents did, from the feedback store; available is False when the store could not be read."""

    source: str
    available: bool
    problem: str = ""
    helped: int = 0
    not_helped: int = 0
    unanswered: int = 0
    left_out: int = 0
    weeks: tuple[Week, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        """True when the store holds nothing from residents."""
        return not (self.helped or self.not_helped or self.unanswered)


def _key(text: str) -> str:
    """Comparison key: case-folded, whitespace collapsed."""
    return _SPACE.sub(" ", text).strip().casefold()


def week_of(created: str) -> str:
    """'2026-01-05T10:00:00' -> '2026-W02' (ISO week); '' when the date cannot be read."""
    try:
        year, week, _ = date.fromisoformat(created[:10]).isocalendar()
    except ValueError:
        return ""
    return f"{year}-W{week:02d}"


def week_label(key: str) -> str:
    """'2026-W02' -> 'week 2 van 2026'."""
    year, _, week = key.partition("-W")
    return f"week {int(week)} van {year}" if week.isdigit() else "datum onbekend"


def summarise(source: str, feedback: Iterable[tuple[str, str, bool]], unanswered: Iterable[tuple[str, str, int]],
              exclude: Iterable[str] = ()) -> Usage:
    """Totals and the last WEEKS weeks from (question, created, helped) and (question, created, times) rows."""
    skip = {_key(q) for q in exclude}
    weeks: dict[str, dict[str, int]] = {}
    totals = {"helped": 0, "not_helped": 0, "unanswered": 0}
    left_out = 0
    rows = [(q, c, "helped" if h else "not_helped", 1) for q, c, h in feedback]
    rows += [(q, c, "unanswered", n) for q, c, n in unanswered]
    for question, created, what, times in rows:
        if _key(question) in skip:
            left_out += times
            continue
        totals[what] += times
        week = weeks.setdefault(week_of(created), {"helped": 0, "not_helped": 0, "unanswered": 0})
        week[what] += times
    recent = sorted((k for k in weeks if k), reverse=True)[:WEEKS]
    return Usage(source, True, "", totals["helped"], totals["not_helped"], totals["unanswered"], left_out,
                 tuple(Week(week_label(k), **weeks[k]) for k in recent))


def _sqlite(path: str) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str, int]]]:
    """Feedback and unanswered rows of a SQLite store, opened read-only; absent tables give no rows."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out: list[list[tuple[str, str, int]]] = []
        for sql in ("SELECT question, created, helped FROM feedback", "SELECT question, created, 1 FROM unanswered"):
            try:
                out.append([(str(q or ""), str(c or ""), int(n or 0)) for q, c, n in conn.execute(sql)])
            except sqlite3.OperationalError as error:
                if "no such table" not in str(error):
                    raise
                out.append([])
    finally:
        conn.close()
    return [(q, c, bool(h)) for q, c, h in out[0]], out[1]


def read_usage(db: str, url: str = "", exclude: Iterable[str] = ()) -> Usage:
    """Usage from the configured store (PostgreSQL when url is set, else the SQLite file db); never raises."""
    if url:
        return _postgres(url, exclude)
    path = Path(db)
    if not path.is_file():
        return Usage(db, False, "het bestand bestaat niet")
    try:
        feedback, unanswered = _sqlite(str(path.resolve()))
    except sqlite3.Error as error:
        return Usage(db, False, f"het bestand is niet te lezen ({error})")
    return summarise(db, feedback, unanswered, exclude)


def _postgres(url: str, exclude: Iterable[str]) -> Usage:
    """Usage through the PostgreSQL store's own interface (unanswered questions have no date there)."""
    from knowledge.feedback import FeedbackStoreError, open_store, redact_url

    label = redact_url(url)
    try:
        store = open_store(Path(), url)
        feedback = [(r.question, r.created, r.helped) for r in store.feedback(limit=1_000_000)]
        unanswered = [(q, "", n) for q, n in store.unanswered(limit=1_000_000)]
    except (FeedbackStoreError, ImportError, ValueError, OSError) as error:
        return Usage(label, False, f"de database is niet te lezen ({error})")
    return summarise(label, feedback, unanswered, exclude)
