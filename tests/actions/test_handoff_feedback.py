"""Unit tests of action_handoff, action_default_fallback and action_feedback."""

from __future__ import annotations

import asyncio
from typing import Any

from action_helpers import load_tracker, make_tracker
from fake_knowledge import FakeKnowledge
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import PLAIN_NO, PLAIN_YES, THANKS_HELPED, ActionFeedback
from actions.handoff import ActionDefaultFallback, ActionHandoff, ActionHandoffContact, handoff_text
from actions.settings import load_settings


def run(action: Any, tracker: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action and return (messages, events)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_handoff_lists_phone_website_and_chat(knowledge: FakeKnowledge) -> None:
    messages, events = run(ActionHandoff(), make_tracker("ik wil een medewerker spreken", "request_human"))

    text = messages[0]["text"]
    assert "14 071" in text
    assert "https://www.leiden.nl/contact" in text
    assert "Chat live" in text
    assert messages[0]["custom"]["handoff"]["reason"] == "request"
    assert events == [{"event": "slot", "timestamp": None, "name": "awaiting_feedback", "value": False}]


def test_contact_action_gives_another_deployments_details(knowledge: FakeKnowledge, monkeypatch: Any) -> None:
    """After the plain domain response, action_handoff_contact names the deployment's own phone and website."""
    monkeypatch.setenv("KCC_PHONE", "0800 1234")
    monkeypatch.setenv("KCC_WEBSITE", "https://www.bremmerdijk.example/contact")
    messages, events = run(ActionHandoffContact(), make_tracker("ik wil een medewerker", "request_human"))
    text = messages[0]["text"]
    assert "- Bel 0800 1234 (Klant Contact Centrum)" in text and "https://www.bremmerdijk.example/contact" in text
    assert "14 071" not in text and "leiden" not in text.lower()
    assert "Bel 0800 1234 en noem code" in text
    assert messages[0]["custom"]["handoff"]["phone"] == "0800 1234"
    assert events == [{"event": "slot", "timestamp": None, "name": "awaiting_feedback", "value": False}]


def test_contact_details_come_from_settings(monkeypatch: Any) -> None:
    monkeypatch.setenv("KCC_PHONE", "14 999")
    monkeypatch.setenv("KCC_CHAT_URL", "https://chat.example.nl")
    text = handoff_text("request", load_settings())
    assert "Bel 14 999" in text
    assert "https://chat.example.nl" in text
    assert "https://www.leiden.nl/contact" in text


def test_default_fallback_hands_over_and_reverts(knowledge: FakeKnowledge) -> None:
    messages, events = run(ActionDefaultFallback(), make_tracker("???", "nlu_fallback"))
    assert "14 071" in messages[0]["text"]
    assert events[0]["event"] == "rewind"


def test_not_helped_from_saved_tracker_stores_feedback_and_hands_over(knowledge: FakeKnowledge) -> None:
    messages, events = run(ActionFeedback(), load_tracker("feedback_not_helped"))

    stored = knowledge.posted("/api/feedback")
    assert stored == [{
        "question": "Hoeveel kost bestuur in 2026? Mail me op [E-MAIL]",
        "answer": "De lasten van bestuur in 2026 zijn € 12.399.000 [1].",
        "helped": False,
        "source": "rasa",
        "conversation_id": "bewoner-7",
    }]
    assert "Jammer" in messages[0]["text"] and "14 071" in messages[0]["text"]
    assert events[-1]["name"] == "awaiting_feedback" and events[-1]["value"] is False


def test_helped_button_stores_positive_feedback(knowledge: FakeKnowledge) -> None:
    slots = {"last_question": "lasten bestuur 2026", "last_answer": "€ 12.399.000", "awaiting_feedback": True}
    messages, _ = run(ActionFeedback(), make_tracker("/feedback_helped", "feedback_helped", slots=slots))

    assert knowledge.posted("/api/feedback")[0]["helped"] is True
    assert messages[0]["text"] == THANKS_HELPED


def test_plain_yes_and_no_without_pending_question_store_nothing(knowledge: FakeKnowledge) -> None:
    yes, _ = run(ActionFeedback(), make_tracker("ja", "affirm"))
    no, _ = run(ActionFeedback(), make_tracker("nee", "deny"))

    assert knowledge.posted("/api/feedback") == []
    assert yes[0]["text"] == PLAIN_YES
    assert no[0]["text"] == PLAIN_NO


def test_feedback_when_service_is_down_still_thanks(knowledge_down: str) -> None:
    slots = {"last_question": "q", "last_answer": "a", "awaiting_feedback": True}
    messages, events = run(ActionFeedback(), make_tracker("ja", "affirm", slots=slots))
    assert messages[0]["text"] == THANKS_HELPED
    assert events[-1]["value"] is False
