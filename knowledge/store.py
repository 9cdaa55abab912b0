"""Edge: persist and load the corpus and chunks as JSON (the index's human-readable part)."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from knowledge.types import Cell, Chunk, Corpus, Document, Section, Table

_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """What dataclasses.asdict gives, as JSON sees it (tuples become lists), without its deep copies: a large
    corpus is saved several times faster."""
    if is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(type(value))
        if names is None:
            names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def asdict(value: Any) -> dict[str, Any]:
    """A dataclass as a plain JSON-ready dict."""
    return _plain(value)  # type: ignore[no-any-return]


def corpus_to_json(corpus: Corpus) -> dict[str, Any]:
    """Plain-JSON form of a corpus."""
    return {
        "documents": [asdict(d) for d in corpus.documents],
        "sections": [asdict(s) for s in corpus.sections],
        "tables": [asdict(t) for t in corpus.tables],
    }


def corpus_from_json(data: dict[str, Any]) -> Corpus:
    """Rebuild a corpus from its JSON form."""
    sections = tuple(
        Section(**{**s, "path": tuple(s["path"]), "alt_titles": tuple(s["alt_titles"])}) for s in data["sections"]
    )
    tables = tuple(
        Table(
            **{
                **t,
                "columns": tuple(t["columns"]),
                "cells": tuple(Cell(**c) for c in t["cells"]),
                "footnotes": tuple(t["footnotes"]),
            }
        )
        for t in data["tables"]
    )
    return Corpus(tuple(Document(**d) for d in data["documents"]), sections, tables)


def chunks_to_json(chunks: list[Chunk]) -> list[dict[str, Any]]:
    """Plain-JSON form of chunks."""
    return [asdict(c) for c in chunks]


def chunks_from_json(data: list[dict[str, Any]]) -> list[Chunk]:
    """Rebuild chunks from their JSON form."""
    return [Chunk(**{**c, "path": tuple(c["path"])}) for c in data]


def write_json(path: Path, data: Any) -> None:
    """Write JSON as UTF-8."""
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def read_json(path: Path) -> Any:
    """Read JSON written by write_json."""
    return json.loads(path.read_text(encoding="utf-8"))
