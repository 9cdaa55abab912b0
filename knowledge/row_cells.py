"""The cells of one subject's row for the asked measure and years (a verified reading of one table row)."""

from __future__ import annotations

from dataclasses import replace

from knowledge.subject_index import subject_index
from knowledge.types import (
    Cell,
    Clarify,
    ClarifyOption,
    Corpus,
    NoAmount,
    Query,
    Resolved,
    RowRef,
    Section,
    Subject,
    Table,
    TableFacts,
)
from knowledge.vocabulary import INDICATOR_FAMILIES, Vocabulary

FAMILY_LABELS = {"lasten": "lasten", "baten": "baten", "saldo": "saldo", "toevoeging": "toevoeging",
                 "onttrekking": "onttrekking", "mutaties": "mutaties reserves", "resultaat": "resultaat"}


def row_cells(vocab: Vocabulary, row: RowRef) -> list[Cell]:
    """Every cell of one row group of a table."""
    table = vocab.tables.get(row.table_id)
    return [c for c in table.cells if c.line == row.line] if table else []


def year_phrase(query: Query) -> str:
    """' in <year>' for the last year asked (empty without one)."""
    return f" in {query.years[-1]}" if query.years else ""


def read_cells(vocab: Vocabulary, corpus: Corpus, query: Query, subject: Subject,
           family: str | None) -> TableFacts | NoAmount:
    """The subject's cells for the measure and the asked (or default) years, or why there are none."""
    rows = [r for r in subject.rows if family is None or any(
        vocab.families.get(c.measure) == family for c in row_cells(vocab, r))]
    if query.total and len(rows) > 1:
        rows = [r for r in rows if r.line in totals_of(vocab, r)] or rows
    row = rows[0]
    table = vocab.tables[row.table_id]
    cells = [c for c in row_cells(vocab, row) if family is None or vocab.families.get(c.measure) == family]
    totals = totals_of(vocab, row)
    single = len({c.line for c in table.cells} - totals) == 1  # a total of one row: that row is what it holds
    listed = (query.listing or single) and (subject.total or row.line in totals) \
        and len({c.line for c in table.cells}) > 1
    if listed:
        # 'welke investeringen?': every row of the table, the total last
        lines = [line for line in dict.fromkeys(c.line for c in table.cells) if line != row.line] + [row.line]
        cells = [c for line in lines for c in table.cells if c.line == line
                 and (family is None or vocab.families.get(c.measure) == family)]
    if len(rows) > 1 and not listed:
        other = [c for r in rows[1:] for c in row_cells(vocab, r) if vocab.families.get(c.measure) == family]
        if any(o.year == c.year and o.value != c.value for o in other for c in cells if o.value is not None):
            options = tuple(ClarifyOption(f"{r.line} ({vocab.tables[r.table_id].title})",
                                          f"Wat is de {FAMILY_LABELS.get(family or '', family)} van {r.line}"
                                          f"{year_phrase(query)}?") for r in rows[:4])
            return NoAmount("Er staan verschillende bedragen in de begroting.",
                            Clarify(f"Welke tabel bedoelt u voor {subject.label}?", options))
    available = sorted({c.year for c in cells if c.year is not None})
    listing = (query.listing or listed) and len({c.line for c in cells}) > 1
    indicator = family in INDICATOR_FAMILIES or family is None
    doc_year = vocab.budget_year([subject.document_id])
    compare = query.intent == "compare"
    years = list(query.years)
    default_year = None
    extreme = query.extreme if not indicator and len(available) > 1 else None
    if extreme is not None and len(query.years) < 2:
        years = available  # 'in welk jaar … het hoogst?': every year of the row, the answer names the one
    elif not years:
        if indicator:
            years = available
        elif len(available) == 1:
            years = available
        elif compare and doc_year in available and doc_year is not None and doc_year - 1 in available:
            years = [doc_year - 1, doc_year]
        else:
            years = [doc_year] if doc_year in available else available[-1:]
            default_year = years[0] if years else None
    elif compare and len(years) == 1 and years[0] - 1 in available:
        years = [years[0] - 1, years[0]]
    if indicator and subject.kind == "indicator":
        measured = sorted({c.year for c in cells if c.year is not None and c.measure == "Realisatie"})
        if query.since is not None and any(y >= query.since for y in measured):
            years = [y for y in measured if y >= query.since]  # 'gedaald sinds <jaar>': every measurement since
        elif query.latest and measured and not query.years:
            years = measured[-1:]  # 'volgens de laatste meting'
    chosen = tuple(c for c in cells if c.year in years)
    if not chosen and "year" in query.inherited:  # a year from the previous turn that this row does not have
        return read_cells(vocab, corpus, replace(query, years=(), inherited=tuple(
            i for i in query.inherited if i != "year")), subject, family)
    if not chosen and "measure" in query.inherited and family is not None:
        # 'and what was it in <earlier year>?' after a target: the one other measure of the row that year has
        kinds = {f for c in row_cells(vocab, row) if c.year in years and (f := vocab.families.get(c.measure))}
        if len(kinds - {family}) == 1:
            swapped = (kinds - {family}).pop()
            return read_cells(vocab, corpus, replace(query, measure=swapped, inherited=tuple(
                i for i in query.inherited if i != "measure")), subject, swapped)
    if not chosen:
        span = f"{available[0]} tot en met {available[-1]}" if len(available) > 1 else \
            f"alleen {available[0]}" if available else "andere jaren"
        kept = Resolved(line=row.line, measure=family or cells[0].measure if cells else family, subject=subject.id,
                        intent=query.intent, document=subject.document_id)
        return NoAmount(f"Voor {', '.join(map(str, years))} staat er geen bedrag voor {subject.label} in de tabel "
                        f"'{table.title}'. De tabel gaat over {span}.", kept=kept)
    section = _section_for(corpus, table, row, subject)
    measure = chosen[0].measure
    resolved = Resolved(year=years[-1] if years else None, line=row.line, measure=family or measure,
                        topic=section.id, subject=subject.id, intent=query.intent, document=subject.document_id)
    if extreme is not None and len(chosen) > 1:
        values = [abs(c.value) for c in chosen if c.value is not None]
        if values:
            best = max(values) if extreme == "max" else min(values)
            top = [c for c in chosen if c.value is not None and abs(c.value) == best]
            resolved = replace(resolved, year=top[0].year)
            return TableFacts(table, section, subject, chosen, family or "", resolved, False, None,
                              extreme=extreme)
    return TableFacts(table, section, subject, chosen, family or "", resolved, compare and len(years) >= 2,
                      default_year, listing=listing)


def totals_of(vocab: Vocabulary, row: RowRef) -> frozenset[str]:
    """The lines of the row's table that are totals of the others."""
    return subject_index(vocab).totals(row.table_id)


def _section_for(corpus: Corpus, table: Table, row: RowRef, subject: Subject) -> Section:
    """The section to cite: an indicator's own section, else the table's."""
    if subject.kind == "indicator" and subject.section_id:
        found = corpus.section(subject.section_id)
        if found:
            return found
    section = corpus.section(table.section_id)
    assert section is not None
    return section
