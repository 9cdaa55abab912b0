"""Browser tests of the web pages: Debian chromium driven by Selenium, against the real services on loopback.

The services are started with scripts/run_all.py's own definitions (the same processes as `make run`), on free
ports, with their logs, feedback database and tracker store in a temporary folder:
`knowledge` is the knowledge service alone, its assistant address pointing at a closed port (the assistant is
down); `chat_stack` is knowledge + action server + Rasa, when `.venv-rasa/bin/rasa` and a trained model exist.
Helpers live in webtools.py.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
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
    STAFF_TOKEN,
    DriverFactory,
    free_port,
    rasa_model,
    require_browser,
    set_viewport,
)

sys.path.insert(0, str(ROOT / "scripts"))
import run_all  # noqa: E402  (scripts/ is not a package)


@dataclass(frozen=True)
class Stack:
    """Base URL of a running knowledge service (pages + API) and where its logs are."""

    base: str
    logs: Path


def knowledge_env(tmp: Path) -> dict[str, str]:
    return {
        "BW_FEEDBACK_DB": str(tmp / "feedback.sqlite"),
        "BW_WEB_DIR": str(ROOT / "web"),
        "BW_STAFF_TOKEN": STAFF_TOKEN,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def start_services(services: Sequence[Any]) -> None:
    try:
        run_all.start_all(services, log=lambda _line: None)
    except RuntimeError as error:
        run_all.stop_all(services)
        pytest.fail(f"services did not start: {error}")


@pytest.fixture(scope="session")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The knowledge service alone; nobody answers at its assistant address."""
    require_browser()
    tmp = tmp_path_factory.mktemp("knowledge")
    port = free_port()
    service = run_all.knowledge_service(port, f"http://127.0.0.1:{free_port()}", log_dir=tmp,
                                        extra_env=knowledge_env(tmp))
    start_services([service])
    try:
        yield Stack(f"http://127.0.0.1:{port}", tmp)
    finally:
        run_all.stop_all([service])


@pytest.fixture(scope="session")
def chat_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Knowledge service + action server + Rasa on free loopback ports, when Rasa and a model are installed."""
    require_browser()
    if not RASA.exists() or rasa_model() is None:
        pytest.skip("Rasa stack not available: needs .venv-rasa/bin/rasa and a model in bot/models/ (make setup)")
    tmp = tmp_path_factory.mktemp("stack")
    knowledge_port = free_port()
    services = run_all.assistant_services(
        knowledge_port=knowledge_port, actions_port=free_port(), rasa_port=free_port(),
        tracker_db=str(tmp / "tracker.db"), log_dir=tmp, run_dir=tmp, knowledge_env=knowledge_env(tmp),
    )
    start_services(services)
    try:
        yield Stack(f"http://127.0.0.1:{knowledge_port}", tmp)
    finally:
        run_all.stop_all(services)


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
