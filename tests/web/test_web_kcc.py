"""The KCC lookup page and the section view in a real browser, against the real knowledge service."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from webtools import grant_clipboard, read_clipboard, screenshot, wait_for

pytestmark = pytest.mark.e2e

DOC = "leiden-2026-programma-1-bestuur-en-dienstverlening"


def search(driver: Any, text: str) -> str:
    """Type into the (focused) search field and wait until the status announces the result count."""
    field = wait_for(driver, lambda d: (a := d.switch_to.active_element).get_attribute("id") == "zoekterm" and a,
                     10, "the search field has no focus after loading the page")
    field.send_keys(text)
    return str(wait_for(
        driver,
        lambda d: (s := d.find_element(By.ID, "zoekstatus").text) and text in s and s,
        30,
        f"no result count for {text!r}",
    ))


def result_titles(driver: Any) -> list[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#resultaten a.result-link")]


def test_table_lookup_shows_the_answer_and_copies_it_with_its_source(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/kcc")
    grant_clipboard(driver, knowledge.base)
    status = search(driver, "lasten dienstverlening 2027")
    assert "resultaten" in status or "resultaat" in status
    assert driver.find_element(By.ID, "zoekstatus").get_attribute("role") == "status"
    assert "14.984" in driver.find_element(By.ID, "antwoord-tekst").text
    assert result_titles(driver)[0] == "Programmakosten"
    assert driver.current_url.endswith("?q=lasten+dienstverlening+2027")  # a reload keeps the search

    driver.find_element(By.ID, "kopieer").click()
    wait_for(driver, lambda d: "Gekopieerd" in d.find_element(By.ID, "kopieer-status").text, 10, "not copied")
    copied = read_clipboard(driver)
    assert "14.984" in copied
    source = f"Programmakosten ({knowledge.base}/sections/{DOC}:programmakosten)"
    # the document is named by its metadata: municipality, kind and year, programme
    label = "gemeente Leiden, Programmabegroting 2026, programma 1 Bestuur en dienstverlening"
    assert copied.endswith(f" — Bron: {label}, {source}")
    screenshot(driver, "kcc-desktop")


def test_copy_falls_back_without_the_clipboard_api(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/kcc?q=1B1.4")
    grant_clipboard(driver, knowledge.base)
    wait_for(driver, lambda d: not d.find_element(By.ID, "antwoord").get_attribute("hidden"), 30, "no answer")
    # Keep a handle for reading, then hide the async Clipboard API from the page.
    driver.execute_script(
        "window.__clip = navigator.clipboard;"
        "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined, configurable: true});"
    )
    driver.find_element(By.ID, "kopieer").click()
    wait_for(driver, lambda d: "Gekopieerd" in d.find_element(By.ID, "kopieer-status").text, 10, "fallback failed")
    copied = driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; window.__clip.readText().then(done, e => done('ERROR ' + e));"
    )
    assert copied == driver.find_element(By.ID, "kopieer").get_attribute("data-copy")
    assert " — Bron: gemeente Leiden, Programmabegroting 2026, " in copied


def test_section_code_is_found_directly_and_keys_move_through_results(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/kcc")
    search(driver, "1B1.4")
    titles = result_titles(driver)
    assert titles[0].startswith("1B1.4 Beantwoorden van eerstelijns vragen")

    field = driver.find_element(By.ID, "zoekterm")
    field.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element.text == titles[0]
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element.text == titles[1]
    driver.switch_to.active_element.send_keys(Keys.ARROW_UP)
    driver.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert driver.switch_to.active_element.get_attribute("id") == "zoekterm"
    # Escape empties the field and the results; Enter searches at once.
    field.send_keys(Keys.ESCAPE)
    assert field.get_attribute("value") == "" and result_titles(driver) == []
    field.send_keys("verkiezingen", Keys.ENTER)
    wait_for(driver, lambda d: result_titles(d), 30, "Enter did not search")

    # Following a result opens its section with the snippet highlighted.
    driver.find_element(By.CSS_SELECTOR, "#resultaten a.result-link").send_keys(Keys.ENTER)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "mark"), 20, "snippet not highlighted")


def test_script_in_a_search_is_shown_as_text(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/kcc")
    payload = "<script>alert(1)</script>"
    status = search(driver, payload)
    assert payload in status
    assert driver.find_element(By.TAG_NAME, "main").find_elements(By.TAG_NAME, "script") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - reading it is the check


def test_section_view_shows_the_table_with_caption_unit_and_the_cited_cell(knowledge, browser) -> None:
    answer = httpx.get(f"{knowledge.base}/api/search", params={"q": "lasten dienstverlening 2027"}, timeout=60).json()
    citation = answer["answer"]["citations"][0]
    driver = browser()
    driver.get(f"{knowledge.base}/sections/{citation['section_id']}?q={quote(citation['quote'])}")
    caption = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "table caption"), 20)
    assert "Bestuur en dienstverlening" in caption.text and "× €1.000" in caption.text
    headers = [th.get_attribute("data-label") for th in driver.find_elements(By.CSS_SELECTOR, "table thead th")]
    assert "meerjarenbegroting 2027" in headers
    marked = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "table mark")]
    assert "14.984" in marked and "Dienstverlening" in marked
    row = driver.find_element(By.CSS_SELECTOR, "tr.row-hit th[scope='row']")
    assert "Lasten" in row.text
    screenshot(driver, "section-table-desktop")


def test_unknown_section_says_so_in_dutch(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/sections/{DOC}:bestaat-niet")
    wait_for(driver, lambda d: d.find_element(By.ID, "fout").text, 20, "no error shown")
    assert driver.find_element(By.ID, "titel").text == "Onderdeel niet gevonden"
    assert "bestaat niet" in driver.find_element(By.ID, "fout").text


def test_a_question_back_offers_its_readings_as_buttons(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/kcc")
    search(driver, "Hoeveel is de reserve raad?")
    buttons = driver.find_elements(By.CSS_SELECTOR, ".clarify-options button")
    assert 2 <= len(buttons) <= 4
    labels = [b.text for b in buttons]
    assert any("nttrekking" in label for label in labels), labels
    chosen = next(b for b in buttons if "nttrekking" in b.text)
    chosen.click()
    wait_for(driver, lambda d: "€" in d.find_element(By.ID, "antwoord-tekst").text, 30, "no amount after choosing")
    assert "Reserve raad" in driver.find_element(By.ID, "antwoord-tekst").text
