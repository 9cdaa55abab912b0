"""Two rows compared in one question ('kost X of Y meer in <jaar>?'): both cells, and the gap."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.answer import table_answer
from knowledge.description import FAMILY_WORDS, PLURAL, explain_cell, kind_phrase, positive_amount
from knowledge.numbers import format_euro
from knowledge.settings import Settings
from knowledge.table_answer import find_facts
from knowledge.types import Answer, Corpus, Mention, NoAmount, Query, TableFacts
from knowledge.vocabulary import Vocabulary
from nlu.entities import fold

# what stands between two names that are compared: 'bestuur of (aan) dienstverlening', 'X versus Y', 'X en Y'
BETWEEN = re.compile(r"^\s*(?:,|of|en|or|and|versus|vs\.?|tegenover|dan|than)\s+"
                     r"(?:(?:aan|van|voor|bij|the|de|het)\s+)?$")


# 'X in <jaar> hoger dan dat van Y', 'X compared with Y': a few words, then a word that sets one against the other
AGAINST = re.compile(r"^(?:\s+[\w-]+){0,5}\s+(?:dan|than|versus|vs\.?|tegenover|vergeleken met|compared (?:to|with))"
                     r"\s+(?:(?:dat|die|that|those)\s+)?(?:(?:aan|van|voor|bij|of|the|de|het)\s+)?$")


def _outer(mentions: tuple[Mention, ...]) -> list[Mention]:
    """Mentions not inside a longer one, in text order, one per span."""
    spans: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        spans.setdefault((m.start, m.end), m)
    outer = [m for m in spans.values() if not any(o.start <= m.start and m.end <= o.end and (o.end - o.start)
                                                  > (m.end - m.start) for o in spans.values())]
    return sorted(outer, key=lambda m: m.start)


def compare_pair(query: Query, vocab: Vocabulary, corpus: Corpus,
                 words: frozenset[str]) -> tuple[TableFacts, TableFacts] | None:
    """Two rows the question names side by side, each answered by one verified cell of the same measure and year."""
    if query.paired and query.subject and query.paired in vocab.subjects:  # 'is dat meer dan X?'
        return _pair(query, vocab, corpus, words, query.paired, query.subject)
    if "subject" in query.inherited or query.total:
        return None  # ('X en Y samen' asks for a sum, not a comparison)
    named = _outer(tuple(m for m in query.mentions if vocab.subjects[m.subject_id].rows
                         and vocab.subjects[m.subject_id].document_id in query.scope))
    folded = fold(query.search_text)
    for first, second in zip(named, named[1:]):
        at = folded.find(first.text)  # the names in the text as searched (offsets may have shifted)
        then = folded.find(second.text, at + len(first.text)) if at >= 0 else -1
        gap = folded[at + len(first.text): then]
        if first.subject_id == second.subject_id or then < 0 or not (BETWEEN.match(gap) or AGAINST.match(gap)):
            continue
        return _pair(query, vocab, corpus, words, first.subject_id, second.subject_id)
    return None


def _pair(query: Query, vocab: Vocabulary, corpus: Corpus, words: frozenset[str], first: str,
          second: str) -> tuple[TableFacts, TableFacts] | None:
    """Both subjects' verified cells for the same measure and year, or None when they are not like with like."""
    mentions = {m.subject_id: m for m in query.mentions}
    a, b = (find_facts(replace(query, subject=s, intent="amount", listing=False, total=False, paired=None,
                               mentions=(mentions[s],) if s in mentions else query.mentions), vocab, corpus, words)
            for s in (first, second))
    if isinstance(a, NoAmount) or isinstance(b, NoAmount) or len(a.cells) != 1 or len(b.cells) != 1:
        return None
    ca, cb = a.cells[0], b.cells[0]
    if a.family != b.family or ca.year != cb.year or ca.value is None or cb.value is None \
            or ca.unit != cb.unit or (ca.value < 0) != (cb.value < 0):
        return None  # only like with like: one measure, year and unit, and the same sign
    return a, b


def table_pair_answer(settings: Settings, question: str, pair: tuple[TableFacts, TableFacts]) -> Answer:
    """Both amounts and which is higher, citing both cells."""
    a, b = pair
    ca, cb = a.cells[0], b.cells[0]
    what = FAMILY_WORDS.get(a.family, ca.measure.lower())
    verb = "zijn" if a.family in PLURAL else "is"
    assert ca.value is not None and cb.value is not None
    gap = abs(cb.value) - abs(ca.value)
    factor = 1000 if ca.unit == "× €1.000" else 1
    if gap:
        higher, lower = (b, a) if gap > 0 else (a, b)
        amount = format_euro(abs(gap) * factor)
        change = f"Bij {higher.subject.label} is het {amount} hoger dan bij {lower.subject.label}."
    else:
        change = "Dat is even veel."
    text = (f"{kind_phrase(ca)} {verb} {what} van {a.subject.label}: {positive_amount(ca)}, en van "
            f"{b.subject.label}: {positive_amount(cb)}. {change} {explain_cell(ca, a.family)}").strip()
    merged = replace(a, cells=(ca, cb))
    return table_answer(settings, question, merged, text)
