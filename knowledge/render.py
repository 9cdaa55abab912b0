"""Tables and cells in words, for section views and retrievable chunks."""

from __future__ import annotations

from knowledge.numbers import format_euro, format_number
from knowledge.types import Cell

KIND_LABEL = {
    "rekening": "rekening",
    "begroting": "begroting",
    "meerjarenbegroting": "meerjarenbegroting",
    "realisatie": "realisatie",
    "streefwaarde": "streefwaarde",
}


def cell_amount(cell: Cell) -> str:
    """The value of a cell in words with its unit: '€ 14.909.000', '21%', 'geen bedrag'."""
    if cell.value is None:
        return "geen bedrag (-)"
    if cell.unit == "× €1.000":
        return format_euro(cell.value * 1000)
    if cell.unit == "€":
        return format_euro(cell.value)
    if cell.unit == "%":
        return f"{format_number(cell.value)}%"
    suffix = f" ({cell.unit})" if cell.unit else ""
    return f"{format_number(cell.value)}{suffix}"


def cell_sentence(table_title: str, cell: Cell) -> str:
    """One readable line for a cell: 'Dienstverlening — lasten — begroting 2026: € 14.909.000'."""
    when = f"{KIND_LABEL.get(cell.kind, cell.kind)} {cell.year}" if cell.year else KIND_LABEL.get(cell.kind, cell.kind)
    raw = f" (in de tabel: {cell.raw} {cell.unit})" if cell.unit == "× €1.000" else ""
    return f"{table_title} — {cell.line} — {cell.measure.lower()} — {when}: {cell_amount(cell)}{raw}"


def render_table(title: str, unit: str, cells: list[Cell], meta: dict[str, dict[str, str]] | None = None) -> str:
    """A table as text lines, one per row: 'Bestuur — Lasten: 2024 (rekening) 13.543; …'; a row's text columns
    (an investment's prestatie and category) follow its name."""
    rows: dict[tuple[str, str], list[Cell]] = {}
    for cell in cells:
        rows.setdefault((cell.line, cell.measure), []).append(cell)
    head = f"{title} (bedragen {unit})" if unit and unit != "€" else title
    lines = [head]
    for (line, measure), row in rows.items():
        values = "; ".join(f"{c.year} ({c.kind}): {c.raw}" for c in row)
        about = "; ".join(f"{k}: {v}" for k, v in (meta or {}).get(line, {}).items()
                          if v and v not in ("-", line) and k.strip())
        lines.append(f"{line}{f' ({about})' if about else ''} — {measure}: {values}")
    return "\n".join(lines)
