"""The conversation store's contract (turns, handoff codes, reviews; masked, expiring), on SQLite here and on
PostgreSQL in tests/production (the same checks, imported from this file)."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from knowledge.conversations import ConversationStore, SqliteConversationStore
from knowledge.feedback import FeedbackStoreError

CITATION = {"n": 1, "section_id": "doc:programmakosten", "code": "", "title": "Programmakosten",
            "url": "/sections/doc:programmakosten", "quote": "Bel 06-12345678 voor de lasten", "path": ["x"]}


def check_store_contract(store: ConversationStore, prefix: str) -> None:
    """Everything the API relies on; ``prefix`` keeps conversation ids apart between runs on one database."""
    a, b = f"{prefix}-a", f"{prefix}-b"
    assert store.add_turn(a, "Mail jan@example.nl: wat kost bestuur?", "De lasten zijn € 12.399.000 [1].", True, "",
                          [CITATION], retention=3600)
    assert store.add_turn(a, "Hoe laat gaat het zwembad open?", "", False, "abstain", [], retention=3600)
    assert store.add_turn(b, "Iets anders", "", False, "abstain", [], retention=3600)
    made = store.create_code(a, "not_found", lifetime=3600, retention=3600)
    assert made.conversation_id == a and made.expires > made.created
    found = store.code(made.code)
    assert found == made
    turns = store.conversation(a)
    assert [t.answered for t in turns] == [True, False]
    assert turns[0].question == "Mail [E-MAIL]: wat kost bestuur?" and "jan@example.nl" not in repr(turns)
    assert turns[0].citations[0]["section_id"] == "doc:programmakosten" and "path" not in turns[0].citations[0]
    assert "[TELEFOON]" in turns[0].citations[0]["quote"]
    assert store.code("ZZZ-99" if made.code != "ZZZ-99" else "ZZZ-98") is None

    review = store.review(turns[1], False, "doc:1a", "keyword")
    again = store.review(turns[1], False, "doc:1b", "keyword")  # a second verdict replaces the first
    assert again.section_id == "doc:1b" and again.turn_id == turns[1].id
    mine = [r for r in store.reviews() if r.turn_id in {t.id for t in turns}]
    assert [(r.correct, r.section_id) for r in mine] == [(False, "doc:1b")] and review.question == mine[0].question
    listed = {t.id: t for t in store.turns(1000)}
    assert listed[turns[1].id].correct is False and listed[turns[1].id].section_id == "doc:1b"
    assert store.turn(turns[0].id) is not None and store.turn(10**12) is None

    # expiry: a code past its lifetime is gone, and with it the turns past retention
    short = store.create_code(b, "request", lifetime=0.5, retention=3600)
    time.sleep(0.8)
    assert store.code(short.code) is None
    assert store.add_turn(f"{prefix}-c", "Nieuwe vraag", "", False, "abstain", [], retention=0.5)
    assert store.conversation(b) == []  # older than retention and no live code points at it
    assert len(store.conversation(a)) == 2  # a live code keeps its conversation
    assert [r.section_id for r in store.reviews() if r.turn_id == turns[1].id] == ["doc:1b"]  # reviews stay


def test_sqlite_store_contract(tmp_path: Path) -> None:
    path = tmp_path / "new" / "feedback.sqlite"
    check_store_contract(SqliteConversationStore(path), "sqlite")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_ids_are_never_reused_after_a_purge(tmp_path: Path) -> None:
    store = SqliteConversationStore(tmp_path / "feedback.sqlite")
    assert store.add_turn("x", "Eerste vraag", "", False, "abstain", [], retention=3600)
    [first] = store.conversation("x")
    store.review(first, True, "", "keyword")
    time.sleep(0.3)
    assert store.add_turn("y", "Tweede vraag", "", False, "abstain", [], retention=0.1)  # purges the first turn
    [second] = store.conversation("y")
    assert store.conversation("x") == [] and second.id > first.id
    assert store.turns(10)[0].correct is None  # the old verdict does not stick to a new turn


def test_a_broken_store_never_breaks_an_answer(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("no folder", encoding="utf-8")
    store = SqliteConversationStore(blocked / "feedback.sqlite")
    assert store.add_turn("x", "vraag", "", False, "abstain", [], retention=60) is False  # best effort
    try:
        store.create_code("x", "request", 60, 60)
    except FeedbackStoreError as error:
        assert "feedback.sqlite" in str(error)
    else:
        raise AssertionError("a code cannot be made without a store")


def test_a_drawn_code_that_is_taken_is_drawn_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter(["AAA-22", "AAA-22", "BBB-33"])
    monkeypatch.setattr("knowledge.conversations.new_code", lambda: next(draws))
    store = SqliteConversationStore(tmp_path / "feedback.sqlite")
    first = store.create_code("x", "request", 3600, 3600)
    second = store.create_code("y", "request", 3600, 3600)
    assert (first.code, second.code) == ("AAA-22", "BBB-33")
    assert store.code("AAA-22") == first and store.code("BBB-33") == second
