"""Accessibility of the three pages: axe-core, reflow at 320 px, keyboard and focus; screenshots for review."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from webtools import DESKTOP, PHONE, run_axe, screenshot, seed_conversation, serious, set_viewport, wait_for

pytestmark = pytest.mark.e2e

DOC = "leiden-2026-programma-1-bestuur-en-dienstverlening"
SEARCH = "lasten dienstverlening 2027"


def open_page(driver: Any, base: str, page: str) -> None:
    """Open a page in its interesting state: a conversation, search results, a highlighted quote."""
    if page == "chat":
        seed_conversation(driver, base, "Wanneer zijn de verkiezingen?", sender=f"test-{uuid.uuid4()}")
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#chat-log .sources a"), 10)
    elif page == "kcc":
        driver.get(f"{base}/kcc?q={quote(SEARCH)}")
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#resultaten a"), 30)
    elif page == "section":
        citation = httpx.get(f"{base}/api/search", params={"q": SEARCH}, timeout=60).json()["answer"]["citations"][0]
        driver.get(f"{base}/sections/{citation['section_id']}?q={quote(citation['quote'])}")
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "mark"), 20)
    elif page == "section-text":
        answer = httpx.post(f"{base}/api/answer", json={"question": "Wanneer zijn de verkiezingen?"}, timeout=60).json()
        citation = answer["citations"][0]
        driver.get(f"{base}/sections/{citation['section_id']}?q={quote(citation['quote'])}")
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "mark"), 20)
    else:
        raise ValueError(page)


@pytest.mark.parametrize("page", ["chat", "kcc", "section", "section-text"])
def test_axe_finds_no_serious_problems_and_screenshots(knowledge, browser, page: str) -> None:
    driver = browser(*DESKTOP)
    open_page(driver, knowledge.base, page)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    problems = serious(run_axe(driver, f"{page}-desktop"))
    driver.execute_script("window.scrollTo(0, 0)")
    screenshot(driver, f"{page}-desktop")

    set_viewport(driver, *PHONE)
    driver.execute_script("window.scrollTo(0, 0)")
    problems += serious(run_axe(driver, f"{page}-phone"))
    screenshot(driver, f"{page}-phone")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("page", ["chat", "kcc", "section"])
def test_pages_reflow_at_320_css_pixels(knowledge, browser, page: str) -> None:
    """400% zoom of a 1280 px screen: no sideways scrolling of the page (tables may scroll in their own box)."""
    driver = browser(320, 640)
    open_page(driver, knowledge.base, page)
    overflow = driver.execute_script(
        "const w = document.documentElement.clientWidth; const out = [];"
        "for (const e of document.querySelectorAll('body *')) {"
        "  if (e.closest('.table-wrap')) continue;"
        "  const r = e.getBoundingClientRect();"
        "  if (r.width && r.right > w + 1) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));"
        "}"
        "return {scroll: document.documentElement.scrollWidth, width: w, wide: out.slice(0, 10)};"
    )
    assert overflow["scroll"] <= overflow["width"], overflow
    assert overflow["wide"] == [], overflow


def test_keyboard_skip_link_and_visible_focus(knowledge, browser) -> None:
    driver = browser()
    driver.get(f"{knowledge.base}/")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = driver.switch_to.active_element
    assert skip.get_attribute("class") == "skip-link"
    assert driver.execute_script("return arguments[0].getBoundingClientRect().top >= 0;", skip)
    skip.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("id") == "vraag"

    # Every control on the way shows a focus ring, and every form control has a label.
    seen = set()
    for _ in range(12):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        element = driver.switch_to.active_element
        key = element.get_attribute("id") or element.text
        if element.tag_name == "body" or key in seen:
            break
        seen.add(key)
        style = driver.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.boxShadow];", element)
        assert style[0] != "none" or style[2] != "none", f"no visible focus on {key!r}: {style}"
    assert {"verstuur", "medewerker"} <= seen
    unlabeled = driver.execute_script(
        "return [...document.querySelectorAll('input, textarea, select')]"
        ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.name);"
    )
    assert unlabeled == []
