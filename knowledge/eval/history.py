"""The summary of earlier runs, kept as JSON next to the report, so a report can show what changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.eval.figures import Figures, from_json, to_json

HISTORY_FILE = "eval-history.json"
KEEP = 50


@dataclass(frozen=True)
class Entry:
    """One earlier run of one set-up: when, which set-up and target, on which question files, its figures."""

    when: str
    config: str
    target: str
    files: tuple[str, ...]
    figures: Figures


def load(path: Path) -> list[Entry]:
    """Every readable entry of a history file (oldest first); a missing or broken file gives none."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries: list[Entry] = []
    for item in raw.get("runs", []) if isinstance(raw, dict) else []:
        figures = from_json(item.get("figures")) if isinstance(item, dict) else None
        if figures is not None:
            entries.append(Entry(str(item.get("when", "")), str(item.get("config", "")), str(item.get("target", "")),
                                 tuple(str(f) for f in item.get("files", [])), figures))
    return entries


def previous(entries: list[Entry], config: str, target: str) -> Entry | None:
    """The latest entry of the same set-up and target."""
    same = [e for e in entries if e.config == config and e.target == target]
    return same[-1] if same else None


def append(path: Path, entries: list[Entry], entry: Entry) -> None:
    """Write the history with the new entry added (the last KEEP entries are kept)."""
    runs: list[dict[str, Any]] = [
        {"when": e.when, "config": e.config, "target": e.target, "files": list(e.files), "figures": to_json(e.figures)}
        for e in [*entries, entry][-KEEP:]
    ]
    path.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=1), encoding="utf-8")
