"""Edge: read budget files from disk, check them, and parse them into a corpus."""

from __future__ import annotations

from pathlib import Path

from knowledge.parse import ParseError, parse_budget
from knowledge.types import Corpus, Document, Section, Table

MAX_BYTES = 20_000_000


class IngestError(ValueError):
    """A file could not be ingested; the message names the file and the reason (in Dutch)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def decode_budget(path: Path, raw: bytes) -> str:
    """Check size and encoding of a file's bytes and return its text."""
    if len(raw) > MAX_BYTES:
        raise IngestError(path, f"het bestand is te groot ({len(raw)} bytes, maximaal {MAX_BYTES})")
    if not raw.strip():
        raise IngestError(path, "het bestand is leeg")
    if b"\x00" in raw:
        raise IngestError(path, "het bestand is binair, geen tekst")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"het bestand is geen geldige UTF-8-tekst (byte {exc.start})") from exc


def read_document(path: Path) -> tuple[Document, list[Section], list[Table]]:
    """Read and parse one budget file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"het bestand kan niet gelezen worden ({exc.strerror})") from exc
    text = decode_budget(path, raw)
    try:
        title, sections, tables = parse_budget(path.stem, text)
    except ParseError as exc:
        raise IngestError(path, str(exc)) from exc
    document = Document(path.stem, title, path.name, text.count("\n") + 1)
    return document, sections, tables


def budget_files(directory: Path) -> list[Path]:
    """The budget files of a directory: every *.txt, in name order."""
    if not directory.is_dir():
        raise IngestError(directory, "de map bestaat niet")
    files = sorted(p for p in directory.glob("*.txt") if p.is_file())
    if not files:
        raise IngestError(directory, "geen .txt-bestanden gevonden")
    return files


def load_corpus(files: list[Path]) -> Corpus:
    """Read all files into one corpus; the first bad file stops the load with its reason."""
    documents: list[Document] = []
    sections: list[Section] = []
    tables: list[Table] = []
    for path in files:
        document, doc_sections, doc_tables = read_document(path)
        if any(d.id == document.id for d in documents):
            raise IngestError(path, f"er is al een document met de naam {document.id}")
        documents.append(document)
        sections.extend(doc_sections)
        tables.extend(doc_tables)
    return Corpus(tuple(documents), tuple(sections), tuple(tables))
