"""Issue 12 in the browser: amounts as a chart with a table, jargon explained, the KCC page speaking to staff,
and the small things (feedback, handoff, reset confirmation, phone layout, sticky table column)."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from webtools import (
    CHAT_STORAGE_KEY,
    DESKTOP,
    PHONE,
    run_axe,
    screenshot,
    seed_conversation,
    set_viewport,
    stored_feedback,
    wait_for,
)

pytestmark = pytest.mark.e2e

AMOUNT = "lasten dienstverlening 2027"
COMPARE = "stijgen de lasten van dienstverlening?"


def all_violations(driver: Any, name: str) -> list[str]:
    """Every axe violation, whatever its impact, one line each."""
    return [f"{v['id']} ({v['impact']}): " + "; ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
            for v in run_axe(driver, name)]


def axe_at_both_widths(driver: Any, name: str) -> list[str]:
    set_viewport(driver, *DESKTOP)
    problems = all_violations(driver, f"{name}-desktop")
    screenshot(driver, f"{name}-desktop")
    set_viewport(driver, *PHONE)
    problems += all_violations(driver, f"{name}-phone")
    screenshot(driver, f"{name}-phone")
    return problems


def kcc(driver: Any, base: str, query: str) -> str:
    """Open the KCC page with a query and wait for the status line; returns the short answer's text."""
    driver.get(f"{base}/kcc?q={quote(query)}")
    wait_for(driver, lambda d: query in d.find_element(By.ID, "zoekstatus").text, 30, f"no status for {query!r}")
    box = driver.find_element(By.ID, "antwoord")
    return "" if box.get_attribute("hidden") else str(driver.find_element(By.ID, "antwoord-tekst").text)


def luminance(rgb: str) -> float:
    parts = [int(float(x)) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    channels = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# ---------- amounts as a picture ----------


def test_kcc_amount_answer_has_a_chart_a_summary_and_a_table(knowledge, browser) -> None:
    driver = browser()
    text = kcc(driver, knowledge.base, AMOUNT)
    assert "14.984" in text
    figure = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#antwoord figure.series"), 10)
    chart = figure.find_element(By.CSS_SELECTOR, "svg")
    assert chart.get_attribute("role") == "img"
    label = chart.get_attribute("aria-label")
    assert "Dienstverlening" in label and "2027 (meerjarenbegroting): € 14.984.000" in label
    assert label.endswith("Gevraagd: 2027.")
    assert figure.get_attribute("data-asked") == "1"
    asked = figure.find_elements(By.CSS_SELECTOR, "g.series-point.asked")
    assert len(asked) == 1 and "2027" in asked[0].text
    kinds = {k for k in ("rekening", "begroting", "meerjarenbegroting")
             if figure.find_elements(By.CSS_SELECTOR, f"rect.bar-{k}")}
    assert kinds == {"rekening", "begroting", "meerjarenbegroting"}
    legend = figure.find_element(By.CSS_SELECTOR, ".series-legend").text
    assert "rekening" in legend and "meerjarenbegroting" in legend and "gevraagd jaar" in legend

    # The numbers as a real table, folded away under "Bekijk als tabel".
    table = figure.find_element(By.CSS_SELECTOR, "details table")
    assert not table.is_displayed()
    figure.find_element(By.CSS_SELECTOR, "details summary").click()
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    api = httpx.get(f"{knowledge.base}/api/search", params={"q": AMOUNT}, timeout=60).json()["answer"]["series"]
    assert len(rows) == len(api["points"])
    asked_rows = table.find_elements(By.CSS_SELECTOR, "tbody tr.asked")
    cells = [" ".join(c.text.replace("\u00ad", "").split())
             for c in asked_rows[0].find_elements(By.CSS_SELECTOR, "th, td")]
    assert len(asked_rows) == 1 and cells == ["2027 meerjarenbegroting (gevraagd)", "€ 14.984.000"]
    assert [h.text for h in table.find_elements(By.CSS_SELECTOR, "thead th")] == ["Jaar en soort", "Bedrag"]
    assert axe_at_both_widths(driver, "kcc-chart") == []


def test_a_comparison_marks_both_years(knowledge, browser) -> None:
    driver = browser(*PHONE)
    kcc(driver, knowledge.base, COMPARE)
    figure = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#antwoord figure.series"), 10)
    assert figure.get_attribute("data-asked") == "2"
    years = [g.find_element(By.CSS_SELECTOR, ".bar-year").text
             for g in figure.find_elements(By.CSS_SELECTOR, "g.asked")]
    assert years == ["2025", "2026"]
    assert "Gevraagd: 2025 en 2026." in figure.find_element(By.CSS_SELECTOR, "svg").get_attribute("aria-label")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", figure)
    screenshot(driver, "kcc-compare-phone")


def test_chat_draws_the_series_sent_with_the_answer(knowledge, browser) -> None:
    driver = browser(*PHONE)
    answer = seed_conversation(driver, knowledge.base, "Wat kost dienstverlening in 2027?",
                               sender=f"test-{uuid.uuid4()}")
    assert answer["series"], "the service sent no series for an amount"
    figure = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#chat-log .msg-bot figure.series"), 10)
    assert "Gevraagd: 2027." in figure.find_element(By.CSS_SELECTOR, "svg").get_attribute("aria-label")
    # The chart sits between the answer and its sources.
    order = driver.execute_script(
        "const m = document.querySelector('#chat-log .msg-bot');"
        "return [...m.children].map(c => c.className);")
    assert order.index("series") < order.index("sources")
    # No script and no style attribute in the drawing: it is built from DOM calls under the page's CSP.
    assert driver.execute_script(
        "return document.querySelectorAll('#chat-log svg [style], #chat-log svg script').length") == 0
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})",
                          driver.find_element(By.CSS_SELECTOR, "#chat-log .msg-bot"))
    screenshot(driver, "chat-chart-phone")
    assert axe_at_both_widths(driver, "chat-chart") == []


