"""The kind of answer a question wants, and the order of its subject candidates (read from cue words)."""

from __future__ import annotations

from knowledge.cues import (
    COUNT_CUES,
    DESTINATION,
    DOES_FOR,
    INTENT_CUES,
    MEANT_BY,
    MORE_OR_LESS,
    WANTS_TO_ACHIEVE,
    WHAT_FOR,
    WHEN_FIRST,
    cue_pattern,
    has_cue,
)
from knowledge.types import Mention
from knowledge.vocabulary import Vocabulary


def detect_intent(folded: str, measure: str | None, amount_cue: bool) -> str:
    """The kind of answer a question wants, from question words; a measure or amount word means an amount."""
    def has(cues: tuple[str, ...]) -> bool:
        return bool(cues) and cue_pattern(tuple(cues), True).search(folded) is not None

    if has(INTENT_CUES["meaning"]):
        return "meaning"
    if WHAT_FOR.search(folded):
        return "explain"
    if has(INTENT_CUES["explain"]) and not (amount_cue and MORE_OR_LESS.search(folded) and not has(
            tuple(c for c in INTENT_CUES["explain"] if c not in DESTINATION))):
        return "explain"  # ('waar ging meer geld naartoe, X of Y?' compares two amounts)
    if measure is None and WHEN_FIRST.match(folded) and not has_cue(folded, COUNT_CUES):
        return "when"  # 'sinds wanneer zijn er nieuwe afspraken over het geld?': a money word, but asked when
    if has(INTENT_CUES["compare"]) and (measure or amount_cue):
        return "compare"
    if measure or amount_cue:
        return "amount"
    if WANTS_TO_ACHIEVE.search(folded):
        return "goal"  # 'wat wil(len) … bereiken?', the budget's own question for goals
    if DOES_FOR.search(folded):
        return "how"
    if MEANT_BY.search(folded):
        return "define"
    for intent in ("goal", "who", "when", "list", "define", "how"):
        if has(INTENT_CUES[intent]):
            return intent
    return "info"


def rank_mentions(mentions: list[Mention], intent: str, vocab: Vocabulary, scope: tuple[str, ...]) -> list[Mention]:
    """Order subject candidates: in scope, fitting the intent (rows for amounts, sections for goals), longest; a
    programme named beside one of its own parts ('de reserve X van programma <n>') only says where that part is."""
    within = {vocab.subjects[m.subject_id].document_id for m in mentions
              if vocab.subjects[m.subject_id].kind != "programme"}

    def fit(m: Mention) -> float:
        subject = vocab.subjects[m.subject_id]
        score = len(m.text) / 10 + m.score
        if subject.kind == "programme" and subject.document_id in within:
            score -= 6
        if scope and subject.document_id not in scope:
            score -= 100
        if intent in ("amount", "compare") and subject.rows:
            score += 5
        if intent in ("goal", "define", "who", "list", "how", "when", "info") and subject.sections:
            score += 2
        if intent == "goal" and subject.kind in ("beleidsterrein", "programme", "doel"):
            score += 3
        if intent == "explain" and (subject.explanations or subject.rows):
            score += 2
        return score

    return sorted(mentions, key=lambda m: (-fit(m), m.start))
