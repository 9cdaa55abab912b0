"""The residents' chat in a real browser: answers with sources, the section view, handoff, feedback, safety."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from webtools import CHAT_STORAGE_KEY, PHONE, screenshot, seed_conversation, stored_feedback, wait_for

pytestmark = pytest.mark.e2e

ELECTIONS = "Wanneer zijn de verkiezingen?"


def bot_messages(driver: Any) -> list[Any]:
    return driver.find_elements(By.CSS_SELECTOR, "#chat-log .msg-bot")


def ask(driver: Any, text: str, timeout: float = 90) -> Any:
    """Type a question, press Enter and wait for the answer; returns the new bot message."""
    before = len(bot_messages(driver))
    field = driver.find_element(By.ID, "vraag")
    field.send_keys(text, Keys.ENTER)
    wait_for(driver, lambda d: len(bot_messages(d)) > before, timeout, f"no answer to {text!r}")
    return bot_messages(driver)[-1]


def stored_state(driver: Any) -> dict[str, Any]:
    raw = driver.execute_script("return sessionStorage.getItem(arguments[0]);", CHAT_STORAGE_KEY)
    return dict(json.loads(raw)) if raw else {}


def assert_no_alert(driver: Any) -> None:
    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    pytest.fail(f"the page opened an alert: {text!r}")


# ---------- with the knowledge service only (the assistant is down) ----------


def test_unreachable_assistant_gives_a_clear_dutch_message(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/")
    field = driver.find_element(By.ID, "vraag")
    field.send_keys(ELECTIONS, Keys.ENTER)
    error = wait_for(driver, lambda d: d.find_element(By.ID, "chat-error").text, 30, "no error shown")
    assert "niet bereikbaar" in error
    assert "14 071" in error
    assert driver.find_element(By.ID, "chat-error").get_attribute("role") == "alert"
    # The question is not lost: it is back in the field, and not left in the log as if it was sent.
    assert driver.find_element(By.ID, "vraag").get_attribute("value") == ELECTIONS
    assert driver.find_elements(By.CSS_SELECTOR, "#chat-log .msg") == []


def test_restored_answer_links_to_the_highlighted_section(knowledge, browser) -> None:
    """A real answer (from /api/answer) in the stored conversation: numbered source, section view with <mark>."""
    driver = browser()
    answer = seed_conversation(driver, knowledge.base, ELECTIONS, sender=f"test-{uuid.uuid4()}")
    assert answer["citations"], "the knowledge service gave no source for the elections question"
    citation = answer["citations"][0]

    link = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#chat-log .sources a"), 10)
    assert link.text.startswith(f"[{citation['n']}] {citation['code']} ")
    assert "/sections/" in link.get_attribute("href") and "?q=" in link.get_attribute("href")
    link.click()

    marks = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#tekst mark"), 20, "nothing highlighted")
    quote = " ".join(citation["quote"].split())
    for mark in marks:
        assert " ".join(mark.text.split()) in quote
    assert driver.find_element(By.ID, "titel").text.startswith(citation["code"])
    crumbs = driver.find_element(By.ID, "kruimelpad").text
    assert "1A Bestuur" in crumbs and "Programmabegroting 2026" in crumbs
    screenshot(driver, "section-from-chat-desktop")


def test_feedback_on_a_restored_answer_is_stored(knowledge, browser) -> None:
    driver = browser()
    sender = f"test-{uuid.uuid4()}"
    answer = seed_conversation(driver, knowledge.base, ELECTIONS, sender=sender)
    button = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".feedback button[data-helped='false']"), 10)
    button.click()
    wait_for(driver, lambda d: "Bedankt" in d.find_element(By.CSS_SELECTOR, ".feedback-thanks").text, 10)

    rows = stored_feedback(knowledge.base, sender)
    assert len(rows) == 1
    row = rows[0]
    assert row["question"] == ELECTIONS
    assert row["helped"] is False
    assert row["source"] == "web"
    assert answer["answer"][:40] in row["answer"]
    # The choice is kept with the conversation and shown after a reload.
    driver.refresh()
    pressed = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".feedback button[aria-pressed='true']"), 10)
    assert pressed.get_attribute("data-helped") == "false"


def test_script_in_a_stored_question_stays_text(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/")
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    state = {"sender": "test-xss", "next": 3, "turns": [
        {"id": 1, "role": "user", "text": payload},
        {"id": 2, "role": "bot", "question": payload, "feedback": None, "messages": [{"text": payload}]},
    ]}
    driver.execute_script("sessionStorage.setItem(arguments[0], arguments[1]);", CHAT_STORAGE_KEY, json.dumps(state))
    driver.refresh()
    user = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#chat-log .msg-user .msg-text"), 10)
    assert user.text == payload
    log = driver.find_element(By.ID, "chat-log")
    assert log.find_elements(By.TAG_NAME, "script") == [] and log.find_elements(By.TAG_NAME, "img") == []
    assert_no_alert(driver)


# ---------- with the whole stack (Rasa, actions, knowledge) ----------


def test_chat_answer_source_section_and_reload(chat_stack, browser) -> None:
    driver = browser()
    driver.get(f"{chat_stack.base}/")
    assert driver.find_element(By.ID, "chat-log").get_attribute("role") == "log"
    assert driver.find_element(By.ID, "chat-log").get_attribute("aria-live") == "polite"

    starter = driver.find_element(By.CSS_SELECTOR, f".starter[data-question='{ELECTIONS}']")
    starter.click()
    wait_for(driver, lambda d: bot_messages(d), 90, "no answer from the assistant")
    answer = bot_messages(driver)[-1]
    assert "2026" in answer.text
    link = answer.find_element(By.CSS_SELECTOR, ".sources a")
    assert link.text.startswith("[1] 1A2.3 Organiseren van verkiezingen")
    # The assistant's own plain-text list of sources and its feedback question are not repeated in the page.
    assert "Bronnen:" not in answer.text and "Heeft dit antwoord" not in answer.text
    screenshot(driver, "chat-answer-desktop")

    # The conversation survives a reload, in sessionStorage and not in localStorage.
    driver.refresh()
    wait_for(driver, lambda d: len(bot_messages(d)) == 1, 10, "conversation lost after reload")
    assert stored_state(driver)["turns"][0]["text"] == ELECTIONS
    assert driver.execute_script("return localStorage.length;") == 0

    bot_messages(driver)[-1].find_element(By.CSS_SELECTOR, ".sources a").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#tekst mark"), 20, "nothing highlighted")
    assert driver.find_element(By.ID, "titel").text.startswith("1A2.3")
    assert "maart 2026" in " ".join(m.text for m in driver.find_elements(By.CSS_SELECTOR, "#tekst mark"))


def test_chat_handoff_feedback_and_script_as_text(chat_stack, browser) -> None:
    driver = browser(*PHONE)
    driver.get(f"{chat_stack.base}/")

    # Feedback under an answer goes to /api/feedback with the question and the answer.
    answer = ask(driver, "Wat kost dienstverlening?")
    answer.find_element(By.CSS_SELECTOR, ".feedback button[data-helped='true']").click()
    wait_for(driver, lambda d: "Bedankt" in answer.find_element(By.CSS_SELECTOR, ".feedback-thanks").text, 10)
    sender = stored_state(driver)["sender"]
    rows = stored_feedback(chat_stack.base, sender)
    assert rows and rows[0]["question"] == "Wat kost dienstverlening?" and rows[0]["helped"] is True
    assert rows[0]["answer"].strip()

    # The handoff button asks the assistant for a person; it answers with the KCC number.
    driver.find_element(By.ID, "medewerker").click()
    wait_for(driver, lambda d: "14 071" in bot_messages(d)[-1].text, 60, "no KCC number after the handoff")
    last_user = driver.find_elements(By.CSS_SELECTOR, "#chat-log .msg-user")[-1]
    assert last_user.text.endswith("Ik wil een medewerker spreken")
    assert bot_messages(driver)[-1].find_element(By.CSS_SELECTOR, "a[href^='tel:']").text == "14 071"
    screenshot(driver, "chat-handoff-phone")

    # A script as a question is shown as text and never runs.
    payload = "<script>alert(1)</script>"
    ask(driver, payload)
    assert driver.find_elements(By.CSS_SELECTOR, "#chat-log .msg-user .msg-text")[-1].text == payload
    assert driver.find_element(By.ID, "chat-log").find_elements(By.TAG_NAME, "script") == []
    assert_no_alert(driver)
