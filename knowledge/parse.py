"""Parse an exported programmabegroting into a tree of sections and typed tables."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from knowledge import tables as tbl
from knowledge.paragraphs import Para, bullet_text, clean, is_prose, looks_like_heading, split_paragraphs
from knowledge.render import render_table
from knowledge.types import Cell, Section, Table

PROGRAMME = re.compile(r"^(\d+\.\d+\.\d+)\s+(.+)$")
BELEIDSTERREIN = re.compile(r"^Beleidsterrein\s+(\d{1,2}[A-Z])\s+(.+)$")
OVERVIEW = re.compile(r"^Doelen en prestaties bij\b")
VERBONDEN = re.compile(r"^Verbonden\s+partijen$", re.IGNORECASE)
INDICATORS = re.compile(r"^Effectindicatoren bij\s+(\d{1,2}[A-Z])\b(.*)$")
NAMED_PARTS = re.compile(
    r"^(Inleiding|Kaderstellende beleidsstukken|Programmakosten|Budgettaire ontwikkelingen|Reserves|"
    r"Investeringen|Subsidies)$"
)
DOEL = re.compile(r"^(\d{1,2}[A-Z]\d)\s+(.+)$")
PRESTATIE = re.compile(r"^(\d{1,2}[A-Z]\d\.\d{1,2})\.?\s+(.+)$")
PARTY_PARTS = (
    (re.compile(r"^Motieven"), "motieven"),
    (re.compile(r"^Kansen"), "kansen"),
    (re.compile(r"^Risico"), "risicos"),
    (re.compile(r"^Belangrijkste doelstellingen"), "doelstellingen"),
    (re.compile(r"^Belangrijkste bestuurlijke mijlpalen"), "mijlpalen"),
    (re.compile(r"^Bijdrage\s+20\d{2}"), "bijdrage"),
)
TABLE_PARSERS = {
    "programmakosten": tbl.parse_financial_table,
    "reserves": tbl.parse_financial_table,
    "investeringen": tbl.parse_investment_table,
    "subsidies": tbl.parse_subsidy_table,
}
META_LABELS = ("Programmanummer", "Commissie", "Portefeuille(s)", "Portefeuilles", "Portefeuille")


class ParseError(ValueError):
    """The text is not a programmabegroting this parser understands."""


@dataclass
class _Node:
    slug: str
    kind: str
    code: str | None
    title: str
    start: int
    parent: _Node | None = None
    paras: list[str] = field(default_factory=list)
    end: int = 0
    alt_titles: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def add(self, para: Para, text: str | None = None) -> None:
        body = text if text is not None else clean(para.text)
        if para.is_bullets and self.paras:
            self.paras[-1] += "\n" + body
        else:
            self.paras.append(body)
        self.end = max(self.end, para.end)

    def path(self) -> tuple[str, ...]:
        node: _Node | None = self
        titles: list[str] = []
        while node is not None:
            titles.append(f"{node.code} {node.title}" if node.code and node.kind != "programme" else node.title)
            node = node.parent
        return tuple(reversed(titles))


def slugify(text: str) -> str:
    """Lower-case ASCII slug: 'Risico's (top 3)' -> 'risicos-top-3'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "")).strip("-")


def code_slug(code: str) -> str:
    """Slug for a section code: '1A2.3' -> '1a2-3'."""
    return slugify(code.replace(".", "-"))


