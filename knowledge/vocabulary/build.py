"""Subjects from the corpus: sections by title, table rows by label, reserves and partijen with the names people
use for them, and the prose that explains each row. Every label comes from the parsed documents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from knowledge.lexical import stem
from knowledge.types import Corpus, Document, RowRef, Section, Subject, Table
from knowledge.vocabulary.model import (
    EXPLANATION_WORDS,
    KIND_ORDER,
    LABEL_WORDS,
    MEASURE_FAMILIES,
    PARENTHESES,
    SECTION_SUBJECT_KINDS,
    Vocabulary,
    key,
    measure_family,
)
from knowledge.vocabulary.totals import total_rows
from nlu.entities import fold


def build_vocabulary(corpus: Corpus, generic: Iterable[str] = ()) -> Vocabulary:
    """Compile the vocabulary of every document in the corpus."""
    documents = {d.id: d for d in corpus.documents}
    municipalities = {w for d in corpus.documents if d.municipality for w in LABEL_WORDS.findall(fold(d.municipality))}
    generic_words = frozenset(generic) | frozenset(municipalities)
    subjects: dict[str, Subject] = {}
    tables = {t.id: t for t in corpus.tables}
    measure_names = {(c.measure, t.title) for t in corpus.tables for c in t.cells}
    families = {m: measure_family(m, title) for m, title in measure_names}
    present = set(families.values())
    measure_words = {w: fam for fam, words in MEASURE_FAMILIES.items() if fam in present for w in (fam, *words)}
    for measure, fam in families.items():
        measure_words.setdefault(fold(measure), fam)
    years = frozenset(c.year for t in corpus.tables for c in t.cells if c.year)
    for document in corpus.documents:
        _document_subjects(corpus, document, subjects, generic_words)
    parents = {s.id: s.parent_id for s in corpus.sections if s.parent_id}
    stems = frozenset(stem(w) for s in corpus.sections for w in LABEL_WORDS.findall(fold(" ".join((s.title, s.text)))))
    return Vocabulary(documents, subjects, tables, families, measure_words, generic_words, years, parents,
                      stems).compile()


def _document_subjects(corpus: Corpus, document: Document, subjects: dict[str, Subject],
                       generic: frozenset[str]) -> None:
    """Subjects of one document: sections by title, table rows by label, merged when the key is the same."""
    words = frozenset(w for s in corpus.sections if s.document_id == document.id
                      for w in LABEL_WORDS.findall(fold(s.text)) if len(w) >= 4)
    doc_sections = [s for s in corpus.sections if s.document_id == document.id]
    doc_tables = [t for t in corpus.tables if t.document_id == document.id]
    by_key: dict[str, _Entry] = {}
    explainers: set[str] = set()
    row_links: dict[RowRef, str] = {}
    general: dict[str, str | None] = {}
    totals: dict[str, set[str]] = {}
    for table in doc_tables:
        links, explainer = _explanation_links(corpus, doc_sections, table)
        if explainer:
            explainers.add(explainer)
            explainers.update(s.id for s in doc_sections if s.parent_id == explainer)
        general[table.id] = explainer
        for line, section_id in links.items():
            row_links[RowRef(table.id, line)] = section_id
        totals[table.id] = total_rows(table)

    def entry(k: str, label: str) -> _Entry:
        return by_key.setdefault(k, _Entry(label))

    indicator_codes = {s.code: s for s in doc_sections if s.kind == "indicator" and s.code}
    for s in doc_sections:
        if s.kind not in SECTION_SUBJECT_KINDS or s.id in explainers:
            continue
        if s.kind == "part" and s.parent_id and any(t.section_id == s.parent_id for t in doc_tables):
            continue  # a reserve's toelichting belongs to the reserve's row, not a subject of its own
        k = f"code:{s.code}" if s.kind == "indicator" and s.code else key(s.title)
        e = entry(k, s.title)
        e.sections.append(s)
        e.kinds.append(s.kind)
        e.aliases.extend(_variants(s.title) + [_variants(t)[0] for t in s.alt_titles])
        if s.code:
            e.aliases.append(fold(s.code))
        if s.kind == "programme":
            number = document.programme_number
            e.aliases.extend(["programma", "het programma", "hele programma", "totale programma",
                              "programme", "program", *([f"programma {number}"] if number else [])])
        if s.kind == "part":
            own = next((t for t in doc_tables if t.section_id == s.id), None)
            if own is not None:
                lines = list(dict.fromkeys(c.line for c in own.cells))
                chosen = sorted(totals[own.id]) or (lines if len(lines) == 1 else [])
                e.rows.extend(RowRef(own.id, line) for line in chosen)
                e.kinds.append("table")
    programme = next((s for s in doc_sections if s.kind == "programme"), None)
    for table in doc_tables:
        home = next((s for s in doc_sections if s.id == table.section_id), None)
        lines = list(dict.fromkeys(c.line for c in table.cells))
        for line in lines:
            ref = RowRef(table.id, line)
            if line in indicator_codes:
                entry(f"code:{line}", indicator_codes[line].title).rows.append(ref)
                continue
            if home is not None and home.kind == "partij-onderdeel":
                partij = next((s for s in doc_sections if s.id == home.parent_id), None)
                if partij is not None:
                    entry(key(partij.title), partij.title).rows.append(ref)
                    continue
            if line in totals[table.id]:
                if programme is not None and any(measure_family(c.measure) == "lasten" for c in table.cells):
                    entry(key(programme.title), programme.title).rows.append(ref)
                continue
            e = entry(key(line), line)
            e.rows.append(ref)
            e.aliases.extend(_variants(line) + _reserve_aliases(line))
            e.kinds.append("reserve" if "reserve" in fold(line) else "row")
    labels = {k: e.label for k, e in by_key.items() if not k.startswith("code:")}
    distinct = _distinctive(labels, generic)
    for k, e in by_key.items():
        kinds = e.kinds
        sections = sorted(e.sections, key=lambda s: _rank(s.kind))
        rows = list(dict.fromkeys(e.rows))
        kind = next((k2 for k2 in ("partij", "reserve", "indicator", "beleidsterrein", "programme", "doel",
                                   "prestatie", "table", "row", "verbonden-partijen", "part") if k2 in kinds),
                    "indicator" if k.startswith("code:") else "row")
        aliases = list(e.aliases)
        if kind in ("partij", "reserve", "row"):
            aliases += distinct.get(k, [])
            acronym = _acronym(e.label, words) if kind == "partij" else None
            if acronym:
                aliases.append(acronym)
        aliases = [a for a in dict.fromkeys(aliases) if a and a not in generic and a not in MEASURE_FAMILIES]
        if kind == "indicator" and sections and sections[0].code:
            aliases = [fold(sections[0].code), *aliases]
        if not aliases and not rows:
            continue
        explanations = tuple(dict.fromkeys(row_links[r] for r in rows if r in row_links))
        if not explanations and rows and all(r.line in totals.get(r.table_id, set()) for r in rows):
            # a total row is explained by every explanation of the rows it adds up
            explanations = tuple(dict.fromkeys(section_id for r in rows for ref, section_id in row_links.items()
                                               if ref.table_id == r.table_id))
        if kind == "indicator" and sections:
            explanations = (sections[0].id,)
        general_explanation = next((general[r.table_id] for r in rows if general.get(r.table_id)), None)
        sid = f"{document.id}#{k}"
        subjects[sid] = Subject(
            id=sid, kind=kind, label=e.label, document_id=document.id,
            section_id=sections[0].id if sections else (tables_section(doc_tables, rows)),
            sections=tuple(s.id for s in sections) or (explanations if kind == "reserve" else ()),
            aliases=tuple(aliases), rows=tuple(rows), explanations=explanations,
            general_explanation=general_explanation,
            total=bool(rows) and all(r.line in totals.get(r.table_id, set()) for r in rows),
        )


@dataclass
class _Entry:
    """A subject being collected: its label and what names it."""

    label: str
    sections: list[Section] = field(default_factory=list)
    rows: list[RowRef] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


def _variants(label: str) -> list[str]:
    """Folded spellings of a label: as is, without parentheses, hyphens as spaces or joined."""
    base = fold(label).strip().rstrip(".:")
    out = [base, PARENTHESES.sub("", base).strip(), key(label)]
    out += [v.replace("-", " ") for v in out if "-" in v] + [v.replace("-", "") for v in out if "-" in v]
    return [re.sub(r"\s+", " ", v) for v in dict.fromkeys(out) if len(v) >= 3]


def _reserve_aliases(label: str) -> list[str]:
    """Dutch ways to name a reserve: 'Reserve parkeren' -> 'parkeerreserve', 'reserve van de parkeren'."""
    words = LABEL_WORDS.findall(key(label))
    head = next((w for w in words if w.endswith("reserve")), None)
    if head is None:
        return []
    rest = " ".join(w for w in words if w != head)
    if not rest:
        return []
    joined = rest.replace(" ", "")
    out = [f"{head} {rest}", f"{rest} {head}", f"{head} van de {rest}", f"{head} {rest}".replace("-", " ")]
    if head == "reserve":
        out += [f"{joined}reserve", f"{joined}sreserve", f"{joined}-reserve"]
    else:
        out += [f"reserve {rest}", f"{rest} reserve"]
    return out


def _distinctive(labels: dict[str, str], generic: frozenset[str]) -> dict[str, list[str]]:
    """Single words (≥ 5 letters) of a name that no other subject's label uses ('drechtsteden')."""
    counts: dict[str, int] = {}
    words_of = {sid: set(LABEL_WORDS.findall(key(label))) for sid, label in labels.items()}
    for words in words_of.values():
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    return {sid: [w for w in words if len(w) >= 5 and counts[w] == 1 and w not in generic] for sid, words in
            words_of.items()}


