"""Staff pages in a real browser against the real knowledge service: a resident's handoff code on /kcc, and the
evaluators' page /evaluatie (login prompt, report, unanswered questions, feedback, marking turns); axe-core finds
no violations at desktop and phone width."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import run_all
from conftest import Stack, knowledge_env, start_services
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from webtools import DESKTOP, PHONE, ROOT, STAFF_TOKEN, free_port, run_axe, screenshot, set_viewport, wait_for

from knowledge.eval.questions import load_questions

pytestmark = pytest.mark.e2e

DOC = "leiden-2026-programma-1-bestuur-en-dienstverlening"
PII = "Ik ben Jan de Vries, bel 06-12345678. Wat zijn de lasten van dienstverlening in 2027?"
UNANSWERABLE = "Hoe laat gaat het zwembad morgen open?"
REPORT = "eval-20261129-120000.html"


@pytest.fixture(scope="module")
def staff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The knowledge service with its own feedback store and a reports folder holding one report."""
    tmp = tmp_path_factory.mktemp("staff")
    (tmp / "reports").mkdir()
    (tmp / "reports" / REPORT).write_text("<!doctype html><html lang='nl'><title>Rapport</title>Evaluatie</html>",
                                          encoding="utf-8")
    port = free_port()
    service = run_all.knowledge_service(port, f"http://127.0.0.1:{free_port()}", log_dir=tmp,
                                        extra_env={**knowledge_env(tmp), "BW_REPORTS_DIR": str(tmp / "reports")})
    start_services([service])
    try:
        yield Stack(f"http://127.0.0.1:{port}", tmp)
    finally:
        run_all.stop_all([service])


def conversation(base: str, sender: str) -> str:
    """A resident's conversation through the API, as the action server has it: two turns, then a code."""
    for question in (PII, UNANSWERABLE):
        reply = httpx.post(f"{base}/api/answer", json={"question": question, "conversation_id": sender}, timeout=60)
        assert reply.status_code == 200
    made = httpx.post(f"{base}/api/handoff", json={"conversation_id": sender, "reason": "not_found"}, timeout=10)
    assert made.status_code == 201
    return str(made.json()["code"])


def no_violations(driver: Any, name: str) -> None:
    violations = run_axe(driver, name)
    assert violations == [], [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations]


def log_in(driver: Any, container: str) -> None:
    """Fill the staff login that appears in ``container`` with the token (no user name) and submit it."""
    form = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#{container} form.staff-login"), 20,
                    "no login form")
    assert "Log in als medewerker" in form.text
    secret = form.find_element(By.CSS_SELECTOR, "input[type=password]")
    secret.send_keys(STAFF_TOKEN)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_kcc_opens_a_conversation_by_its_code(staff: Stack, browser: Any, size: tuple[int, int]) -> None:
    code = conversation(staff.base, f"kcc-{size[0]}")
    driver = browser(*size)
    driver.get(f"{staff.base}/kcc")
    field = driver.find_element(By.ID, "gesprekscode")
    field.send_keys(code.lower().replace("-", " "))  # as staff might type what they hear
    driver.find_element(By.CSS_SELECTOR, "#codeformulier button[type=submit]").click()
    log_in(driver, "code-login")
    shown = wait_for(driver, lambda d: (g := d.find_element(By.ID, "gesprek")).is_displayed() and g, 30,
                     "the conversation did not appear")
    text = shown.text
    assert f"Gesprek met code {code}" in text and "Vraag zonder antwoord: " + UNANSWERABLE in text
    assert "14.984.000" in text and "[TELEFOON]" in text and "06-12345678" not in text and "Jan de Vries" not in text
    assert len(shown.find_elements(By.CSS_SELECTOR, "li.turn")) == 2
    source = shown.find_element(By.CSS_SELECTOR, "ul.sources a")
    assert source.get_attribute("href").endswith(f"/sections/{DOC}:programmakosten")
    assert "vragen gevonden" in driver.find_element(By.ID, "codestatus").text
    screenshot(driver, f"kcc-code-{size[0]}")
    no_violations(driver, f"kcc-code-{size[0]}")

    field.clear()
    field.send_keys("ZZZ-22" if code != "ZZZ-22" else "ZZZ-23")
    driver.find_element(By.CSS_SELECTOR, "#codeformulier button[type=submit]").click()
    wait_for(driver, lambda d: "bestaat niet of is verlopen" in d.find_element(By.ID, "codefout").text, 20,
             "no Dutch error for a wrong code")
    assert field.get_attribute("aria-invalid") == "true" and not driver.find_element(By.ID, "gesprek").is_displayed()
    no_violations(driver, f"kcc-code-wrong-{size[0]}")


def test_kcc_asks_again_when_the_credentials_are_wrong(staff: Stack, browser: Any) -> None:
    code = conversation(staff.base, "kcc-wrong-login")
    driver = browser()
    driver.get(f"{staff.base}/kcc")
    driver.execute_script("sessionStorage.setItem('bw-staff-authorization', 'Bearer fout');")
    driver.find_element(By.ID, "gesprekscode").send_keys(code)
    driver.find_element(By.CSS_SELECTOR, "#codeformulier button[type=submit]").click()
    form = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#code-login form.staff-login"), 20,
                    "no login form after refused credentials")
    assert "niet (meer) ingelogd" in form.text and not driver.find_element(By.ID, "gesprek").is_displayed()