# ---------- jargon explained ----------


def test_terms_in_an_answer_open_their_explanation(knowledge, browser) -> None:
    driver = browser()
    kcc(driver, knowledge.base, AMOUNT)
    selector = "#antwoord-tekst button.term-toggle[data-term='meerjarenbegroting']"
    button = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, selector), 10)
    assert button.get_attribute("aria-expanded") == "false"
    note = driver.find_element(By.ID, button.get_attribute("aria-controls"))
    assert not note.is_displayed()
    button.send_keys(Keys.ENTER)  # keyboard, not hover
    assert button.get_attribute("aria-expanded") == "true" and note.is_displayed()
    assert "schatting" in note.text and "Begrippenlijst" in note.text and "geen tekst uit de begroting" in note.text
    terms = [b.get_attribute("data-term")
             for b in driver.find_elements(By.CSS_SELECTOR, "#antwoord-tekst .term-toggle")]
    assert terms == ["meerjarenbegroting", "lasten", "× €1.000"]
    screenshot(driver, "kcc-term-open-desktop")
    button.send_keys(Keys.ESCAPE)
    assert button.get_attribute("aria-expanded") == "false" and not note.is_displayed()
    # The copied answer is the answer itself, without the explanation.
    assert "Begrippenlijst" not in driver.find_element(By.ID, "kopieer").get_attribute("data-copy")


def test_section_page_explains_terms_in_its_prose(knowledge, browser) -> None:
    driver = browser()
    doc = "leiden-2026-programma-1-bestuur-en-dienstverlening"
    driver.get(f"{knowledge.base}/sections/{doc}:holland-rijnland")
    button = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#tekst .term-toggle"), 20, "no term explained")
    assert button.get_attribute("data-term") == "verbonden partij"
    button.click()
    assert "Begrippenlijst" in driver.find_element(By.ID, button.get_attribute("aria-controls")).text
    assert driver.find_elements(By.CSS_SELECTOR, "table .term-toggle, h2 .term-toggle") == []
    assert axe_at_both_widths(driver, "section-term") == []


# ---------- the KCC page speaks to staff ----------


