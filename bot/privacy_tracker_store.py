"""SQL tracker store that masks personal data (nlu/privacy.py: names, addresses, BSN, phone …) in stored events.

Referenced from bot/endpoints.yml as ``privacy_tracker_store.PrivacySQLTrackerStore``; Rasa must run
with bot/ and the repository root on PYTHONPATH (scripts/run_all.py and mk/rasa.mk take care of it).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from action_validation import install_prepared_validation
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from nlu.privacy import install_log_masking, mask_pii, pii_values

logger = logging.getLogger(__name__)
# Rasa loads this module at start-up: from then on every log line of the Rasa process is masked too.
install_log_masking()

REPO_ROOT = Path(__file__).resolve().parent.parent

# Keys whose values are identifiers or dialogue structure, never free text: they are never masked, so a
# message id such as "0612345678e540…" or a sender id stays intact. Every other string is masked.
ID_KEYS = frozenset({
    "event", "timestamp", "message_id", "sender_id", "conversation_id", "id", "input_channel", "name", "policy",
    "intent", "intent_ranking", "entity", "extractor", "role", "group", "action_name", "utter_action",
    "model_id", "assistant_id", "confidence", "start", "end",
})


def _is_id_key(key: object) -> bool:
    return isinstance(key, str) and (key in ID_KEYS or key.endswith("_id"))


def _strings(value: Any, key: object = None) -> Iterator[str]:
    """Every free-text string inside ``value`` (id keys skipped)."""
    if _is_id_key(key):
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)


def known_pii(values: Iterable[Any]) -> set[str]:
    """The personal data found in the free text of ``values`` (so it can be masked wherever it recurs)."""
    texts = {text for value in values for text in _strings(value)}  # a message's text recurs in its parse data
    return {found for text in texts for found in pii_values(text)}


def mask_value(value: Any, also: Iterable[str] = (), key: object = None) -> Any:
    """Mask every free-text string inside ``value`` (str, list or dict); ids and other types stay unchanged.

    ``also``: personal data found elsewhere in the same conversation turn (an entity value "Jan" repeats
    the name of "ik ben Jan" without its context), masked wherever it occurs.
    """
    if _is_id_key(key):
        return value
    if isinstance(value, str):
        return mask_pii(value, also)
    if isinstance(value, list):
        return [mask_value(item, also) for item in value]
    if isinstance(value, dict):
        return {name: mask_value(item, also, name) for name, item in value.items()}
    return value


def mask_event(event: Event, also: Iterable[str] = ()) -> Event:
    """Return a copy of ``event`` with personal data masked in every free-text field (ids untouched)."""
    data = event.as_dict()
    known = known_pii([data]) | set(also)
    masked = mask_value(data, known)
    if masked == data:
        return event
    masked_event = Event.from_parameters(masked)
    return masked_event if masked_event is not None else event


def mask_events(events: Iterable[Event]) -> list[Event]:
    """Mask a batch of events; personal data found in one of them is masked in all of them."""
    batch = list(events)
    known = known_pii(event.as_dict() for event in batch)
    if not known:  # no free text of the batch holds personal data: masking would change nothing
        return batch
    return [mask_event(event, known) for event in batch]


def resolve_sqlite_path(db: str) -> str:
    """Resolve a relative SQLite path against $BEGROTINGSWIJZER_HOME (default: repo root); create it, mode 0600."""
    if db in ("", ":memory:"):
        return db
    path = Path(db) if os.path.isabs(db) else Path(os.environ.get("BEGROTINGSWIJZER_HOME", str(REPO_ROOT))) / db
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(path, 0o600)
    except OSError as error:  # SQLAlchemy reports the unusable database itself
        logger.warning("Tracker database %s not prepared: %s", path, error)
    return str(path)


class PrivacySQLTrackerStore(SQLTrackerStore):  # type: ignore[misc]
    """SQLTrackerStore that stores every free-text field masked (user and bot text, parse data, slots, entities)."""

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
        # Rasa builds its tracker store once at start-up: from then on its custom actions' responses are checked
        # with a prepared validator (bot/action_validation.py; ~19 ms less per custom action, same errors).
        install_prepared_validation()
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
        yield from mask_events(itertools.islice(tracker.events, stored, len(tracker.events)))

    async def _stream_new_events(self, event_broker: Any, new_events: list[Event], sender_id: str) -> None:
        """Publish new events to a configured event broker, masked like the stored ones."""
        await super()._stream_new_events(event_broker, mask_events(new_events), sender_id)
