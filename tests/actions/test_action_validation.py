"""Action responses are checked as Rasa checks them, with a validator prepared once (bot/action_validation.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from action_validation import install_prepared_validation, response_validator, validate_action_result
from privacy_tracker_store import PrivacySQLTrackerStore
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

# Rasa's own check, kept before any test installs the prepared one.
RASAS_OWN = RemoteAction.__dict__["_validate_action_result"]
ACTION = RemoteAction("action_answer_budget", None)

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": "frame", "value": {"year": 2027, "measure": "lasten"}},
                {"event": "slot", "name": "awaiting_feedback", "value": True}],
     "responses": [{"text": "De lasten zijn € 14.984.000.\nBronnen:\n[1] Dienstverlening",
                    "custom": {"answered": True, "citations": [{"n": 1, "title": "Dienstverlening"}]}},
                   {"text": "Heeft dit antwoord u geholpen?", "buttons": [{"title": "Ja", "payload": "/ja"}]}]},
]
INVALID: list[dict[str, Any]] = [
    {"events": "geen lijst"},
    {"events": [{"name": "frame"}]},
    {"events": [{"event": 12}]},
    {"responses": ["tekst zonder object"]},
]


def outcome(check: Callable[[str, dict[str, Any]], None], result: dict[str, Any]) -> str:
    """'ok' or the error message of a check (Rasa's own, or the prepared one)."""
    try:
        check(ACTION, result)
    except jsonschema.ValidationError as error:
        return error.message
    return "ok"


def test_rasas_own_check_is_kept_for_comparison() -> None:
    assert RASAS_OWN is not validate_action_result


@pytest.mark.parametrize("result", VALID + INVALID)
def test_same_outcome_and_message_as_rasas_own_check(result: dict[str, Any]) -> None:
    expected = outcome(RASAS_OWN, result)
    assert outcome(validate_action_result, result) == expected
    assert (expected == "ok") == (result in VALID)
    if expected != "ok":
        assert "Failed to validate Action server response" in expected


def test_the_schema_is_checked_once_not_per_response(monkeypatch: pytest.MonkeyPatch) -> None:
    schema_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    checked: list[int] = []
    original = schema_class.check_schema.__func__

    def counting(cls: Any, schema: Any, *args: Any, **kwargs: Any) -> None:
        checked.append(1)
        original(cls, schema, *args, **kwargs)

    monkeypatch.setattr(schema_class, "check_schema", classmethod(counting))
    for _ in range(5):
        RASAS_OWN(ACTION, VALID[2])
    assert len(checked) == 5  # Rasa checks the constant schema for every response (~19 ms each)

    checked.clear()
    response_validator.cache_clear()
    for _ in range(5):
        assert validate_action_result(ACTION, VALID[2]) is True
    assert len(checked) == 1


def test_the_rasa_tracker_store_installs_it(tmp_path: Path) -> None:
    PrivacySQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    assert RemoteAction.__dict__["_validate_action_result"] is validate_action_result
    install_prepared_validation()  # idempotent
    assert RemoteAction.__dict__["_validate_action_result"] is validate_action_result
    with pytest.raises(jsonschema.ValidationError):
        ACTION._validate_action_result(INVALID[0])
