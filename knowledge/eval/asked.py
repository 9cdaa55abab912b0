"""Read (read-only) what residents asked and the assistant could not answer, from the feedback store."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Asked:
    """A question residents asked, how often it went unanswered and how often it did not help."""

    question: str
    unanswered: int
    not_helped: int
    last: str

    @property
    def total(self) -> int:
        """Unanswered plus not-helped count."""
        return self.unanswered + self.not_helped


def _key(text: str) -> str:
    """Grouping key: case-folded, whitespace collapsed."""
    return _SPACE.sub(" ", text).strip().casefold()


def _mask(text: str) -> str:
    """Mask personal data again (the store holds masked text; this is a second safety net)."""
    try:
        from nlu.privacy import mask_pii
    except ImportError:  # pragma: no cover - nlu is part of the project, but stay usable without it
        return text
    return mask_pii(text)


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple[str, str]]:
    """Run a query returning (question, created); an absent table gives no rows."""
    try:
        return [(str(q or ""), str(c or "")) for q, c in conn.execute(sql)]
    except sqlite3.OperationalError:
        return []


def unanswered_questions(db: Path, limit: int = 50, exclude: Iterable[str] = ()) -> list[Asked]:
    """Unanswered and not-helped questions, grouped, most frequent first; the eval's own (exclude) left out."""
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
    try:
        unanswered = _rows(conn, "SELECT question, created FROM unanswered")
        not_helped = _rows(conn, "SELECT question, created FROM feedback WHERE helped = 0")
    finally:
        conn.close()
    skip = {_key(q) for q in exclude}
    groups: dict[str, Asked] = {}
    for rows, field in ((unanswered, "unanswered"), (not_helped, "not_helped")):
        for question, created in rows:
            text = _SPACE.sub(" ", _mask(question)).strip()
            if not text or _key(text) in skip:
                continue
            old = groups.get(_key(text), Asked(text, 0, 0, ""))
            groups[_key(text)] = replace(old, last=max(old.last, created), **{field: getattr(old, field) + 1})
    asked = list(groups.values())
    asked.sort(key=lambda a: (-a.total, -a.unanswered, a.question.casefold()))
    return asked[:limit]
