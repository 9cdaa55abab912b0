"""The action server finds every action in the actions package, and the domain lists them all."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from actions.handoff import PLAIN_RESPONSES, plain_handoff_payload, plain_handoff_text

ROOT = Path(__file__).resolve().parents[2]


def test_all_domain_actions_are_registered() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["actions"]) <= set(executor.actions)


@pytest.mark.parametrize(("response", "reason"), sorted(PLAIN_RESPONSES.items()))
def test_plain_handoff_responses_match_the_actions(response: str, reason: str) -> None:
    """Handoff, refusal and fallback are domain responses (they work without the action server); their text and JSON
    are actions/handoff.py's plain ones: a handoff without the contact details of one municipality."""
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    (variant,) = domain["responses"][response]
    assert variant["text"] == plain_handoff_text(reason)
    assert variant["custom"] == plain_handoff_payload(reason)
    assert "website" in variant["text"]


def municipalities() -> set[str]:
    """The municipalities of the corpus and of the fictional fixtures (from their sidecar metadata)."""
    sidecars = [*(ROOT / "data").glob("*.meta.json"), *(ROOT / "tests" / "data" / "fixtures").glob("*.meta.json")]
    names = {json.loads(path.read_text(encoding="utf-8")).get("municipality") for path in sidecars}
    return {name for name in names if isinstance(name, str) and name}


def bot_says(domain: dict[str, Any]) -> list[str]:
    """Every string the bot can say from its domain: response texts, buttons and custom payloads."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(domain["responses"])
    return found


# A phone number in any common Dutch notation ("14 071", "071-5165000", "+31 71 516 5000") or a web address.
PHONE = re.compile(r"(?<![\w.])(?:\+31|0|14)[\d\s-]{3,}\d")
ADDRESS = re.compile(r"https?://|www\.|\.nl\b", re.IGNORECASE)


def test_the_bot_names_no_municipality_phone_number_or_web_address() -> None:
    """Contact details and the municipality come from the deployment's settings, never from bot/ texts."""
    names = municipalities()
    assert "Leiden" in names and len(names) >= 4
    texts = bot_says(yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8")))
    config = (ROOT / "bot" / "config.yml").read_text(encoding="utf-8")
    assert len(texts) >= 10
    for text in [*texts, config]:
        assert not {name for name in names if name.lower() in text.lower()}, text
        assert not PHONE.search(text), text
        assert not ADDRESS.search(text), text


def test_the_check_finds_what_it_looks_for() -> None:
    """The patterns above catch the contact details that the domain held before they came from settings."""
    for text in ("Bel 14 071 (Klant Contact Centrum)", "bel 071-5165000", "bel +31 71 516 5000"):
        assert PHONE.search(text), text
    assert ADDRESS.search("stuur een bericht via https://www.leiden.nl/contact")
    assert not PHONE.search("Wat zijn de lasten in 2026? Het saldo is € 14.909.000.")


def test_fallback_is_rasas_builtin_action() -> None:
    """action_default_fallback is not a custom action: Rasa's own one sends utter_default (no action server)."""
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    assert "action_default_fallback" not in domain["actions"]
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))
    rule_policy = next(p for p in config["policies"] if p["name"] == "RulePolicy")
    assert rule_policy["core_fallback_action_name"] == "action_default_fallback"


def test_budget_questions_ask_the_knowledge_service_and_handoff_is_plain() -> None:
    """Budget intents go to action_answer_budget; handoff and out of scope are plain responses, then the details."""
    rules = yaml.safe_load((ROOT / "bot" / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    routed = {
        rule["steps"][0]["intent"]: [step["action"] for step in rule["steps"][1:]]
        for rule in rules
        if len(rule["steps"]) >= 2 and "intent" in rule["steps"][0]
    }
    for intent in ("nlu_fallback", "ask_budget", "ask_followup"):
        assert routed[intent] == ["action_answer_budget"], intent
    assert routed["request_human"] == ["utter_handoff", "action_handoff_contact"]
    assert routed["out_of_scope"] == ["utter_out_of_scope", "action_handoff_contact"]
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))
    assert any(c["name"] == "FallbackClassifier" for c in config["pipeline"])
