"""The chat widget (web/static/widget.js) on a page of another origin, in chromium.

The service (knowledge + action server + Rasa, scripts/run_all.py) runs with BW_EMBED_ORIGINS set to one host
origin. A small host page with the one script tag (and a strict CSP and hostile CSS of its own) is served from
two other loopback ports: the allowed origin and one the setting does not name.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import run_all
from conftest import knowledge_env, start_services
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from webtools import (
    ARTIFACTS,
    AXE_JS,
    DESKTOP,
    PHONE,
    RASA,
    free_port,
    rasa_model,
    require_browser,
    screenshot,
    set_viewport,
    wait_for,
)

pytestmark = pytest.mark.e2e

HOST_CSS = """
html { font-size: 10px; }
body { font-family: serif; color: #222; letter-spacing: 3px; }
button { background: #ff0 !important; color: #000 !important; font-size: 40px !important; }
iframe { display: none !important; }
p { margin: 50px !important; }
.launcher, .panel { border: 4px dashed green; }
"""

HOST_PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Afval en kosten – testpagina van een gemeente</title>
  <link rel="stylesheet" href="/host.css">
</head>
<body>
  <header><p>Testpagina van een gemeente</p></header>
  <main>
    <h1>Afval en kosten</h1>
    <p id="host-text">Deze pagina is van de gemeente zelf. Rechtsonder staat de Begrotingswijzer.</p>
    <button type="button" class="launcher panel" id="host-button">Zoeken</button>
  </main>
  <script src="{service}/static/widget.js" data-service="{service}" data-gemeente="Leiden"
          data-kleur="#14529c" defer></script>
</body>
</html>
"""

QUESTION = "Wat zijn de lasten van dienstverlening in 2026?"


@dataclass(frozen=True)
class Embedding:
    """The service, and the host page on an allowed and on a refused origin."""

    service: str
    allowed: str
    refused: str


def serve_host_page(port: int, service: str) -> ThreadingHTTPServer:
    """The municipality's page on its own origin, with a CSP that allows only the service's script and frame."""
    page = HOST_PAGE.replace("{service}", service).encode()
    css = HOST_CSS.encode()
    policy = (f"default-src 'self'; script-src 'self' {service}; frame-src {service}; style-src 'self'; "
              f"img-src 'self'; connect-src 'self' {service}")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body, kind = (css, "text/css") if self.path == "/host.css" else (page, "text/html; charset=utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def embedding(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Embedding]:
    """The whole assistant with one embedding origin allowed, and the host page on two other ports."""
    require_browser()
    if not RASA.exists() or rasa_model() is None:
        pytest.skip("Rasa stack not available: needs .venv-rasa/bin/rasa and a model in bot/models/ (make setup)")
    tmp = tmp_path_factory.mktemp("widget")
    knowledge_port, allowed_port, refused_port = free_port(), free_port(), free_port()
    service = f"http://127.0.0.1:{knowledge_port}"
    allowed = f"http://127.0.0.1:{allowed_port}"
    services = run_all.assistant_services(
        knowledge_port=knowledge_port, actions_port=free_port(), rasa_port=free_port(),
        tracker_db=str(tmp / "tracker.db"), log_dir=tmp, run_dir=tmp,
        knowledge_env={**knowledge_env(tmp), "BW_EMBED_ORIGINS": allowed},
    )
    start_services(services)
    hosts = [serve_host_page(allowed_port, service), serve_host_page(refused_port, service)]
    try:
        yield Embedding(service, allowed, f"http://127.0.0.1:{refused_port}")
    finally:
        for host in hosts:
            host.shutdown()
            host.server_close()
        run_all.stop_all(services)


# ---------- helpers that look into the widget's shadow root and the chat's frame ----------


def part(driver: Any, selector: str) -> Any:
    """An element inside the widget's shadow root."""
    host = wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "begrotingswijzer-widget"), 20, "no widget")
    return host.shadow_root.find_element(By.CSS_SELECTOR, selector)


def focused_in_widget(driver: Any) -> str:
    """Class of the focused element inside the shadow root ('' when the focus is elsewhere)."""
    return str(driver.execute_script(
        "const h = document.querySelector('begrotingswijzer-widget');"
        "if (document.activeElement !== h) return '';"
        "const a = h.shadowRoot.activeElement; return a ? (a.getAttribute('class') || a.tagName) : '';"))


def tab_to_launcher(driver: Any) -> None:
    """Press Tab from the top of the page until the launcher has the focus."""
    driver.find_element(By.TAG_NAME, "body").click()
    for _ in range(6):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        if focused_in_widget(driver) == "launcher":
            return
    pytest.fail("the launcher cannot be reached with Tab")


def enter_chat(driver: Any) -> None:
    """Switch into the chat's frame, waiting until the question field has the focus."""
    frame = part(driver, "iframe")
    driver.switch_to.frame(frame)
    wait_for(driver, lambda d: d.execute_script(
        "return document.hasFocus() && document.activeElement && document.activeElement.id === 'vraag';"),
        20, "the question field did not get the focus when the panel opened")


def ask_in_chat(driver: Any, text: str) -> Any:
    """In the chat frame: type a question, press Enter, wait for the new answer."""
    before = len(driver.find_elements(By.CSS_SELECTOR, "#chat-log .msg-bot"))
    driver.switch_to.active_element.send_keys(text, Keys.ENTER)
    wait_for(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat-log .msg-bot")) > before, 90,
             f"no answer to {text!r}")
    return driver.find_elements(By.CSS_SELECTOR, "#chat-log .msg-bot")[-1]


def axe_with_frame(driver: Any, name: str) -> list[dict[str, Any]]:
    """axe-core on the host page with the open panel, the chat's cross-origin frame included; all violations."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core missing at {AXE_JS} (run `make setup`)")
    source = AXE_JS.read_text(encoding="utf-8")
    allow = "axe.configure({allowedOrigins: ['<unsafe_all_origins>']});"  # the frame is on the service's origin
    driver.switch_to.frame(part(driver, "iframe"))
    driver.execute_script(source + allow)
    driver.switch_to.default_content()
    result = driver.execute_async_script(
        source + allow + "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done({violations: r.violations,"
        " framesTested: r.passes.concat(r.incomplete).filter(x => x.id === 'frame-tested')"
        ".map(x => ({outcome: r.passes.includes(x) ? 'pass' : 'incomplete', nodes: x.nodes.length}))}),"
        " e => done({error: String(e)}));")
    assert "error" not in result, result
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    # A frame axe could not look into is "incomplete" (frame-tested), not a violation: the chat must be checked.
    assert result["framesTested"] == [{"outcome": "pass", "nodes": 1}], result["framesTested"]
    return list(result["violations"])


# ---------- tests ----------


def test_conversation_in_the_widget_on_another_origin(embedding: Embedding, browser) -> None:
    driver = browser(*DESKTOP)
    driver.get(f"{embedding.allowed}/")
    launcher = part(driver, ".launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert launcher.get_attribute("aria-controls") == "bw-panel"
    assert "Vraag het de Begrotingswijzer" in launcher.text
    assert driver.find_elements(By.TAG_NAME, "iframe") == []  # nothing loaded before the resident asks for it

    # Keyboard: Tab to the launcher, Enter opens the panel and puts the cursor in the question field.
    tab_to_launcher(driver)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    panel = part(driver, "#bw-panel")
    assert panel.is_displayed() and panel.get_attribute("role") == "dialog"
    assert panel.get_attribute("aria-labelledby") == "bw-title"
    assert part(driver, ".launcher").get_attribute("aria-expanded") == "true"
    assert part(driver, "iframe").get_attribute("title") == "Chat met de Begrotingswijzer van gemeente Leiden"
    enter_chat(driver)

    answer = ask_in_chat(driver, QUESTION)
    assert "14.909" in answer.text and "Dienstverlening" in answer.text
    link = answer.find_element(By.CSS_SELECTOR, ".sources a")
    assert link.text.startswith("[1] ")
    assert link.get_attribute("href").startswith(f"{embedding.service}/sections/")
    assert driver.execute_script("return arguments[0].target || document.querySelector('base').target;",
                                 link) == "_blank"  # a source opens in a new tab, not in the small panel

    follow_up = ask_in_chat(driver, "En in 2027?")
    assert "14.984" in follow_up.text and "Dienstverlening" in follow_up.text and "lasten" in follow_up.text
    assert follow_up.find_elements(By.CSS_SELECTOR, ".sources a")
    driver.switch_to.default_content()
    screenshot(driver, "widget-answer-desktop")

    # Escape in the chat's own confirmation dialog closes that dialog only.
    driver.switch_to.frame(part(driver, "iframe"))
    driver.find_element(By.ID, "nieuw-gesprek").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog[open]"), 10, "no confirmation dialog")
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"), 10, "the dialog stayed open")
    driver.switch_to.default_content()
    assert part(driver, ".launcher").get_attribute("aria-expanded") == "true"

    # Escape inside the chat closes the panel; the focus goes back to the launcher.
    driver.switch_to.frame(part(driver, "iframe"))
    driver.find_element(By.ID, "vraag").click()
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    driver.switch_to.default_content()
    wait_for(driver, lambda d: part(d, ".launcher").get_attribute("aria-expanded") == "false", 10,
             "Escape in the chat did not close the panel")
    assert not part(driver, "#bw-panel").is_displayed()
    wait_for(driver, lambda d: focused_in_widget(d) == "launcher", 10, "the focus did not go back to the launcher")

    # Opening again shows the same conversation; Escape on the panel's own button closes it as well.
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    enter_chat(driver)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#chat-log .msg-bot")) == 2
    driver.switch_to.default_content()
    part(driver, ".close").send_keys(Keys.ESCAPE)
    wait_for(driver, lambda d: focused_in_widget(d) == "launcher", 10, "Escape on 'Sluiten' did not close")
    assert part(driver, ".launcher").get_attribute("aria-expanded") == "false"


def test_axe_on_the_host_page_with_the_panel_open(embedding: Embedding, browser) -> None:
    driver = browser(*DESKTOP)
    driver.get(f"{embedding.allowed}/")
    part(driver, ".launcher").click()
    enter_chat(driver)
    ask_in_chat(driver, QUESTION)
    driver.switch_to.default_content()

    problems = axe_with_frame(driver, "widget-desktop")
    screenshot(driver, "widget-open-desktop")
    set_viewport(driver, *PHONE)
    # On a phone the panel fills the screen and the launcher steps aside until it is closed.
    wait_for(driver, lambda d: part(d, "#bw-panel").rect["width"] == PHONE[0], 10, "the panel is not full width")
    assert not part(driver, ".launcher").is_displayed()
    problems += axe_with_frame(driver, "widget-phone")
    screenshot(driver, "widget-open-phone")
    assert problems == [], "\n".join(f"{v['id']} ({v['impact']}): {v['help']}" for v in problems)

    # Full screen, the panel is modal: Shift+Tab from its first button does not go to the page behind it.
    assert part(driver, "#bw-panel").get_attribute("aria-modal") == "true"
    part(driver, ".close").send_keys(Keys.SHIFT, Keys.TAB)
    wait_for(driver, lambda d: focused_in_widget(d) == "close", 5, "the focus left the full-screen panel")
    # 400% zoom of a 1280 px screen: the panel and its header fit in 320 CSS px.
    set_viewport(driver, 320, 640)
    wide = driver.execute_script(
        "const r = document.querySelector('begrotingswijzer-widget').shadowRoot;"
        "return [...r.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 321)"
        ".map(e => e.className || e.tagName);")
    assert wide == [] and driver.execute_script("return document.documentElement.scrollWidth;") <= 320

    part(driver, ".close").click()
    assert part(driver, ".launcher").is_displayed()
    wait_for(driver, lambda d: focused_in_widget(d) == "launcher", 10, "the focus did not go back to the launcher")


def test_host_styles_and_widget_styles_stay_apart(embedding: Embedding, browser) -> None:
    driver = browser(*DESKTOP)
    driver.get(f"{embedding.allowed}/")
    launcher = part(driver, ".launcher")
    style = driver.execute_script(
        "const s = getComputedStyle(arguments[0]);"
        "return [s.backgroundColor, s.color, s.fontSize, s.letterSpacing, s.position, s.borderStyle];", launcher)
    assert style == ["rgb(20, 82, 156)", "rgb(255, 255, 255)", "16px", "normal", "fixed", "solid"]
    launcher.click()
    frame = wait_for(driver, lambda d: part(d, "iframe"), 10)
    assert frame.is_displayed() and frame.rect["height"] > 300  # the host's `iframe {display: none}` does not reach it
    # The host page's own button with the same class names keeps the host's styles only.
    host = driver.execute_script(
        "const s = getComputedStyle(document.getElementById('host-button'));"
        "return [s.backgroundColor, s.position, s.borderStyle];")
    assert host == ["rgb(255, 255, 0)", "static", "dashed"]


def test_an_origin_not_in_the_setting_is_refused(embedding: Embedding, browser) -> None:
    # The chat page itself may be framed by the allowed origin only; the other pages by the service alone.
    embed = httpx.get(f"{embedding.service}/embed", timeout=30)
    assert embed.status_code == 200
    assert f"frame-ancestors 'self' {embedding.allowed}" in embed.headers["content-security-policy"]
    assert embedding.refused not in embed.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in httpx.get(f"{embedding.service}/", timeout=30).headers["content-security-policy"]
    assert embedding.allowed not in httpx.get(f"{embedding.service}/kcc", timeout=30).headers["content-security-policy"]

    driver = browser(*DESKTOP)
    driver.get(f"{embedding.refused}/")
    part(driver, ".launcher").click()
    notice = wait_for(driver, lambda d: part(d, ".notice") if part(d, ".notice").is_displayed() else None, 30,
                      "no notice when the browser refuses the frame")
    assert "kan op deze website niet worden geopend" in notice.text
    link = part(driver, ".notice a")
    assert link.get_attribute("href") == f"{embedding.service}/"
    assert not part(driver, "iframe").is_displayed()
    wait_for(driver, lambda d: focused_in_widget(d) == "A", 5, "the focus is not on the link")
    logs = " ".join(entry.get("message", "") for entry in driver.get_log("browser"))
    assert "frame-ancestors" in logs, logs[-2000:]
    screenshot(driver, "widget-refused-desktop")

    # The API is not opened to other sites either: no CORS, so the browser refuses a cross-origin call.
    outcome = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0] + '/api/answer', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({question: 'Wat kost dienstverlening?'})})"
        ".then(r => done('answered ' + r.status), e => done('refused: ' + e));", embedding.service)
    assert outcome.startswith("refused"), outcome
