"""Coverage: when the cited passage answers the question's words."""

from __future__ import annotations

from typing import Any

from knowledge.coverage import Coverage


def _coverage() -> Coverage:
    """Word statistics of a small corpus: 'assistent' and 'virtuel' are rare, 'gemeent' is common."""
    return Coverage(frozenset({"assistent", "virtuel", "websit", "gemeent", "accountant"}), {},
                    {"assistent": 1, "virtuel": 1, "websit": 5, "gemeent": 80}, 100)


def test_a_word_the_budget_never_uses_may_be_said_otherwise_when_the_rest_is_covered() -> None:
    found = {"virtuele", "assistent", "website"}
    said = _coverage()._said_otherwise("chatbot", ("chatbot", "virtuele", "assistent", "website"), found.__contains__)
    assert said  # three of four words, two of them rare: the passage is about what the asker calls a chatbot


def test_a_word_the_budget_never_uses_is_not_excused_by_common_or_few_words() -> None:
    coverage = _coverage()
    words = ("chatbot", "gemeente", "website", "assistent")
    assert not coverage._said_otherwise("chatbot", words, {"website"}.__contains__)  # one word of four
    assert not coverage._said_otherwise("chatbot", ("chatbot", "gemeente"), {"gemeente"}.__contains__)  # common only
    assert not coverage._said_otherwise("assistent", words, lambda w: True)  # a budget word must be there itself


def test_a_synonym_of_a_budget_passage_is_answered_on_the_real_budget(real_service: Any) -> None:
    answer = real_service.answer("Komt er een evaluatie van de virtuele assistent, het digitale hulpje op de website?")
    assert answer.answered and "virtuele assistent" in answer.text
    refused = real_service.answer("Wordt het stemmen toegankelijk gehouden met rolstoelvriendelijke stemlocaties?")
    assert not refused.answered  # the passage never says what the unknown word adds


def test_a_compound_of_a_covered_word_is_no_other_word_for_it() -> None:
    words = ("accountantskantoor", "externe", "assistent")
    assert not _coverage()._said_otherwise("accountantskantoor", words, lambda w: True)  # (holds 'accountant')


def _frame(words: tuple[str, ...]) -> Any:
    from knowledge.types import Query

    return Query(text=" ".join(words), search_text=" ".join(words), language="nl", intent="info", mentions=(),
                 subject=None, measure=None, years=(), scope=(), topic_words=words)


def _quoting(text: str) -> Any:
    from knowledge.types import Answer, Citation

    return Answer(text, True, text, 1.0, (Citation(1, "d", "d:s", None, "S", ("S",), "", text),), None, "text")


def test_a_noun_made_of_an_adjective_is_covered_by_the_adjective() -> None:
    from knowledge.lexical import tokens

    text = "De kosten van het warm houden van het zwembad stijgen."
    coverage = Coverage(frozenset(tokens(text)), {}, {t: 1 for t in tokens(text)}, 100)
    assert coverage.covered(_frame(("warmte", "zwembad")), _quoting(text), strict=True)  # 'warmte' ~ 'warm'
    assert not coverage.covered(_frame(("sporthal", "zwembad")), _quoting(text), strict=True)


def test_a_participle_asked_is_covered_by_its_verb() -> None:
    from knowledge.lexical import tokens

    text = "In het najaar evalueren we de nieuwe werkwijze van het loket."
    coverage = Coverage(frozenset(tokens(text)), {}, {t: 1 for t in tokens(text)}, 100)
    assert coverage.covered(_frame(("geevalueerd", "loket")), _quoting(text), strict=True)
    assert not coverage.covered(_frame(("gerepareerd", "loket")), _quoting(text), strict=True)
