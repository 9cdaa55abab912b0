"""Cut sections into retrievable chunks: headings, prose passages and one chunk per table cell."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.paragraphs import Para, looks_like_heading
from knowledge.render import cell_sentence
from knowledge.types import Chunk, Corpus, Section, Table

MAX_CHARS = 700
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘'“\"(])")


def split_sentences(text: str) -> list[str]:
    """Split a passage into sentences; list items stay sentences of their own."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(s.strip() for s in _SENTENCE.split(line) if s.strip())
    return out


def _is_subheading(paragraph: str, following: str | None) -> bool:
    return following is not None and looks_like_heading(Para(paragraph, 0, 0)) and len(paragraph) <= 80


def prose_chunks(section: Section, tabled: bool) -> list[Chunk]:
    """Passages of a section's prose, each with the subheading it falls under in its path."""
    paragraphs = [p for p in section.text.split("\n\n") if p.strip()]
    if tabled and paragraphs:
        paragraphs = paragraphs[1:]  # the first paragraph is the rendered table, chunked per cell instead
    chunks: list[Chunk] = []
    subheading: str | None = None
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            path = section.path + ((subheading,) if subheading else ())
            n = len(chunks)
            chunks.append(Chunk(f"{section.id}#p{n}", section.document_id, section.id, path, "\n".join(buffer)))
            buffer.clear()

    for i, para in enumerate(paragraphs):
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if section.kind != "programme" and _is_subheading(para, nxt):
            flush()
            subheading = para
            continue
        if buffer and sum(len(b) for b in buffer) + len(para) > MAX_CHARS:
            flush()
        buffer.append(para)
    flush()
    return chunks


def heading_chunk(section: Section) -> Chunk:
    """A chunk naming the section, so codes and titles are found even when a section has no prose."""
    names = [section.label, *section.alt_titles]
    return Chunk(f"{section.id}#h", section.document_id, section.id, section.path, " — ".join(names), kind="heading")


def table_chunks(table: Table, section: Section) -> list[Chunk]:
    """One readable chunk per table cell with a value."""
    title = section.title if section.kind == "part" else table.title
    return [
        Chunk(f"{table.id}#c{i}", table.document_id, table.section_id, section.path, cell_sentence(title, cell),
              kind="cell", table_id=table.id)
        for i, cell in enumerate(table.cells)
        if cell.value is not None
    ]


def chunk_corpus(corpus: Corpus) -> list[Chunk]:
    """All chunks of a corpus, in document order."""
    # the big tables are chunked per cell; small ones (Investeringen, Subsidies) also stay in their prose
    tabled = {t.section_id for t in corpus.tables if t.section_id.endswith((":programmakosten", ":reserves"))}
    chunks: list[Chunk] = []
    for section in corpus.sections:
        chunks.append(heading_chunk(section))
        if section.kind == "indicator":
            # an indicator's text is its table row in words: it ranks like a table cell
            chunks.extend(replace(c, kind="cell") for c in prose_chunks(section, False))
        elif section.kind == "doel":
            # a doel's text lists its prestaties: titles, not content
            chunks.extend(replace(c, kind="heading") for c in prose_chunks(section, False))
        elif section.kind != "effectindicatoren":
            chunks.extend(prose_chunks(section, section.id in tabled))
    by_id = {s.id: s for s in corpus.sections}
    for table in corpus.tables:
        if by_id[table.section_id].kind == "effectindicatoren":
            continue  # each indicator has a section of its own that states its values
        chunks.extend(table_chunks(table, by_id[table.section_id]))
    return chunks
