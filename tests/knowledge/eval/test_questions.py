"""Loading and validating evaluation question files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.eval.questions import QuestionFileError, load_questions, load_sets, split_sets

ROOT = Path(__file__).resolve().parents[3]

DATA = Path(__file__).resolve().parents[2] / "data"
GOOD = {
    "id": "cost-01",
    "question": "Wat kost dienstverlening in 2027?",
    "kind": "cost",
    "expected_sections": ["programmakosten"],
    "expected_facts": ["€ 14.984.000"],
    "answerable": True,
}


def write(tmp_path: Path, *lines: str) -> Path:
    """Write lines to a JSONL file."""
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line(**changes: object) -> str:
    """A JSON line: the good record with some fields changed (None removes a field)."""
    record = {**GOOD, **changes}
    return json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False)


def test_loads_a_valid_file_with_turns(tmp_path: Path) -> None:
    turns = [{"question": "En in 2028?", "expected_facts": ["€ 14.523.000"]}]
    path = write(tmp_path, line(), "", line(id="fu-01", kind="followup", turns=turns))
    questions = load_questions(path)
    assert [q.id for q in questions] == ["cost-01", "fu-01"]
    assert questions[0].expected_facts == ("€ 14.984.000",)
    assert questions[1].turns[0].question == "En in 2028?"
    assert questions[1].line == 3 and questions[1].source == "q"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "JSON object"),
        (line(question=None), "missing field"),
        (line(kind="weather"), "kind 'weather'"),
        (line(answerable="yes"), "answerable"),
        (line(expected_facts="€ 14.984.000"), "expected_facts"),
        (line(expected_sections=[1]), "expected_sections"),
        (line(extra=1), "unknown field"),
        (line(kind="out_of_scope", answerable=False), "out_of_scope"),
        (line(expected_sections=[]), "at least one expected section"),
        (line(turns=[{"question": ""}]), "turns[0].question"),
        (line(turns="En in 2028?"), "turns"),
    ],
)
def test_bad_line_names_file_and_line(tmp_path: Path, bad: str, message: str) -> None:
    path = write(tmp_path, line(id="a"), bad)
    with pytest.raises(QuestionFileError) as err:
        load_questions(path)
    assert err.value.line == 2
    assert f"{path}:2:" in str(err.value)
    assert message in str(err.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(QuestionFileError, match="duplicate id 'cost-01' \\(first on line 1\\)"):
        load_questions(write(tmp_path, line(), line()))


def test_empty_or_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(QuestionFileError, match="no questions"):
        load_questions(write(tmp_path, ""))
    with pytest.raises(QuestionFileError, match="cannot read"):
        load_questions(tmp_path / "absent.jsonl")


def test_ids_must_be_unique_across_sets(tmp_path: Path) -> None:
    first = write(tmp_path, line())
    second = tmp_path / "other.jsonl"
    second.write_text(line() + "\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match="also used in"):
        load_sets([first, second])


def test_project_question_sets_are_valid_and_balanced() -> None:
    sets = load_sets([DATA / "questions.jsonl", DATA / "questions_heldout.jsonl"])
    assert len(sets["questions"] + sets["questions_heldout"]) >= 120
    singles = load_questions(DATA / "singles.jsonl")
    conversations = load_questions(DATA / "conversations.jsonl")
    assert len(singles) >= 200 and len(conversations) >= 60
    second = load_sets([DATA / "singles_v2.jsonl", DATA / "conversations_v2.jsonl"])  # a second writer's set
    assert len(second["singles_v2"]) >= 160 and len(second["conversations_v2"]) >= 40
    third = load_sets([DATA / "singles_v3.jsonl", DATA / "conversations_v3.jsonl"])  # a third, budget text only
    assert len(third["singles_v3"]) >= 150 and len(third["conversations_v3"]) >= 50
    fourth = load_sets([DATA / "singles_v4.jsonl", DATA / "conversations_v4.jsonl"])  # a fourth, budget text only
    assert len(fourth["singles_v4"]) >= 150 and len(fourth["conversations_v4"]) >= 60
    fifth = load_sets([DATA / "singles_v5.jsonl", DATA / "conversations_v5.jsonl"])  # a fifth, budget text only
    assert len(fifth["singles_v5"]) >= 150 and len(fifth["conversations_v5"]) >= 60
    sixth = load_sets([DATA / "singles_v6.jsonl", DATA / "conversations_v6.jsonl"])  # amount traps, budget text only
    assert len(sixth["singles_v6"]) >= 80 and len(sixth["conversations_v6"]) >= 45
    seventh = load_sets([DATA / "singles_v7.jsonl", DATA / "conversations_v7.jsonl"])  # a seventh, budget text only
    assert len(seventh["singles_v7"]) >= 200 and len(seventh["conversations_v7"]) >= 60
    eighth = load_sets([DATA / "singles_v8.jsonl", DATA / "conversations_v8.jsonl"])  # an eighth, budget text only
    assert len(eighth["singles_v8"]) >= 200 and len(eighth["conversations_v8"]) >= 60
    ninth = load_sets([DATA / "singles_v9.jsonl", DATA / "conversations_v9.jsonl"])  # a ninth, budget text only
    assert len(ninth["singles_v9"]) >= 200 and len(ninth["conversations_v9"]) >= 60
    tenth = load_sets([DATA / "singles_v10.jsonl", DATA / "conversations_v10.jsonl"])  # a tenth, budget text only
    assert len(tenth["singles_v10"]) >= 200 and len(tenth["conversations_v10"]) >= 60
    for questions in (singles, conversations, second["singles_v2"], second["conversations_v2"],
                      third["singles_v3"], third["conversations_v3"], fourth["singles_v4"],
                      fourth["conversations_v4"], fifth["singles_v5"], fifth["conversations_v5"], sixth["singles_v6"],
                      sixth["conversations_v6"], seventh["singles_v7"], seventh["conversations_v7"],
                      eighth["singles_v8"], eighth["conversations_v8"], ninth["singles_v9"],
                      ninth["conversations_v9"], tenth["singles_v10"], tenth["conversations_v10"]):
        halves = split_sets({"x": questions})
        tune, report = halves["x-tune"], halves["x-report"]
        assert abs(len(tune) - len(report)) <= 0.1 * len(questions)
        assert {q.kind for q in tune} == {q.kind for q in report}
        assert all(q.expected_facts for q in questions if q.answerable)
        assert all(t.expected_facts for q in questions for t in q.turns if t.answerable)
    assert sum(q.kind == "out_of_scope" for q in singles) >= 30
    assert sum(q.kind == "english" for q in singles) >= 20
    assert all(len(q.turns) >= 1 for q in conversations)