@pytest.mark.parametrize(("query", "start"), [
    ("1B1.4", "Ook in 2026 blijft het Klant Contact Centrum (KCC) het eerste aanspreekpunt"),
    ("Holland Rijnland", "De gemeente Leiden werkt samen met twaalf andere gemeenten"),
    ("wat is Holland Rijnland?", "De gemeente Leiden werkt samen met twaalf andere gemeenten"),
])
def test_a_code_or_partner_starts_with_what_the_section_is(knowledge, browser, query: str, start: str) -> None:
    driver = browser()
    text = kcc(driver, knowledge.base, query)
    assert text.startswith(start), text
    assert "Er is een kort antwoord." in driver.find_element(By.ID, "zoekstatus").text
    assert driver.find_element(By.ID, "kopieer").is_displayed()


def test_a_year_in_the_query_is_answered_for_that_year(knowledge, browser) -> None:
    driver = browser()
    text = kcc(driver, knowledge.base, "Holland Rijnland 2027")
    assert text.startswith("De gemeente Leiden werkt samen met twaalf andere gemeenten")
    assert "Over 2027:" in text and "Voor 2027 staat er geen bedrag" in text
    assert "14 071" not in text and "Bel " not in text
    text = kcc(driver, knowledge.base, "1B1.4 2027")
    assert text.startswith("Ook in 2026 blijft het Klant Contact Centrum")
    assert "Over 2027" in text
    screenshot(driver, "kcc-code-year-desktop")


def test_no_answer_is_said_to_staff_not_to_residents(knowledge, browser) -> None:
    driver = browser()
    text = kcc(driver, knowledge.base, "Servicepunt71")
    assert text.startswith("Geen antwoord in de begroting gevonden — verwijs naar de vakafdeling")
    assert "bel" not in text.lower() and "14 071" not in text
    assert "Geen antwoord in de begroting gevonden." in driver.find_element(By.ID, "zoekstatus").text
    assert "Er is een kort antwoord" not in driver.find_element(By.ID, "zoekstatus").text
    assert not driver.find_element(By.ID, "kopieer").is_displayed()
    screenshot(driver, "kcc-no-answer-desktop")
    assert axe_at_both_widths(driver, "kcc-no-answer") == []


# ---------- small things ----------


def test_feedback_choice_stays_readable_on_hover_can_change_and_is_thanked_once(knowledge, browser) -> None:
    driver = browser()
    sender = f"test-{uuid.uuid4()}"
    seed_conversation(driver, knowledge.base, "Wanneer zijn de verkiezingen?", sender=sender)
    yes = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".feedback button[data-helped='true']"), 10)
    no = driver.find_element(By.CSS_SELECTOR, ".feedback button[data-helped='false']")
    yes.click()
    wait_for(driver, lambda d: yes.get_attribute("aria-pressed") == "true", 10, "choice not shown")
    ActionChains(driver).move_to_element(yes).perform()
    colours = driver.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.color, s.backgroundColor];", yes)
    assert contrast(*colours) >= 4.5, colours
    thanks = driver.find_element(By.CSS_SELECTOR, ".feedback-thanks")
    assert thanks.text == "Bedankt voor uw reactie." and thanks.get_attribute("role") == "status"
    assert "Bedankt" not in driver.find_element(By.ID, "chat-status").text  # said once, not twice
    # The other choice stays available and replaces the first.
    assert no.is_enabled()
    no.click()
    wait_for(driver, lambda d: no.get_attribute("aria-pressed") == "true", 10, "choice not changed")
    assert yes.get_attribute("aria-pressed") == "false"
    assert thanks.text == "Uw keuze is aangepast. Bedankt."
    rows = stored_feedback(knowledge.base, sender)
    assert [r["helped"] for r in sorted(rows, key=lambda r: r["id"])][-1] is False


