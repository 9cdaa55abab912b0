"""Browser tests of the web pages: Debian chromium driven by Selenium, against the real services on loopback.

`knowledge` starts `python -m knowledge serve` on a free port with its own feedback database and an assistant
address that nobody answers; `chat_stack` starts Rasa, the action server and a knowledge service wired together
(only when `.venv-rasa/bin/rasa` and a trained model in `bot/models/` exist). Helpers live in webtools.py.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from webtools import (
    CHROMEDRIVER,
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP,
    RASA,
    ROOT,
    DriverFactory,
    Process,
    free_port,
    rasa_env,
    rasa_model,
    require_browser,
    set_viewport,
    start,
    start_knowledge,
    wait_until_up,
)


@dataclass(frozen=True)
class Stack:
    """Base URL of a running knowledge service (pages + API) and where its logs are."""

    base: str
    logs: Path


@pytest.fixture(scope="session")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The knowledge service alone; its assistant address points at a closed port (the assistant is down)."""
    require_browser()
    tmp = tmp_path_factory.mktemp("knowledge")
    proc, base = start_knowledge(tmp, rasa_url=f"http://127.0.0.1:{free_port()}")
    try:
        yield Stack(base, tmp)
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def chat_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Rasa + action server + knowledge service on free loopback ports, when Rasa and a model are installed."""
    require_browser()
    model = rasa_model()
    if not RASA.exists() or model is None:
        pytest.skip("Rasa stack not available: needs .venv-rasa/bin/rasa and a model in bot/models/ (make setup)")
    tmp = tmp_path_factory.mktemp("stack")
    rasa_port, actions_port = free_port(), free_port()
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    # Own endpoints: the action server on its test port; no tracker_store, so conversations stay in memory.
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n', encoding="utf-8")

    started: list[Process] = []
    try:
        know, base = start_knowledge(tmp, rasa_url)
        started.append(know)
        env = rasa_env(base)
        actions = start("actions", [str(RASA), "run", "actions", "--port", str(actions_port), "--actions", "actions"],
                        env, ROOT, tmp)
        started.append(actions)
        rasa = start("rasa", [str(RASA), "run", "--model", str(model), "--port", str(rasa_port),
                              "--interface", "127.0.0.1", "--endpoints", str(endpoints),
                              "--credentials", str(ROOT / "bot" / "credentials.yml")],
                     env, ROOT / "bot", tmp)
        started.append(rasa)
        wait_until_up(actions, f"http://127.0.0.1:{actions_port}/health", timeout=420)
        wait_until_up(rasa, f"{rasa_url}/", timeout=420)
        yield Stack(base, tmp)
    finally:
        for proc in reversed(started):
            proc.stop()


@pytest.fixture()
def browser() -> Iterator[DriverFactory]:
    """Factory for headless chromium drivers at a given viewport; all are closed after the test."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers: list[Any] = []
    profiles: list[str] = []

    def make(width: int = DESKTOP[0], height: int = DESKTOP[1]) -> Any:
        profile = tempfile.mkdtemp(prefix="bw-chromium-")
        profiles.append(profile)
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        driver.set_page_load_timeout(60)
        set_viewport(driver, width, height)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001 - a crashed browser must not hide the test result
            pass
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)


