"""The generated report in Debian chromium: axe-core 0 violations at desktop and phone width, folds, reflow.

The report comes from a real small evaluation run (hybrid = live, bm25 = comparison) and is opened as a file://
URL; browser helpers are shared with the web tests (tests/web/webtools.py).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from knowledge.eval.questions import load_questions, parse_question
from knowledge.eval.report import Context, Run, live_config, write_report
from knowledge.eval.runners import inprocess_runners, run_all
from knowledge.eval.usage import read_usage
from knowledge.feedback import FeedbackSource, FeedbackStore
from knowledge.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "web"))
from webtools import (  # noqa: E402  (tests/web is not a package)
    CHROMEDRIVER,
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP,
    PHONE,
    require_browser,
    run_axe,
    screenshot,
    set_viewport,
)

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML report of a real run on a few questions (one answered although marked out of scope), with usage."""
    tmp = tmp_path_factory.mktemp("report")
    settings = Settings.from_env().with_(feedback_db=tmp / "run.sqlite", data_dir=ROOT / "data",
                                         index_dir=ROOT / "var" / "index")
    singles = load_questions(ROOT / "tests" / "data" / "singles.jsonl")
    picked = [q for q in singles if q.kind == "cost"][:3] + [q for q in singles if q.kind == "out_of_scope"][:2]
    risky = parse_question({"id": "t-risk", "question": picked[0].question, "kind": "out_of_scope",
                            "expected_sections": [], "expected_facts": [], "answerable": False})
    sets = {"singles": picked + [risky],
            "conversations": load_questions(ROOT / "tests" / "data" / "conversations.jsonl")[:2]}
    runs = [Run(r.name, "inprocess", {name: run_all(r, qs) for name, qs in sets.items()})
            for r in inprocess_runners(["hybrid", "bm25"], settings)]
    store = FeedbackStore(tmp / "feedback.sqlite")
    store.add_feedback("Wat doet de ombudsman?", "…", True, FeedbackSource.WEB)
    store.add_unanswered("Hoeveel kost een hondenpenning?", "abstain")
    context = Context(live_config(settings), ("singles.jsonl", "conversations.jsonl"),
                      read_usage(str(tmp / "feedback.sqlite")), (), datetime(2026, 3, 2, 10, 0))
    write_report(runs, context, tmp)  # a previous run, so the change table is on the page
    return write_report(runs, context, tmp)[1]


@pytest.fixture()
def driver() -> Iterator[Any]:
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="bw-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_report_has_no_axe_violations_at_desktop_and_phone_width(report: Path, driver: Any) -> None:
    driver.get(report.as_uri())
    assert driver.execute_script("return document.documentElement.lang") == "nl"
    violations = []
    for name, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
        set_viewport(driver, width, height)
        violations += [(name, v["id"], v["help"]) for v in run_axe(driver, f"eval-report-{name}")]
        screenshot(driver, f"eval-report-{name}")
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    violations += [("open", v["id"], v["help"]) for v in run_axe(driver, "eval-report-open")]
    assert violations == []


def test_tables_have_scoped_headers_and_the_comparison_is_folded(report: Path, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.get(report.as_uri())
    unscoped = driver.execute_script("return [...document.querySelectorAll('th')].filter(t => !t.scope).length")
    assert unscoped == 0
    assert driver.execute_script("return document.querySelectorAll('table caption').length") == \
        driver.execute_script("return document.querySelectorAll('table').length")
    side_by_side = driver.find_element(By.XPATH, "//caption[text()='Set-ups naast elkaar']")
    assert not side_by_side.is_displayed()
    driver.find_element(By.XPATH, "//summary[starts-with(., 'Toon de vergelijking')]").click()
    assert side_by_side.is_displayed()
    first_h2 = driver.find_element(By.TAG_NAME, "h2")
    assert first_h2.text == "Oordeel"
    verdict = first_h2.find_element(By.XPATH, "following-sibling::p[1]").text
    assert verdict.startswith("Live draait de set-up") and "van de" in verdict


def test_report_reflows_on_a_phone(report: Path, driver: Any) -> None:
    """At 320 CSS pixels the page does not scroll sideways; wide tables scroll in their own focusable box."""
    set_viewport(driver, 320, 640)
    driver.get(report.as_uri())
    overflow = driver.execute_script(
        "const w = document.documentElement.clientWidth; const out = [];"
        "for (const e of document.querySelectorAll('body *')) {"
        "  if (e.closest('.table-wrap') || e.closest('details:not([open])')) continue;"
        "  const r = e.getBoundingClientRect();"
        "  if (r.width && r.right > w + 1) out.push(e.tagName + ' ' + Math.round(r.right));"
        "}"
        "return {scroll: document.documentElement.scrollWidth, width: w, wide: out.slice(0, 10)};"
    )
    assert overflow["scroll"] <= overflow["width"], overflow
    assert overflow["wide"] == [], overflow
