"""Answer budget questions via the knowledge service, keeping year/line/measure/topic slots for follow-ups."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import handoff_payload, handoff_text, utter_handoff
from actions.knowledge_client import KnowledgeAnswer, KnowledgeClient, KnowledgeUnavailable
from actions.settings import Settings, load_settings
from nlu.privacy import mask_pii

logger = logging.getLogger(__name__)

# Knowledge-service context key -> Rasa slot name.
CONTEXT_SLOTS: dict[str, str] = {"year": "year", "line": "budget_line", "measure": "measure", "topic": "topic"}
# Rasa entities that show a message is about the budget (nlu.components).
BUDGET_ENTITIES = {"year", "section_code", "budget_line", "measure", "party", "reserve", "amount"}
CONTEXT_ENTITIES = {"year", "budget_line", "measure"}
BUDGET_WORDS = re.compile(
    r"\b(begrot\w*|budget\w*|programma|gemeenteraad|raad|college|griffie|rekenkamer|verkiezing\w*|"
    r"dienstverlening|kcc|klant\s?contact\s?centrum|participatie|communicatie|reserve\w*|subsidie\w*|"
    r"investering\w*|holland rijnland|bsgr|belastingsamenwerking|indicator\w*|streefwaarde\w*)\b",
    re.IGNORECASE,
)
FOLLOWUP_START = re.compile(
    r"^\s*(en|and|maar|ook|wat als|hoe zit het met|hoe zit dat met|what about|how about)\b", re.IGNORECASE
)
SOURCES_PRESENT = re.compile(r"^\s*(bron|bronnen|sources?)\s*:", re.IGNORECASE | re.MULTILINE)
FALLBACK_SOURCE = "Programmabegroting 2026 gemeente Leiden, programma 1 Bestuur en dienstverlening"
FEEDBACK_QUESTION = "Heeft dit antwoord u geholpen?"
FEEDBACK_BUTTONS = [
    {"title": "Ja", "payload": "/feedback_helped"},
    {"title": "Nee", "payload": "/feedback_not_helped"},
]
MAX_STORED_ANSWER = 2000


def message_entities(tracker: Tracker) -> list[dict[str, Any]]:
    """Return the entities of the latest user message."""
    return list(tracker.latest_message.get("entities") or [])


def has_budget_cues(text: str, entities: list[dict[str, Any]]) -> bool:
    """Return True when a message mentions budget entities or budget words."""
    return any(e.get("entity") in BUDGET_ENTITIES for e in entities) or bool(BUDGET_WORDS.search(text or ""))


def is_followup(intent: str, text: str, entities: list[dict[str, Any]]) -> bool:
    """Decide whether a message continues the previous question ("En in 2027?", "en de baten?")."""
    if intent == "ask_followup":
        return True
    words = re.findall(r"\w+", text or "")
    if FOLLOWUP_START.match(text or "") and len(words) <= 8:
        return True
    has_context_entity = any(e.get("entity") in CONTEXT_ENTITIES for e in entities)
    return has_context_entity and len(words) <= 2


def current_context(tracker: Tracker) -> dict[str, Any]:
    """Return the conversation context from the slots (already updated with this message's entities)."""
    return {key: tracker.get_slot(slot) for key, slot in CONTEXT_SLOTS.items()}


def absolute_url(url: str, settings: Settings) -> str:
    """Turn a service-relative citation URL ("/sections/...") into an absolute one."""
    if url.startswith("/"):
        return settings.knowledge_public_url.rstrip("/") + url
    return url


def format_sources(citations: list[dict[str, Any]], settings: Settings) -> str:
    """Render the sources block that ends every budget answer."""
    lines = ["Bronnen:"]
    for index, citation in enumerate(citations, start=1):
        number = citation.get("n") or index
        path = citation.get("path")
        path_text = " > ".join(map(str, path)) if isinstance(path, list) else str(path or "")
        title = str(citation.get("title") or path_text or "Begroting").strip()
        code = str(citation.get("code") or "").strip()
        label = f"{code} {title}" if code and code not in title else title
        url = str(citation.get("url") or "").strip()
        lines.append(f"[{number}] {label}" + (f" - {absolute_url(url, settings)}" if url else ""))
    if len(lines) == 1:
        lines.append(f"- {FALLBACK_SOURCE}")
    return "\n".join(lines)


def answer_text(result: KnowledgeAnswer, settings: Settings) -> str:
    """Return the answer followed by its sources."""
    text = result.answer.strip()
    if SOURCES_PRESENT.search(text):
        return text
    # One newline only: Rasa's REST channel splits a text into separate messages at blank lines.
    return f"{text}\n{format_sources(result.citations, settings)}"


def slot_value(key: str, value: Any) -> str | None:
    """Convert a resolved context value to the slot's text representation."""
    if value is None or value == "":
        return None
    if key == "year":
        try:
            return str(int(float(value)))
        except (TypeError, ValueError):
            return None
    return str(value)


def context_slot_events(
    resolved: dict[str, Any], context: dict[str, Any], followup: bool, entities: list[dict[str, Any]]
) -> list[EventType]:
    """Set the context slots from what the service resolved, falling back to context or this message."""
    from_message = {e.get("entity"): e.get("value") for e in entities}
    events: list[EventType] = []
    for key, slot in CONTEXT_SLOTS.items():
        value = resolved.get(key)
        if value is None or value == "":
            value = context.get(key) if followup else from_message.get(slot)
        events.append(SlotSet(slot, slot_value(key, value)))
    return events


class ActionAnswerBudget(Action):
    """Ask the knowledge service, answer with sources, or hand over warmly when there is no answer."""

    def name(self) -> str:
        """Return the action name used in the domain."""
        return "action_answer_budget"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Answer the latest message."""
        settings = load_settings()
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        entities = message_entities(tracker)
        done: list[EventType] = [SlotSet("awaiting_feedback", False)]

        if intent == "out_of_scope" and not has_budget_cues(text, entities):
            utter_handoff(dispatcher, "out_of_scope", settings)
            return done

        followup = is_followup(intent, text, entities)
        context = current_context(tracker)
        client = KnowledgeClient.from_settings(settings)
        try:
            # the service decides whether the question leans on the context ("En in 2027?", "daaraan")
            result = await client.answer_async(text, context)
        except KnowledgeUnavailable as error:
            logger.warning("Knowledge service unavailable: %s", error)
            utter_handoff(dispatcher, "unavailable", settings)
            return done

        if not result.answered or not result.answer.strip():
            payload = handoff_payload("not_found", settings)
            payload["citations"] = result.citations
            dispatcher.utter_message(text=handoff_text("not_found", settings), json_message=payload)
            return done

        reply = answer_text(result, settings)
        dispatcher.utter_message(text=reply, json_message={"citations": result.citations, "answered": True})
        events = context_slot_events(result.resolved, context, followup, entities)
        events += [
            SlotSet("last_question", mask_pii(text)),
            SlotSet("last_answer", mask_pii(reply)[:MAX_STORED_ANSWER]),
        ]
        if settings.ask_feedback:
            dispatcher.utter_message(text=FEEDBACK_QUESTION, buttons=FEEDBACK_BUTTONS)
            events.append(SlotSet("awaiting_feedback", True))
        else:
            events.append(SlotSet("awaiting_feedback", False))
        return events
