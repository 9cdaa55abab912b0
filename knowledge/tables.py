"""Rebuild the flattened tables (one cell per paragraph) as typed rows of cells."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.numbers import Number, find_amount, parse_number
from knowledge.paragraphs import BULLET, Para, clean
from knowledge.types import Cell

KIND_NAMES = {
    "rekening": "rekening",
    "realisatie": "rekening",
    "begroting": "begroting",
    "mjb": "meerjarenbegroting",
    "meerjarenbegroting": "meerjarenbegroting",
}
THOUSANDS = "× €1.000"
EURO = "€"
_YEAR = re.compile(r"^(?:.*\s)?(20\d{2})$")
_UNIT = re.compile(r"bedragen\s*x\s*1\.000", re.IGNORECASE)
_INDICATOR = re.compile(r"^(\d{1,2}[A-Z]\d\.[a-z])\s+(.+)$", re.DOTALL)
_DOEL = re.compile(r"^Doel\s+(\d{1,2}[A-Z]\d)\s+(.+)$")
_REALISATION = re.compile(r"([\d.,]+\s*%?)\s*\((\d{4})\)")
_INVEST_CODE = re.compile(r"^\d{2}[A-Z]\d{3}$")


@dataclass
class ParsedTable:
    """A table found in a run of paragraphs, before it is tied to a section."""

    title: str
    unit: str
    columns: tuple[str, ...]
    cells: list[Cell]
    start: int
    end: int
    footnotes: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)
    row_meta: dict[str, dict[str, str]] = field(default_factory=dict)


def _number(para: Para) -> Number | None:
    return parse_number(clean(para.text))


def _year(para: Para) -> int | None:
    m = _YEAR.match(clean(para.text))
    return int(m.group(1)) if m else None


def parse_financial_table(paras: list[Para], i: int) -> tuple[ParsedTable | None, int]:
    """Parse a 'Rekening / Begroting / MJB × years' table such as Programmakosten or Reserves."""
    j, title = i, ""
    if j < len(paras) and clean(paras[j].text).lower() not in KIND_NAMES:
        title = clean(paras[j].text)
        j += 1
    kinds: list[str] = []
    while j < len(paras) and clean(paras[j].text).lower() in KIND_NAMES:
        kinds.append(KIND_NAMES[clean(paras[j].text).lower()])
        j += 1
    if not kinds:
        return None, i
    unit = ""
    if j < len(paras) and _UNIT.search(paras[j].text):
        unit = THOUSANDS
        j += 1
    years: list[int] = []
    while j < len(paras) and len(years) < len(kinds) and _year(paras[j]):
        years.append(_year(paras[j]) or 0)
        j += 1
    if len(years) != len(kinds):
        return None, i
    n = len(years)
    table = ParsedTable(title, unit, tuple(f"{k} {y}" for k, y in zip(kinds, years)), [], paras[i].start, 0)
    group = ""

    def values_follow(k: int) -> bool:
        return k + n < len(paras) + 0 and all(_number(p) is not None for p in paras[k + 1 : k + 1 + n]) and (
            len(paras[k + 1 : k + 1 + n]) == n
        )

    while j < len(paras):
        label = clean(paras[j].text)
        if _number(paras[j]) is not None:
            break
        if values_follow(j):
            for year, kind, para in zip(years, kinds, paras[j + 1 : j + 1 + n]):
                num = _number(para)
                assert num is not None
                table.cells.append(Cell(group or title, label, year, kind, num.value, clean(para.text), unit))
            table.rows.append((group or title, label))
            table.end = paras[j + n].end
            j += n + 1
        elif j + 1 < len(paras) and values_follow(j + 1) and len(label) <= 60:
            group = label
            j += 1
        else:
            break
    return (table if table.cells else None), j


def parse_indicator_table(paras: list[Para], i: int) -> tuple[ParsedTable | None, int]:
    """Parse an effect-indicator table: code, indicator, realisations with years, targets per year, source."""
    j = i
    if j < len(paras) and clean(paras[j].text).lower().startswith("tabel"):
        j += 1
    header: list[str] = []
    while j < len(paras) and clean(paras[j].text) in ("Effectindicator", "Realisatie", "Streefwaarden", "Bron"):
        header.append(clean(paras[j].text))
        j += 1
    years: list[int] = []
    while j < len(paras) and _year(paras[j]) and len(clean(paras[j].text)) == 4:
        years.append(_year(paras[j]) or 0)
        j += 1
    if not header or not years:
        return None, i
    table = ParsedTable("Effectindicatoren", "", tuple(f"streefwaarde {y}" for y in years), [], paras[i].start, 0)
    doel = ""
    while j < len(paras):
        text = clean(paras[j].text)
        doel_match = _DOEL.match(text)
        ind = _INDICATOR.match(text)
        if doel_match:
            doel = doel_match.group(1)
            table.end = paras[j].end
            j += 1
        elif ind:
            j = _parse_indicator_row(paras, j, ind.group(1), clean(ind.group(2)), doel, years, table)
        elif text.startswith("*"):
            table.footnotes.append(text)
            table.end = paras[j].end
            j += 1
        else:
            break
    return (table if table.cells else None), j


def _parse_indicator_row(
    paras: list[Para], j: int, code: str, title: str, doel: str, years: list[int], table: ParsedTable
) -> int:
    realised: list[tuple[str, Number]] = []
    targets: list[tuple[str, Number]] = []
    note, source = "", ""
    k = j + 1
    while k < len(paras):
        text = clean(paras[k].text)
        if _INDICATOR.match(text) or _DOEL.match(text) or text.startswith("*"):
            break
        found = [(f"{v.strip()} ({y})", parse_number(f"{v.strip()} ({y})")) for v, y in _REALISATION.findall(text)]
        num = _number(paras[k])
        if found and not targets:
            realised.extend((raw, n) for raw, n in found if n is not None)
        elif num is not None and len(targets) < len(years):
            targets.append((text, num))
        elif not targets:
            note = text
        elif not source:
            source = text
        else:
            break
        table.end = paras[k].end
        k += 1
    percent = any(n.percent for _, n in realised + targets)
    unit = "%" if percent else (note.lower().replace("op een ", "score op een ") if note else "")
    for raw, num in realised:
        table.cells.append(Cell(code, "Realisatie", num.year, "realisatie", num.value, BULLET.sub("", raw), unit))
    for (raw, num), year in zip(targets, years):
        table.cells.append(Cell(code, "Streefwaarde", year, "streefwaarde", num.value, raw, unit, num.note))
    table.rows.append((code, title))
    table.row_meta[code] = {"title": title, "doel": doel, "source": source, "note": note}
    return k


def parse_investment_table(paras: list[Para], i: int) -> tuple[ParsedTable | None, int]:
    """Parse the Investeringen table; values are aligned to the right-most columns."""
    j = i
    columns: list[str] = []
    while j < len(paras) and not _year(paras[j]) and len(clean(paras[j].text)) <= 40:
        columns.append(clean(paras[j].text.replace("\n", "")))
        j += 1
    years: list[int] = []
    while j < len(paras) and _year(paras[j]) and len(clean(paras[j].text)) == 4:
        years.append(_year(paras[j]) or 0)
        j += 1
    if not years or not columns:
        return None, i
    all_columns = columns + [str(y) for y in years]
    table = ParsedTable("Investeringen", THOUSANDS, tuple(all_columns), [], paras[i].start, 0)
    while j < len(paras):
        first = clean(paras[j].text)
        if not (_INVEST_CODE.match(first) or first.lower().startswith("totaal")):
            break
        row = [first]
        k = j + 1
        while k < len(paras) and len(clean(paras[k].text)) <= 60:
            nxt = clean(paras[k].text)
            if _INVEST_CODE.match(nxt) or nxt.lower().startswith("totaal"):
                break
            row.append(nxt)
            k += 1
        # Text cells fill the leading columns, numbers the trailing ones; an empty cell in between is dropped.
        split = next((n for n, value in enumerate(row) if n > 0 and parse_number(value) is not None), len(row))
        numeric = row[split:]
        aligned = dict(zip(all_columns, row[:split]))
        aligned.update(zip(all_columns[len(all_columns) - len(numeric) :], numeric))
        label = aligned.get("Omschrijving investering") or first
        for y in years:
            raw = aligned.get(str(y), "-")
            num = parse_number(raw)
            if num is not None:
                table.cells.append(Cell(label, "Investering", y, "begroting", num.value, raw, THOUSANDS))
        table.rows.append((label, first))
        table.row_meta[label] = {key: value for key, value in aligned.items() if not key.isdigit()}
        table.end = paras[k - 1].end
        j = k
    return (table if table.cells else None), j


def parse_subsidy_table(paras: list[Para], i: int) -> tuple[ParsedTable | None, int]:
    """Parse the Subsidies table: a title, 'subsidiestaat YYYY' columns and labelled rows."""
    j, title = i, ""
    if j < len(paras) and not _year(paras[j]):
        title = clean(paras[j].text)
        j += 1
    years: list[int] = []
    while j < len(paras) and _year(paras[j]):
        years.append(_year(paras[j]) or 0)
        j += 1
    if not years:
        return None, i
    table = ParsedTable(title or "Subsidies", EURO, tuple(f"subsidiestaat {y}" for y in years), [], paras[i].start, 0)
    while j + len(years) < len(paras):
        label = clean(paras[j].text)
        nums = [_number(p) for p in paras[j + 1 : j + 1 + len(years)]]
        if any(n is None for n in nums) or _number(paras[j]) is not None:
            break
        for y, p, n in zip(years, paras[j + 1 : j + 1 + len(years)], nums):
            table.cells.append(Cell(label, "Subsidie", y, "begroting", n.value if n else None, clean(p.text), EURO))
        table.rows.append((label, label))
        table.end = paras[j + len(years)].end
        j += len(years) + 1
    return (table if table.cells else None), j


def parse_contribution(party: str, label: str, value_para: Para) -> Cell | None:
    """Turn 'Bijdrage 2026' + '2.518 miljoen' into a cell for a verbonden partij."""
    m = re.search(r"(20\d{2})", label)
    amount = find_amount(value_para.text) or parse_number(clean(value_para.text))
    if not m or amount is None or amount.value is None:
        return None
    return Cell(party, "Bijdrage", int(m.group(1)), "begroting", amount.value, clean(value_para.text), EURO)
