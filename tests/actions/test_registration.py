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


def test_everything_not_clearly_dialogue_asks_the_knowledge_service() -> None:
    """nlu_fallback, out_of_scope and both budget intents are routed to action_answer_budget."""
    rules = yaml.safe_load((ROOT / "bot" / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    routed = {
        rule["steps"][0]["intent"]: rule["steps"][1]["action"]
        for rule in rules
        if len(rule["steps"]) == 2 and "intent" in rule["steps"][0]
    }
    for intent in ("nlu_fallback", "out_of_scope", "ask_budget", "ask_followup"):
        assert routed[intent] == "action_answer_budget", intent
    assert routed["request_human"] == "action_handoff"
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))
    assert any(c["name"] == "FallbackClassifier" for c in config["pipeline"])
