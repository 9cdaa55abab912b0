"""Dutch number formats."""

from __future__ import annotations

import pytest

from knowledge.numbers import find_amount, format_euro, format_number, parse_number


@pytest.mark.parametrize(
    ("raw", "value", "note", "year"),
    [
        ("13.543", 13543, "", None),
        ("-199", -199, "", None),
        ("-2.308", -2308, "", None),
        ("-0", 0, "", None),
        ("4,5*", 4.5, "*", None),
        ('4,5"', 4.5, "*", None),
        ("21% (2025)", 21, "", 2025),
        ("2.518 miljoen", 2_518_000, "", None),
        ("€1.659.874,-", 1_659_874, "", None),
        ("288.745", 288745, "", None),
    ],
)
def test_parse_number(raw: str, value: float, note: str, year: int | None) -> None:
    number = parse_number(raw)
    assert number is not None
    assert number.value == value and number.note == note and number.year == year


def test_dash_is_empty_and_words_are_not_numbers() -> None:
    assert parse_number("-") is not None and parse_number("-").value is None  # type: ignore[union-attr]
    assert parse_number("Bestuur") is None
    assert parse_number("Op een schaal van 5") is None


def test_find_amount_and_formatting() -> None:
    found = find_amount("Inwonersbijdrage en RBL €1.659.874,-")
    assert found is not None and found.value == 1_659_874
    assert format_euro(14_909_000) == "€ 14.909.000"
    assert format_number(4.5) == "4,5" and format_number(13543) == "13.543"
