"""The action server finds every action in the actions package, and the domain lists them all."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]


def test_all_domain_actions_are_registered() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["actions"]) <= set(executor.actions)


def test_domain_texts_do_not_hardcode_contact_details() -> None:
    """Phone, website and chat live in actions/settings.py only."""
    text = (ROOT / "bot" / "domain.yml").read_text(encoding="utf-8")
    assert "14 071" not in text and "leiden.nl/contact" not in text
