"""Abbreviations the budget writes out once ('Basisregistratie Adressen en Gebouwen (BAG)'): 'waar staat BAG voor?'."""

from __future__ import annotations

import re

from knowledge.answer import cite
from knowledge.chunk import split_sentences
from knowledge.lexical import STOPWORDS
from knowledge.settings import Settings
from knowledge.types import Answer, Corpus, Query, Resolved, Section
from nlu.entities import fold

TOKEN = re.compile(r"(?<![\w-])([A-Za-z]{2,6})(?![\w-])")
MAX_WORDS = 8  # words before '(ABBR)' that may spell it out
SMALL = frozenset("en van de het der voor op in of and of the for".split())  # words an abbreviation skips
SPELLED = re.compile(r"(?<![\w])(?:staat\s+(?:\w+\s+){0,3}voor|stands?\s+for|afkorting|abbreviation|betekent|"
                     r"betekenis|mean|means)(?![\w])")  # asks what an abbreviation stands for
WHAT_IS = re.compile(r"^\s*(?:wat is|wat zijn|what is|what's|wat houdt)(?![\w])")  # or what a thing is


def spelled_out(section: Section, abbreviation: str) -> str | None:
    """The words before '(ABBR)' in a section that spell the abbreviation out (None when it is not written out)."""
    found = re.search(r"([^.;:(]{0,200}?)\(\s*" + re.escape(abbreviation) + r"\s*\)", section.text)
    if found is None:
        return None
    words = found.group(1).replace(",", " ").split()[-MAX_WORDS:]
    for start in range(len(words)):
        candidate = words[start:]
        content = [w for w in candidate if w.lower() not in SMALL]
        if candidate[0].lower() in SMALL:
            continue
        initials = "".join(fold(w[0]) for w in content)
        short = fold(abbreviation)
        if 2 <= len(content) <= len(short) and initials[0] == short[0] and _in_order(initials, short) \
                and short[-1] in fold(content[-1]):  # (a compound holds two: 'Basisregistratie' for B and R)
            return " ".join(candidate)  # ('Basisregistratie Personen': BRP, a compound gives two letters)
    return None


def _context(text: str, needle: str) -> str:
    """The sentence that holds the needle and the one after it (what the budget says about the thing)."""
    sentences = split_sentences(text)
    at = next(i for i, sentence in enumerate(sentences) if needle in sentence)
    return " ".join(x.strip() for x in sentences[at: at + 2])


def _key(words: str) -> str:
    """One spelling's key: letters only ('Klant Contact Centrum' and 'Klantcontactcentrum' are one)."""
    return re.sub(r"[^a-z]", "", fold(words))


def _in_order(letters: str, word: str) -> bool:
    """The letters occur in the word in this order."""
    rest = iter(word)
    return all(letter in rest for letter in letters)


def abbreviation_answer(settings: Settings, corpus: Corpus, query: Query, named: bool) -> Answer | None:
    """'Waar staat BRP voor?', 'wat is de Wmo?': the words the budget spells the abbreviation out with, cited ('wat is
    X?' about a subject the budget describes is left to its description)."""
    folded = fold(query.text)
    if SPELLED.search(folded) is None and (named or WHAT_IS.search(folded) is None):
        return None
    for token in TOKEN.findall(query.text):
        abbreviation = token.upper()
        if fold(token) in STOPWORDS:
            continue
        found = [(section, words) for section in corpus.sections
                 if (not query.scope or section.document_id in query.scope) and f"({abbreviation})" in section.text
                 and (words := spelled_out(section, abbreviation))]
        if found:  # the section that speaks of it most is the one about it
            section, words = max(found, key=lambda f: len(re.findall(r"\b" + abbreviation + r"\b", f[0].text)))
            others = list(dict.fromkeys(w for _, w in found[1:] if _key(w) != _key(words)))
            also = f" (ook geschreven als: {'; '.join(others)})" if others else ""
            quote = _context(section.text, f"({abbreviation})")
            return Answer(query.text, True, f"{abbreviation} staat voor: {words}{also}. In de begroting: {quote}", 0.9,
                          (cite(settings, 1, section, quote),),
                          Resolved(topic=section.id, intent=query.intent, document=section.document_id), "definition")
    return None