class _Builder:
    """Walks the paragraphs once, keeping the open nodes of the tree."""

    def __init__(self, document_id: str, paras: list[Para]) -> None:
        self.document_id = document_id
        self.paras = paras
        self.nodes: list[_Node] = []
        self.by_slug: dict[str, _Node] = {}
        self.tables: list[tuple[_Node, tbl.ParsedTable]] = []
        self.contributions: list[tuple[_Node, Cell, Para]] = []
        self.programme: _Node | None = None
        self.area: _Node | None = None
        self.part: _Node | None = None
        self.group: _Node | None = None
        self.current: _Node | None = None
        self.title = ""
        self.listed: dict[str, str] = {}  # prestatie code -> title in the overview list

    def new(self, slug: str, kind: str, code: str | None, title: str, para: Para, parent: _Node | None) -> _Node:
        base, n = slug, 2
        while slug in self.by_slug:
            slug, n = f"{base}-{n}", n + 1
        node = _Node(slug, kind, code, title, para.start, parent, end=para.end)
        if parent is not None:
            parent.children.append(node)
        self.nodes.append(node)
        self.by_slug[slug] = node
        return node

    def next_para(self, i: int) -> Para | None:
        return self.paras[i + 1] if i + 1 < len(self.paras) else None

    def run(self) -> None:
        i = 0
        while i < len(self.paras):
            i = self.step(i)

    def step(self, i: int) -> int:
        para = self.paras[i]
        text = clean(para.text)
        if self.programme is None:
            m = PROGRAMME.match(text)
            if m:
                self.programme = self.new("programma", "programme", m.group(1), clean(m.group(2)), para, None)
                self.current = self.programme
            elif not self.title:
                self.title = text
            return i + 1
        if (m := BELEIDSTERREIN.match(text)) is not None:
            self.area = self.new(code_slug(m.group(1)), "beleidsterrein", m.group(1), clean(m.group(2)), para,
                                 self.programme)
            self.part = self.group = None
            self.current = self.area
            return i + 1
        if OVERVIEW.match(text) and self.area is not None:
            return self.overview(i + 1)
        if (m := PRESTATIE.match(text)) is not None and self.area is not None:
            return self.prestatie(i, m.group(1), clean(m.group(2)))
        if VERBONDEN.match(text):
            parent = self.area or self.programme
            prefix = f"{parent.slug}-" if parent is self.area else ""
            self.group = self.new(f"{prefix}verbonden-partijen", "verbonden-partijen", None, "Verbonden partijen",
                                  para, parent)
            self.current = self.group
            return i + 1
        if (m := INDICATORS.match(text)) is not None:
            return self.indicators(i, m.group(1), text)
        if NAMED_PARTS.match(text):
            return self.named_part(i, text)
        if self.group is not None and self.group.kind == "verbonden-partijen":
            handled = self.party(i, text)
            if handled is not None:
                return handled
        if self.part is not None and looks_like_heading(para) and self.heads_prose(i):
            self.current = self.new(f"{self.part.slug}-{slugify(text)}", "part", None, text, para, self.part)
            return i + 1
        if self.current is self.programme and text in META_LABELS:
            return self.metadata(i, text)
        assert self.current is not None
        self.current.add(para, bullet_text(para.text) if para.is_bullets else None)
        return i + 1

    def heads_prose(self, i: int) -> bool:
        nxt = self.next_para(i)
        return nxt is not None and is_prose(nxt)

    def metadata(self, i: int, label: str) -> int:
        values: list[str] = []
        j = i + 1
        while j < len(self.paras):
            value = clean(self.paras[j].text)
            if value in META_LABELS or len(value) > 80:
                break
            values.append(value)
            j += 1
        assert self.programme is not None
        self.programme.paras.append(f"{label}: {'; '.join(values)}")
        self.programme.end = self.paras[j - 1].end
        return j

    def overview(self, j: int) -> int:
        assert self.area is not None
        seen: set[str] = set()
        while j < len(self.paras):
            text = clean(self.paras[j].text)
            if text in ("Doel", "Prestatie"):
                j += 1
                continue
            if (m := PRESTATIE.match(text)) is not None:
                if m.group(1) in seen:
                    break
                seen.add(m.group(1))
                doel = self.by_slug.get(code_slug(m.group(1)[:3]))
                if doel is not None:
                    doel.paras.append(f"{m.group(1)} {clean(m.group(2))}")
                    doel.end = self.paras[j].end
                self.listed[m.group(1)] = clean(m.group(2))
            elif (m := DOEL.match(text)) is not None:
                self.new(code_slug(m.group(1)), "doel", m.group(1), clean(m.group(2)), self.paras[j], self.area)
            elif text.startswith("NB"):
                self.area.add(self.paras[j])
            else:
                break
            j += 1
        return j

    def prestatie(self, i: int, code: str, title: str) -> int:
        parent = self.by_slug.get(code_slug(code[:3])) or self.area
        node = self.new(code_slug(code), "prestatie", code, title, self.paras[i], parent)
        listed = self.listed.get(code)
        if listed and listed != title:
            node.alt_titles.append(listed)
        self.current, self.group, self.part = node, None, None
        return i + 1

    def indicators(self, i: int, area_code: str, text: str) -> int:
        parent = self.by_slug.get(code_slug(area_code)) or self.programme
        group = self.new(f"{code_slug(area_code)}-effectindicatoren", "effectindicatoren", None, text,
                         self.paras[i], parent)
        self.current, self.group, self.part = group, group, None
        table, j = tbl.parse_indicator_table(self.paras, i + 1)
        if table is not None:
            self.tables.append((group, table))
            group.end = table.end
            for code, title in table.rows:
                meta = table.row_meta[code]
                node = self.new(code_slug(code), "indicator", code, title, self.paras[i], group)
                node.start = group.start
                node.paras.append(render_indicator(code, title, meta, table.cells))
                node.end = table.end
        return j

    def named_part(self, i: int, text: str) -> int:
        node = self.new(slugify(text), "part", None, text, self.paras[i], self.programme)
        self.area = self.group = None
        self.part = self.current = node
        parser = TABLE_PARSERS.get(node.slug)
        if parser is None:
            return i + 1
        table, j = parser(self.paras, i + 1)
        if table is None:
            return i + 1
        self.tables.append((node, table))
        node.paras.append(render_table(table.title or text, table.unit, table.cells, table.row_meta))
        node.end = table.end
        return j

    def party(self, i: int, text: str) -> int | None:
        assert self.group is not None
        para = self.paras[i]
        party = self.current if self.current is not None and self.current.kind == "partij" else None
        if party is None and self.current is not None and self.current.kind == "partij-onderdeel":
            party = self.current.parent
        for pattern, key in PARTY_PARTS:
            if pattern.match(text) and party is not None:
                self.current = self.new(f"{party.slug}-{key}", "partij-onderdeel", None, text, para, party)
                if key == "bijdrage" and (nxt := self.next_para(i)) is not None:
                    cell = tbl.parse_contribution(party.title, text, nxt)
                    if cell is not None:
                        self.contributions.append((self.current, cell, nxt))
                return i + 1
        if not looks_like_heading(para) or self.next_para(i) is None:
            return None
        nxt = self.next_para(i)
        assert nxt is not None
        heads = is_prose(nxt) or any(p.match(clean(nxt.text)) for p, _ in PARTY_PARTS)
        if not heads:
            return None
        if party is not None and party.title == text:
            self.current = party
        else:
            self.current = self.new(slugify(text), "partij", None, text, para, self.group)
        return i + 1


