"""The part of a row's amount meant for what was just talked about ('hoeveel gaat er uit de reserve daarvoor?')."""

from __future__ import annotations

import re

from knowledge.answer import cite
from knowledge.chunk import split_sentences
from knowledge.settings import Settings
from knowledge.types import Answer, Corpus, Query, Resolved, Subject
from nlu.entities import fold

AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?\s+miljoen")  # '60.000', '1,5 miljoen'
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
STEM = 7  # letters that identify a word across its forms ('gemeenteraadsverkiezingen' ~ 'gemeenteraadverkiezing')
WORD = re.compile(r"[a-z]{6,}")  # words long enough to name a topic


def _words(text: str, generic: frozenset[str]) -> set[str]:
    return {w[:STEM] for w in re.findall(WORD, fold(text)) if w not in generic}


def purpose_answer(settings: Settings, corpus: Corpus, query: Query, subject: Subject,
                   generic: frozenset[str]) -> Answer | None:
    """The one sentence of the subject's explanation that gives an amount for the topic of the passage just quoted
    (None when the question does not point back, or no sentence or several fit)."""
    if not query.quoted or not (query.refers or query.follow_up):
        return None
    own = _words(subject.label, generic)
    topic = _words(query.quoted, generic) - own
    found: list[tuple[int, str, str]] = []
    for section_id in subject.sections:
        section = corpus.section(section_id)
        if section is None:
            continue
        for sentence in split_sentences(section.text):
            years = set(YEAR.findall(sentence))
            if not AMOUNT.search(sentence) or (query.years and years and not years & {str(y) for y in query.years}):
                continue
            shared = len((_words(sentence, generic) - own) & topic)
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
