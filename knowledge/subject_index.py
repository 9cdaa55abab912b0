"""Lookups over the vocabulary's subjects, built once per loaded index: per-question work touches only the subjects
that match (by document, table, section, line, label word or label text), never a loop over every subject."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from knowledge.lexical import stem
from knowledge.types import Subject
from knowledge.vocabulary import Vocabulary, key, total_rows

_WORD = re.compile(r"\W+")


@dataclass
class SubjectIndex:
    """Subjects grouped the ways answering looks them up, each list in vocabulary order."""

    order: dict[str, int] = field(default_factory=dict)
    by_document: dict[str, list[Subject]] = field(default_factory=dict)
    rows_by_document: dict[str, list[Subject]] = field(default_factory=dict)
    rows_by_table: dict[str, list[Subject]] = field(default_factory=dict)
    rows_by_section: dict[str, list[Subject]] = field(default_factory=dict)
    rows_by_stem: dict[str, list[Subject]] = field(default_factory=dict)
    rows_by_line: dict[str, list[Subject]] = field(default_factory=dict)
    tables_by_document: dict[str, list[Subject]] = field(default_factory=dict)
    totals_by_table: dict[str, frozenset[str]] = field(default_factory=dict)
    row_kinds: set[str] = field(default_factory=set)  # kinds of subjects with rows ('reserve', 'partij')
    labels: str = ""  # every subject's key(label), one per line, for substring search in C
    starts: list[int] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)

    def sort(self, found: Iterable[Subject]) -> list[Subject]:
        """Distinct subjects in vocabulary order."""
        return sorted({s.id: s for s in found}.values(), key=lambda s: self.order[s.id])

    def labelled_with(self, text: str) -> list[Subject]:
        """Subjects whose key(label) contains the text."""
        found: list[Subject] = []
        at = self.labels.find(text)
        while at >= 0:
            found.append(self.subjects[bisect.bisect_right(self.starts, at) - 1])
            at = self.labels.find(text, at + 1)
        return self.sort(found)

    def with_rows(self, documents: Iterable[str]) -> list[Subject]:
        """Subjects with rows in the documents, in vocabulary order."""
        return self.sort(s for d in documents for s in self.rows_by_document.get(d, ()))

    def totals(self, table_id: str) -> frozenset[str]:
        """The total row groups of a table (empty for an unknown table)."""
        return self.totals_by_table.get(table_id, frozenset())


def names_kind(word: str, kind: str) -> bool:
    """A question word names a kind of subject ('reserve', 'reserves', 'partij', 'partijen')."""
    return word in (kind, kind + "s", kind + "en")


def build_subject_index(vocab: Vocabulary) -> SubjectIndex:
    """Group the vocabulary's subjects once."""
    index = SubjectIndex()
    parts: list[str] = []
    position = 0
    for number, subject in enumerate(vocab.subjects.values()):
        index.order[subject.id] = number
        index.subjects.append(subject)
        index.starts.append(position)
        label = key(subject.label)
        parts.append(label)
        position += len(label) + 1
        index.by_document.setdefault(subject.document_id, []).append(subject)
        if subject.kind == "table":
            index.tables_by_document.setdefault(subject.document_id, []).append(subject)
        if not subject.rows:
            continue
        index.rows_by_document.setdefault(subject.document_id, []).append(subject)
        index.row_kinds.add(subject.kind)
        for table_id in dict.fromkeys(r.table_id for r in subject.rows):
            index.rows_by_table.setdefault(table_id, []).append(subject)
        for line in dict.fromkeys(r.line for r in subject.rows):
            index.rows_by_line.setdefault(line, []).append(subject)
        for section in dict.fromkeys(subject.sections):
            index.rows_by_section.setdefault(section, []).append(subject)
        for word_stem in dict.fromkeys(stem(w) for w in label.split()):
            index.rows_by_stem.setdefault(word_stem, []).append(subject)
    index.labels = "\n".join(parts)
    index.totals_by_table = {t.id: frozenset(total_rows(t)) for t in vocab.tables.values()}
    return index


def subject_index(vocab: Vocabulary) -> SubjectIndex:
    """The vocabulary's subject index, built on first use and kept with it."""
    if vocab.subject_lookup is None:
        vocab.subject_lookup = build_subject_index(vocab)
    return vocab.subject_lookup


def titles_have_word_starting(vocab: Vocabulary, titles_text: str, prefix: str) -> bool:
    """Some section title has a word starting with the prefix (a sorted word list, searched by bisection)."""
    if not prefix.isalnum():
        return re.search(rf"\b{re.escape(prefix)}", titles_text) is not None
    if vocab.title_words is None:
        vocab.title_words = sorted({w for w in _WORD.split(titles_text) if w})
    words = vocab.title_words
    at = bisect.bisect_left(words, prefix)
    return at < len(words) and words[at].startswith(prefix)
