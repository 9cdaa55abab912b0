"""Every cell of the rebuilt tables checked against the budget as published (values copied by hand)."""

from __future__ import annotations

import pytest

from knowledge.types import Table

YEARS = (2024, 2025, 2026, 2027, 2028, 2029)
KINDS = ("rekening", "begroting", "begroting", "meerjarenbegroting", "meerjarenbegroting", "meerjarenbegroting")
_ = None

PROGRAMMAKOSTEN = {
    ("Bestuur", "Lasten"): (13543, 12038, 12399, 14116, 11552, 11530),
    ("Bestuur", "Baten"): (-199, -322, -184, -184, -184, -184),
    ("Bestuur", "Saldo"): (13344, 11715, 12215, 13932, 11368, 11346),
    ("Dienstverlening", "Lasten"): (13996, 15046, 14909, 14984, 14523, 14552),
    ("Dienstverlening", "Baten"): (-4546, -3576, -3926, -4124, -4127, -4127),
    ("Dienstverlening", "Saldo"): (9450, 11470, 10983, 10860, 10395, 10425),
    ("Programma", "Lasten"): (27539, 27084, 27308, 29100, 26074, 26083),
    ("Programma", "Baten"): (-4744, -3899, -4110, -4308, -4312, -4311),
    ("Programma", "Saldo van baten en lasten"): (22794, 23185, 23198, 24792, 21763, 21772),
    ("Reserves", "Toevoeging"): (70, 421, _, _, _, _),
    ("Reserves", "Onttrekking"): (-2308, -274, -120, -60, -40, -25),
    ("Reserves", "Mutaties reserves"): (-2238, 148, -120, -60, -40, -25),
    ("Reserves", "Resultaat"): (20556, 23333, 23078, 24732, 21722, 21747),
}

RESERVES = {
    ("Reserve raad", "Toevoeging"): (_, 105, _, _, _, _),
    ("Reserve raad", "Onttrekking"): (-35, -38, -80, -20, _, _),
    ("Reserve raad", "Saldo"): (-35, 68, -80, -20, _, _),
    ("Reserve Holland Rijnland", "Toevoeging"): (_, _, _, _, _, _),
    ("Reserve Holland Rijnland", "Onttrekking"): (-2174, _, _, _, _, _),
    ("Reserve Holland Rijnland", "Saldo"): (-2174, _, _, _, _, _),
    ("Egalisatiereserve verkiezingen", "Toevoeging"): (48, 316, _, _, _, _),
    ("Egalisatiereserve verkiezingen", "Onttrekking"): (-77, -25, -25, -25, -25, -25),
    ("Egalisatiereserve verkiezingen", "Saldo"): (-29, 291, -25, -25, -25, -25),
    ("Reserve rekenkamer", "Toevoeging"): (22, _, _, _, _, _),
    ("Reserve rekenkamer", "Onttrekking"): (-22, -66, -15, -15, -15, _),
    ("Reserve rekenkamer", "Saldo"): (0, -66, -15, -15, -15, _),
    ("Reserve soc.-maatsch. En cult. Voorz P1", "Toevoeging"): (_, _, _, _, _, _),
    ("Reserve soc.-maatsch. En cult. Voorz P1", "Onttrekking"): (_, -145, _, _, _, _),
    ("Reserve soc.-maatsch. En cult. Voorz P1", "Saldo"): (_, -145, _, _, _, _),
    ("Totaal", "Toevoeging"): (70, 421, _, _, _, _),
    ("Totaal", "Onttrekking"): (-2308, -274, -120, -60, -40, -25),
    ("Totaal", "Reserves programma 1"): (-2238, 148, -120, -60, -40, -25),
}


def _grid(table: Table) -> dict[tuple[str, str], tuple[float | None, ...]]:
    grid: dict[tuple[str, str], list[float | None]] = {}
    for cell in table.cells:
        grid.setdefault((cell.line, cell.measure), []).append(cell.value)
    return {key: tuple(values) for key, values in grid.items()}


@pytest.mark.parametrize(("slug", "expected"), [("programmakosten", PROGRAMMAKOSTEN), ("reserves", RESERVES)])
def test_every_cell_matches_the_source(tables: dict[str, Table], slug: str, expected: dict) -> None:
    table = tables[slug]
    assert table.unit == "× €1.000"
    assert _grid(table) == expected
    assert list(_grid(table)) == list(expected)  # rows in source order
    for cell in table.cells:
        assert (cell.year, cell.kind) in set(zip(YEARS, KINDS))
        assert cell.kind == KINDS[YEARS.index(cell.year or 0)]


