"""Helpers for the browser tests: servers on loopback, chromium, screenshots, axe-core.

Screenshots and axe results go to the git-ignored `test-artifacts/`.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("BW_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("BW_CHROMEDRIVER", "/usr/bin/chromedriver"))
AXE_JS = Path(os.environ.get("BW_AXE_JS", str(ROOT / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js")))
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
# The knowledge service under test reads its staff-only views (GET /api/feedback) with this token.
STAFF_TOKEN = "browser-tests-staff-token"
RASA_MODELS = ROOT / "bot" / "models"

DESKTOP = (1280, 800)
PHONE = (375, 740)

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
]


def _missing_browser_reason() -> str | None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (requirements-web.txt)")
    return f"not installed: {', '.join(missing)} (run `make setup`)" if missing else None


def require_browser() -> None:
    """Skip on a machine without the browser tools; in CI their absence is a failure."""
    reason = _missing_browser_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rasa_model() -> Path | None:
    """The trained Rasa model, if any."""
    models = sorted(RASA_MODELS.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime) if RASA_MODELS.is_dir() else []
    return models[-1] if models else None


DriverFactory = Callable[..., Any]


def set_viewport(driver: Any, width: int, height: int) -> None:
    """Exact CSS viewport (a headless window has a minimum width of 500 px, so emulate the device)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def grant_clipboard(driver: Any, origin: str) -> None:
    """Let the page read and write the clipboard without a prompt."""
    driver.execute_cdp_cmd("Browser.grantPermissions",
                           {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})


def read_clipboard(driver: Any) -> str:
    """The clipboard's text, read in the page."""
    return str(driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, e => done('ERROR: ' + e));"
    ))


def screenshot(driver: Any, name: str) -> Path:
    """Save a screenshot of the viewport under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def run_axe(driver: Any, name: str) -> list[dict[str, Any]]:
    """Run axe-core (installed from npm by mk/web.mk) on the page; save the results; return all violations."""
    if not AXE_JS.is_file():
        message = f"axe-core missing at {AXE_JS} (run `make setup`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done({violations: r.violations, url: r.url}), e => done({error: String(e)}));"
    )
    assert "error" not in result, result
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return list(result["violations"])


def wait_for(driver: Any, condition: Callable[[Any], Any], timeout: float = 30, message: str = "") -> Any:
    """WebDriverWait with a readable failure."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition, message)


CHAT_STORAGE_KEY = "begrotingswijzer.chat.v1"


def seed_conversation(driver: Any, base: str, question: str, sender: str) -> dict[str, Any]:
    """Put a conversation in the tab's sessionStorage, with the real answer of /api/answer as the bot turn.

    The chat page restores a conversation from sessionStorage after a reload, so this shows a real answer
    with its real citations without the Rasa assistant running.
    """
    answer = httpx.post(f"{base}/api/answer", json={"question": question}, timeout=60).json()
    custom = {"citations": answer["citations"], "answered": answer["answered"]}
    if answer.get("series"):
        custom["series"] = answer["series"]  # what the action server sends with an amount answer
    state = {
        "sender": sender,
        "next": 3,
        "turns": [
            {"id": 1, "role": "user", "text": question},
            {"id": 2, "role": "bot", "question": question, "feedback": None, "messages": [
                {"text": answer["answer"], "custom": custom},
            ]},
        ],
    }
    driver.get(f"{base}/")
    driver.execute_script("sessionStorage.setItem(arguments[0], arguments[1]);", CHAT_STORAGE_KEY, json.dumps(state))
    driver.refresh()
    return dict(answer)


def stored_feedback(base: str, conversation_id: str, timeout: float = 10) -> list[dict[str, Any]]:
    """Feedback rows of one conversation, polled from GET /api/feedback until at least one is there."""
    deadline = time.monotonic() + timeout
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = [r for r in httpx.get(f"{base}/api/feedback", params={"limit": 1000}, timeout=10,
                                     headers={"Authorization": f"Bearer {STAFF_TOKEN}"}).json()
                if r.get("conversation_id") == conversation_id]
        if rows:
            return rows
        time.sleep(0.2)
    return rows


def serious(violations: list[dict[str, Any]]) -> list[str]:
    """axe violations of impact serious or critical, one readable line each."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]
