"""Report writing, SVG charts and the read-only view on unanswered questions."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

from knowledge.eval import svg
from knowledge.eval.asked import Asked, unanswered_questions
from knowledge.eval.metrics import Outcome
from knowledge.eval.report import Run, summary_table, text_table, write_report

ROOT = Path(__file__).resolve().parents[3]


def outcome(id: str, kind: str, ok: bool) -> Outcome:
    """A cost outcome that passes or fails."""
    return Outcome(
        id=id,
        kind=kind,
        question=f"vraag {id}",
        answerable=True,
        expected_sections=("programmakosten",),
        expected_facts=("€ 14.984.000",),
        text="€ 14.984.000" if ok else "geen idee",
        answered=True,
        ranked_sections=("programmakosten",) if ok else ("reserves",),
        cited_sections=("programmakosten",),
        latency_s=0.02 if ok else 0.2,
    )


def test_svg_charts_are_well_formed() -> None:
    bars = svg.bar_chart("hit@3 <per soort>", ["cost", "typo"], {"bm25": [1.0, None], "hybrid": [0.5, 0.25]})
    hist = svg.histogram("latency", {"bm25": [1.0, 2.0, 40.0], "hybrid": []})
    for chart in (bars, hist, svg.histogram("leeg", {})):
        root = ET.fromstring(chart)
        assert root.tag.endswith("svg")
    assert bars.count("<rect") == 3 + 2  # three bars and two legend swatches


def test_write_report(tmp_path: Path) -> None:
    runs = [
        Run("bm25", "inprocess", {"questions": [outcome("a", "cost", True), outcome("b", "typo", False)]}),
        Run("hybrid", "inprocess", {"questions": [outcome("a", "cost", True), outcome("b", "typo", True)]}),
    ]
    asked = [Asked("Wat kost een hondenpenning?", 3, 1, "2026-01-02")]
    md, html = write_report(runs, asked, tmp_path, "var/feedback.sqlite", ["q.jsonl"])
    text = md.read_text(encoding="utf-8")
    assert "| bm25 | questions | 2 | 0.500 | 0.500 |" in text
    assert "### bm25: 1 mislukt" in text and "### hybrid: 0 mislukt" in text
    assert "[questions] b (typo): vraag b" in text
    assert "Wat inwoners vroegen en we niet konden beantwoorden" in text
    assert "Wat kost een hondenpenning?" in text
    assert len(list(tmp_path.glob("*.svg"))) == 4
    page = html.read_text(encoding="utf-8")
    assert page.count("<svg") == 4 and "<table>" in page
    assert md.with_suffix(".json").exists()
    headers, rows = summary_table(runs)
    assert "hit@3" in headers and len(rows) == 2
    assert text_table(headers, rows).splitlines()[0].startswith("config")


def test_unanswered_questions_grouped_masked_and_filtered(tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE unanswered (id INTEGER PRIMARY KEY, created TEXT, question TEXT, reason TEXT)")
    conn.execute(
        "CREATE TABLE feedback (id INTEGER PRIMARY KEY, created TEXT, question TEXT, answer TEXT, helped INTEGER,"
        " source TEXT, conversation_id TEXT)"
    )
    rows = [
        ("2026-01-01", "Wat kost een parkeervergunning?"),
        ("2026-01-03", "wat kost een  parkeervergunning?"),
        ("2026-01-02", "Mail mij op jan@example.nl"),
        ("2026-01-02", "Wat is de hoofdstad van Frankrijk?"),
    ]
    conn.executemany("INSERT INTO unanswered (created, question, reason) VALUES (?, ?, 'abstain')", rows)
    conn.execute(
        "INSERT INTO feedback (created, question, answer, helped, source) VALUES ('2026-01-04', ?, '', 0, 'web')",
        ("Mail mij op jan@example.nl",),
    )
    conn.execute(
        "INSERT INTO feedback (created, question, answer, helped, source) VALUES ('2026-01-04', 'ok', '', 1, 'web')"
    )
    conn.commit()
    conn.close()
    asked = unanswered_questions(db, exclude=["Wat is de hoofdstad van Frankrijk?"])
    assert [(a.question, a.unanswered, a.not_helped) for a in asked] == [
        ("Wat kost een parkeervergunning?", 2, 0),  # equal totals: more often unanswered first
        ("Mail mij op [E-MAIL]", 1, 1),
    ]
    assert asked[0].last == "2026-01-03"
    assert unanswered_questions(tmp_path / "absent.sqlite") == []