def test_examples_from_the_issue(tables: dict[str, Table]) -> None:
    kosten = tables["programmakosten"]
    [cell] = kosten.find("Dienstverlening", "Lasten", 2026)
    assert (cell.value, cell.kind, cell.raw) == (14909, "begroting", "14.909")
    [cell] = kosten.find("Programma", "Saldo van baten en lasten", 2024)
    assert (cell.value, cell.kind) == (22794, "rekening")


def test_cells_point_back_to_their_lines(budget_text: str, tables: dict[str, Table]) -> None:
    lines = budget_text.splitlines()
    for slug, first, last in (("programmakosten", "Bestuur en dienstverlening", "21.747"),
                              ("reserves", "Reserves programma 1", "-25")):
        table = tables[slug]
        assert lines[table.line_start - 1].strip() == first
        assert lines[table.line_end - 1].strip() == last


INDICATORS = {
    "1A1.a": ([(2021, 25), (2023, 17), (2025, 21)], [(2026, 15), (2027, 15), (2028, 15), (2029, 15)], "%"),
    "1A2.a": ([(2021, 11), (2023, 12), (2025, 12)], [(2026, 10), (2027, 10), (2028, 10), (2029, 10)], "%"),
    "1A2.b": ([(2023, 18), (2025, 13)], [(2026, 15), (2027, 15), (2028, 15), (2029, 15)], "%"),
    "1B1.a": ([(2022, 4.5), (2023, 4.5), (2024, 4.6)], [(2025, 4.5), (2026, 4.5), (2027, 4.5), (2028, 4.5)], "schaal"),
    "1B1.b": ([(2022, 4.6), (2023, 4.6), (2024, 4.7)], [(2025, 4.5), (2026, 4.5), (2027, 4.5), (2028, 4.5)], "schaal"),
}


@pytest.mark.parametrize("code", sorted(INDICATORS))
def test_indicator_values_and_year_columns(tables: dict[str, Table], code: str) -> None:
    table = tables["1a-effectindicatoren" if code.startswith("1A") else "1b-effectindicatoren"]
    realised, targets, unit = INDICATORS[code]
    row = table.find(line=code)
    assert [(c.year, c.value) for c in row if c.measure == "Realisatie"] == realised
    assert [(c.year, c.value) for c in row if c.measure == "Streefwaarde"] == targets
    assert all(unit in c.unit for c in row)


def test_indicator_footnote_markers_are_kept(tables: dict[str, Table]) -> None:
    table = tables["1b-effectindicatoren"]
    targets = table.find(line="1B1.a", measure="Streefwaarde")
    assert all(c.note == "*" for c in targets)  # includes the stray '4,5"' in the source
    assert table.footnotes[0].startswith("* Deze voorspelling")


def test_indicator_sources(sections: dict) -> None:
    assert "Bron: Stadsenquete" in sections["1a2-b"].text
    assert "Bron: Enquête in eigen beheer" in sections["1b1-a"].text


def test_contributions_of_verbonden_partijen(tables: dict[str, Table]) -> None:
    [hr] = tables["holland-rijnland-bijdrage"].cells
    assert (hr.line, hr.year, hr.value, hr.unit) == ("Holland Rijnland", 2025, 1659874, "€")
    [bsgr] = tables["belastingsamenwerking-gouwe-rijnland-bijdrage"].cells
    assert (bsgr.line, bsgr.year, bsgr.value, bsgr.raw) == ("Belastingsamenwerking Gouwe-Rijnland", 2026,
                                                            2518000, "2.518 miljoen")


def test_investments_and_subsidies(tables: dict[str, Table]) -> None:
    invest = tables["investeringen"]
    assert [(c.line, c.year, c.value) for c in invest.cells if c.value is not None] == [
        ("Tachymeters 2 stuks 2027", 2026, 230), ("Totaal programma 1", 2026, 230)]
    subsidies = tables["subsidies"]
    assert [(c.year, c.value, c.unit) for c in subsidies.cells] == [(2025, 288745, "€"), (2026, 165913, "€")]