def test_evaluators_page_reviews_turns_into_question_lines(staff: Stack, browser: Any) -> None:
    conversation(staff.base, "evaluatie-1")
    assert httpx.post(f"{staff.base}/api/feedback", json={"question": "Wat kost bestuur?", "answer": "x",
                                                          "helped": False}, timeout=10).status_code == 201
    driver = browser()
    driver.get(f"{staff.base}/evaluatie")
    assert driver.find_element(By.ID, "evaluatie-inhoud").is_displayed() is False  # nothing without credentials
    no_violations(driver, "evaluatie-login-desktop")
    log_in(driver, "evaluatie-login")
    wait_for(driver, lambda d: "Evaluatie geladen" in d.find_element(By.ID, "evaluatie-status").text, 60,
             "the evaluators' page did not load")
    link = driver.find_element(By.ID, "rapport-link")
    assert link.get_attribute("href").startswith("blob:") and link.get_attribute("download") == REPORT
    report = httpx.get(f"{staff.base}/api/review/report.html", timeout=10,
                       headers={"Authorization": f"Bearer {STAFF_TOKEN}"})
    assert report.status_code == 200 and "Evaluatie" in report.text  # what the link's blob holds
    topics = driver.find_element(By.ID, "onbeantwoord").text
    assert "zwembad" in topics and UNANSWERABLE.lower() in topics
    weeks = driver.find_element(By.ID, "feedback-tabel")
    assert weeks.find_elements(By.CSS_SELECTOR, "tbody tr") and "Hielp niet" in weeks.text

    turns = driver.find_elements(By.CSS_SELECTOR, "#beurten li.turn")
    assert len(turns) >= 2 and "06-12345678" not in driver.page_source
    unanswered = next(t for t in turns if UNANSWERABLE in t.text)
    unanswered.find_element(By.CSS_SELECTOR, "input[value=fout]").click()
    section = unanswered.find_element(By.CSS_SELECTOR, "input[list=onderdelen]")
    section.send_keys("bestaat:niet")
    unanswered.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(driver, lambda d: "staat niet in de index" in unanswered.text, 20, "no error for an unknown section")
    assert section.get_attribute("aria-invalid") == "true"
    section.clear()
    section.send_keys(f"{DOC}:programmakosten")
    unanswered.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(driver, lambda d: "Opgeslagen." in unanswered.text, 20, "the review was not saved")
    screenshot(driver, "evaluatie-desktop")
    no_violations(driver, "evaluatie-desktop")
    set_viewport(driver, *PHONE)
    screenshot(driver, "evaluatie-phone")
    no_violations(driver, "evaluatie-phone")

    out = staff.logs / "reviewed.jsonl"
    done = subprocess.run([sys.executable, "-m", "knowledge.eval", "export-reviewed", "--feedback-db",
                           str(staff.logs / "feedback.sqlite"), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    [line] = load_questions(out)
    assert line.question == UNANSWERABLE and line.answerable and line.expected_sections == (f"{DOC}:programmakosten",)
    assert json.loads(Path(out).read_text(encoding="utf-8"))["id"].startswith("r-")


def test_a_resident_handed_over_in_the_chat_is_found_by_the_kcc(chat_stack: Stack, browser: Any) -> None:
    """The whole path: the chat (Rasa, action server, knowledge), the code in the handoff, the KCC page."""
    resident = browser(*PHONE)
    resident.get(f"{chat_stack.base}/")
    before = len(resident.find_elements(By.CSS_SELECTOR, "#chat-log .msg-bot"))
    resident.find_element(By.ID, "vraag").send_keys("Wat zijn de lasten van dienstverlening in 2027?", Keys.ENTER)
    wait_for(resident, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat-log .msg-bot")) > before, 90,
             "no answer")
    resident.find_element(By.ID, "medewerker").click()
    spoken = wait_for(resident, lambda d: re.search(r"noem code ([A-Z2-9]{3}-[2-9]{2})",
                                                    d.find_element(By.ID, "chat-log").text), 60,
                      "no code in the handoff")
    code = spoken.group(1)
    screenshot(resident, "chat-handoff-code-phone")

    staff_driver = browser()
    staff_driver.get(f"{chat_stack.base}/kcc")
    staff_driver.find_element(By.ID, "gesprekscode").send_keys(code)
    staff_driver.find_element(By.CSS_SELECTOR, "#codeformulier button[type=submit]").click()
    log_in(staff_driver, "code-login")
    shown = wait_for(staff_driver, lambda d: (g := d.find_element(By.ID, "gesprek")).is_displayed() and g, 30,
                     "the conversation did not appear")
    assert "De inwoner vroeg om een medewerker." in shown.text and "14.984.000" in shown.text
    no_violations(staff_driver, "kcc-code-from-chat-desktop")
