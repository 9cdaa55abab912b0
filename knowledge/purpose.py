"""The part of a row's amount meant for what was just talked about ('hoeveel gaat er uit de reserve daarvoor?')."""

from __future__ import annotations

import re

from knowledge.answer import cite
from knowledge.chunk import split_sentences
from knowledge.numbers import MONEY_IN_SENTENCE
from knowledge.settings import Settings
from knowledge.types import Answer, Corpus, Query, Resolved, Subject
from nlu.entities import fold

YEAR = re.compile(r"\b(?:19|20)\d\d\b")
STEM = 7  # letters that identify a word across its forms ('gemeenteraadsverkiezingen' ~ 'gemeenteraadverkiezing')
WORD = re.compile(r"[a-z]{6,}")  # words long enough to name a topic


def _words(text: str, generic: frozenset[str]) -> set[str]:
    return {w[:STEM] for w in re.findall(WORD, fold(text)) if w not in generic}


def purpose_answer(settings: Settings, corpus: Corpus, query: Query, subject: Subject,
                   generic: frozenset[str], words: tuple[str, ...] = ()) -> Answer | None:
    """The one sentence of the subject's explanation that gives an amount for the topic of the passage just quoted,
    or for the question's own words ('hoeveel daarvan is voor X?'); None when no sentence or several fit."""
    own = _words(subject.label, generic)
    wanted = [w[:max(STEM - 1, len(w) - 2)] for w in words if len(w) >= STEM - 1 and w not in generic]
    if words and not wanted:
        return None
    if not words and (not query.quoted or not (query.refers or query.follow_up)):
        return None
    topic = _words(query.quoted or "", generic) - own
    found: list[tuple[int, str, str]] = []
    for section_id in subject.sections:
        section = corpus.section(section_id)
        if section is None:
            continue
        for sentence in split_sentences(section.text):
            years = set(YEAR.findall(sentence))
            if not MONEY_IN_SENTENCE.search(sentence) or (
                    query.years and years and not years & {str(y) for y in query.years}):
                continue
            shared = sum(1 for w in wanted if w in fold(sentence)) if wanted else \
                len((_words(sentence, generic) - own) & topic)  # (a part of a compound counts: 'verkiezing')
            if shared:
                found.append((shared, section_id, sentence.strip()))
    if not found:
        return None
    best = max(n for n, _, _ in found)
    top = [f for f in found if f[0] == best]
    if len(top) != 1:
        return None
    _, section_id, sentence = top[0]
    section = corpus.section(section_id)
    assert section is not None
    text = f"{subject.label}: {sentence} (bedragen in euro, uit de toelichting)"
    return Answer(query.text, True, text, 0.85, (cite(settings, 1, section, sentence),),
                  Resolved(year=query.years[-1] if query.years else None, measure=query.measure, topic=section.id,
                           subject=subject.id, intent=query.intent, document=subject.document_id), "explanation")
