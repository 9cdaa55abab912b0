"""Fictional programme documents in the export format, parsed with the real parser and checked cell by cell.

Each `tests/data/fixtures/<municipality>-<year>-programma-<n>-<slug>.txt` has a `.meta.json` sidecar naming its
(fictional) municipality and a hand-written expectation in `tests/data/fixtures/expected/<same name>.json`:
document metadata, the section tree in document order, every cell of Programmakosten and Reserves, the effect
indicators, the bijdragen of the verbonden partijen, investeringen and subsidies.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from knowledge.ingest import load_corpus, read_document
from knowledge.types import Document, Section, Table
from tests.conftest import BUDGET

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "fixtures"
EXPECTED = FIXTURES / "expected"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.txt"))
KIND_OF_COLUMN = {"rekening": "rekening", "begroting": "begroting", "meerjarenbegroting": "meerjarenbegroting"}

Grid = dict[tuple[str, str], tuple[float | None, ...]]


@cache
def _parsed(name: str) -> tuple[Document, list[Section], list[Table]]:
    return read_document(FIXTURES / f"{name}.txt")


@cache
def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _tables(name: str) -> dict[str, Table]:
    """Tables by the slug of their section, as tests/conftest.py does for the real budget."""
    return {t.section_id.split(":", 1)[1]: t for t in _parsed(name)[2]}


def _grid(table: Table) -> Grid:
    grid: dict[tuple[str, str], list[float | None]] = {}
    for cell in table.cells:
        grid.setdefault((cell.line, cell.measure), []).append(cell.value)
    return {key: tuple(values) for key, values in grid.items()}


def _expected_grid(rows: list[list[Any]]) -> Grid:
    return {(line, measure): tuple(values) for line, measure, values in rows}


def test_there_are_at_least_three_fixtures_each_with_sidecar_and_expectation() -> None:
    assert len(NAMES) >= 3
    for name in NAMES:
        assert (FIXTURES / f"{name}.meta.json").is_file(), name
        assert (EXPECTED / f"{name}.json").is_file(), name
    # other programmes, other year ranges: the fixtures are not copies of one shape
    assert len({_expected(n)["document"]["programme_number"] for n in NAMES}) == len(NAMES)
    assert len({_expected(n)["programmakosten"]["columns"][0] for n in NAMES}) >= 3


@pytest.mark.parametrize("name", NAMES)
def test_document_metadata_from_header_and_sidecar(name: str) -> None:
    document = _parsed(name)[0]
    expected = _expected(name)["document"]
    sidecar = json.loads((FIXTURES / f"{name}.meta.json").read_text(encoding="utf-8"))
    assert sidecar == {"municipality": expected["municipality"]}
    got = {key: getattr(document, key) for key in expected}
    assert got == expected
    assert document.id == name and document.source == f"{name}.txt"


@pytest.mark.parametrize("name", NAMES)
def test_section_tree_codes_kinds_titles_and_parents(name: str) -> None:
    sections = _parsed(name)[1]
    got = [[s.slug, s.kind, s.code, s.title, s.parent_id.split(":", 1)[1] if s.parent_id else None] for s in sections]
    expected = _expected(name)["sections"]
    for kind in ("beleidsterrein", "doel", "prestatie", "partij", "indicator"):  # a readable diff first
        assert [g for g in got if g[1] == kind] == [e for e in expected if e[1] == kind], kind
    assert got == expected
    assert len({s.id for s in sections}) == len(sections)
    assert all(s.id == f"{name}:{s.slug}" for s in sections)


@pytest.mark.parametrize("name", NAMES)
def test_prestatie_titles_that_differ_between_list_and_body_keep_both(name: str) -> None:
    by_slug = {s.slug: s for s in _parsed(name)[1]}
    for slug, alt in _expected(name)["alt_titles"].items():
        assert list(by_slug[slug].alt_titles) == alt, slug
    others = [s.slug for s in by_slug.values() if s.alt_titles and s.slug not in _expected(name)["alt_titles"]]
    assert others == []


@pytest.mark.parametrize("slug", ["programmakosten", "reserves"])
@pytest.mark.parametrize("name", NAMES)
def test_every_cell_of_the_financial_tables(name: str, slug: str) -> None:
    table = _tables(name)[slug]
    expected = _expected(name)[slug]
    assert (table.title, table.unit, list(table.columns)) == (expected["title"], expected["unit"], expected["columns"])
    want = _expected_grid(expected["rows"])
    assert _grid(table) == want
    assert list(_grid(table)) == list(want)  # rows in source order
    years = [int(c.split()[1]) for c in expected["columns"]]
    kinds = [KIND_OF_COLUMN[c.split()[0]] for c in expected["columns"]]
    for cell in table.cells:
        assert cell.unit == "× €1.000"
        assert cell.kind == kinds[years.index(cell.year or 0)], cell
        assert (cell.raw == "-") == (cell.value is None), cell


@pytest.mark.parametrize("name", NAMES)
def test_fixture_totals_add_up(name: str) -> None:
    """The fixtures are internally consistent: programme total = sum of the beleidsterrein groups, and so on."""
    kosten = _expected_grid(_expected(name)["programmakosten"]["rows"])
    reserves = _expected_grid(_expected(name)["reserves"]["rows"])
    areas = [s.title for s in _parsed(name)[1] if s.kind == "beleidsterrein"]
    assert [line for line, measure in kosten if measure == "Lasten"] == [*areas, "Programma"]

    def total(values: list[tuple[float | None, ...]]) -> tuple[float | None, ...]:
        columns = list(zip(*values))
        return tuple(sum(v for v in col if v is not None) if any(v is not None for v in col) else None
                     for col in columns)

    for area in areas:
        assert kosten[(area, "Saldo")] == total([kosten[(area, "Lasten")], kosten[(area, "Baten")]])
    for measure in ("Lasten", "Baten"):
        assert kosten[("Programma", measure)] == total([kosten[(a, measure)] for a in areas])
    saldo = kosten[("Programma", "Saldo van baten en lasten")]
    assert saldo == total([kosten[(a, "Saldo")] for a in areas])
    names = [line for line, measure in reserves if measure == "Saldo"]
    assert 3 <= len(names) <= 6
    for name_ in names:
        assert reserves[(name_, "Saldo")] == total([reserves[(name_, "Toevoeging")], reserves[(name_, "Onttrekking")]])
    for measure in ("Toevoeging", "Onttrekking"):
        assert reserves[("Totaal", measure)] == total([reserves[(n, measure)] for n in names])
        assert kosten[("Reserves", measure)] == reserves[("Totaal", measure)]
    number = _expected(name)["document"]["programme_number"]
    mutaties = reserves[("Totaal", f"Reserves programma {number}")]
    assert mutaties == total([reserves[("Totaal", "Toevoeging")], reserves[("Totaal", "Onttrekking")]])
    assert kosten[("Reserves", "Mutaties reserves")] == mutaties
    assert kosten[("Reserves", "Resultaat")] == total([saldo, mutaties])


@pytest.mark.parametrize("name", NAMES)
def test_financial_tables_point_back_to_their_lines(name: str) -> None:
    lines = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    tables = _tables(name)
    for slug in ("programmakosten", "reserves"):
        table = tables[slug]
        assert lines[table.line_start - 1].strip() == _expected(name)[slug]["title"]
        assert lines[table.line_end - 1].strip() == table.cells[-1].raw


@pytest.mark.parametrize("name", NAMES)
def test_every_indicator_value_unit_and_year(name: str) -> None:
    expected: dict[str, dict[str, Any]] = _expected(name)["indicators"]
    tables = {slug: t for slug, t in _tables(name).items() if slug.endswith("-effectindicatoren")}
    found = sorted({c.line for t in tables.values() for c in t.cells})
    assert found == sorted(expected)
    for code, want in expected.items():
        table = tables[f"{code[:2].lower()}-effectindicatoren"]
        row = table.find(line=code)
        assert [[c.year, c.value] for c in row if c.measure == "Realisatie"] == want["realisatie"], code
        targets = [c for c in row if c.measure == "Streefwaarde"]
        assert [[c.year, c.value] for c in targets] == want["streefwaarde"], code
        assert {c.unit for c in row} == {want["unit"]}, code
        assert [c.note for c in targets] == (want["notes"] or [""] * len(targets)), code
        assert all(c.kind == c.measure.lower() for c in row), code


@pytest.mark.parametrize("name", NAMES)
def test_bijdragen_of_verbonden_partijen(name: str) -> None:
    cells = [c for t in _parsed(name)[2] if t.title.startswith("Bijdrage ") for c in t.cells]
    assert [[c.line, c.year, c.value, c.raw] for c in cells] == _expected(name)["bijdragen"]
    assert all(c.unit == "€" and c.measure == "Bijdrage" for c in cells)
    parties = [s.title for s in _parsed(name)[1] if s.kind == "partij"]
    assert [c.line for c in cells] == parties


@pytest.mark.parametrize("name", NAMES)
def test_investeringen_and_subsidies(name: str) -> None:
    tables = _tables(name)
    invest = [[c.line, c.year, c.value] for c in tables["investeringen"].cells if c.value is not None]
    assert invest == _expected(name)["investeringen"]
    assert [[c.year, c.value] for c in tables["subsidies"].cells] == _expected(name)["subsidies"]


def test_fixtures_load_into_one_corpus_with_the_real_budget() -> None:
    corpus = load_corpus([BUDGET, *(FIXTURES / f"{n}.txt" for n in NAMES)])
    municipalities = {d.municipality for d in corpus.documents}
    assert municipalities == {"Leiden", *(_expected(n)["document"]["municipality"] for n in NAMES)}
    assert len({s.id for s in corpus.sections}) == len(corpus.sections)
    assert len({t.id for t in corpus.tables}) == len(corpus.tables)


def _sums_hold(tables: list[Table], sections: list[Section]) -> None:
    kosten = next(t for t in tables if t.section_id.endswith(":programmakosten"))
    reserves = next(t for t in tables if t.section_id.endswith(":reserves"))
    grid, res = _grid(kosten), _grid(reserves)
    areas = [s.title for s in sections if s.kind == "beleidsterrein"]

    def total(rows: list[tuple[float | None, ...]]) -> tuple[float | None, ...]:
        return tuple(sum(v for v in col if v is not None) if any(v is not None for v in col) else None
                     for col in zip(*rows))

    for measure in ("Lasten", "Baten"):
        assert grid[("Programma", measure)] == total([grid[(a, measure)] for a in areas]), measure
    names = [line for line, measure in res if measure == "Saldo"]
    for measure in ("Toevoeging", "Onttrekking"):
        assert res[("Totaal", measure)] == total([res[(n, measure)] for n in names]), measure
        assert grid[("Reserves", measure)] == res[("Totaal", measure)]
    saldo = grid[("Programma", "Saldo van baten en lasten")]
    assert grid[("Reserves", "Resultaat")] == total([saldo, grid[("Reserves", "Mutaties reserves")]])


def test_make_synthetic_is_deterministic_consistent_and_renames(tmp_path: Path) -> None:
    from scripts.make_synthetic import DEFAULT_TEMPLATES, generate

    templates = list(DEFAULT_TEMPLATES)
    first = generate(2, tmp_path / "a", seed=3, templates=templates)
    again = generate(2, tmp_path / "b", seed=3, templates=templates)
    other = generate(2, tmp_path / "c", seed=4, templates=templates)
    assert len(first) == 2 * len(templates) == 2 * (1 + len(NAMES))
    assert [p.name for p in first] == [p.name for p in again]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(first, again))
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    template_parties = {s.title for t in templates for s in read_document(t)[1] if s.kind == "partij"}
    corpus = load_corpus(first)
    assert len({d.municipality for d in corpus.documents}) == 2
    for path in first:
        document, sections, tables = read_document(path)
        template = next(t for t in templates if path.name.endswith(t.name.split("-", 1)[1]))
        old = read_document(template)[0]
        assert (document.year, document.programme, document.programme_number) == (
            old.year, old.programme, old.programme_number)
        assert document.municipality not in ("", old.municipality)
        assert old.municipality not in path.read_text(encoding="utf-8")
        assert not template_parties & {s.title for s in sections if s.kind == "partij"}
        assert [s.kind for s in sections] == [s.kind for s in read_document(template)[1]]
        _sums_hold(tables, sections)


# Legitimate variations of the export format that the parser does not handle yet (reported, not fixed here:
# knowledge/ is owned elsewhere). Each is a fixture with one change made in memory; strict, so a fix shows up.
SOCIAAL = "veenhoven-2027-programma-4-sociaal-domein"


def _variant(old: str, new: str, count: int = 1) -> tuple[list[Section], list[Table]]:
    from knowledge.parse import parse_budget

    text = (FIXTURES / f"{SOCIAAL}.txt").read_text(encoding="utf-8")
    assert text.count(old) == count, old
    _, sections, tables = parse_budget(SOCIAAL, text.replace(old, new))
    return sections, tables


def test_variation_programme_number_with_two_digits() -> None:
    import re

    from knowledge.parse import parse_budget

    text = (FIXTURES / f"{SOCIAAL}.txt").read_text(encoding="utf-8")
    text = re.sub(r"\b4([ABC])", r"10\1", text.replace("3.1.4 ", "3.1.10 "))
    _, sections, _ = parse_budget(SOCIAAL, text)
    assert [s.code for s in sections if s.kind == "beleidsterrein"] == ["10A", "10B", "10C"]


def test_variation_euro_sign_with_miljoen_in_bijdrage() -> None:
    _, tables = _variant("\n2,5 miljoen\n", "\n€ 2,5 miljoen\n")
    [cell] = next(t for t in tables if t.title == "Bijdrage Werkbedrijf Veenstreek").cells
    assert cell.value == 2_500_000


def test_variation_indicator_targets_with_comparison_signs() -> None:
    old = "Aantal dagen\n\n28\n\n28\n\n25\n\n25\n"
    _, tables = _variant(old, "Aantal dagen\n\n≤ 28\n\n≤ 28\n\n< 25\n\n< 25\n")
    table = next(t for t in tables if t.section_id.endswith(":4a-effectindicatoren"))
    targets = [(c.year, c.value) for c in table.find(line="4A2.a") if c.measure == "Streefwaarde"]
    assert targets == [(2027, 28), (2028, 28), (2029, 25), (2030, 25)]
    assert table.line_end < 124  # the table ends before 'Verbonden Partijen' (line 124 of the fixture)
