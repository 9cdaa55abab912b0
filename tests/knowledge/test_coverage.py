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
