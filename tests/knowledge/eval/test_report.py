"""The decision-makers' report, written from a real small evaluation run (hybrid = live, bm25 = comparison).

One question of the run is a budget question the test set calls out of scope: the real assistant answers it,
so the report must show a risk and a missed target. Real usage comes from a real feedback store.
"""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from datetime import datetime
from html import unescape
from pathlib import Path

import pytest

from knowledge.eval import svg
from knowledge.eval.asked import unanswered_questions
from knowledge.eval.figures import Count, measure, met
from knowledge.eval.metrics import Outcome, compute
from knowledge.eval.questions import Question, load_questions, parse_question
from knowledge.eval.report import Context, Run, failure_grid, live_config, write_report
from knowledge.eval.runners import inprocess_runners, run_all
from knowledge.eval.terminal import summary_table, text_table
from knowledge.eval.usage import Usage, read_usage
from knowledge.eval.verdict import missed_targets, percent
from knowledge.feedback import FeedbackSource, FeedbackStore
from knowledge.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"
LIVE = "woorden en betekenis samen, met tabellen (hybrid)"

pytestmark = pytest.mark.slow


def first_of(questions: list[Question], kind: str, n: int) -> list[Question]:
    """The first n questions of a kind."""
    return [q for q in questions if q.kind == kind][:n]


