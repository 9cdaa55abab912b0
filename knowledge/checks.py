"""Checks that an answer fits the question before it goes out (general budget knowledge, no document's words)."""

from __future__ import annotations

import re

from knowledge.chunk import split_sentences
from knowledge.cues import BACK_REFERENCE
from knowledge.lexical import STOPWORDS
from knowledge.types import Corpus, Query, Subject, Table
from nlu.entities import fold

# a 'wanneer?' answer names a time: a year, a month, a season or a period
TIME = re.compile(r"\b((19|20)\d{2}|januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
                  r"november|december|voorjaar|najaar|zomer|winter|kwartaal)\b", re.IGNORECASE)
# (how often something happens — 'jaarlijks' — does not say when it starts)
# a count written as a word ('veertien projecten')
NUMBER_WORD = re.compile(r"\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|"
                         r"zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|honderd|duizend)\b",
                         re.IGNORECASE)
MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z,;:(] )([A-Z][a-z]{3,})")
PREFIX = 6  # letters that identify a word
INFLECTION = 4  # letters an ending may add ('-en', '-heid', '-ing')
# a name inside a sentence (a place, organisation, body); not a sentence's first word, even after '('
NAME = re.compile(r"(?<![.!?]\s)(?<![.!?]\s[(‘'\"“])(?<!^)(?<!^[(‘'\"“])\b[A-Z][\w'-]+")
LOWER_WORD = re.compile(r"(?<![\w-])([a-z]{4,})(?![\w])")


def proper_words(corpus: Corpus) -> frozenset[str]:
    """Words the budget only writes with a capital inside a sentence: names of places and organisations."""
    capital: set[str] = set()
    lower: set[str] = set()
    for section in corpus.sections:
        capital.update(fold(w) for w in MID_SENTENCE_CAPITAL.findall(section.text))
        lower.update(LOWER_WORD.findall(section.text))
        lower.update(fold(w) for w in re.findall(r"[^\W\d_]+", section.title))  # title words are topics
    for document in corpus.documents:
        lower.update(fold(w) for w in re.findall(r"[^\W\d_]+", document.label))
    return frozenset(capital - lower - STOPWORDS)


def foreign_name(query: Query, subject: Subject, tables: dict[str, Table], names: frozenset[str],
                 municipality: str) -> str | None:
    """A name in the question that the answering row does not carry ('wat betaalt <other town> aan X?' answered
    with the row of this municipality's own contribution)."""
    own = fold(" ".join((subject.label, *subject.aliases, municipality,
                         *(tables[r.table_id].title for r in subject.rows if r.table_id in tables),
                         *(r.line for r in subject.rows))))
    for word in query.words:
        if word in names and word not in own and not (municipality and word.startswith(fold(municipality))):
            return word  # (a demonym starts with its municipality's name)
    return None


def asks_balance(query: Query, subject: Subject, tables: dict[str, Table]) -> bool:
    """A question for how much a reserve holds, while its table only gives what goes in and out."""
    own_measure = query.measure is not None and "measure" not in query.inherited and query.measure != "saldo"
    if subject.kind != "reserve" or own_measure or query.intent not in ("amount", "compare", "info", "define") \
            or not query.balance:
        return False  # (a measure carried over from the previous turn does not make 'nog in' a mutation)
    measures = {fold(c.measure) for r in subject.rows if r.table_id in tables for c in tables[r.table_id].cells}
    return not any("stand" in m for m in measures)


def names_members(text: str, topic_words: tuple[str, ...], minimum: int = 2, own: tuple[str, ...] = ()) -> bool:
    """The passage has a sentence on the topic that names at least two others (who takes part in it); the names
    in ``own`` (the thing asked about, the budget's own municipality) are no others."""
    for sentence in split_sentences(text):
        folded = fold(sentence)
        if topic_words and not any(w[:5] in folded for w in topic_words):
            continue
        names = {fold(n) for n in NAME.findall(sentence)}
        names = {n for n in names if not any(o and (o in n or n in o) for o in own)}
        if len({n for n in names if not any(w[:5] in n for w in topic_words)}) >= minimum:
            return True
    return False


def names_word(word: str, title_word: str) -> bool:
    """A typed word names a title's word: the same word inflected ('belastingen', 'tevredenheid') or the head of a
    compound ('samenwerking' in 'belastingsamenwerking'), never only its first part ('belasting' there)."""
    if title_word.startswith(word[:PREFIX]) and len(title_word) <= len(word) + INFLECTION:
        return True
    return len(word) >= PREFIX and title_word.endswith(word)


def names_a_time(text: str) -> bool:
    """The passage says when: a year, month, season or period."""
    return TIME.search(text) is not None


# words that say what a thing is ('Dit noemen we X', 'X is een …', 'X staat voor …')
NAMING = re.compile(r"(?<![\w])(?:noemen|noemt|heet|heten|genoemd|betekent|betekenen|staat voor|staan voor|houdt in|"
                    r"is een|is de|is het|zijn|bestaat uit|bestaan uit|wil zeggen|namelijk|zogenoemde?|zogenaamde?|"
                    r"b\.v\.|bijv\.|bijvoorbeeld|zoals)(?![\w])")  # (an example of what the sentence is about)
AFTER_MENTION = 3  # words after the last mention of a term that say something of it


CLAUSE_JOINS = frozenset("en maar of want".split())
SUBJECT_PRONOUNS = frozenset("we wij ze zij ik u hij je".split())


def _said_of(after: list[str]) -> int:
    """How many words after a term still speak of it: none when a new clause follows ('… aan right to challenge en
    willen we …' says nothing of right to challenge)."""
    if after and after[0] in CLAUSE_JOINS and SUBJECT_PRONOUNS & set(after[1:4]):
        return 0
    return len(after)


def explains_term(text: str, words: tuple[str, ...]) -> bool:
    """The passage says something of the term, not only names it at the end of a sentence ('… ten behoeve van de
    versterking van het kabinet.' does not say what the kabinet is); True when no sentence names it."""
    stems = [w[:5] for w in words if len(w) >= 4]
    mentioned = False
    sentences = [x for x in split_sentences(text) if x.strip()]
    for n, sentence in enumerate(sentences):
        folded = fold(sentence)
        tokens_ = re.findall(r"\w+", folded)
        at = [i for i, t in enumerate(tokens_) if any(t.startswith(s) or (len(s) >= 5 and s in t) for s in stems)]
        if not at:
            continue
        mentioned = True
        before = " ".join(fold(sentences[n - 1]).split()[-2:]) if n else ""  # (split after 'b.v.')
        if NAMING.search(folded) or NAMING.search(before) or _said_of(tokens_[at[-1] + 1:]) >= AFTER_MENTION or (
                n + 1 < len(sentences) and BACK_REFERENCE.match(sentences[n + 1].strip())):
            return True
    return not mentioned
