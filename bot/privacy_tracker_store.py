"""SQL tracker store that masks personal data (BSN, e-mail, phone, IBAN) before events are stored.

Referenced from bot/endpoints.yml as ``privacy_tracker_store.PrivacySQLTrackerStore``; Rasa must run
with bot/ and the repository root on PYTHONPATH (scripts/run_all.py and mk/rasa.mk take care of it).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from nlu.privacy import mask_pii

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent

# Keys of an event's dict form whose string content is masked (recursively).
MASKED_KEYS = ("text", "parse_data", "value", "data", "metadata", "message")


def mask_value(value: Any) -> Any:
    """Mask every string inside ``value`` (str, list or dict), leaving other types unchanged."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    return value


def mask_event(event: Event) -> Event:
    """Return a copy of ``event`` with personal data masked in its user-visible fields."""
    data = event.as_dict()
    changed = False
    for key in MASKED_KEYS:
        if key in data:
            masked = mask_value(data[key])
            if masked != data[key]:
                data[key] = masked
                changed = True
    if not changed:
        return event
    masked_event = Event.from_parameters(data)
    return masked_event if masked_event is not None else event


def resolve_sqlite_path(db: str) -> str:
    """Resolve a relative SQLite path against $BEGROTINGSWIJZER_HOME (default: repo root) and create its folder."""
    if db in ("", ":memory:") or os.path.isabs(db):
        return db
    base = Path(os.environ.get("BEGROTINGSWIJZER_HOME", str(REPO_ROOT)))
    path = base / db
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


class PrivacySQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """SQLTrackerStore that stores only masked user text, parse data, slot values and bot texts."""

    def __init__(
        self,
        domain: Any | None = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "var/rasa/tracker.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: Any | None = None,
        login_db: str | None = None,
        query: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Create the store; a relative SQLite ``db`` path is resolved against the repository root."""
        if dialect == "sqlite":
            db = resolve_sqlite_path(os.environ.get("RASA_TRACKER_DB") or db)
        super().__init__(
            domain=domain,
            dialect=dialect,
            host=host,
            port=port,
            db=db,
            username=username,
            password=password,
            event_broker=event_broker,
            login_db=login_db,
            query=query,
            **kwargs,
        )
        logger.debug("PrivacySQLTrackerStore ready (%s).", dialect)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """Yield the not yet stored events of ``tracker``, masked."""
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        for event in itertools.islice(tracker.events, stored, len(tracker.events)):
            yield mask_event(event)
