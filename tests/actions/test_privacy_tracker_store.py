"""The masked SQL tracker store (bot/privacy_tracker_store.py) stores no BSN, e-mail, phone or IBAN."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from privacy_tracker_store import PrivacySQLTrackerStore, mask_event
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

ROOT = Path(__file__).resolve().parents[2]
PII_TEXT = "Mijn bsn is 123456782, mail jan@example.nl, bel 06-12345678, IBAN NL91ABNA0417164300"
SECRETS = ("123456782", "jan@example.nl", "12345678", "NL91ABNA0417164300")


def build_tracker(domain: Domain) -> DialogueStateTracker:
    """A conversation that contains personal data in user text, parse data, slots and bot text."""
    tracker = DialogueStateTracker("bewoner-1", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(
        PII_TEXT,
        intent={"name": "ask_budget", "confidence": 0.9},
        entities=[{"entity": "amount", "value": "123456782", "start": 12, "end": 21}],
        parse_data={"text": PII_TEXT, "intent": {"name": "ask_budget", "confidence": 0.9}, "entities": []},
    ))
    tracker.update(SlotSet("last_question", PII_TEXT))
    tracker.update(BotUttered(f"Je schreef: {PII_TEXT}", data={"custom": {"echo": PII_TEXT}}))
    return tracker


def test_events_are_masked_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    domain = Domain.load(str(ROOT / "bot" / "domain.yml"))
    store = PrivacySQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    asyncio.run(store.save(build_tracker(domain)))

    rows = sqlite3.connect(db).execute("select data from events").fetchall()
    dump = "\n".join(row[0] for row in rows)
    assert "[BSN]" in dump and "[E-MAIL]" in dump and "[TELEFOON]" in dump and "[IBAN]" in dump
    for secret in SECRETS:
        assert secret not in dump

    restored = asyncio.run(store.retrieve("bewoner-1"))
    assert restored is not None
    assert restored.latest_message.text.startswith("Mijn bsn is [BSN]")
    assert restored.get_slot("last_question").startswith("Mijn bsn is [BSN]")


def test_saving_twice_adds_only_new_events(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    domain = Domain.load(str(ROOT / "bot" / "domain.yml"))
    store = PrivacySQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    tracker = build_tracker(domain)
    asyncio.run(store.save(tracker))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    count = sqlite3.connect(db).execute("select count(*) from events").fetchone()[0]
    assert count == len(tracker.events)


def test_event_without_pii_is_returned_unchanged() -> None:
    event = UserUttered("lasten 2026", intent={"name": "ask_budget"})
    assert mask_event(event) is event


def test_relative_sqlite_path_is_resolved_against_the_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEGROTINGSWIJZER_HOME", str(tmp_path))
    monkeypatch.delenv("RASA_TRACKER_DB", raising=False)
    PrivacySQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db="var/rasa/tracker.db")
    assert (tmp_path / "var" / "rasa" / "tracker.db").exists()


def test_endpoints_yml_loads_the_privacy_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_TRACKER_DB", str(tmp_path / "t.db"))
    config = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, Domain.empty())
    inner = getattr(store, "_tracker_store", store)
    assert isinstance(inner, PrivacySQLTrackerStore)
    assert (tmp_path / "t.db").exists()


NEW_KINDS_TEXT = ("Ik ben Jan de Vries, ik woon op de Breestraat 12, 2311 CS Leiden, geboren 12-03-1980, "
                  "bsn111222333, bel 071 - 516 5000")
NEW_SECRETS = ("Jan de Vries", "Breestraat 12", "2311 CS", "12-03-1980", "111222333", "516 5000")
MESSAGE_ID = "0612345678e540c2d8f8b04f6b9ad6f6"


def test_every_text_field_is_masked_but_ids_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    domain = Domain.load(str(ROOT / "bot" / "domain.yml"))
    store = PrivacySQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    tracker = DialogueStateTracker("06-12345678", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(
        NEW_KINDS_TEXT,
        intent={"name": "ask_budget", "confidence": 0.9},
        entities=[{"entity": "person", "value": "Jan de Vries", "start": 7, "end": 19}],
        parse_data={"text": NEW_KINDS_TEXT, "intent": {"name": "ask_budget", "confidence": 0.9},
                    "entities": [{"entity": "person", "value": "Jan de Vries", "start": 7, "end": 19}],
                    "message_id": MESSAGE_ID},
        message_id=MESSAGE_ID,
        metadata={"note": NEW_KINDS_TEXT},
    ))
    tracker.update(SlotSet("last_question", "Jan de Vries"))  # the name alone, without its context
    tracker.update(ActionExecuted("action_budget", action_text=NEW_KINDS_TEXT))
    tracker.update(BotUttered(f"Dag {NEW_KINDS_TEXT}", metadata={"utter_action": "utter_greet"}))
    asyncio.run(store.save(tracker))

    dump = "\n".join(row[0] for row in sqlite3.connect(db).execute("select data from events").fetchall())
    for secret in NEW_SECRETS:
        assert secret not in dump, secret
    for token in ("[NAAM]", "[ADRES]", "[POSTCODE]", "[GEBOORTEDATUM]", "[BSN]", "[TELEFOON]"):
        assert token in dump
    assert MESSAGE_ID in dump and "[TELEFOON]e540" not in dump
    restored = asyncio.run(store.retrieve("06-12345678"))
    assert restored is not None and restored.sender_id == "06-12345678"
    assert restored.latest_message.message_id == MESSAGE_ID
    assert restored.latest_message.intent["name"] == "ask_budget"


def test_tracker_database_file_is_private(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    PrivacySQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    assert db.stat().st_mode & 0o777 == 0o600


def test_action_server_log_lines_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import actions  # noqa: F401 - importing the package installs the masking, as the action server does

    with caplog.at_level(logging.INFO, logger="actions.knowledge_client"):
        logging.getLogger("actions.knowledge_client").info("Asking knowledge: %r", NEW_KINDS_TEXT)
    for secret in NEW_SECRETS:
        assert secret not in caplog.text


def test_a_batch_without_personal_data_is_stored_as_it_is() -> None:
    from privacy_tracker_store import mask_events

    batch = [ActionExecuted("action_listen"), UserUttered("lasten 2026", intent={"name": "ask_budget"}),
             BotUttered("De lasten zijn € 14.909.000.", data={"custom": {"citations": [{"title": "Bestuur"}]}})]
    assert all(a is b for a, b in zip(mask_events(batch), batch))
    masked = mask_events([*batch, UserUttered(PII_TEXT)])
    assert "123456782" not in masked[-1].text and masked[:3] == batch
