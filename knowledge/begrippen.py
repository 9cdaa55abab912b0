"""The begrippenlijst: general budget terms explained in plain Dutch (B1), kept as data in begrippenlijst.json.

Pure Python, loaded once. An explanation from here is general knowledge, not budget text: whoever shows one
cites it as SOURCE ("Begrippenlijst"), never as the budget.

    find_terms(text)  the terms named in a text, in order of first mention (for inline explanations)
    lookup(word)      the term whose name or synonym is exactly this word (case and spacing ignored)
    define(question)  the term a "wat betekent X?" question asks about, or None
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SOURCE = "Begrippenlijst"
PATH = Path(__file__).with_name("begrippenlijst.json")

# Words around the term in a question about its meaning: "Wat betekent 'onttrekking'?", "wat is een reserve".
_QUESTION = re.compile(
    r"^(?:wat\s+(?:betekent|betekenen|is|zijn|bedoelt\s+u\s+met|bedoel\s+je\s+met|wordt\s+bedoeld\s+met|"
    r"houdt|zegt)|leg\s+(?:eens\s+)?uit(?:\s+wat)?|uitleg(?:\s+van)?|betekenis\s+van|definitie\s+van|"
    r"what\s+(?:does|is|are)|meaning\s+of)\s+",
    re.IGNORECASE,
)
_TAIL = re.compile(r"\s+(?:in\s+(?:de|een)\s+begroting|precies|eigenlijk|betekenen|betekent|inhoudt|in|mean|means)$",
                   re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:de|het|een|the|a|an)\s+", re.IGNORECASE)
_EDGE = re.compile(r"^[\s\"'‘’“”„`(]+|[\s\"'‘’“”„`)?!.:,;]+$")


@dataclass(frozen=True)
class Term:
    """One entry: its name, other forms people use, and a plain-Dutch explanation."""

    term: str
    synonyms: tuple[str, ...]
    explanation: str
    opposite: str = ""  # the other value of the same distinction ('incidenteel' / 'structureel')

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.synonyms)


def _key(text: str) -> str:
    """Compare forms without case, accents of the typist or spacing; 'x' and '×' are the same sign."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("×", "x")
    return re.sub(r"\s+", " ", re.sub(r"€\s+", "€", text)).strip()


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    """All terms of the begrippenlijst, in the file's order (read once)."""
    data = json.loads(PATH.read_text(encoding="utf-8"))
    return tuple(Term(str(t["term"]), tuple(str(s) for s in t.get("synonyms", ())), str(t["explanation"]),
                      str(t.get("opposite", ""))) for t in data["terms"])


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Term]:
    table: dict[str, Term] = {}
    for term in terms():
        for name in term.names:
            table.setdefault(_key(name), term)
    return table


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """Every name, longest first, as a whole word: 'meerjarenbegroting' is not 'begroting'."""
    names = sorted({name for term in terms() for name in term.names}, key=len, reverse=True)
    parts = [r"\s*".join(re.escape(ch).replace("×", "[×x]") for ch in name.replace(" ", "")) if "€" in name
             else r"\s+".join(re.escape(w) for w in name.split()) for name in names]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def find_terms(text: str) -> list[Term]:
    """The terms named in text, each once, in order of first mention."""
    found: list[Term] = []
    for match in _pattern().finditer(text):
        term = lookup(match.group(0))
        if term is not None and term not in found:
            found.append(term)
    return found


def lookup(word: str) -> Term | None:
    """The term whose name or one of its synonyms is word (case and spacing ignored)."""
    return _by_key().get(_key(word))


def define(question: str) -> Term | None:
    """The term a question about its meaning asks for ("wat betekent onttrekking?", "reserves"), or None.

    Only the asked word itself counts, so a question that merely contains a term among other words is not a
    definition question. Plural and quoted forms are found through the synonyms."""
    word = _EDGE.sub("", question.strip())
    word = _QUESTION.sub("", word)
    word = _EDGE.sub("", word)
    while (shorter := _TAIL.sub("", word)) != word:
        word = shorter
    word = _EDGE.sub("", _ARTICLE.sub("", word))
    return lookup(word) if word else None


def answering_words(word: str) -> tuple[str, ...]:
    """Words a passage may use to answer a question with this term: its names and those of its opposite
    ('is dat eenmalig?' is answered by 'structurele bijdrage')."""
    term = lookup(word)
    if term is None:
        return ()
    other = lookup(term.opposite) if term.opposite else None
    return (*term.names, *(other.names if other else ()))
