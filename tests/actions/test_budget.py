"""Unit tests of action_answer_budget against a fake knowledge service on loopback."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from action_helpers import make_tracker
from fake_knowledge import FakeKnowledge
from rasa_sdk.executor import CollectingDispatcher

from actions.budget import ActionAnswerBudget, format_sources
from actions.settings import load_settings

YEAR_2026 = {"entity": "year", "value": "2026", "start": 0, "end": 4}


def run_action(tracker: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run the action and return (messages, events)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswerBudget().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Collect the slot values set by the events."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_fresh_question_is_answered_with_sources_and_sets_slots(knowledge: FakeKnowledge) -> None:
    entities = [{"entity": "measure", "value": "Lasten"}, YEAR_2026]
    tracker = make_tracker("Wat zijn de lasten van dienstverlening in 2026?", "ask_budget", entities)
    messages, events = run_action(tracker)

    answer = messages[0]
    assert "14.909" in answer["text"]
    assert answer["text"].rstrip().splitlines()[-1].startswith("[1] 3.1.1 Programmakosten")
    assert "Bronnen:" in answer["text"]
    assert "http://localhost:8000/sections/3.1.1-programmakosten" in answer["text"]
    assert answer["custom"]["answered"] is True
    assert answer["custom"]["citations"][0]["section_id"] == "3.1.1-programmakosten"
    assert messages[1]["text"] == "Heeft dit antwoord u geholpen?"
    assert [b["payload"] for b in messages[1]["buttons"]] == ["/feedback_helped", "/feedback_not_helped"]

    slots = slots_of(events)
    assert slots["frame"]["year"] == 2026 and slots["frame"]["line"] == "Dienstverlening"
    assert slots["frame"]["measure"] == "Lasten" and slots["frame"]["subject"] == "doc#dienstverlening"
    assert slots["awaiting_feedback"] is True
    assert slots["last_question"] == "Wat zijn de lasten van dienstverlening in 2026?"
    # A fresh question is sent without context.
    assert "context" not in knowledge.posted("/api/answer")[0]


FRAME_2027 = {"year": 2027, "line": "Dienstverlening", "measure": "Lasten", "topic": "doc:programmakosten",
              "subject": "doc#dienstverlening", "intent": "amount", "document": "doc"}


def test_followup_sends_the_frame_as_context(knowledge: FakeKnowledge) -> None:
    tracker = make_tracker("En de baten?", "ask_followup", [], {"frame": FRAME_2027})
    messages, events = run_action(tracker)

    sent = knowledge.posted("/api/answer")[0]
    assert sent["question"] == "En de baten?"
    assert sent["context"] == {**FRAME_2027, "earlier": None, "quote": None, "listing": None,
                               "explained": None, "quote_end": None}  # all keys
    assert "-4.124" in messages[0]["text"]
    assert slots_of(events)["frame"]["measure"] == "Baten"
    assert slots_of(events)["frame"]["year"] == 2027


def test_failed_turn_leaves_the_frame_as_it_was(knowledge: FakeKnowledge) -> None:
    tracker = make_tracker("En het zwembad?", "ask_followup", [], {"frame": FRAME_2027})
    _, events = run_action(tracker)
    assert "frame" not in slots_of(events)


def test_clarify_becomes_buttons_with_full_questions(knowledge: FakeKnowledge) -> None:
    tracker = make_tracker("Welk bedrag gaat naar bestuur?", "ask_budget", [], {"frame": FRAME_2027})
    messages, events = run_action(tracker)
    assert messages[0]["text"] == "Welk bedrag van Bestuur bedoelt u?"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["Wat zijn de lasten van Bestuur?",
                                                             "Wat zijn de baten van Bestuur?"]
    assert messages[0]["custom"]["clarify"]["options"][0]["label"] == "Lasten Bestuur"
    assert "frame" not in slots_of(events)


def test_unanswerable_question_gives_warm_handoff(knowledge: FakeKnowledge) -> None:
    tracker = make_tracker("Wat zijn de openingstijden van het zwembad in 2026?", "ask_budget", [YEAR_2026])
    messages, events = run_action(tracker)

    assert len(messages) == 1
    text = messages[0]["text"]
    assert "14 071" in text and "https://www.leiden.nl/contact" in text
    assert messages[0]["custom"]["answered"] is False
    assert messages[0]["custom"]["handoff"]["phone"] == "14 071"
    assert slots_of(events) == {"awaiting_feedback": False}


def test_out_of_scope_is_decided_by_the_service(knowledge: FakeKnowledge) -> None:
    messages, _ = run_action(make_tracker("Wat voor weer wordt het morgen?", "out_of_scope"))

    assert len(knowledge.posted("/api/answer")) == 1
    assert "14 071" in messages[0]["text"]


def test_out_of_scope_with_budget_cues_still_asks_the_service(knowledge: FakeKnowledge) -> None:
    entities = [{"entity": "measure", "value": "Lasten"}, YEAR_2026]
    messages, _ = run_action(make_tracker("lasten bestuur 2026 dan", "out_of_scope", entities))

    assert len(knowledge.posted("/api/answer")) == 1
    assert "12.399" in messages[0]["text"]


def test_pii_is_masked_before_it_leaves_the_bot(knowledge: FakeKnowledge) -> None:
    tracker = make_tracker(
        "lasten bestuur 2026, mijn bsn is 123456782 en mail a.b@example.nl", "ask_budget",
        [{"entity": "measure", "value": "Lasten"}, YEAR_2026],
    )
    _, events = run_action(tracker)

    sent = knowledge.posted("/api/answer")[0]["question"]
    assert "123456782" not in sent and "[BSN]" in sent and "[E-MAIL]" in sent
    assert "123456782" not in slots_of(events)["last_question"]


def test_service_down_gives_graceful_message(knowledge_down: str) -> None:
    started = time.monotonic()
    messages, events = run_action(make_tracker("lasten bestuur 2026", "ask_budget", [YEAR_2026]))

    assert time.monotonic() - started < 3
    assert "lukt me nu niet" in messages[0]["text"]
    assert "14 071" in messages[0]["text"]
    assert messages[0]["custom"]["answered"] is False
    assert slots_of(events) == {"awaiting_feedback": False}


def test_slow_service_times_out(knowledge: FakeKnowledge, monkeypatch: Any) -> None:
    monkeypatch.setenv("KNOWLEDGE_TIMEOUT", "0.5")
    knowledge.delay = 3.0
    started = time.monotonic()
    messages, _ = run_action(make_tracker("lasten bestuur 2026", "ask_budget", [YEAR_2026]))

    assert time.monotonic() - started < 2.5
    assert "lukt me nu niet" in messages[0]["text"]


def test_service_error_status_gives_graceful_message(knowledge: FakeKnowledge) -> None:
    knowledge.status = 500
    messages, _ = run_action(make_tracker("lasten bestuur 2026", "ask_budget", [YEAR_2026]))

    assert "lukt me nu niet" in messages[0]["text"]


def test_feedback_question_can_be_switched_off(knowledge: FakeKnowledge, monkeypatch: Any) -> None:
    monkeypatch.setenv("BOT_ASK_FEEDBACK", "false")
    entities = [{"entity": "measure", "value": "Lasten"}, YEAR_2026]
    messages, events = run_action(make_tracker("lasten bestuur 2026", "ask_budget", entities))

    assert len(messages) == 1
    assert slots_of(events)["awaiting_feedback"] is False


def test_format_sources_without_citations_names_the_budget() -> None:
    text = format_sources([], load_settings())
    assert text.startswith("Bronnen:")
    assert "begroting" in text


def test_an_amounts_series_is_passed_to_the_chat(knowledge: FakeKnowledge) -> None:
    messages, _ = run_action(make_tracker("Wat zijn de lasten van dienstverlening in 2026?", "ask_budget"))
    series = messages[0]["custom"]["series"]
    assert series["line"] == "Dienstverlening" and any(p["asked"] for p in series["points"])
