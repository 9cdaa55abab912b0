"""Rasa 3.6 graph components: the rule-based Dutch budget entities of nlu.entities, and the guard that keeps a
budget follow-up from being taken for dialogue."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent  # type: ignore[import-not-found, unused-ignore]
from rasa.engine.recipes.default_recipe import DefaultV1Recipe  # type: ignore[import-not-found, unused-ignore]
from rasa.engine.storage.resource import Resource  # type: ignore[import-not-found, unused-ignore]
from rasa.engine.storage.storage import ModelStorage  # type: ignore[import-not-found, unused-ignore]
from rasa.nlu.extractors.extractor import EntityExtractorMixin  # type: ignore[import-not-found, unused-ignore]
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT  # type: ignore[import-not-found, unused-ignore]
from rasa.shared.nlu.training_data.message import Message  # type: ignore[import-not-found, unused-ignore]

from nlu.entities import QUESTION_WORDS, Entity, extract_entities

# nlu.entities kind -> Rasa entity name (as listed in bot/domain.yml).
KIND_TO_ENTITY: dict[str, str] = {
    "year": "year",
    "section_code": "section_code",
    "measure": "measure",
    "amount": "amount",
}


def to_rasa_entity(entity: Entity, extractor: str) -> dict[str, Any] | None:
    """Convert an nlu.entities Entity into a Rasa entity dict, or None for unknown kinds."""
    name = KIND_TO_ENTITY.get(entity.kind)
    if name is None:
        return None
    return {
        "entity": name,
        "start": entity.start,
        "end": entity.end,
        "value": entity.value,
        "confidence_entity": 1.0,
        "extractor": extractor,
    }


def rasa_entities(text: str, extractor: str, wanted: list[str] | None = None) -> list[dict[str, Any]]:
    """Extract the Rasa entity dicts for ``text``, limited to ``wanted`` names when given."""
    found: list[dict[str, Any]] = []
    for entity in extract_entities(text or ""):
        converted = to_rasa_entity(entity, extractor)
        if converted is None or (wanted and converted["entity"] not in wanted):
            continue
        found.append(converted)
    return found


class StatelessComponent(GraphComponent):  # type: ignore[misc, unused-ignore]
    """A graph component without training or stored state: created from its configuration alone."""

    def __init__(self, config: dict[str, Any]) -> None:
        """Store the configuration merged over the defaults."""
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StatelessComponent:
        """Create the (stateless, untrained) component."""
        return cls(config)


@DefaultV1Recipe.register(  # type: ignore[misc, unused-ignore]
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class DutchBudgetEntityExtractor(StatelessComponent, EntityExtractorMixin):  # type: ignore[misc, unused-ignore]
    """Adds years, section codes, measures and amounts to messages."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config: ``entities`` limits output to these entity names (all if empty)."""
        return {"entities": []}

    def __init__(self, config: dict[str, Any]) -> None:
        """Store the merged configuration."""
        super().__init__(config)
        self._wanted: list[str] = list(self._config.get("entities") or [])

    def process(self, messages: list[Message]) -> list[Message]:
        """Append the recognised entities to each message's entity list."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = rasa_entities(text, self.name, self._wanted)
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages


# A question about what was just said: a question word first and a word pointing back ('hoe wordt dat gemeten?',
# 'wie heeft dat bedacht?'): no thanks, greeting or refusal; the knowledge service answers or says it cannot.
QUESTION_FIRST = re.compile(r"^\W*(?:en\s+|and\s+|maar\s+|but\s+)?(?:" + QUESTION_WORDS + r")(?![\w])", re.IGNORECASE)
POINTS_BACK = re.compile(r"(?<![\w])(?:dat|die|dit|deze|ze|zij|hij|daar\w*|hier\w*|that|it|this|these|those|they|"
                         r"them)(?![\w])", re.IGNORECASE)  # (not 'het' or 'er': 'hoe laat gaat het zwembad open?')
# words that only make sense about the numbers just given ('hoeveel is het verschil?', 'and together?')
ABOUT_NUMBERS = re.compile(r"(?<![\w])(?:verschil|difference|samen|together|opgeteld)(?![\w])", re.IGNORECASE)


@DefaultV1Recipe.register(  # type: ignore[misc, unused-ignore]
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class BudgetIntentGuard(StatelessComponent):  # type: ignore[misc, unused-ignore]
    """A short reply the classifier took for dialogue ('and net?' as 'niet geholpen') is a budget follow-up when it
    names a measure, a year, a section code or an amount, or asks a question about what was just said."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Dialogue intents that give way to ``budget_intent`` when a budget entity is present."""
        return {"dialogue_intents": [], "budget_intent": "ask_followup"}

    def __init__(self, config: dict[str, Any]) -> None:
        """Store the merged configuration."""
        super().__init__(config)
        self._dialogue = frozenset(self._config.get("dialogue_intents") or [])
        self._budget = str(self._config.get("budget_intent"))

    def process(self, messages: list[Message]) -> list[Message]:
        """Re-label dialogue intents of messages that carry a budget entity."""
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") not in self._dialogue:
                continue
            text = str(message.get(TEXT) or "")
            if any(e.get("entity") in KIND_TO_ENTITY.values() for e in message.get(ENTITIES, [])) or (
                    QUESTION_FIRST.search(text) and (POINTS_BACK.search(text) or ABOUT_NUMBERS.search(text))):
                message.set(INTENT, {"name": self._budget, "confidence": 1.0}, add_to_output=True)
        return messages