def render_indicator(code: str, title: str, meta: dict[str, str], cells: list[Cell]) -> str:
    """Describe one effect indicator and its values in words."""
    rows = [c for c in cells if c.line == code]
    real = "; ".join(c.raw for c in rows if c.measure == "Realisatie")
    targets = "; ".join(f"{c.year}: {c.raw}" for c in rows if c.measure == "Streefwaarde")
    parts = [f"{code} {title}."]
    if meta.get("note"):
        parts.append(f"{meta['note']}.")
    parts.append(f"Realisatie: {real or '-'}. Streefwaarden: {targets or '-'}.")
    if meta.get("source"):
        parts.append(f"Bron: {meta['source']}.")
    return " ".join(parts)


def _depth_first(nodes: list[_Node]) -> list[_Node]:
    """Nodes in tree order: each parent followed by its children."""
    out: list[_Node] = []

    def visit(node: _Node) -> None:
        out.append(node)
        for child in node.children:
            visit(child)

    for node in nodes:
        if node.parent is None:
            visit(node)
    return out


def _freeze(document_id: str, builder: _Builder) -> tuple[list[Section], list[Table]]:
    def end_of(node: _Node) -> int:
        return max([node.end] + [end_of(c) for c in node.children])

    sections = [
        Section(
            id=f"{document_id}:{n.slug}",
            document_id=document_id,
            slug=n.slug,
            kind=n.kind,
            code=n.code,
            title=n.title,
            path=n.path(),
            parent_id=f"{document_id}:{n.parent.slug}" if n.parent else None,
            text="\n\n".join(n.paras),
            line_start=n.start,
            line_end=end_of(n),
            alt_titles=tuple(n.alt_titles),
        )
        for n in _depth_first(builder.nodes)
    ]
    tables: list[Table] = []
    for node, parsed in builder.tables:
        tables.append(
            Table(
                id=f"{document_id}:tabel-{node.slug}",
                document_id=document_id,
                section_id=f"{document_id}:{node.slug}",
                title=parsed.title or node.title,
                unit=parsed.unit,
                columns=parsed.columns,
                cells=tuple(parsed.cells),
                line_start=parsed.start,
                line_end=parsed.end,
                footnotes=tuple(parsed.footnotes),
            )
        )
    for node, cell, para in builder.contributions:
        tables.append(
            Table(f"{document_id}:tabel-{node.slug}", document_id, f"{document_id}:{node.slug}",
                  f"Bijdrage {cell.line}", cell.unit, (f"bijdrage {cell.year}",), (cell,), para.start, para.end)
        )
    return sections, tables


def parse_budget(document_id: str, text: str) -> tuple[str, list[Section], list[Table]]:
    """Parse budget text into (document title, sections in document order, tables)."""
    paras = split_paragraphs(text)
    if not paras:
        raise ParseError("het bestand is leeg")
    builder = _Builder(document_id, paras)
    builder.run()
    if builder.programme is None:
        raise ParseError("geen programmakop gevonden (zoals '3.1.1 <naam van het programma>'): dit lijkt geen "
                         "programmabegroting")
    if not any(n.kind in ("beleidsterrein", "prestatie") for n in builder.nodes) and not builder.tables:
        raise ParseError("geen beleidsterreinen, prestaties of tabellen gevonden: dit lijkt geen programmabegroting")
    sections, tables = _freeze(document_id, builder)
    title = builder.title or document_id
    return title, sections, tables
