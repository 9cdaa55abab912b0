"""Warm handoff to the KCC (phone, website, live chat) with a phone code that carries the conversation along."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_client import KnowledgeClient
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


# The line that introduces the deployment's contact options (settings: KCC_PHONE, KCC_WEBSITE, KCC_CHAT_URL).
CONTACT_INTRO = "Een medewerker van de gemeente helpt u graag verder:"
# The plain domain responses (bot/domain.yml) hold no contact details of one municipality: they end with this line,
# which needs no action server; action_handoff_contact then adds the configured details and the phone code.
PLAIN_CONTACT = "Neem contact op via de website van uw gemeente."
# Rasa's own fallback (utter_default) has no action after it: it also says how to get the contact details.
PLAIN_HINTS = {"fallback": "Stel uw vraag anders, of typ 'medewerker' als u iemand van de gemeente wilt spreken."}
# Plain responses of bot/domain.yml (no action server needed) and the reason each hands over for.
PLAIN_RESPONSES = {"utter_handoff": "request", "utter_out_of_scope": "out_of_scope", "utter_default": "fallback"}


def contact_lines(settings: Settings) -> list[str]:
    """Return the KCC contact options, one per line."""
    lines = [f"- Bel {settings.kcc_phone} (Klant Contact Centrum)"]
    if settings.kcc_chat_url == settings.kcc_website:
        lines.append(f"- Chat live met een medewerker of stuur een bericht via {settings.kcc_website}")
    else:
        lines.append(f"- Chat live met een medewerker via {settings.kcc_chat_url}")
        lines.append(f"- Stuur een bericht via {settings.kcc_website}")
    return lines


# A code is a courtesy: waiting for it must not hold up the handoff for long.
CODE_TIMEOUT = 2.0
# Intents answered by a plain domain response (utter_handoff, utter_out_of_scope) before action_handoff_contact.
INTENT_REASONS = {"request_human": "request", "out_of_scope": "out_of_scope"}


def code_line(code: str, settings: Settings) -> str:
    """The sentence that gives the resident the code to name on the phone."""
    return (f"Bel {settings.kcc_phone} en noem code {code}. Dan ziet de medewerker ons gesprek "
            "en hoeft u niet alles opnieuw te vertellen.")


def contact_text(settings: Settings, code: str | None = None) -> str:
    """The configured contact options, and the phone code when there is one."""
    return "\n".join([CONTACT_INTRO, *contact_lines(settings), *([code_line(code, settings)] if code else [])])


def handoff_text(reason: str, settings: Settings | None = None, code: str | None = None) -> str:
    """Build the warm handoff message for ``reason`` (see INTROS), with the phone code when there is one."""
    settings = settings or load_settings()
    return "\n".join([INTROS.get(reason, INTROS["request"]), contact_text(settings, code)])


def plain_handoff_text(reason: str) -> str:
    """The text of the plain domain response for ``reason``: no phone number or web address of one municipality."""
    hint = [PLAIN_HINTS[reason]] if reason in PLAIN_HINTS else []
    return "\n".join([INTROS.get(reason, INTROS["request"]), *hint, PLAIN_CONTACT])


def plain_handoff_payload(reason: str) -> dict[str, Any]:
    """The custom JSON of the plain domain response for ``reason``: a handoff without contact details."""
    return {"answered": False, "citations": [], "handoff": {"reason": reason}}


def handoff_payload(reason: str, settings: Settings | None = None, code: str | None = None) -> dict[str, Any]:
    """Custom JSON for the web chat: no answer, no sources, where to get help and the phone code (if any)."""
    settings = settings or load_settings()
    payload: dict[str, Any] = {
        "answered": False,
        "citations": [],
        "handoff": {
            "reason": reason,
            "phone": settings.kcc_phone,
            "website": settings.kcc_website,
            "chat": settings.kcc_chat_url,
        },
    }
    if code:
        payload["handoff"]["code"] = code
    return payload


def utter_handoff(dispatcher: CollectingDispatcher, reason: str, settings: Settings | None = None,
                  code: str | None = None) -> None:
    """Send the handoff text together with its JSON payload."""
    settings = settings or load_settings()
    dispatcher.utter_message(text=handoff_text(reason, settings, code),
                             json_message=handoff_payload(reason, settings, code))


async def handoff_code(tracker: Tracker, reason: str, settings: Settings, question: str | None = None) -> str | None:
    """A phone code for this conversation from the knowledge service; None when it is down (plain handoff then)."""
    client = KnowledgeClient(settings.knowledge_url, min(settings.knowledge_timeout, CODE_TIMEOUT))
    return await client.handoff_code_async(tracker.sender_id, reason, question)


async def utter_handoff_with_code(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str,
                                  settings: Settings | None = None) -> None:
    """Send the handoff with a phone code; without one (knowledge service down) the handoff still goes out."""
    settings = settings or load_settings()
    utter_handoff(dispatcher, reason, settings, await handoff_code(tracker, reason, settings))


class ActionHandoff(Action):
    """The resident asks for a person: give the KCC contact options."""

    def name(self) -> str:
        """Return the action name used in the domain."""
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the warm handoff."""
        await utter_handoff_with_code(dispatcher, tracker, "request")
        return [SlotSet("awaiting_feedback", False)]


class ActionHandoffContact(Action):
    """After a plain handoff response (works without this server): the configured contact details and phone code."""

    def name(self) -> str:
        """Return the action name used in the domain."""
        return "action_handoff_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Send the contact options with the code line (without it when no code can be made)."""
        settings = load_settings()
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        reason = INTENT_REASONS.get(intent, "request")
        question = tracker.latest_message.get("text") if reason == "out_of_scope" else None
        code = await handoff_code(tracker, reason, settings, question)
        payload = handoff_payload(reason, settings, code)
        dispatcher.utter_message(text=contact_text(settings, code), json_message={"handoff": payload["handoff"]})
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
        await utter_handoff_with_code(dispatcher, tracker, "fallback")
        return [UserUtteranceReverted()]
