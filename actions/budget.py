"""Answer budget questions via the knowledge service, keeping its conversation state (one frame slot) for follow-ups."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import code_line, handoff_code, handoff_payload, handoff_text, utter_handoff_with_code
from actions.knowledge_client import KnowledgeAnswer, KnowledgeClient, KnowledgeUnavailable
from actions.settings import Settings, load_settings
from nlu.privacy import mask_pii

logger = logging.getLogger(__name__)

FRAME_SLOT = "frame"
SOURCES_PRESENT = re.compile(r"^\s*(bron|bronnen|sources?)\s*:", re.IGNORECASE | re.MULTILINE)
FALLBACK_SOURCE = "de begroting"
FEEDBACK_QUESTION = "Heeft dit antwoord u geholpen?"
FEEDBACK_BUTTONS = [
    {"title": "Ja", "payload": "/feedback_helped"},
    {"title": "Nee", "payload": "/feedback_not_helped"},
]
MAX_STORED_ANSWER = 2000


def current_context(tracker: Tracker) -> dict[str, Any] | None:
    """The knowledge service's state after the last answered turn (None at the start)."""
    frame = tracker.get_slot(FRAME_SLOT)
    return frame if isinstance(frame, dict) else None


def clarify_buttons(clarify: dict[str, Any]) -> list[dict[str, str]]:
    """Buttons that send the full question of each reading."""
    return [{"title": o["label"], "payload": o["question"]} for o in clarify.get("options", [])][:4]


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
        done: list[EventType] = [SlotSet("awaiting_feedback", False)]
        context = current_context(tracker)
        client = KnowledgeClient.from_settings(settings)
        try:
            # the knowledge service understands the question and decides whether it leans on the context
            result = await client.answer_async(text, context, tracker.sender_id)
        except KnowledgeUnavailable as error:
            logger.warning("Knowledge service unavailable: %s", error)
            await utter_handoff_with_code(dispatcher, tracker, "unavailable", settings)
            return done

        if result.clarify and result.clarify.get("options"):
            dispatcher.utter_message(text=result.clarify["question"], buttons=clarify_buttons(result.clarify),
                                     json_message={"clarify": result.clarify, "answered": False})
            return done  # a question back leaves the conversation state as it was

        if not result.answered or not result.answer.strip():
            reason = "out_of_scope" if intent == "out_of_scope" else "not_found"
            code = await handoff_code(tracker, reason, settings)  # the turn is logged already: staff see it
            payload = handoff_payload(reason, settings, code)
            payload["citations"] = result.citations
            # the knowledge service says why (e.g. 'geen specifieke reden … algemene toelichting') and refers on
            own = result.answer.strip() if reason == "not_found" else ""
            told = "\n".join([own, *([code_line(code, settings)] if code else [])]) if own else ""
            dispatcher.utter_message(text=told or handoff_text(reason, settings, code), json_message=payload)
            return done  # a turn that did not answer leaves the conversation state as it was

        reply = answer_text(result, settings)
        custom: dict[str, Any] = {"citations": result.citations, "answered": True}
        if result.series:
            custom["series"] = result.series  # the amount's row over the years, for the chat's picture
        dispatcher.utter_message(text=reply, json_message=custom)
        events: list[EventType] = [
            SlotSet(FRAME_SLOT, result.resolved),
            SlotSet("last_question", mask_pii(text)),
            SlotSet("last_answer", mask_pii(reply)[:MAX_STORED_ANSWER]),
        ]
        if settings.ask_feedback:
            dispatcher.utter_message(text=FEEDBACK_QUESTION, buttons=FEEDBACK_BUTTONS)
            events.append(SlotSet("awaiting_feedback", True))
        else:
            events.append(SlotSet("awaiting_feedback", False))
        return events
