"""The one currency of data passed between ingest, index, retrieval and answering."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """A budget document as ingested: its id (file stem), title and source file name."""

    id: str
    title: str
    source: str
    line_count: int


@dataclass(frozen=True)
class Section:
    """A node of the budget tree: programme, beleidsterrein, doel, prestatie or a named part."""

    id: str
    document_id: str
    slug: str
    kind: str
    code: str | None
    title: str
    path: tuple[str, ...]
    parent_id: str | None
    text: str
    line_start: int
    line_end: int
    alt_titles: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Code and title, as shown to people."""
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass(frozen=True)
class Cell:
    """One value of a table: row (line × measure) by column (year and kind)."""

    line: str
    measure: str
    year: int | None
    kind: str
    value: float | None
    raw: str
    unit: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A table rebuilt from the flattened export, as typed cells."""

    id: str
    document_id: str
    section_id: str
    title: str
    unit: str
    columns: tuple[str, ...]
    cells: tuple[Cell, ...]
    line_start: int
    line_end: int
    footnotes: tuple[str, ...] = ()

    def find(self, line: str | None = None, measure: str | None = None, year: int | None = None) -> list[Cell]:
        """Return cells matching every given coordinate (case-insensitive)."""
        return [
            c
            for c in self.cells
            if (line is None or c.line.lower() == line.lower())
            and (measure is None or c.measure.lower() == measure.lower())
            and (year is None or c.year == year)
        ]


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: prose of a section or one table row in words."""

    id: str
    document_id: str
    section_id: str
    path: tuple[str, ...]
    text: str
    kind: str = "text"
    table_id: str | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer."""

    n: int
    document: str
    section_id: str
    code: str | None
    title: str
    path: tuple[str, ...]
    url: str
    quote: str
    document_title: str = ""


@dataclass(frozen=True)
class Resolved:
    """What an answer was about after merging the question with conversation context."""

    year: int | None = None
    line: str | None = None
    measure: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class Answer:
    """A grounded answer, or an honest abstention with a referral."""

    question: str
    answered: bool
    text: str
    confidence: float
    citations: tuple[Citation, ...] = ()
    resolved: Resolved = field(default_factory=Resolved)
    method: str = "text"


@dataclass(frozen=True)
class Corpus:
    """Everything ingested: documents, their sections and tables."""

    documents: tuple[Document, ...]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]

    def section(self, section_id: str) -> Section | None:
        """Return the section with this id, if present."""
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass(frozen=True)
class SearchResult:
    """A section found for a query, with its best-matching passage as snippet."""

    section: Section
    score: float
    snippet: str
