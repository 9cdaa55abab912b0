"""Answer money and indicator questions from the parsed tables: line × measure × year, exact cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.numbers import format_euro, format_number
from knowledge.render import cell_amount
from knowledge.types import Cell, Corpus, Resolved, Section, Table
from nlu.entities import Entity, extract_entities, first_value, fold, values

BUDGET_YEAR = 2026
FINANCIAL = ("Lasten", "Baten", "Saldo", "Saldo van baten en lasten", "Toevoeging", "Onttrekking",
             "Mutaties reserves", "Resultaat")
RESERVE_GROUP = ("Toevoeging", "Onttrekking", "Mutaties reserves", "Resultaat")
LINES = ("Bestuur", "Dienstverlening", "Programma")
MONEY_HINTS = ("bedrag", "geld", "budget", "begroot", "euro", "€", "how much", "money", "hoe hoog", "hoe duur",
               "tarief", "tarieven", "prijs", "price")
EXPLAIN_HINTS = ("waarom", "waardoor", "hoe komt", "oorzaak", "verklaring", "toelichting", "why", "reden")
INDICATOR_MEASURES = ("Streefwaarde", "Realisatie", "Indicator")
_INDICATOR_CODE = re.compile(r"^\d[A-Z]\d\.[a-z]$")
COMPARE_HINTS = ("stijg", "daal", "verschil", "vergelek", "verander", "toename", "afname", "hoger", "lager",
                 "groei", "omhoog", "omlaag", "increase", "decrease", "rise", "compare", "meer of minder")
ANAPHORA = re.compile(r"\b(daar|hier|er)(aan|voor|van|in|mee|op|over)\b", re.IGNORECASE)
FOLLOW_UP = re.compile(r"^\s*(en|and|ook|wat als|hoe zit het met|what about)\b", re.IGNORECASE)
RESERVE_WORDS = {
    "Toevoeging": "de toevoeging (geld dat in de reserve wordt gestort)",
    "Onttrekking": "de onttrekking (geld dat uit de reserve wordt gehaald)",
    "Saldo": "het saldo (toevoegingen min onttrekkingen)",
}
PLURAL = ("Lasten", "Baten", "Mutaties reserves")
NEGATIVE_WORDS = {"Baten": "Baten", "Onttrekking": "Onttrekkingen"}
MEASURE_WORDS = {
    "Lasten": "de lasten (uitgaven)",
    "Baten": "de baten (inkomsten)",
    "Saldo": "het saldo (lasten min baten)",
    "Saldo van baten en lasten": "het saldo van baten en lasten (wat het programma per saldo kost)",
    "Toevoeging": "de toevoeging aan de reserve",
    "Onttrekking": "de onttrekking uit de reserve (geld dat uit de spaarpot wordt gehaald)",
    "Mutaties reserves": "de mutaties in de reserves (toevoegingen en onttrekkingen samen)",
    "Resultaat": "het resultaat (saldo na reserves)",
    "Bijdrage": "de bijdrage",
    "Investering": "de investering",
    "Subsidie": "het totaal aan subsidies",
}


@dataclass(frozen=True)
class TableFacts:
    """The cells that answer a question, with the table and section to cite."""

    table: Table
    section: Section
    cells: tuple[Cell, ...]
    resolved: Resolved
    compare: bool
    default_year: bool


def has_hint(folded: str, hints: tuple[str, ...]) -> bool:
    """A hint word (or word start) occurs in the folded question."""
    return any(re.search(r"(?<![\w])" + re.escape(h), folded) for h in hints)


def wants_money(question: str, entities: list[Entity]) -> bool:
    """The question asks for an amount or an indicator value: a measure, a money word, or 'hoeveel' + a line."""
    folded = fold(question)
    if has_hint(folded, EXPLAIN_HINTS):
        return False
    if any(e.kind == "measure" for e in entities) or has_hint(folded, MONEY_HINTS):
        return True
    return has_hint(folded, ("hoeveel",)) and any(e.kind in ("line", "reserve") for e in entities)


def is_follow_up(question: str) -> bool:
    """A short, 'en …' or 'daaraan' question that leans on the previous turn."""
    return bool(FOLLOW_UP.match(question) or ANAPHORA.search(question)) or len(question.split()) <= 3


def table_vocabulary(corpus: Corpus) -> dict[str, dict[str, list[str]]]:
    """Row labels of the tables that entity recognition does not already know, as extra vocabulary."""
    labels: dict[str, list[str]] = {}
    for table in corpus.tables:
        for cell in table.cells:
            label = cell.line
            if label in LINES or label == "Reserves" or re.match(r"^\d[A-Z]\d", label) or label in labels:
                continue
            if any(e.kind in ("party", "reserve") for e in extract_entities(label)):
                continue
            labels[label] = [label.lower()]
    return {"table_label": labels}


def _topic_entities(corpus: Corpus, context: Resolved) -> list[Entity]:
    """Entities named by the section the conversation was about ('daaraan' after a question on a party)."""
    section = corpus.section(context.topic) if context.topic else None
    return extract_entities(" / ".join(section.path)) if section else []


def _kind_phrase(cell: Cell) -> str:
    if cell.kind == "rekening":
        return f"In de jaarrekening {cell.year}"
    if cell.kind == "meerjarenbegroting":
        return f"In de meerjarenbegroting voor {cell.year}"
    return f"In de begroting {cell.year}"


def _section_for(corpus: Corpus, table: Table, cell: Cell) -> Section:
    if re.match(r"^\d[A-Z]\d\.[a-z]$", cell.line):
        found = next((s for s in corpus.sections if s.code == cell.line and s.document_id == table.document_id), None)
        if found:
            return found
    section = corpus.section(table.section_id)
    assert section is not None
    return section


def _financial_table(corpus: Corpus, suffix: str) -> Table | None:
    return next((t for t in corpus.tables if t.section_id.endswith(f":{suffix}")), None)


def find_facts(corpus: Corpus, question: str, entities: list[Entity], context: Resolved | None) -> TableFacts | None:
    """Find the table cells a question asks for, or None when it is not a table question."""
    folded = fold(question)
    money = wants_money(question, entities)
    compare = has_hint(folded, COMPARE_HINTS)
    measure = first_value(entities, "measure")
    line = first_value(entities, "line")
    years = [int(y) for y in values(entities, "year")]
    codes = [c for c in values(entities, "section_code") if _INDICATOR_CODE.match(c)]
    reserve = first_value(entities, "reserve")
    party = first_value(entities, "party")
    label = first_value(entities, "table_label")
    follow = context is not None and is_follow_up(question)
    if follow and context is not None:
        if not (line or reserve or party or label or codes):
            topic = _topic_entities(corpus, context)
            line = context.line if context.line in LINES else None
            codes = [context.line] if context.line and _INDICATOR_CODE.match(context.line) else codes
            reserve = reserve or (context.line if context.line and "reserve" in context.line.lower() else None)
            reserve = reserve or first_value(topic, "reserve")
            party = party or first_value(topic, "party")
        if not measure and context.measure and not (codes and context.measure not in INDICATOR_MEASURES):
            measure = context.measure
        if not years and context.year:
            years = [context.year]
    if not (measure or money or codes or (follow and (line or measure))):
        return None
    if measure in INDICATOR_MEASURES and not codes:
        return None  # which indicator is meant is left to retrieval
    if measure == "Indicator":
        measure = None

    table: Table | None = None
    line_key: str | None = None
    if codes and (measure in (None, "Streefwaarde", "Realisatie")):
        table = next((t for t in corpus.tables if t.find(line=codes[0])), None)
        line_key = codes[0]
    elif reserve:
        table, line_key = _financial_table(corpus, "reserves"), reserve
    elif party and (measure == "Bijdrage" or has_hint(folded, MONEY_HINTS)):
        table = next((t for t in corpus.tables if t.find(line=party, measure="Bijdrage")), None)
        line_key = party
    elif label:
        table = next((t for t in corpus.tables if t.find(line=label)), None)
        line_key = label
    elif measure in ("Investering", "Subsidie"):
        table = next((t for t in corpus.tables if t.find(measure=measure)), None)
        line_key = table.cells[0].line if table else None
    elif measure in FINANCIAL or (measure is None and line and (money or follow)):
        table = _financial_table(corpus, "programmakosten")
        measure = measure or "Lasten"
        line_key = "Reserves" if measure in RESERVE_GROUP and not line else (line or "Programma")
        if line_key == "Programma" and measure == "Saldo":
            measure = "Saldo van baten en lasten"
        if line_key in ("Bestuur", "Dienstverlening") and measure == "Saldo van baten en lasten":
            measure = "Saldo"
        if line_key != "Reserves" and measure in RESERVE_GROUP:
            line_key = "Reserves"
    if table is None or line_key is None:
        return None

    row = table.find(line=line_key)
    if measure and any(c.measure == measure and (not years or c.year in years) for c in row):
        row = [c for c in row if c.measure == measure]
    elif not codes and len({c.measure for c in row}) > 1:
        row = [c for c in row if c.value is not None] or row
    if not row:
        return None
    available = sorted({c.year for c in row if c.year is not None})
    default_year = False
    if not years and codes:
        years = available
    elif not years:
        if len(available) == 1:
            years = available
        elif compare and BUDGET_YEAR in available and BUDGET_YEAR - 1 in available:
            years = [BUDGET_YEAR - 1, BUDGET_YEAR]
        else:
            years = [BUDGET_YEAR] if BUDGET_YEAR in available else available[-1:]
            default_year = not codes
    elif compare and len(years) == 1 and years[0] - 1 in available:
        years = [years[0] - 1, years[0]]
    cells = tuple(c for c in row if c.year in years) or tuple(row if codes else ())
    resolved = Resolved(year=years[-1] if years else None, line=line_key, measure=measure or row[0].measure)
    section = _section_for(corpus, table, row[0])
    return TableFacts(table, section, cells, resolved, compare and len(years) >= 2, default_year)


def describe(facts: TableFacts) -> str:
    """The answer in plain Dutch, with the exact values, unit, year and kind, and a word of explanation."""
    cells = facts.cells
    if not cells:
        years = sorted({c.year for c in facts.table.cells if c.year})
        return (f"Voor dat jaar staat er geen bedrag in de tabel '{facts.table.title}'. "
                f"De tabel gaat over de jaren {years[0]} tot en met {years[-1]}.")
    first = cells[0]
    if first.measure in ("Streefwaarde", "Realisatie"):
        return _describe_indicator(facts)
    subject = _subject(first)
    words = {**MEASURE_WORDS, **RESERVE_WORDS} if facts.table.section_id.endswith(":reserves") else MEASURE_WORDS
    if facts.table.section_id.endswith(":reserves") and len({c.measure for c in cells}) > 1:
        cells = tuple(c for c in cells if c.measure != "Saldo" and c.value is not None) or cells
    sentences = []
    for cell in cells:
        what = words.get(cell.measure, cell.measure.lower())
        amount = _positive_amount(cell)
        verb = "zijn" if cell.measure in PLURAL else "is"
        sentences.append(f"{_kind_phrase(cell)} {verb} {what} {subject}: {amount}.")
    if facts.compare and len(cells) >= 2 and cells[0].value is not None and cells[-1].value is not None:
        sentences = sentences[:1] + sentences[-1:]
        diff = abs(cells[-1].value) - abs(cells[0].value)
        unit_factor = 1000 if first.unit == "× €1.000" else 1
        direction = "hoger" if diff > 0 else "lager" if diff < 0 else "gelijk"
        change = f"Dat is {format_euro(abs(diff) * unit_factor)} {direction}" if diff else "Dat is gelijk"
        sentences.append(f"{change} in {cells[-1].year} dan in {cells[0].year}.")
    if facts.default_year:
        sentences.append("U noemde geen jaar; dit is het begrotingsjaar 2026.")
    sentences.append(_explain(first))
    return " ".join(s for s in sentences if s)


def _subject(cell: Cell) -> str:
    if cell.line in ("Programma", "Reserves"):
        return "van het programma Bestuur en dienstverlening"
    if cell.measure == "Bijdrage":
        return f"aan {cell.line}"
    if cell.measure in ("Investering", "Subsidie"):
        return f"({cell.line})"
    if cell.line.lower().startswith(("reserve", "egalisatiereserve")):
        return f"bij de {cell.line}"
    return f"van {cell.line}"


def _positive_amount(cell: Cell) -> str:
    if cell.value is None:
        return "geen bedrag (in de tabel staat '-')"
    shown = cell_amount(Cell(cell.line, cell.measure, cell.year, cell.kind, abs(cell.value), cell.raw, cell.unit))
    return shown


def _explain(cell: Cell) -> str:
    parts = []
    if cell.unit == "× €1.000":
        parts.append(f"In de tabel staat {cell.raw}, want de bedragen zijn × €1.000.")
    elif cell.measure == "Bijdrage" and not cell.raw.replace(".", "").isdigit():
        parts.append(f"In de begroting staat: '{cell.raw}'.")
    if cell.value is not None and cell.value < 0 and cell.measure in ("Baten", "Onttrekking"):
        parts.append(f"{NEGATIVE_WORDS[cell.measure]} staan in de tabel als negatief getal.")
    return " ".join(parts)


def _describe_indicator(facts: TableFacts) -> str:
    code = facts.cells[0].line
    title = facts.section.title
    unit = facts.cells[0].unit
    unit_text = "" if unit == "%" else f" ({unit})" if unit else ""
    real = [c for c in facts.cells if c.measure == "Realisatie"]
    target = [c for c in facts.cells if c.measure == "Streefwaarde"]
    parts = [f"Indicator {code}: {title}."]
    if real:
        parts.append("Gemeten (realisatie): " + ", ".join(f"{_value(c)} in {c.year}" for c in real) + f"{unit_text}.")
    if target:
        parts.append("Streefwaarde: " + ", ".join(f"{_value(c)} voor {c.year}" for c in target) + f"{unit_text}.")
    source = re.search(r"Bron: ([^.]+)\.", facts.section.text)
    if source:
        parts.append(f"Bron: {source.group(1)}.")
    if any(c.note for c in target) and facts.table.footnotes:
        parts.append(f"Let op: {facts.table.footnotes[0].lstrip('* ').rstrip('.')}.")
    return " ".join(parts)


def _value(cell: Cell) -> str:
    if cell.value is None:
        return "geen waarde"
    return f"{format_number(cell.value)}%" if cell.unit == "%" else format_number(cell.value)