def question_sets() -> dict[str, list[Question]]:
    """A few real questions per kind, two conversations, and one budget question mislabelled as out of scope."""
    singles = load_questions(DATA / "singles.jsonl")
    picked = first_of(singles, "cost", 2) + first_of(singles, "out_of_scope", 2) + first_of(singles, "reserve", 1)
    picked += first_of(singles, "define", 1)
    risky = parse_question({"id": "t-risk", "question": picked[0].question, "kind": "out_of_scope",
                            "expected_sections": [], "expected_facts": [], "answerable": False})
    return {"singles": picked + [risky], "conversations": load_questions(DATA / "conversations.jsonl")[:2]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    settings = Settings.from_env().with_(feedback_db=tmp_path_factory.mktemp("eval") / "feedback.sqlite",
                                         data_dir=ROOT / "data", index_dir=ROOT / "var" / "index")
    sets = question_sets()
    return [Run(r.name, "inprocess", {name: run_all(r, qs) for name, qs in sets.items()})
            for r in inprocess_runners(["hybrid", "bm25"], settings)]


def without_risk(runs: list[Run]) -> list[Run]:
    """The same runs without the mislabelled question (an earlier, better run)."""
    return [Run(r.config, r.target, {k: [o for o in v if o.id != "t-risk"] for k, v in r.sets.items()}) for r in runs]


def context(usage: Usage, when: datetime) -> Context:
    return Context(live_config(Settings()), ("singles.jsonl", "conversations.jsonl"), usage, (), when)


def text_of(html: str) -> str:
    """The page's visible text on one line (tags dropped, entities decoded)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_live_config_follows_the_settings() -> None:
    assert live_config(Settings()) == "hybrid"
    assert live_config(Settings().with_(retrieval="bm25")) == "bm25"
    assert live_config(Settings().with_(table_answers=False)) == "hybrid-notables"


def test_report_verdict_counts_risks_and_folded_comparison(runs: list[Run], tmp_path: Path) -> None:
    live = runs[0]
    figures = measure(live.outcomes)
    md, html_path, summary = write_report(runs, context(Usage("x", False, "het bestand bestaat niet"),
                                                        datetime(2026, 3, 2, 10, 0)), tmp_path)
    html = html_path.read_text(encoding="utf-8")
    page = text_of(html)
    # The verdict is the first paragraph under 'Oordeel' and names the live set-up.
    verdict = unescape(re.search(r"<h2>Oordeel</h2>\s*<p>(.*?)</p>", html, re.S).group(1))  # type: ignore[union-attr]
    assert verdict.startswith(f"Live draait de set-up ‘{LIVE}’")
    # Counts beside ratios, and they agree with the metrics module.
    found, metrics = figures.count("found"), compute(live.outcomes)
    assert metrics.hit3 == pytest.approx(found.num / found.den)
    assert f"Bij {found.num} van de {found.den} vragen stond de juiste plek" in verdict
    assert f"We stelden {len(live.outcomes)} testvragen" in verdict
    # The mislabelled question is answered: a risk with counts, said plainly, never under a tick.
    oos = figures.count("out_of_scope_answered")
    assert oos.num >= 1 and oos.den == 3
    risk = f"{oos.num} van de {oos.den} vragen buiten de begroting kregen toch een antwoord."
    assert f"Let op: {risk}" in verdict
    assert f'<p class="warning"><strong>Let op:</strong> {risk}</p>' in html
    assert "✓" not in html and "✗" not in html
    assert re.search(r'<th scope="row">vragen buiten de begroting toch beantwoord</th><td>[^<]*</td><td>0</td>'
                     r"<td>risico</td>", html)
    # A missed target is a warning with counts and the target.
    missed = missed_targets(figures)
    assert "handled" in missed
    handled = figures.count("handled")
    assert (f"<strong>Let op:</strong> goed afgehandeld: {handled.num} van {handled.den} "
            f"({percent(handled.num / handled.den, 0.92)}). Het doel is 92% of meer; dat halen we niet.") in html
    assert "niet gehaald: goed afgehandeld" in verdict
    # Dutch names for kinds, sets and metrics; a glossary.
    assert "bedragen (lasten en baten)" in page and "losse vragen" in page and "feitenscore" in page
    assert "<dt>vindplaats in top 3 (hit@3)</dt>" in html and "<dt>gesprekken geslaagd</dt>" in html
    # The comparison set-up only appears inside the folded section, after the live set-up's figures.
    fold = html.index("<details><summary>Toon de vergelijking met 1 andere set-up(s)</summary>")
    assert html.index("alleen zoeken op woorden (bm25)") > fold
    assert html.index("Mislukte vragen van ‘alleen zoeken op woorden (bm25)’") > fold
    # First run: nothing to compare with; the usage section says the store is unavailable.
    assert "Er is geen vorige meting om mee te vergelijken." in verdict
    assert "De feedbackopslag is niet beschikbaar: het bestand bestaat niet." in page
    # Markdown report and the pasteable summary carry the same verdict.
    assert verdict in md.read_text(encoding="utf-8")
    short = summary.read_text(encoding="utf-8")
    assert summary.name == "eval-summary.md" and verdict in short
    assert f"> **Let op:** {risk}" in short and "| vindplaats in top 3 |" in short
    assert "Echt gebruik: de feedbackopslag is niet beschikbaar" in short
    assert len(list(tmp_path.glob("*.svg"))) == 2 and html.count("<svg") == 2
    raw = json.loads(md.with_suffix(".json").read_text(encoding="utf-8"))
    assert [r["config"] for r in raw] == ["hybrid", "bm25"]


def test_change_since_the_previous_run(runs: list[Run], tmp_path: Path) -> None:
    usage = Usage("x", True)
    write_report(without_risk(runs), context(usage, datetime(2026, 3, 1, 9, 30)), tmp_path)
    before = measure(without_risk(runs)[0].outcomes).count("out_of_scope_answered")
    _, html_path, summary = write_report(runs, context(usage, datetime(2026, 3, 2, 10, 0)), tmp_path)
    html = html_path.read_text(encoding="utf-8")
    now = measure(runs[0].outcomes).count("out_of_scope_answered")
    assert now.num > before.num
    assert "Vergeleken met de vorige meting (01-03-2026 09:30)" in html
    row = re.search(r'<th scope="row">vragen buiten de begroting toch beantwoord</th>(.*?)</tr>',
                    html[html.index("Kerncijfers: vorige meting en nu"):]).group(1)  # type: ignore[union-attr]
    assert f"{before.num} van {before.den}" in row and f"{now.num} van {now.den}" in row and "slechter" in row
    assert "ging slechter: " in summary.read_text(encoding="utf-8")
    assert "Vergelijk voorzichtig: de vorige meting had 8 vragen, deze meting 9." in html
    history = json.loads((tmp_path / "eval-history.json").read_text(encoding="utf-8"))
    assert [r["config"] for r in history["runs"]] == ["hybrid", "hybrid"]
    assert history["runs"][1]["figures"]["counts"]["out_of_scope_answered"] == [now.num, now.den]


def test_real_usage_is_counted_apart_from_test_questions(runs: list[Run], tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    store.add_feedback("Wat kost de burgerzaken balie?", "…", True, FeedbackSource.WEB)
    store.add_feedback("Wat doet de ombudsman?", "…", True, FeedbackSource.WEB)
    store.add_feedback("Mail mij op jan@example.nl", "…", False, FeedbackSource.WEB)
    store.add_unanswered("Hoeveel kost een hondenpenning?", "abstain")
    own = runs[0].outcomes[0].question
    store.add_unanswered(own, "abstain")  # the evaluation's own question: test traffic, not usage
    usage = read_usage(str(tmp_path / "feedback.sqlite"), exclude=[own])
    assert (usage.available, usage.helped, usage.not_helped, usage.unanswered, usage.left_out) == (True, 2, 1, 1, 1)
    assert len(usage.weeks) == 1 and re.fullmatch(r"week \d+ van \d{4}", usage.weeks[0].label)
    _, html_path, summary = write_report(runs, context(usage, datetime(2026, 3, 2, 10, 0)), tmp_path / "out")
    page = text_of(html_path.read_text(encoding="utf-8"))
    usage_part = page[page.index("Echt gebruik door inwoners"):page.index("Mislukte testvragen van de live set-up")]
    assert "echte inwoners, geen testvragen" in usage_part
    assert "feedback ‘dit hielp’ 2 feedback ‘dit hielp niet’ 1 vragen zonder antwoord 1" in usage_part
    assert "1 keer ging het om een van onze eigen testvragen" in usage_part
    assert f"{usage.weeks[0].label} 2 1 1" in usage_part
    assert "2 keer ‘dit hielp’, 1 keer ‘dit hielp niet’, 1 vragen zonder antwoord" in summary.read_text("utf-8")
    empty = tmp_path / "empty.sqlite"
    FeedbackStore(empty)
    assert read_usage(str(empty)).empty
    assert read_usage(str(tmp_path / "absent.sqlite")).available is False


def test_percentages_never_hide_a_miss() -> None:
    assert percent(399 / 400) == "99%" and percent(1.0) == "100%"
    assert percent(1 / 580) == "minder dan 1%" and percent(0.0) == "0%"
    assert percent(477 / 544, 0.88) == "87,7%" and percent(0.95, 0.95) == "95%"
    assert met("wrong_amounts", Count(1, 500)) is False and met("found", Count(0, 0)) is None


def test_failure_rows_are_masked() -> None:
    outcome = Outcome("x-1", "cost", "Bel mij op 06-12345678 over de lasten", True, ("programmakosten",),
                      ("€ 1.000",), "geen idee", True)
    grid = failure_grid(Run("hybrid", "inprocess", {"s": [outcome]}), "Mislukt")[0]
    assert "06-12345678" not in str(grid) and "x-1" in str(grid)


def test_svg_charts_are_well_formed_and_labelled() -> None:
    bars = svg.bar_chart("Uitkomst <per soort>", ["bedragen", "reserves"], {"a": [1.0, None], "b": [0.5, 0.25]})
    hist = svg.histogram("antwoordtijd", {"hybrid": [1.0, 2.0, 40.0]})
    for chart in (bars, hist, svg.histogram("leeg", {})):
        root = ET.fromstring(chart)
        assert root.tag.endswith("svg") and root.get("role") == "img" and root.get("aria-label")
    assert bars.count("<rect") == 3 + 2  # three bars and two legend swatches


def test_terminal_table(runs: list[Run]) -> None:
    headers, rows = summary_table(runs)
    assert "hit@3" in headers and len(rows) == 4
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


def test_verdict_without_misses_or_risks_and_without_change() -> None:
    from knowledge.eval.figures import Figures
    from knowledge.eval.history import Entry
    from knowledge.eval.verdict import verdict

    counts = {"found": Count(40, 40), "facts": Count(38, 40), "handled": Count(48, 50), "cited": Count(39, 40),
              "out_of_scope_answered": Count(0, 10), "wrong_amounts": Count(0, 40), "errors": Count(0, 50)}
    figures = Figures(50, counts)
    before = Entry("2026-03-01T09:30:00", "hybrid", "inprocess", (), figures)
    text = verdict(figures, "Live draait de set-up ‘x’.", before)
    assert "Bij 40 van de 40 vragen" in text and "38 van de 40 feiten" in text and "(95%)" in text
    assert "Van de 4 doelen zijn er 4 gehaald." in text and "Let op" not in text
    assert "Geen enkele vraag buiten de begroting kreeg een antwoord" in text
    assert "Vergeleken met de vorige meting (01-03-2026 09:30) zijn de kerncijfers gelijk gebleven." in text
    assert text.endswith("Conclusie: op deze testvragen haalt de assistent alle doelen, zonder risico's.")
    worse = Figures(50, {**counts, "facts": Count(30, 40), "wrong_amounts": Count(1, 40)}, wrong_amount_total=1)
    text = verdict(worse, "Live draait de set-up ‘x’.", before)
    assert "niet gehaald: feitenscore (75%, doel 88% of meer)" in text
    assert "Let op: In 1 van de 40 antwoorden stond een bedrag dat niet klopt (1 bedrag)." in text
    assert "ging slechter: feitenscore, antwoorden met foute bedragen" in text
    assert text.endswith("Conclusie: op 2 punten is de assistent nog niet goed genoeg.")
