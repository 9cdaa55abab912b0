"""The evaluators' staff-only views over a real server on loopback: unanswered questions by topic, feedback per
week, the newest report, marking turns right or wrong, and `export-reviewed` lines that the question loader reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from knowledge.eval.questions import load_questions
from knowledge.settings import Settings
from tests.conftest import DOC, ROOT
from tests.knowledge.test_handoff_codes import STAFF, TOKEN, make_app, serve

REPORT = "eval-20261129-120000.html"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("review")
    (folder / "reports").mkdir()
    (folder / "reports" / "eval-20261101-090000.html").write_text("<html>oud</html>", encoding="utf-8")
    (folder / "reports" / REPORT).write_text("<html><body>Evaluatie nieuw</body></html>", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base(fake_service, fake_settings: Settings, folder: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    app, _ = make_app(fake_service, fake_settings, folder, staff_token=TOKEN, reports_dir=folder / "reports")
    yield from serve(app)


def ask(base: str, question: str, sender: str = "beoordeling-1") -> dict[str, object]:
    reply = httpx.post(f"{base}/api/answer", json={"question": question, "conversation_id": sender}, timeout=30)
    assert reply.status_code == 200
    return dict(reply.json())


def test_every_review_view_is_staff_only(base: str) -> None:
    for path in ("/api/review/report", "/api/review/report.html", "/api/review/unanswered",
                 "/api/review/feedback-weeks", "/api/review/turns", "/api/review/sections"):
        refused = httpx.get(f"{base}{path}", timeout=10)
        assert refused.status_code == 401 and "medewerker" in refused.json()["detail"], path
    assert httpx.put(f"{base}/api/review/turns/1", json={"correct": True}, timeout=10).status_code == 401


def test_newest_report_is_linked(base: str) -> None:
    report = httpx.get(f"{base}/api/review/report", headers=STAFF, timeout=10).json()
    assert report["name"] == REPORT and report["url"] == "/api/review/report.html"
    page = httpx.get(f"{base}{report['url']}", headers=STAFF, timeout=10)
    assert page.status_code == 200 and "Evaluatie nieuw" in page.text


def test_unanswered_questions_grouped_by_topic_most_asked_first(base: str) -> None:
    for question in ("Hoe laat gaat het zwembad open?", "Hoe laat gaat het zwembad open?",
                     "Is het zwembad op zondag open?", "Waar kan ik mijn grofvuil kwijt?"):
        assert not ask(base, question)["answered"]
    groups = httpx.get(f"{base}/api/review/unanswered", headers=STAFF, timeout=30).json()
    first = groups[0]
    assert first["topic"] == "zwembad" and first["count"] == 3
    assert first["questions"][0] == {"question": "hoe laat gaat het zwembad open?", "count": 2}
    assert any("grofvuil" in q["question"] for g in groups[1:] for q in g["questions"])
    assert [g["count"] for g in groups] == sorted((g["count"] for g in groups), reverse=True)


def test_feedback_per_week(base: str) -> None:
    for helped in (True, False, False):
        assert httpx.post(f"{base}/api/feedback", json={"question": "Wat kost bestuur?", "answer": "x",
                                                         "helped": helped}, timeout=10).status_code == 201
    [week] = httpx.get(f"{base}/api/review/feedback-weeks", headers=STAFF, timeout=10).json()
    assert week["helped"] == 1 and week["not_helped"] == 2 and week["week"].count("-W") == 1


def test_review_round_trip_to_question_lines(base: str, folder: Path) -> None:
    right = ask(base, "Wat zijn de lasten van dienstverlening in 2027?", "beoordeling-2")
    assert right["answered"]
    ask(base, "Mail mij op jan@example.nl: wat doet de ombudsman voor mij?", "beoordeling-2")
    turns = httpx.get(f"{base}/api/review/turns", headers=STAFF, timeout=10).json()
    by_question = {t["question"]: t for t in turns}
    amount = by_question["Wat zijn de lasten van dienstverlening in 2027?"]
    [masked] = [t for t in turns if "ombudsman" in t["question"]]
    assert "jan@example.nl" not in json.dumps(turns) and "[E-MAIL]" in masked["question"]
    sections = httpx.get(f"{base}/api/review/sections", headers=STAFF, timeout=10).json()
    assert {"id": f"{DOC}:programmakosten", "label": next(s["label"] for s in sections
                                                         if s["id"] == f"{DOC}:programmakosten")} in sections

    url = f"{base}/api/review/turns"
    ok = httpx.put(f"{url}/{amount['id']}", json={"correct": True}, headers=STAFF, timeout=10)
    assert ok.status_code == 200 and ok.json()["correct"] is True
    bad = httpx.put(f"{url}/{masked['id']}", json={"correct": False, "section_id": "bestaat:niet"},
                    headers=STAFF, timeout=10)
    assert bad.status_code == 422 and "staat niet in de index" in bad.json()["detail"]
    wrong = httpx.put(f"{url}/{masked['id']}", json={"correct": False, "section_id": f"{DOC}:programmakosten"},
                      headers=STAFF, timeout=10)
    assert wrong.status_code == 200
    # a second verdict replaces the first
    again = httpx.put(f"{url}/{masked['id']}", json={"correct": False, "section_id": f"{DOC}:1a"},
                      headers=STAFF, timeout=10)
    assert again.status_code == 200 and again.json()["section_id"] == f"{DOC}:1a"
    for absent in ("999999", "-1", str(10**25)):
        missing = httpx.put(f"{url}/{absent}", json={"correct": True}, headers=STAFF, timeout=10)
        assert missing.status_code == 404 and "bestaat niet" in missing.json()["detail"], absent
    invalid = httpx.put(f"{url}/{amount['id']}", json={"correct": "misschien"}, headers=STAFF, timeout=10)
    assert invalid.status_code == 422 and "correct" in invalid.json()["detail"]
    listed = {t["id"]: t for t in httpx.get(url, headers=STAFF, timeout=10).json()}
    assert listed[masked["id"]]["review"] == {"correct": False, "section_id": f"{DOC}:1a"}

    out = folder / "reviewed.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "knowledge.eval", "export-reviewed", "--feedback-db",
                           str(folder / "feedback.sqlite"), "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    questions = {q.question: q for q in load_questions(out)}  # the existing loader accepts every line
    assert len(questions) == 2
    first = questions["Wat zijn de lasten van dienstverlening in 2027?"]
    assert first.answerable and first.expected_sections == (f"{DOC}:programmakosten",) and first.kind == "cost"
    [second] = [q for q in questions.values() if "ombudsman" in q.question]
    assert second.answerable and second.expected_sections == (f"{DOC}:1a",) and "[E-MAIL]" in second.question
    assert "jan@example.nl" not in out.read_text(encoding="utf-8")
