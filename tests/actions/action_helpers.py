"""Helpers for the action tests: saved trackers and synthetic trackers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker

TRACKERS = Path(__file__).parent / "trackers"


def load_tracker(name: str) -> Tracker:
    """Load a saved tracker state (as Rasa sends it to the action server) from trackers/."""
    state = json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))
    return Tracker.from_dict(state)


def make_tracker(
    text: str,
    intent: str,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    sender_id: str = "test-user",
) -> Tracker:
    """Build a tracker whose latest message is ``text`` with ``intent`` and ``entities``."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
    }
    all_slots = {
        "frame": None,
        "last_question": None, "last_answer": None, "awaiting_feedback": False,
    }
    all_slots.update(slots or {})
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
    ]
    return Tracker(sender_id, all_slots, latest, events, False, None, {}, "action_listen")
