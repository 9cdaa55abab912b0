"""The Rasa entity component maps nlu.entities kinds to the domain's entities (Rasa venv only)."""

from __future__ import annotations

import pytest

pytest.importorskip("rasa.engine.graph", reason="Rasa is installed in .venv-rasa only")

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from nlu.components import KIND_TO_ENTITY, DutchBudgetEntityExtractor, rasa_entities  # noqa: E402


def extractor(**config: object) -> DutchBudgetEntityExtractor:
    """Create the component as the Rasa graph would."""
    return DutchBudgetEntityExtractor.create(dict(config), None, None, None)


def entities_of(text: str, **config: object) -> dict[str, str]:
    """Process one message and return {entity: value}."""
    message = Message(data={"text": text})
    extractor(**config).process([message])
    return {e["entity"]: e["value"] for e in message.get("entities")}


def test_budget_question_entities() -> None:
    found = entities_of("Wat zijn de lasten van dienstverlening in 2026?")
    assert found == {"measure": "Lasten", "year": "2026"}  # line names come from the corpus, in the service


def test_followup_year() -> None:
    assert entities_of("En in 2027?") == {"year": "2027"}


def test_codes_but_no_document_names() -> None:
    found = entities_of("Wat staat er bij 1b1.4 over Holland Rijnland en de reserve rekenkamer?")
    assert found == {"section_code": "1B1.4"}


def test_spans_and_extractor_name() -> None:
    text = "baten bestuur 2028"
    message = Message(data={"text": text})
    extractor().process([message])
    for entity in message.get("entities"):
        assert text[entity["start"]:entity["end"]]
        assert entity["extractor"] == "DutchBudgetEntityExtractor"


def test_entities_config_limits_output() -> None:
    assert entities_of("lasten bestuur 2026", entities=["year"]) == {"year": "2026"}


def test_existing_entities_are_kept() -> None:
    message = Message(data={"text": "2026", "entities": [{"entity": "x", "value": "y", "start": 0, "end": 1}]})
    extractor().process([message])
    assert [e["entity"] for e in message.get("entities")] == ["x", "year"]


def test_every_kind_maps_to_a_domain_entity() -> None:
    assert set(KIND_TO_ENTITY.values()) == {
        "year", "section_code", "measure", "amount",
    }


def _story_user_messages() -> list[tuple[str, str]]:
    """(story, annotated user text) pairs from bot/tests/test_stories.yml."""
    from pathlib import Path

    import yaml  # available in both venvs

    path = Path(__file__).resolve().parents[2] / "bot" / "tests" / "test_stories.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (story["story"], step["user"].strip())
        for story in data["stories"]
        for step in story["steps"]
        if "user" in step
    ]


def _annotate(text: str) -> str:
    """Write ``text`` with the component's entities in Rasa's annotation syntax."""
    out, pos = "", 0
    for entity in rasa_entities(text, "x"):
        fragment = text[entity["start"]:entity["end"]]
        out += text[pos:entity["start"]]
        if fragment == entity["value"]:
            out += f"[{fragment}]({entity['entity']})"
        else:
            out += f'[{fragment}]{{"entity": "{entity["entity"]}", "value": "{entity["value"]}"}}'
        pos = entity["end"]
    return out + text[pos:]


def _plain(annotated: str) -> str:
    """Strip Rasa entity annotations from a story message."""
    import re

    return re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", annotated)


@pytest.mark.parametrize("story,annotated", _story_user_messages())
def test_test_story_annotations_match_the_entity_extractor(story: str, annotated: str) -> None:
    """`rasa test` compares entities strictly: keep bot/tests/test_stories.yml in step with nlu/entities.py."""
    expected = _annotate(_plain(annotated))
    assert annotated == expected, f"{story}: update the annotation to: {expected}"


def guarded(text: str, intent: str) -> str:
    """The intent after the entity extractor and the guard, given what the classifier said."""
    from nlu.components import BudgetIntentGuard

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.6}})
    extractor().process([message])
    BudgetIntentGuard.create({"dialogue_intents": ["feedback_not_helped", "deny", "thank", "out_of_scope"]}, None,
                             None, None).process([message])
    return str(message.get("intent")["name"])


def test_a_budget_entity_turns_a_dialogue_intent_into_a_follow_up() -> None:
    assert guarded("and net?", "feedback_not_helped") == "ask_followup"
    assert guarded("nee, de baten", "deny") == "ask_followup"
    assert guarded("en in 2027?", "deny") == "ask_followup"


def test_a_question_about_what_was_just_said_is_a_follow_up() -> None:
    assert guarded("wie heeft dat bedacht?", "thank") == "ask_followup"  # ('bedacht' is not 'bedankt')
    assert guarded("hoe wordt dat gemeten?", "out_of_scope") == "ask_followup"
    assert guarded("how much of that is for elections?", "out_of_scope") == "ask_followup"
    assert guarded("hoeveel is het verschil?", "out_of_scope") == "ask_followup"


def test_dialogue_without_budget_words_stays_dialogue() -> None:
    assert guarded("dat hielp niet", "feedback_not_helped") == "feedback_not_helped"
    assert guarded("nee", "deny") == "deny"
    assert guarded("dank je wel", "thank") == "thank" and guarded("bedankt daarvoor", "thank") == "thank"
    assert guarded("vertel een mop", "out_of_scope") == "out_of_scope"  # no question about what was said
    assert guarded("Hoe laat gaat het zwembad morgen open?", "out_of_scope") == "out_of_scope"
    assert guarded("wat kost bestuur in 2027?", "ask_budget") == "ask_budget"  # not a dialogue intent: untouched
