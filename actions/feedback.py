"""Feedback on answers ("heeft dit geholpen?") and plain yes/no replies."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import utter_handoff_with_code
from actions.knowledge_client import KnowledgeClient
from actions.settings import load_settings

POSITIVE_INTENTS = {"feedback_helped", "affirm"}
FEEDBACK_INTENTS = {"feedback_helped", "feedback_not_helped"}

THANKS_HELPED = "Fijn dat ik u kon helpen! Hebt u nog een andere vraag over de begroting?"
THANKS_NO_ANSWER = "Bedankt voor uw reactie! Hebt u een vraag over de begroting? Stel hem gerust."
PLAIN_YES = "Waar kan ik u mee helpen? Stel gerust uw vraag over de begroting."
PLAIN_NO = "Oké. Hebt u later toch een vraag over de begroting? Dan kunt u die hier stellen."


class ActionFeedback(Action):
    """Record whether the last answer helped (with the knowledge service) and react to it."""

    def name(self) -> str:
        """Return the action name used in the domain."""
        return "action_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Store the feedback when it refers to an answer; otherwise treat it as a plain yes/no."""
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        helped = intent in POSITIVE_INTENTS
        awaiting = bool(tracker.get_slot("awaiting_feedback"))
        if not awaiting and intent not in FEEDBACK_INTENTS:
            dispatcher.utter_message(text=PLAIN_YES if helped else PLAIN_NO)
            return []

        question = tracker.get_slot("last_question")
        answer = tracker.get_slot("last_answer")
        settings = load_settings()
        if question and answer:
            client = KnowledgeClient.from_settings(settings)
            await client.feedback_async(str(question), str(answer), helped, tracker.sender_id)

        if helped:
            dispatcher.utter_message(text=THANKS_HELPED if question else THANKS_NO_ANSWER)
        else:
            await utter_handoff_with_code(dispatcher, tracker, "not_helped", settings)
        return [SlotSet("awaiting_feedback", False)]
