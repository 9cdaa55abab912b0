"""Report blocks (headings, paragraphs, warnings, tables, charts, term lists, folds) as HTML or Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Heading:
    """A heading of level 1-4."""

    level: int
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Warning:
    """A risk or missed target, shown with the words 'Let op' (not by colour alone)."""

    text: str


@dataclass(frozen=True)
class Grid:
    """A table with a caption; the first cell of each row is its row header."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    """An SVG chart with a file-name-safe name and a caption that says where its numbers are as text."""

    name: str
    svg: str
    caption: str


@dataclass(frozen=True)
class Terms:
    """A list of terms and their explanations."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Fold:
    """Blocks folded away under a one-line summary."""

    summary: str
    blocks: tuple[Block, ...]


Block = Heading | Para | Warning | Grid | Chart | Terms | Fold

STYLE = """
:root{color-scheme:light}
body{font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;
 max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.2}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #767676}
h3{font-size:1.1rem}
.warning{border:2px solid #8a4b00;border-left-width:.5rem;background:#fff4e5;padding:.5rem .75rem;color:#1b1b1b}
.table-wrap{overflow-x:auto;margin:1rem 0}
table{border-collapse:collapse;min-width:50%}caption{text-align:left;font-weight:bold;padding:.25rem 0}
td,th{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#e8e8e8}tbody th{font-weight:normal}
details{margin:1rem 0;border:1px solid #767676;padding:.5rem .75rem}
summary{cursor:pointer;font-weight:bold}
summary:focus-visible,.table-wrap:focus-visible{outline:3px solid #1f5f99;outline-offset:2px}
dt{font-weight:bold;margin-top:.5rem}dd{margin-left:1rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9rem}
@media (max-width:40rem){body{padding:.5rem}table{font-size:.9rem}}
"""


def _grid_html(grid: Grid) -> str:
    """A table in a focusable scroll box (for narrow screens), with column and row headers."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in grid.headers)
    body = "".join(
        "<tr>" + "".join(
            f'<th scope="row">{escape(c)}</th>' if i == 0 else f"<td>{escape(c)}</td>" for i, c in enumerate(row)
        ) + "</tr>"
        for row in grid.rows
    )
    return (f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(grid.caption)}">'
            f"<table><caption>{escape(grid.caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def block_html(block: Block) -> str:
    """One block as HTML."""
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Warning):
        return f'<p class="warning"><strong>Let op:</strong> {escape(block.text)}</p>'
    if isinstance(block, Grid):
        return _grid_html(block)
    if isinstance(block, Chart):
        return f"<figure>{block.svg}<figcaption>{escape(block.caption)}</figcaption></figure>"
    if isinstance(block, Terms):
        items = "".join(f"<dt>{escape(t)}</dt><dd>{escape(d)}</dd>" for t, d in block.items)
        return f"<dl>{items}</dl>"
    inner = "\n".join(block_html(b) for b in block.blocks)
    return f"<details><summary>{escape(block.summary)}</summary>\n{inner}\n</details>"


def to_html(title: str, blocks: Sequence[Block]) -> str:
    """A standalone, responsive HTML page (no external resources) with inline SVG charts."""
    body = "\n".join(block_html(b) for b in blocks)
    return (
        '<!doctype html>\n<html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body><main>\n{body}\n</main></body></html>\n"
    )


def _md_cell(text: str) -> str:
    """Escape a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block], svg_prefix: str = "") -> tuple[str, dict[str, str]]:
    """Markdown text and the SVG files it links to (name -> svg); without svg_prefix charts are left out."""
    out: list[str] = []
    files: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + f" {block.text}\n")
        elif isinstance(block, Para):
            out.append(f"{block.text}\n")
        elif isinstance(block, Warning):
            out.append(f"> **Let op:** {block.text}\n")
        elif isinstance(block, Grid):
            out.append(f"**{block.caption}**\n")
            out.append("| " + " | ".join(_md_cell(h) for h in block.headers) + " |")
            out.append("|" + "---|" * len(block.headers))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("")
        elif isinstance(block, Chart):
            if svg_prefix:
                files[f"{svg_prefix}-{block.name}.svg"] = block.svg
                out.append(f"![{block.caption}]({svg_prefix}-{block.name}.svg)\n")
        elif isinstance(block, Terms):
            out += [f"- **{t}**: {d}" for t, d in block.items] + [""]
        else:
            text, more = to_markdown(block.blocks, svg_prefix)
            files.update(more)
            out.append(f"<details><summary>{escape(block.summary)}</summary>\n\n{text}\n</details>\n")
    return "\n".join(out), files
