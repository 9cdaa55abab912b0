"""Dutch number formats: '13.543', '-199', '-', '4,5*', '21% (2025)', '2.518 miljoen', '€1.659.874,-'."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = re.compile(
    r"^(?P<cmp>[≤≥<>]=?)?\s*(?P<sign>[-−–])?\s*(?P<eur>€)?\s*(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+|-))?"
    r"\s*(?P<pct>%)?\s*(?P<scale>miljoen|mln|miljard)?\s*(?P<note>[*\"”]+)?"
    r"\s*(?:\((?P<year>\d{4})\))?$",
    re.IGNORECASE,
)
_EMPTY = {"-", "–", "—", ""}
# Figures inside prose: any figure (an amount, a share, a decimal), euros only, and a money figure as a sentence
# writes it ('60.000', '1,5 miljoen'). One place for the patterns that judge whether a passage gives a number.
FIGURE_IN_TEXT = re.compile(r"\d{1,3}(?:\.\d{3})+|€\s?\d|\d+\s?%|\d+,\d")
EURO_IN_TEXT = re.compile(r"€\s?\d|\d{1,3}(?:\.\d{3})+")
MONEY_IN_SENTENCE = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?\s+miljoen")
_SCALE = r"(?:miljoen|mln|miljard)"
_AMOUNT_IN_TEXT = re.compile(
    rf"(€\s*[\d.]+(?:,(?:\d+|-))?(?:\s*{_SCALE})?|\d[\d.]*(?:,\d+)?\s*{_SCALE})", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """A parsed number with what was attached to it."""

    value: float | None
    percent: bool = False
    euro: bool = False
    note: str = ""
    year: int | None = None


def parse_number(raw: str) -> Number | None:
    """Parse one Dutch-formatted number; None when the text is not a number, value None for '-'."""
    text = raw.strip().replace("\u00a0", " ")
    if text in _EMPTY:
        return Number(None)
    m = _NUM.match(text)
    if not m:
        return None
    integer, frac, scale = m.group("int"), m.group("frac"), (m.group("scale") or "").lower()
    if scale and "." in integer and not frac and integer.count(".") == 1:
        # "2.518 miljoen" is written with a decimal point: 2,518 million.
        integer, frac = integer.split(".")
    digits = integer.replace(".", "")
    value = float(f"{digits}.{frac}") if frac and frac != "-" else float(digits)
    if scale in ("miljoen", "mln"):
        value = round(value * 1_000_000, 2)
    elif scale == "miljard":
        value = round(value * 1_000_000_000, 2)
    if m.group("sign"):
        value = -value
    note = (m.group("note") or "").replace('"', "*").replace("”", "*")
    year = int(m.group("year")) if m.group("year") else None
    return Number(value, bool(m.group("pct")), bool(m.group("eur")) or bool(scale), note, year)


def is_number(raw: str) -> bool:
    """True when the text is a number or the empty marker '-'."""
    return parse_number(raw) is not None


def find_amount(text: str) -> Number | None:
    """Find the first euro amount in running text ('Inwonersbijdrage en RBL €1.659.874,-')."""
    m = _AMOUNT_IN_TEXT.search(text)
    if not m:
        return None
    return parse_number(m.group(1))


def format_euro(value: float, decimals: int = 0) -> str:
    """Format euros the Dutch way: € 14.909.000 or € 4,50."""
    sign = "-" if value < 0 else ""
    whole = f"{abs(value):,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{sign}€ {whole}"


def format_number(value: float) -> str:
    """Format a plain number the Dutch way: 14.909, 4,5, 21."""
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "_").replace(".", ",").replace("_", ".")
