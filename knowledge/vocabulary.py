"""Vocabulary from the corpus: subjects (rows, reserves, partijen, sections, tables), measures, years, links.

Nothing here names a line, a year, a programme or a municipality: every label comes from the parsed documents.
The only constants are general budget words (BBV measures and their everyday synonyms, explanation headings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge.lexical import stem
from knowledge.types import Corpus, Document, Mention, RowRef, Section, Subject, Table
from nlu.entities import fold

# General budget vocabulary: a measure family and the words people use for it (Dutch and English).
MEASURE_FAMILIES: dict[str, tuple[str, ...]] = {
    "lasten": ("lasten", "last", "kosten", "kost", "kostte", "gekost", "uitgaven", "uitgave", "uitgeven",
               "uitgegeven", "geeft uit", "geven uit", "besteed", "besteden", "besteedt", "cost", "costs", "spend",
               "spends", "spent", "spending", "expenses", "expenditure", "expenditures"),
    "baten": ("baten", "inkomsten", "opbrengsten", "opbrengst", "ontvangsten", "ontvangt", "inkomen", "verdient",
              "income", "revenue", "revenues", "receipts", "earns", "earn", "comes in", "come in", "coming in"),
    "saldo": ("saldo", "netto", "per saldo", "net", "balance", "nettokosten", "net cost", "net costs"),
    "toevoeging": ("toevoeging", "toevoegingen", "toegevoegd", "storting", "stortingen", "gestort", "addition",
                   "additions", "added", "deposit", "deposits", "deposited", "put into", "added to"),
    "onttrekking": ("onttrekking", "onttrekkingen", "onttrokken", "onttrekken", "onttrekt", "withdrawal",
                    "withdrawals", "withdrawn", "withdraw", "taken out", "taken from", "drawn from", "uit de reserve",
                    "gehaald uit", "halen uit", "haalt uit"),
    "mutaties": ("mutaties", "mutatie", "reservemutaties", "mutaties reserves", "changes in reserves",
                 "mutations", "reserve mutations"),
    "resultaat": ("resultaat", "result", "resultaten"),
    "bijdrage": ("bijdrage", "bijdragen", "betaalt", "betalen", "betaald", "draagt bij", "dragen bij",
                 "contribution", "contributions", "contributes", "pay", "pays", "paid"),
    "streefwaarde": ("streefwaarde", "streefwaarden", "streven", "doelwaarde", "target", "targets", "aimed"),
    "realisatie": ("realisatie", "gerealiseerd", "behaald", "gemeten", "score", "scoorde", "scores", "gescoord",
                   "measured", "achieved", "realisation", "realization", "actual"),
    "investering": ("investering", "investeringen", "investeren", "investeert", "geinvesteerd", "investment",
                    "investments", "invest", "invested"),
    "subsidie": ("subsidie", "subsidies", "subsidieplafond", "subsidy", "grants", "grant"),
}
# Headings under which a budget explains its numbers (BBV practice), and prefixes that only say what a part is.
EXPLANATION_WORDS = ("ontwikkeling", "toelichting", "analyse", "verklaring", "verschillen")
TITLE_PREFIXES = ("beleidsterrein ", "toelichting ", "doel ", "programma ")
SECTION_SUBJECT_KINDS = ("programme", "beleidsterrein", "doel", "prestatie", "indicator", "partij", "part",
                         "verbonden-partijen")
KIND_ORDER = ("partij", "beleidsterrein", "programme", "doel", "prestatie", "indicator", "verbonden-partijen", "part")
MONEY_UNITS = ("× €1.000", "€")
_PAREN = re.compile(r"\s*\([^)]*\)")
_WORDS = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=65536)
def key(title: str) -> str:
    """A folded title without parentheses and structural prefixes: 'Beleidsterrein Wonen' -> 'wonen'."""
    folded = _PAREN.sub("", fold(title)).strip().rstrip(".:")
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
    lookups: dict[str, object] = field(default_factory=dict)  # derived lookups built on first use (subject_index)

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
            self._alias_words = frozenset(w for a in names for w in _WORDS.findall(a) if len(w) >= 4 and w.isalpha())
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


def _variants(label: str) -> list[str]:
    """Folded spellings of a label: as is, without parentheses, hyphens as spaces or joined."""
    base = fold(label).strip().rstrip(".:")
    out = [base, _PAREN.sub("", base).strip(), key(label)]
    out += [v.replace("-", " ") for v in out if "-" in v] + [v.replace("-", "") for v in out if "-" in v]
    return [re.sub(r"\s+", " ", v) for v in dict.fromkeys(out) if len(v) >= 3]


def _reserve_aliases(label: str) -> list[str]:
    """Dutch ways to name a reserve: 'Reserve parkeren' -> 'parkeerreserve', 'reserve van de parkeren'."""
    words = _WORDS.findall(key(label))
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


def _sum_matches(total: list[float | None], parts: list[list[float | None]]) -> bool:
    if not parts or any(len(p) != len(total) for p in parts):
        return False
    compared = 0
    for i, value in enumerate(total):
        values = [p[i] or 0.0 for p in parts]  # '-' in a money table is nothing
        if value is None or not any(values):
            continue
        compared += 1
        if abs(value - sum(values)) > 0.5 * len(values) + 0.01:
            return False
    return compared >= 1


def total_rows(table: Table) -> set[str]:
    """Row groups that are the sum of the other groups (checked on the numbers, not the words)."""
    groups: dict[str, dict[str, list[float | None]]] = {}
    if table.unit not in MONEY_UNITS:
        return set()
    for cell in table.cells:
        groups.setdefault(cell.line, {}).setdefault(measure_family(cell.measure, table.title), []).append(cell.value)
    totals: set[str] = set()
    for line, measures in groups.items():
        for family, values in measures.items():
            if all(v is None for v in values):
                continue
            order = list(groups)
            parts = [m[family] for other, m in groups.items() if other != line and family in m]
            after_parts = order.index(line) == len(order) - 1  # a lone part's total is listed after it
            if (len(parts) >= 2 or (parts and after_parts)) and _sum_matches(values, parts):
                totals.add(line)
                break
    return totals


def _distinctive(labels: dict[str, str], generic: frozenset[str]) -> dict[str, list[str]]:
    """Single words (≥ 5 letters) of a name that no other subject's label uses ('drechtsteden')."""
    counts: dict[str, int] = {}
    words_of = {sid: set(_WORDS.findall(key(label))) for sid, label in labels.items()}
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


def build_vocabulary(corpus: Corpus, generic: Iterable[str] = ()) -> Vocabulary:
    """Compile the vocabulary of every document in the corpus."""
    documents = {d.id: d for d in corpus.documents}
    municipalities = {w for d in corpus.documents if d.municipality for w in _WORDS.findall(fold(d.municipality))}
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
    stems = frozenset(stem(w) for s in corpus.sections for w in _WORDS.findall(fold(" ".join((s.title, s.text)))))
    return Vocabulary(documents, subjects, tables, families, measure_words, generic_words, years, parents,
                      stems).compile()


def _document_subjects(corpus: Corpus, document: Document, subjects: dict[str, Subject],
                       generic: frozenset[str]) -> None:
    """Subjects of one document: sections by title, table rows by label, merged when the key is the same."""
    words = frozenset(w for s in corpus.sections if s.document_id == document.id
                      for w in _WORDS.findall(fold(s.text)) if len(w) >= 4)
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


def tables_section(tables: list[Table], rows: list[RowRef]) -> str | None:
    """The section of the first table of some rows."""
    return next((t.section_id for r in rows for t in tables if t.id == r.table_id), None)


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
