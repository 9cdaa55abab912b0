"""The words of an amount answer: measure, year and kind of each cell, the unit, and a word of explanation."""

from __future__ import annotations

import re

from knowledge.numbers import format_euro, format_number
from knowledge.render import cell_amount
from knowledge.types import Cell, TableFacts
from knowledge.vocabulary import INDICATOR_FAMILIES
from nlu.entities import fold

# Plain-Dutch words for the general measure families (BBV terms), used in answers.
FAMILY_WORDS = {
    "lasten": "de lasten (uitgaven)",
    "baten": "de baten (inkomsten)",
    "saldo": "het saldo",
    "toevoeging": "de toevoeging (geld dat in de reserve wordt gestort)",
    "onttrekking": "de onttrekking (geld dat uit de reserve wordt gehaald)",
    "mutaties": "de mutaties in de reserves (toevoegingen en onttrekkingen samen)",
    "resultaat": "het resultaat (saldo na reserves)",
    "bijdrage": "de bijdrage",
    "investering": "de investering",
    "subsidie": "het totaal aan subsidies",
}
PLURAL = ("lasten", "baten", "mutaties")
NEGATIVE_WORDS = {"baten": "Baten", "onttrekking": "Onttrekkingen"}
SOURCE = re.compile(r"Bron: ([^.]+)\.")  # an indicator's source line


def kind_phrase(cell: Cell) -> str:
    """'In de jaarrekening / meerjarenbegroting / begroting <year>': where a cell's figure comes from."""
    if cell.kind == "rekening":
        return f"In de jaarrekening {cell.year}"
    if cell.kind == "meerjarenbegroting":
        return f"In de meerjarenbegroting voor {cell.year}"
    return f"In de begroting {cell.year}"


def kind_word(cell: Cell) -> str:
    """'jaarrekening', 'meerjarenbegroting' or 'begroting': the kind of a cell's figure in one word."""
    return {"rekening": "jaarrekening", "meerjarenbegroting": "meerjarenbegroting"}.get(cell.kind, "begroting")


def describe(facts: TableFacts, document_label: str = "") -> str:
    """The answer in plain Dutch, with the exact values, unit, year and kind, and a word of explanation."""
    cells = facts.cells
    first = cells[0]
    if facts.family in INDICATOR_FAMILIES or facts.subject.kind == "indicator":
        return _describe_indicator(facts)
    subject = subject_phrase(facts)
    if facts.total_of:
        return _describe_share(facts, subject)
    if facts.extreme:
        return _describe_extreme(facts, subject)
    sentences = []
    if facts.listing:
        rows = "; ".join(f"{c.line}: {positive_amount(c)}" for c in cells)
        what = FAMILY_WORDS.get(facts.family, first.measure.lower())
        return " ".join(p for p in (
            f"{kind_phrase(first)} staan deze regels voor {what} in de tabel '{facts.table.title}': {rows}.",
            _default_year(facts), explain_cell(first, facts.family)) if p)
    for cell in cells:
        what = FAMILY_WORDS.get(facts.family, cell.measure.lower())
        if facts.family == "saldo" and fold(cell.measure) != "saldo":
            what = f"het saldo ({cell.measure.lower()})"
        elif facts.family == "saldo" and facts.subject.kind == "reserve":
            what = "het saldo (de mutatie: wat erin gaat min wat eruit gaat)"
        verb = "zijn" if facts.family in PLURAL else "is"
        sentences.append(f"{kind_phrase(cell)} {verb} {what} {subject}: {positive_amount(cell)}.")
    if facts.compare and len(cells) >= 2 and cells[0].value is not None and cells[-1].value is not None:
        sentences = sentences[:1] + sentences[-1:]
        diff = abs(cells[-1].value) - abs(cells[0].value)
        unit_factor = 1000 if first.unit == "× €1.000" else 1
        direction = "hoger" if diff > 0 else "lager" if diff < 0 else "gelijk"
        change = f"Dat is {format_euro(abs(diff) * unit_factor)} {direction}" if diff else "Dat is gelijk"
        sentences.append(f"{change} in {cells[-1].year} dan in {cells[0].year}.")
    sentences.append(_default_year(facts))
    sentences.append(explain_cell(first, facts.family))
    if document_label:
        sentences.append(f"(Bron: {document_label}.)")
    return " ".join(s for s in sentences if s)


def _default_year(facts: TableFacts) -> str:
    """The note that the budget year was taken because the question named no year ('' when it named one)."""
    return f"U noemde geen jaar; dit is het begrotingsjaar {facts.default_year}." if facts.default_year else ""


