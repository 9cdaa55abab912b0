"""Coverage: when the cited passage answers the question's words."""

from __future__ import annotations

from typing import Any

from knowledge.coverage import Coverage


def test_an_unknown_noun_after_an_article_is_the_thing_asked_about(real_service: Any) -> None:
    frame = real_service.understand("Krijgen raadsleden een laptop van de griffie?")
    assert "laptop" in frame.topic_words  # a noun (after 'een'), not a weak verb form
    assert not real_service.answer("Krijgen raadsleden een laptop van de griffie?").answered
    assert "oude" not in real_service.understand("krijgen ze iets mee van de oude raad?").topic_words  # (adjective)


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


def test_a_compound_the_budget_uses_is_not_covered_by_its_head_alone() -> None:
    from knowledge.lexical import tokens

    other = "In 2022 is de nieuwe agenda van de regio vastgesteld voor de periode tot 2026."
    own = "In 2025 is gestart met de uitvoeringsagenda waarin verschillende activiteiten staan."
    known = tokens(other + " " + own) + ["uitvoer"]
    coverage = Coverage(frozenset(known), {}, {t: 1 for t in known}, 100)
    assert len(tokens("uitvoeringsagenda", coverage.vocabulary)) > 1  # (a compound of known parts)
    assert coverage.covered(_frame(("uitvoeringsagenda",)), _quoting(own))
    assert not coverage.covered(_frame(("uitvoeringsagenda",)), _quoting(other))  # another agenda
    assert coverage.covered(_frame(("agenda",)), _quoting(own))  # (the head asked is found in the compound)
