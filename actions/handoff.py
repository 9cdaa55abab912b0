"""Warm handoff to the KCC (phone, website, live chat) and the default fallback action."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import Settings, load_settings

# Why the bot hands over; each reason has its own first sentence (plain Dutch, B1).
INTROS: dict[str, str] = {
    "request": "Ik breng u graag in contact met een medewerker van de gemeente.",
    "not_found": "Op deze vraag vind ik geen antwoord in de begroting.",
    "out_of_scope": (
        "Daar kan ik u helaas niet mee helpen. Ik weet alleen iets over de begroting."
    ),
    "unavailable": (
        "Het lukt me nu niet om dit op te zoeken in de begroting. Probeer het later nog eens."
    ),
    "not_helped": "Jammer dat mijn antwoord u niet hielp. Bedankt dat u het laat weten.",
    "fallback": "Sorry, ik begrijp uw vraag niet goed.",
}


def contact_lines(settings: Settings) -> list[str]:
    """Return the KCC contact options, one per line."""
    lines = [f"- Bel {settings.kcc_phone} (Klant Contact Centrum)"]
    if settings.kcc_chat_url == settings.kcc_website:
        lines.append(f"- Chat live met een medewerker of stuur een bericht via {settings.kcc_website}")
    else:
        lines.append(f"- Chat live met een medewerker via {settings.kcc_chat_url}")
        lines.append(f"- Stuur een bericht via {settings.kcc_website}")
    return lines


def handoff_text(reason: str, settings: Settings | None = None) -> str:
    """Build the warm handoff message for ``reason`` (see INTROS)."""
    settings = settings or load_settings()
    intro = INTROS.get(reason, INTROS["request"])
    body = "Een medewerker van de gemeente helpt u graag verder:"
    return "\n".join([intro, body, *contact_lines(settings)])


def handoff_payload(reason: str, settings: Settings | None = None) -> dict[str, Any]:
    """Custom JSON for the web chat: no answer, no sources, and where to get help."""
    settings = settings or load_settings()
    return {
        "answered": False,
        "citations": [],
        "handoff": {
            "reason": reason,
            "phone": settings.kcc_phone,
            "website": settings.kcc_website,
            "chat": settings.kcc_chat_url,
        },
    }


def utter_handoff(dispatcher: CollectingDispatcher, reason: str, settings: Settings | None = None) -> None:
    """Send the handoff text together with its JSON payload."""
    settings = settings or load_settings()
    dispatcher.utter_message(text=handoff_text(reason, settings), json_message=handoff_payload(reason, settings))


class ActionHandoff(Action):
    """The resident asks for a person: give the KCC contact options."""

    def name(self) -> str:
        """Return the action name used in the domain."""
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the warm handoff."""
        utter_handoff(dispatcher, "request")
        return [SlotSet("awaiting_feedback", False)]


class ActionDefaultFallback(Action):
    """Core fallback (no rule applies): apologise and offer the KCC instead of getting stuck."""

    def name(self) -> str:
        """Return the action name used in the domain."""
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the handoff and forget the message that could not be handled."""
        utter_handoff(dispatcher, "fallback")
        return [UserUtteranceReverted()]