def _describe_extreme(facts: TableFacts, subject: str) -> str:
    """The year(s) with the highest or lowest amount of a row, with every year's amount as the evidence."""
    what = FAMILY_WORDS.get(facts.family, facts.cells[0].measure.lower())
    known = [c for c in facts.cells if c.value is not None]
    best = (max if facts.extreme == "max" else min)(abs(c.value or 0.0) for c in known)
    top = [c for c in known if abs(c.value or 0.0) == best]
    word = "het hoogst" if facts.extreme == "max" else "het laagst"
    verb = "zijn" if facts.family in PLURAL else "is"
    years = " en ".join(f"{c.year} ({kind_word(c)})" for c in top)
    return (f"Van {facts.cells[0].year} tot en met {facts.cells[-1].year} {verb} {what} {subject} {word} in {years}: "
            f"{positive_amount(top[0])}. De bron hieronder geeft het bedrag van elk jaar. "
            f"{explain_cell(top[0], facts.family)}").strip()


def _describe_share(facts: TableFacts, subject: str) -> str:
    """A row's amount as a percentage of its table's total, computed from the two cells."""
    what = FAMILY_WORDS.get(facts.family, facts.cells[0].measure.lower())
    sentences = []
    for part, whole in zip(facts.cells, facts.total_of, strict=True):
        share = abs(part.value or 0.0) / abs(whole.value or 1.0) * 100
        sentences.append(f"{kind_phrase(part)} {'zijn' if facts.family in PLURAL else 'is'} {what} {subject} "
                         f"{positive_amount(part)}. Dat is {format_number(round(share, 1))}% van het totaal "
                         f"({whole.line}: {positive_amount(whole)}).")
    sentences.append("Het percentage is berekend uit deze twee bedragen in de tabel.")
    return " ".join(sentences)


def subject_phrase(facts: TableFacts) -> str:
    """'van X', 'aan X', 'bij de X': how the answer names what the amount belongs to."""
    subject = facts.subject
    if subject.kind in ("programme", "table") or subject.total:
        return f"van {subject.label}" if subject.kind != "table" else f"({facts.cells[0].line})"
    if facts.family == "bijdrage":
        return f"aan {subject.label}"
    if subject.kind == "reserve":
        return f"bij de {subject.label}"
    return f"van {subject.label}"


def positive_amount(cell: Cell) -> str:
    """The cell's amount in euros without its sign (the measure word says the direction)."""
    if cell.value is None:
        return "geen bedrag (in de tabel staat '-')"
    return cell_amount(Cell(cell.line, cell.measure, cell.year, cell.kind, abs(cell.value), cell.raw, cell.unit))


def explain_cell(cell: Cell, family: str) -> str:
    """What the table literally says (the unit, a negative sign), so a reader can find the cell."""
    parts = []
    if cell.unit == "× €1.000":
        parts.append(f"In de tabel staat {cell.raw}, want de bedragen zijn × €1.000.")
    elif family == "bijdrage" and not cell.raw.replace(".", "").isdigit():
        parts.append(f"In de begroting staat: '{cell.raw}'.")
    if cell.value is not None and cell.value < 0 and family in NEGATIVE_WORDS:
        parts.append(f"{NEGATIVE_WORDS[family]} staan in de tabel als negatief getal.")
    elif cell.value is not None and cell.value < 0 and family == "saldo" and "reserve" in fold(cell.line):
        parts.append("Het getal is negatief: er gaat per saldo geld uit de reserve.")
    return " ".join(parts)


def _describe_indicator(facts: TableFacts) -> str:
    code = facts.section.code or facts.cells[0].line
    unit = facts.cells[0].unit
    unit_text = "" if unit == "%" else f" ({unit})" if unit else ""
    real = [c for c in facts.cells if facts.table and c.measure == "Realisatie"]
    target = [c for c in facts.cells if c.measure == "Streefwaarde"]
    parts = [f"Indicator {code}: {facts.section.title}."]
    if real:
        scale = f", {unit}" if unit_text else ""
        parts.append(f"Gemeten (realisatie{scale}): " + ", ".join(f"{_value(c)} ({c.year})" for c in real)  # as
                     + ".")  # printed
    if target:
        parts.append("Streefwaarde: " + ", ".join(f"{_value(c)} voor {c.year}" for c in target) + f"{unit_text}.")
    source = SOURCE.search(facts.section.text)
    if source:
        parts.append(f"Bron: {source.group(1)}.")
    if any(c.note for c in target) and facts.table.footnotes:
        parts.append(f"Let op: {facts.table.footnotes[0].lstrip('* ').rstrip('.')}.")
    return " ".join(parts)


def _value(cell: Cell) -> str:
    if cell.value is None:
        return "geen waarde"
    return f"{format_number(cell.value)}%" if cell.unit == "%" else format_number(cell.value)