def test_no_feedback_under_a_handoff_and_the_reset_asks_first(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/")
    state = {"sender": "test-handoff", "next": 5, "turns": [
        {"id": 1, "role": "user", "text": "Ik wil een medewerker spreken"},
        {"id": 2, "role": "bot", "question": "Ik wil een medewerker spreken", "feedback": None, "messages": [
            {"text": "Een medewerker van de gemeente helpt u graag verder:\nBel 14 071",
             "custom": {"answered": False, "citations": [], "handoff": {"reason": "request", "phone": "14 071"}}}]},
        {"id": 3, "role": "user", "text": "Wat is dit?"},
        {"id": 4, "role": "bot", "question": "Wat is dit?", "feedback": None, "messages": [
            {"text": "Daarover weet ik niets.", "custom": {"answered": False, "citations": [],
                                                          "handoff": {"reason": "not_found"}}}]},
    ]}
    driver.execute_script("sessionStorage.setItem(arguments[0], arguments[1]);", CHAT_STORAGE_KEY, json.dumps(state))
    driver.refresh()
    wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat-log .msg-bot")) == 2, 10)
    assert driver.find_elements(By.CSS_SELECTOR, "#chat-log .feedback") == []

    reset = driver.find_element(By.ID, "nieuw-gesprek")
    reset.click()
    dialog = driver.find_element(By.ID, "nieuw-gesprek-dialoog")
    assert dialog.get_attribute("open") is not None and "Weet u het zeker?" in dialog.text
    assert driver.switch_to.active_element.text == "Nee, ga terug"  # the safe choice has the focus
    screenshot(driver, "chat-reset-confirm-desktop")
    assert all_violations(driver, "chat-reset-dialog") == []
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(driver, lambda d: d.find_element(By.ID, "nieuw-gesprek-dialoog").get_attribute("open") is None, 5)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#chat-log .msg")) == 4
    assert driver.switch_to.active_element.get_attribute("id") == "nieuw-gesprek"

    reset.click()
    dialog.find_element(By.XPATH, ".//button[@value='wissen']").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#chat-log .msg") == [], 5, "not cleared")
    stored = driver.execute_script("return sessionStorage.getItem(arguments[0]);", CHAT_STORAGE_KEY)
    assert json.loads(stored)["turns"] == []


def test_phone_shows_the_question_field_on_the_first_screen(knowledge, browser) -> None:
    for height in (667, PHONE[1]):
        driver = browser(PHONE[0], height)
        driver.get(f"{knowledge.base}/")
        bottom = driver.execute_script("return document.getElementById('vraag').getBoundingClientRect().bottom;")
        assert bottom <= height, (height, bottom)
    screenshot(driver, "chat-empty-phone")


def test_visited_header_links_stay_white(knowledge, browser) -> None:
    """Browsers hide :visited from scripts, so check the style sheet's rule for visited header links."""
    driver = browser()
    driver.get(f"{knowledge.base}/kcc")
    colour = driver.execute_script(
        "for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) {"
        "  if (rule.selectorText && rule.selectorText.split(',').map(s => s.trim()).includes('.site-header a:visited'))"
        "    return rule.style.color; }"
        "return null;")
    assert colour in ("rgb(255, 255, 255)", "#fff", "white")


def test_highlighted_cell_is_not_hidden_under_the_sticky_column(knowledge, browser) -> None:
    citation = httpx.get(f"{knowledge.base}/api/search", params={"q": "lasten dienstverlening 2026"},
                         timeout=60).json()["answer"]["citations"][0]
    driver = browser(*PHONE)
    driver.get(f"{knowledge.base}/sections/{citation['section_id']}?q={quote(citation['quote'])}")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "td mark"), 20, "no cell marked")
    geometry = driver.execute_script(
        "const td = document.querySelector('td mark').closest('td');"
        "const th = td.parentNode.querySelector('th');"
        "const wrap = td.closest('.table-wrap').getBoundingClientRect();"
        "const a = td.getBoundingClientRect(), b = th.getBoundingClientRect();"
        "return {cell: [a.left, a.right], sticky: b.right, wrap: [wrap.left, wrap.right], text: td.textContent};")
    assert "14.909" in geometry["text"]
    assert geometry["cell"][0] >= geometry["sticky"], geometry
    assert geometry["cell"][1] <= geometry["wrap"][1], geometry
    screenshot(driver, "section-sticky-cell-phone")
