"""Generate synthetic municipalities for benchmarks from the real budget and the test fixtures.

Every template (by default the Leiden document in data/ and every fixture in tests/data/fixtures/) is copied
once per synthetic municipality, with: another municipality name (sidecar and text), other amounts in
Programmakosten and Reserves (beleidsterrein rows scaled, totals recomputed so they still add up), other
bijdragen of the verbonden partijen and subsidies, other reserve names and other partij names. The output is
deterministic for a given --seed and is checked with the real parser before it is written.

    .venv/bin/python scripts/make_synthetic.py --n 10 --out var/synthetic --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.ingest import read_sidecar  # noqa: E402
from knowledge.numbers import parse_number  # noqa: E402
from knowledge.paragraphs import Para, clean, split_paragraphs  # noqa: E402
from knowledge.parse import parse_budget, slugify  # noqa: E402
from knowledge.types import Table  # noqa: E402

DEFAULT_TEMPLATES = (ROOT / "data" / "leiden-2026-programma-1-bestuur-en-dienstverlening.txt",
                     *sorted((ROOT / "tests" / "data" / "fixtures").glob("*.txt")))

STEMS = ("Aalder", "Bremmel", "Corvel", "Dalmer", "Eskel", "Froon", "Gelmer", "Harsel", "Ispel", "Jorsel",
         "Kalver", "Lommel", "Morsel", "Nerwal", "Olster", "Parvel", "Quarten", "Rossel", "Selmer", "Tervel",
         "Ulmer", "Varsel", "Wolder", "Zandel")
SUFFIXES = ("veen", "dam", "wijk", "hoven", "horst", "dijk", "broek", "lo", "mond", "rade", "zande", "gouw")
PARTY_KINDS = ("Gemeenschappelijke regeling", "Omgevingsdienst", "Veiligheidsregio", "Belastingsamenwerking",
               "Werkbedrijf", "Afvalschap", "Recreatieschap", "GGD", "Regionaal Archief", "Samenwerkingsverband")
PARTY_REGIONS = ("land", "streek", "kust", "waard", "vallei", "delta")
RESERVE_KINDS = ("Reserve", "Egalisatiereserve", "Bestemmingsreserve")
RESERVE_TOPICS = ("wijkbudgetten", "dienstverlening", "verkiezingen", "klimaatadaptatie", "sportvoorzieningen",
                  "cultuurhistorie", "onderwijshuisvesting", "armoedebestrijding", "digitalisering", "groenbeheer",
                  "evenementen", "bodemsanering", "monumenten", "mobiliteit", "jeugdhulp", "inburgering",
                  "grondexploitaties", "afvalstoffenheffing", "rioleringen", "participatie")

Values = list[float | None]


@dataclass
class Row:
    """One row of a flattened financial table: its group, label and the paragraphs holding its values."""

    group: str
    label: str
    paras: list[Para]

    def values(self) -> Values:
        out: Values = []
        for para in self.paras:
            num = parse_number(clean(para.text))
            out.append(num.value if num else None)
        return out


def fmt(value: float | None) -> str:
    """Write a table cell the way the export does: '13.543', '-199', '-'."""
    if value is None:
        return "-"
    whole = f"{abs(round(value)):,}".replace(",", ".")
    return f"-{whole}" if value < 0 else whole


def add(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def column_sums(rows: list[Values]) -> Values:
    return [add(*col) for col in zip(*rows)]


def scale(values: Values, factor: float) -> Values:
    out: Values = []
    for v in values:
        if v is None or v == 0:
            out.append(v)
        else:
            scaled = round(v * factor)
            out.append(scaled if scaled != 0 else (1 if v > 0 else -1))
    return out


def financial_rows(paras: list[Para], table: Table) -> list[Row]:
    """Re-walk a Programmakosten/Reserves table (as tables.parse_financial_table reads it) keeping paragraphs."""
    inside = [p for p in paras if table.line_start <= p.start and p.end <= table.line_end]
    n = len(table.columns)
    j = 1  # title
    while j < len(inside) and parse_number(clean(inside[j].text)) is None:
        j += 1  # kinds and unit, up to the first year
    j += n  # years
    rows: list[Row] = []
    group = ""
    while j < len(inside):
        label = clean(inside[j].text)
        values = inside[j + 1 : j + 1 + n]
        if len(values) == n and all(parse_number(clean(p.text)) is not None for p in values):
            rows.append(Row(group or table.title, label, values))
            j += n + 1
        else:
            group = label
            j += 1
    return rows


class Synthesizer:
    """Turns one template into one synthetic document for one municipality."""

    def __init__(self, template: Path, rng: random.Random) -> None:
        self.template = template
        self.rng = rng
        self.text = template.read_text(encoding="utf-8")
        self.title, self.sections, self.tables = parse_budget(template.stem, self.text)
        self.paras = split_paragraphs(self.text)
        self.municipality = str(read_sidecar(template).get("municipality", ""))
        self.replacements: dict[int, str] = {}  # 1-based line number -> new line

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.section_id.endswith(f":{slug}")), None)

    def put(self, row: Row, values: Values) -> None:
        for para, value in zip(row.paras, values):
            self.replacements[para.start] = fmt(value)

    def amounts(self) -> None:
        """Scale the beleidsterrein rows and the reserves, then recompute every total."""
        self.programme_costs(self.reserve_amounts())

    def reserve_amounts(self) -> dict[str, Values]:
        """Scale each reserve's Toevoeging/Onttrekking; Saldo and the Totaal rows are sums. Returns the totals."""
        reserves = self.table("reserves")
        if reserves is None:
            return {}
        rows = financial_rows(self.paras, reserves)
        groups = list(dict.fromkeys(r.group for r in rows))
        saldi: list[Values] = []
        base: dict[int, list[Values]] = {}
        for group in groups[:-1]:  # every reserve; the last group is 'Totaal'
            members = [r for r in rows if r.group == group]
            factor = self.rng.uniform(0.5, 1.8)
            new = [scale(r.values(), factor) for r in members[:-1]]
            for k, (row, values) in enumerate(zip(members, new)):
                self.put(row, values)
                base.setdefault(k, []).append(values)
            reserve_saldo = column_sums(new)
            self.put(members[-1], reserve_saldo)
            saldi.append(reserve_saldo)
        totals: dict[str, Values] = {}
        total_rows = [r for r in rows if r.group == groups[-1]]
        for k, row in enumerate(total_rows[:-1]):
            totals[row.label] = column_sums(base.get(k, []))
            self.put(row, totals[row.label])
        totals["mutaties"] = column_sums(saldi)
        self.put(total_rows[-1], totals["mutaties"])
        return totals

    def programme_costs(self, reserve_totals: dict[str, Values]) -> None:
        """Scale each beleidsterrein group; the programme group and the Reserves group are recomputed."""
        kosten = self.table("programmakosten")
        if kosten is None:
            return
        rows = financial_rows(self.paras, kosten)
        groups = list(dict.fromkeys(r.group for r in rows))
        programme_groups = [r.group for r in rows if r.label.startswith("Saldo van baten")]
        programme = programme_groups[0] if programme_groups else "Programma"
        if programme not in groups:
            return
        per_area: list[list[Values]] = []
        for group in groups[: groups.index(programme)]:
            members = [r for r in rows if r.group == group]
            factor = self.rng.uniform(0.6, 1.6)
            new = [scale(r.values(), factor) for r in members[:-1]]
            new.append(column_sums(new))
            for row, values in zip(members, new):
                self.put(row, values)
            per_area.append(new)
        saldo: Values = []
        for k, row in enumerate(r for r in rows if r.group == programme):
            saldo = column_sums([area[k] for area in per_area if k < len(area)])
            self.put(row, saldo)
        for group in groups[groups.index(programme) + 1 :]:
            members = [r for r in rows if r.group == group]
            if len(members) != 4:  # Toevoeging, Onttrekking, Mutaties reserves, Resultaat
                continue
            factor = self.rng.uniform(0.5, 1.8)
            toevoeging = reserve_totals.get(members[0].label) or scale(members[0].values(), factor)
            onttrekking = reserve_totals.get(members[1].label) or scale(members[1].values(), factor)
            mutaties = reserve_totals.get("mutaties") or column_sums([toevoeging, onttrekking])
            for row, values in zip(members, (toevoeging, onttrekking, mutaties, column_sums([saldo, mutaties]))):
                self.put(row, values)

    def contributions_and_subsidies(self) -> None:
        for table in self.tables:
            if table.title.startswith("Bijdrage "):
                factor = self.rng.uniform(0.6, 1.6)
                for number in range(table.line_start, table.line_end + 1):
                    line = self.replacements.get(number, self.text.splitlines()[number - 1])
                    self.replacements[number] = scale_amount_text(line, factor)
            elif table.section_id.endswith(":subsidies"):
                factor = self.rng.uniform(0.6, 1.6)
                for para in self.paras:
                    if table.line_start < para.start <= table.line_end and "subsidiestaat" not in para.text:
                        num = parse_number(clean(para.text))
                        if num is not None and num.value is not None:
                            self.replacements[para.start] = fmt(round(num.value * factor))

    def render(self, municipality: str, names: NameSource) -> str:
        self.amounts()
        self.contributions_and_subsidies()
        lines = self.text.splitlines()
        for number, line in self.replacements.items():
            lines[number - 1] = line
        text = "\n".join(lines) + ("\n" if self.text.endswith("\n") else "")
        reserves = self.table("reserves")
        used: set[str] = set()
        reserve_names = ([r.group for r in financial_rows(self.paras, reserves)] if reserves is not None else [])
        for old in sorted(set(reserve_names) - {"Totaal", reserves.title if reserves else ""}, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", names.reserve(used), text, flags=re.IGNORECASE)
        parties = {s.title for s in self.sections if s.kind == "partij"}
        for old in sorted(parties, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", names.party(used), text)
        if self.municipality:
            text = re.sub(rf"\b{re.escape(adjective(self.municipality))}\b", f"{municipality}se", text)
            text = re.sub(rf"\b{re.escape(self.municipality)}", municipality, text)
        return text


def adjective(name: str) -> str:
    """'Leiden' -> 'Leidse', 'Bremmerdijk' -> 'Bremmerdijkse' (good enough for synthetic text)."""
    return f"{name[:-2]}se" if name.endswith("en") else f"{name}se"


def scale_amount_text(line: str, factor: float) -> str:
    """Scale '€1.659.874,-', '€ 1.234.567,-', '2.518 miljoen' or '2,5 miljoen' in a line, keeping the format."""
    def euro(m: re.Match[str]) -> str:
        value = round(int(m.group(2).replace(".", "")) * factor)
        return f"{m.group(1)}{fmt(value)}{m.group(3) or ''}"

    def millions(m: re.Match[str]) -> str:
        digits, sep, decimals = m.group(1), m.group(2) or "", m.group(3) or ""
        value = float(f"{digits}.{decimals}" if decimals else digits) * factor
        if decimals:
            whole, frac = f"{value:.{len(decimals)}f}".split(".")
            return f"{whole}{sep}{frac} {m.group(4)}"
        return f"{round(value)} {m.group(4)}"

    if "€" in line:
        return re.sub(r"(€\s*)(\d{1,3}(?:\.\d{3})+|\d+)(,-|,\d+)?", euro, line)
    return re.sub(r"(\d+)(?:([.,])(\d+))?\s*(miljoen|mln)", millions, line)


class NameSource:
    """Deterministic fictional names: municipalities, verbonden partijen and reserves."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = set(taken)

    def municipality(self) -> str:
        for _ in range(10_000):
            name = self.rng.choice(STEMS) + self.rng.choice(SUFFIXES)
            if name not in self.taken:
                self.taken.add(name)
                return name
        count = len(self.taken)
        name = f"{self.rng.choice(STEMS)}{self.rng.choice(SUFFIXES)}-{count}"
        self.taken.add(name)
        return name

    def party(self, used: set[str]) -> str:
        while True:
            name = f"{self.rng.choice(PARTY_KINDS)} {self.rng.choice(STEMS)}{self.rng.choice(PARTY_REGIONS)}"
            if name not in used:
                used.add(name)
                return name

    def reserve(self, used: set[str]) -> str:
        while True:
            kind = self.rng.choice(RESERVE_KINDS)
            name = f"{kind} {self.rng.choice(RESERVE_TOPICS)}"
            if name not in used:
                used.add(name)
                return name


def check(document_id: str, text: str) -> None:
    """The synthetic document parses and its totals add up (programme = sum of beleidsterreinen)."""
    _, sections, tables = parse_budget(document_id, text)
    kosten = next((t for t in tables if t.section_id.endswith(":programmakosten")), None)
    if kosten is None:
        return
    areas = [s.title for s in sections if s.kind == "beleidsterrein"]
    for measure in ("Lasten", "Baten"):
        for year in {c.year for c in kosten.cells}:
            total = kosten.find("Programma", measure, year)
            parts = [c.value for a in areas for c in kosten.find(a, measure, year)]
            if total and parts and total[0].value != add(*parts):
                raise SystemExit(f"{document_id}: {measure} {year} does not add up")


def generate(n: int, out: Path, seed: int, templates: list[Path]) -> list[Path]:
    rng = random.Random(seed)
    taken = {str(read_sidecar(t).get("municipality", "")) for t in templates}
    names = NameSource(rng, taken)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i in range(n):
        municipality = names.municipality()
        for template in templates:
            doc_rng = random.Random(f"{seed}:{i}:{template.stem}")
            synth = Synthesizer(template, doc_rng)
            text = synth.render(municipality, NameSource(doc_rng, set()))
            programme = next(s for s in synth.sections if s.kind == "programme")
            number = re.search(r"Programmanummer:\s*(\S+)", programme.text)
            year = re.search(r"(20\d{2})", synth.title)
            stem = "-".join(part for part in (slugify(municipality), year.group(1) if year else "",
                                              f"programma-{number.group(1)}" if number else "programma",
                                              slugify(programme.title)) if part)
            check(stem, text)
            path = out / f"{stem}.txt"
            path.write_text(text, encoding="utf-8")
            path.with_name(f"{stem}.meta.json").write_text(
                json.dumps({"municipality": municipality}, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"{path}  ({municipality}, {programme.title}, {year.group(1) if year else '?'}; "
                  f"template {template.name})")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=3, help="number of synthetic municipalities")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "synthetic", help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--template", type=Path, action="append", dest="templates",
                        help="template document (repeatable); default: the Leiden budget and every fixture")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be at least 0")
    templates = args.templates or list(DEFAULT_TEMPLATES)
    written = generate(args.n, args.out, args.seed, templates)
    print(f"wrote {len(written)} documents for {args.n} municipalities to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