def _acronym(label: str, words: frozenset[str]) -> str | None:
    """Initials of a name, compounds split on corpus words: 'Belastingsamenwerking West-Brabant' -> 'bswb'."""
    parts = [p for p in re.split(r"[\s-]+", label) if p[:1].isupper()]
    letters: list[str] = []
    for part in parts:
        folded = fold(part)
        cut = next((i for i in range(4, len(folded) - 3) if folded[i:] in words
                    and any(w.startswith(folded[:i]) for w in words)), None)
        letters += [folded[0], folded[cut]] if cut else [folded[0]]
    return "".join(letters) if len(letters) >= 3 else None


def _explanation_links(corpus: Corpus, doc_sections: list[Section], table: Table) -> tuple[dict[str, str], str | None]:
    """Prose that explains each row of a table: a child titled like the row, or a child of the next
    'ontwikkelingen/toelichting' part; that part's own text is the general explanation."""
    by_id = {s.id: s for s in doc_sections}
    home = by_id.get(table.section_id)
    if home is None:
        return {}, None
    siblings = [s for s in doc_sections if s.parent_id == home.parent_id]
    after = [s for s in siblings if s.line_start > home.line_start]
    explainer = None
    for s in after:
        if any(word in fold(s.title) for word in EXPLANATION_WORDS):
            explainer = s
            break
        if any(t.section_id == s.id for t in corpus.tables):
            break
    candidates = [s for s in doc_sections if s.parent_id in {home.id, explainer.id if explainer else ""}]
    links: dict[str, str] = {}
    for line in dict.fromkeys(c.line for c in table.cells):
        match = next((s for s in candidates if key(s.title) == key(line)), None)
        if match is not None:
            links[line] = match.id
    return links, explainer.id if explainer else None


def tables_section(tables: list[Table], rows: list[RowRef]) -> str | None:
    """The section of the first table of some rows."""
    return next((t.section_id for r in rows for t in tables if t.id == r.table_id), None)


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
