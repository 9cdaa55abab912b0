"""Edge: read budget files from disk, check them, and parse them into a corpus."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from knowledge import parse
from knowledge.parse import ParseError
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
        title, sections, tables = parse.parse_budget(path.stem, text)  # looked up at call time (tests patch it)
    except ParseError as exc:
        raise IngestError(path, str(exc)) from exc
    document = Document(path.stem, title, path.name, text.count("\n") + 1)
    return with_metadata(document, sections, read_sidecar(path)), sections, tables


_TITLE_YEAR = re.compile(r"^(.*?)\s*((?:19|20)\d{2})\b")
_NUMBER = re.compile(r"^Programmanummer:\s*(\S+)", re.MULTILINE)
SIDECAR_FIELDS = ("kind", "year", "programme", "programme_number", "municipality", "title")


def read_sidecar(path: Path) -> dict[str, object]:
    """Metadata from '<name>.meta.json' next to the document (the municipality is not in the text)."""
    sidecar = path.with_name(f"{path.stem}.meta.json")
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(sidecar, f"het metadatabestand is geen geldige JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise IngestError(sidecar, "het metadatabestand moet een JSON-object zijn")
    unknown = set(data) - set(SIDECAR_FIELDS)
    if unknown:
        raise IngestError(sidecar, f"onbekende velden in het metadatabestand: {', '.join(sorted(unknown))}")
    return data


def with_metadata(document: Document, sections: list[Section], sidecar: dict[str, object]) -> Document:
    """Kind, year and programme from the document's own header lines, overridden by the sidecar."""
    m = _TITLE_YEAR.match(document.title)
    programme = next((s for s in sections if s.kind == "programme"), None)
    number = _NUMBER.search(programme.text) if programme else None
    fields: dict[str, object] = {
        "kind": m.group(1).strip() if m else "",
        "year": int(m.group(2)) if m else None,
        "programme": programme.title if programme else "",
        "programme_number": number.group(1) if number else "",
    }
    fields.update({k: v for k, v in sidecar.items() if v is not None})
    year = fields.get("year")
    fields["year"] = int(year) if isinstance(year, (int, str)) and str(year).isdigit() else None
    return replace(document, kind=str(fields["kind"]), year=fields["year"] if isinstance(fields["year"], int) else None,
                   programme=str(fields["programme"]), programme_number=str(fields["programme_number"]),
                   municipality=str(fields.get("municipality", "")), title=str(fields.get("title", document.title)))


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
