"""The Vocabulary: everything a question can name (subjects, measures, years), compiled once per index.

Nothing here names a line, a year, a programme or a municipality: every label comes from the parsed documents.
The only constants are general budget words (BBV measures and their everyday synonyms, explanation headings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from knowledge.types import Corpus, Document, Mention, Subject, Table
from nlu.entities import fold

if TYPE_CHECKING:  # (the index is built from a vocabulary: imported for its type only)
    from knowledge.subject_index import SubjectIndex

# General budget vocabulary: a measure family and the words people use for it (Dutch and English).
MEASURE_FAMILIES: dict[str, tuple[str, ...]] = {
    "lasten": ("lasten", "last", "kosten", "kost", "kostte", "gekost", "uitgaven", "uitgave", "uitgeven",
               "uitgegeven", "geeft uit", "geven uit", "besteed", "besteden", "besteedt", "cost", "costs", "spend",
               "spends", "spent", "spending", "expenses", "expenditure", "expenditures", "duurder", "duurst",
               "duurste", "goedkoper", "goedkoopst", "goedkoopste", "more expensive", "cheaper"),
    "baten": ("baten", "inkomsten", "opbrengsten", "opbrengst", "ontvangsten", "ontvangt", "inkomen", "verdient",
              "income", "revenue", "revenues", "receipts", "earns", "earn", "comes in", "come in", "coming in"),
    "saldo": ("saldo", "netto", "per saldo", "net", "balance", "nettokosten", "net cost", "net costs"),
    "toevoeging": ("toevoeging", "toevoegingen", "toegevoegd", "storting", "stortingen", "gestort", "addition",
                   "additions", "added", "deposit", "deposits", "deposited", "put into", "added to"),
    "onttrekking": ("onttrekking", "onttrekkingen", "onttrokken", "onttrekken", "onttrekt", "withdrawal",
                    "withdrawals", "withdrawn", "withdraw", "taken out", "taken from", "drawn from", "uit de reserve",
                    "gehaald uit", "halen uit", "haalt uit", "uitgehaald", "uithalen", "uitgenomen"),
    "mutaties": ("mutaties", "mutatie", "reservemutaties", "mutaties reserves", "changes in reserves",
                 "mutations", "reserve mutations"),
    "resultaat": ("resultaat", "result", "resultaten", "na reserves", "na bestemming", "na mutaties",
                  "saldo na reserves", "saldo na bestemming", "saldo na mutaties",
                  "na verrekening met reserves", "after reserves"),  # (BBV: the saldo after the reserve mutations)
    "bijdrage": ("bijdrage", "bijdragen", "betaalt", "betalen", "betaald", "betaalde", "betaalden", "draagt bij",
                 "dragen bij", "contribution", "contributions", "contributes", "contribute", "pay", "pays", "paid"),
    "streefwaarde": ("streefwaarde", "streefwaarden", "streven", "doelwaarde", "target", "targets", "aimed"),
    "realisatie": ("realisatie", "gerealiseerd", "behaald", "gemeten", "score", "scoorde", "scores", "gescoord",
                   "measured", "achieved", "realisation", "realization", "actual"),
    "investering": ("investering", "investeringen", "investeren", "investeert", "geinvesteerd", "aanschaf",
                    "aanschaffen", "aangeschaft", "aanschaffing", "purchase", "purchases", "investment",
                    "investments", "invest", "invested"),
    "subsidie": ("subsidie", "subsidies", "subsidieplafond", "subsidy", "grants", "grant"),
}
INDICATOR_FAMILIES = ("streefwaarde", "realisatie")  # the measures of indicators: scores and shares, not euros
# Headings under which a budget explains its numbers (BBV practice), and prefixes that only say what a part is.
EXPLANATION_WORDS = ("ontwikkeling", "toelichting", "analyse", "verklaring", "verschillen")
TITLE_PREFIXES = ("beleidsterrein ", "toelichting ", "doel ", "programma ")
SECTION_SUBJECT_KINDS = ("programme", "beleidsterrein", "doel", "prestatie", "indicator", "partij", "part",
                         "verbonden-partijen")
KIND_ORDER = ("partij", "beleidsterrein", "programme", "doel", "prestatie", "indicator", "verbonden-partijen", "part")
MONEY_UNITS = ("× €1.000", "€")
PARENTHESES = re.compile(r"\s*\([^)]*\)")
LABEL_WORDS = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=65536)
def key(title: str) -> str:
    """A folded title without parentheses and structural prefixes: 'Beleidsterrein Wonen' -> 'wonen'."""
    folded = PARENTHESES.sub("", fold(title)).strip().rstrip(".:")
    for prefix in TITLE_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix) + 2:
            folded = folded[len(prefix):]
    return re.sub(r"\s+", " ", folded)


def measure_family(measure: str, table_title: str = "") -> str:
    """The general family of a table measure: 'Saldo van baten en lasten' -> 'saldo'."""
    folded = fold(measure)
    if table_title and folded == fold(table_title):
        return "saldo"  # a total row labelled with the table's title is the table's net change
    for family, words in MEASURE_FAMILIES.items():
        if folded == family or folded in words or folded.split()[0] in (family, *words):
            return family
    return folded


@dataclass
class Vocabulary:
    """Everything a question can name, compiled once per loaded index."""

    documents: dict[str, Document]
    subjects: dict[str, Subject]
    tables: dict[str, Table]
    families: dict[str, str]
    measure_words: dict[str, str]
    generic: frozenset[str]
    years: frozenset[int]
    parents: dict[str, str] = field(default_factory=dict)
    stems: frozenset[str] = frozenset()
    _alias_of: dict[str, list[str]] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None
    _alias_words: frozenset[str] | None = None
    subject_families: dict[str, list[str]] = field(default_factory=dict)
    _titles: dict[str, str] = field(default_factory=dict)
    _titles_text: str = ""
    _family_tables: dict[str, set[str]] = field(default_factory=dict)
    _by_length: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    _measure_pattern: re.Pattern[str] | None = None
    subject_lookup: SubjectIndex | None = None  # built on first use (knowledge.subject_index.subject_index)
    title_words: list[str] | None = None  # sorted words of all section titles, built on first use

    def compile(self) -> Vocabulary:
        """Compile alias and measure patterns (longest first)."""
        for subject in self.subjects.values():
            for alias in subject.aliases:
                for form in dict.fromkeys((alias, alias.replace("-", " "))):  # 'gouwe rijnland' ~ 'gouwe-rijnland'
                    self._alias_of.setdefault(form, [])
                    if subject.id not in self._alias_of[form]:
                        self._alias_of[form].append(subject.id)
        self._pattern = _alternation(self._alias_of)
        self._measure_pattern = _alternation(self.measure_words)
        return self

    @property
    def alias_words(self) -> frozenset[str]:
        """Every single word of every alias (for correcting misspelt names), computed once."""
        if self._alias_words is None:
            names = (*self._alias_of, *self.measure_words)
            self._alias_words = frozenset(w for a in names for w in LABEL_WORDS.findall(a)
                                          if len(w) >= 4 and w.isalpha())
        return self._alias_words

    def alias_words_by_length(self, size: int, first: str = "") -> list[str]:
        """Alias words within one letter of a length (and starting with a letter, when given)."""
        if not self._by_length:
            for w in self.alias_words:
                self._by_length.setdefault((len(w), w[0]), []).append(w)
        letters = [first] if first else sorted({k[1] for k in self._by_length})
        return [w for n in (size - 1, size, size + 1) for c in letters for w in self._by_length.get((n, c), [])]

    def titles_text(self, corpus: Corpus) -> str:
        """Every folded section title, one per line, for one regex search instead of a loop."""
        if not self._titles_text:
            self._titles_text = "\n".join(self.folded_titles(corpus).values())
        return self._titles_text

    def family_tables(self) -> dict[str, set[str]]:
        """Tables per measure family, computed once."""
        if not self._family_tables:
            for table in self.tables.values():
                for cell in table.cells:
                    self._family_tables.setdefault(self.families.get(cell.measure, ""), set()).add(table.id)
        return self._family_tables

    def folded_titles(self, corpus: Corpus) -> dict[str, str]:
        """Folded section titles by section id, computed once."""
        if not self._titles:
            self._titles = {s.id: fold(s.title) for s in corpus.sections}
        return self._titles

    def mentions(self, folded: str) -> list[Mention]:
        """Subjects named in a folded question, longest alias first at each position."""
        found: list[Mention] = []
        if self._pattern is None:
            return found
        for m in self._pattern.finditer(folded):
            alias = m.group(1)
            for sid in self._alias_of[alias]:
                subject = self.subjects[sid]
                score = len(alias) / max(len(subject.aliases[0]), 1)
                found.append(Mention(sid, subject.kind, subject.label, alias, m.start(1), m.end(1), round(score, 3)))
        return found

    def mention_spans(self, folded: str) -> list[tuple[int, int]]:
        """Where subjects are named in a folded question (without resolving them)."""
        if self._pattern is None:
            return []
        return [(m.start(1), m.end(1)) for m in self._pattern.finditer(folded)]

    def measures(self, folded: str) -> list[tuple[str, int, int]]:
        """Measure families named in a folded question, with their spans."""
        if self._measure_pattern is None:
            return []
        return [(self.measure_words[m.group(1)], m.start(1), m.end(1)) for m in self._measure_pattern.finditer(folded)]

    def budget_year(self, document_ids: Iterable[str]) -> int | None:
        """The newest budget year of the given documents (from their header)."""
        years = [d.year for i in document_ids if (d := self.documents.get(i)) and d.year]
        return max(years) if years else None


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(w) for w in ordered) + r")(?![\w])")


def is_under(parents: dict[str, str], section_id: str, ancestors: set[str]) -> bool:
    """The section is one of the ancestors or lies below one of them."""
    current: str | None = section_id
    for _ in range(len(parents) + 1):  # a tree: at most one step per section
        if current is None:
            return False
        if current in ancestors:
            return True
        current = parents.get(current)
    return False
