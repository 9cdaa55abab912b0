"""The action server finds every action in the actions package, and the domain lists them all."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from actions.handoff import handoff_payload, handoff_text

ROOT = Path(__file__).resolve().parents[2]


def test_all_domain_actions_are_registered() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["actions"]) <= set(executor.actions)


@pytest.mark.parametrize(
    ("response", "reason"),
    [("utter_handoff", "request"), ("utter_out_of_scope", "out_of_scope"), ("utter_default", "fallback")],
)
def test_plain_handoff_responses_match_the_actions(
    response: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handoff, refusal and fallback are domain responses (they work without the action server); their text and
    JSON equal actions/handoff.py's with the default KCC settings, so the contact details stay in step."""
    for name in ("KCC_PHONE", "KCC_WEBSITE", "KCC_CHAT_URL", "BW_KCC_PHONE", "BW_KCC_URL"):
        monkeypatch.delenv(name, raising=False)
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    (variant,) = domain["responses"][response]
    assert variant["text"] == handoff_text(reason)
    assert variant["custom"] == handoff_payload(reason)
    assert "14 071" in variant["text"]


def test_fallback_is_rasas_builtin_action() -> None:
    """action_default_fallback is not a custom action: Rasa's own one sends utter_default (no action server)."""
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    assert "action_default_fallback" not in domain["actions"]
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))
    rule_policy = next(p for p in config["policies"] if p["name"] == "RulePolicy")
    assert rule_policy["core_fallback_action_name"] == "action_default_fallback"


def test_budget_questions_ask_the_knowledge_service_and_handoff_is_plain() -> None:
    """Budget intents go to action_answer_budget; handoff and out of scope are plain responses, then the phone code."""
    rules = yaml.safe_load((ROOT / "bot" / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    routed = {
        rule["steps"][0]["intent"]: [step["action"] for step in rule["steps"][1:]]
        for rule in rules
        if len(rule["steps"]) >= 2 and "intent" in rule["steps"][0]
    }
    for intent in ("nlu_fallback", "ask_budget", "ask_followup"):
        assert routed[intent] == ["action_answer_budget"], intent
    assert routed["request_human"] == ["utter_handoff", "action_handoff_code"]
    assert routed["out_of_scope"] == ["utter_out_of_scope", "action_handoff_code"]
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))
    assert any(c["name"] == "FallbackClassifier" for c in config["pipeline"])
