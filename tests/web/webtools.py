"""Helpers for the browser tests: servers on loopback, chromium, screenshots, axe-core.

Screenshots and axe results go to the git-ignored `test-artifacts/`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass
class Process:
    """A server started by a fixture, with its log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)


def start(name: str, args: list[str], env: dict[str, str], cwd: Path, logs: Path) -> Process:
    """Start a server in its own process group, output to a log file."""
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
    return Process(name, popen, log)


def wait_until_up(proc: Process, url: str, timeout: float) -> None:
    """Poll url until it answers 200; fail with the server's log when it dies or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            pytest.fail(f"{proc.name} stopped (exit {proc.popen.returncode}):\n{proc.tail()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{proc.name} not up at {url} after {timeout:.0f} s:\n{proc.tail()}")


def knowledge_env(tmp: Path, rasa_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "BW_FEEDBACK_DB": str(tmp / "feedback.sqlite"),
        "BW_RASA_URL": rasa_url,
        "BW_WEB_DIR": str(ROOT / "web"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    })
    return env


def start_knowledge(tmp: Path, rasa_url: str) -> tuple[Process, str]:
    port = free_port()
    proc = start("knowledge", [sys.executable, "-m", "knowledge", "serve", "--host", "127.0.0.1", "--port", str(port)],
                 knowledge_env(tmp, rasa_url), ROOT, tmp)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{base}/health", timeout=180)
    return proc, base


def rasa_model() -> Path | None:
    """The newest trained Rasa model, if any."""
    models = sorted(RASA_MODELS.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime) if RASA_MODELS.is_dir() else []
    return models[-1] if models else None


def rasa_env(knowledge_url: str) -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT), str(ROOT / "bot")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env.update({
        "PYTHONPATH": os.pathsep.join(paths),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "KNOWLEDGE_URL": knowledge_url,
        "KNOWLEDGE_PUBLIC_URL": knowledge_url,
    })
    return env


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
        rows = [r for r in httpx.get(f"{base}/api/feedback", params={"limit": 1000}, timeout=10).json()
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
