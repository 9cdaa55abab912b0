"""The evaluation report for decision-makers: HTML and Markdown (with SVG charts), a short summary, JSON, history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from knowledge.eval import history, svg
from knowledge.eval.asked import Asked
from knowledge.eval.figures import ORDER, Figures, measure
from knowledge.eval.metrics import Outcome, failures
from knowledge.eval.page import Block, Chart, Fold, Grid, Heading, Para, Terms, Warning, to_html, to_markdown
from knowledge.eval.runners import CONFIGS
from knowledge.eval.usage import Usage
from knowledge.eval.verdict import (
    change_sentence,
    changes,
    missed_targets,
    ratio,
    risk_sentences,
    status,
    target_text,
    verdict,
)
from knowledge.eval.wording import GLOSSARY, NAMES, config_name, kind_name, set_name
from knowledge.settings import Settings

TITLE = "Kwaliteit van de Begrotingswijzer"
SUMMARY_FILE = "eval-summary.md"
SHORT_FAILURES = 10
@dataclass(frozen=True)
class Run:
    """The outcomes of one configuration on every question set."""

    config: str
    target: str
    sets: dict[str, list[Outcome]]

    @property
    def outcomes(self) -> list[Outcome]:
        """Every outcome of every set."""
        return [o for outs in self.sets.values() for o in outs]


@dataclass(frozen=True)
class Context:
    """What the report needs besides the runs: the live set-up, the question files, real usage, the time."""

    live: str
    files: tuple[str, ...]
    usage: Usage
    asked: tuple[Asked, ...] = ()
    when: datetime | None = None


def live_config(settings: Settings) -> str:
    """The name of the set-up the service runs with these settings (as in runners.CONFIGS)."""
    wanted = {"retrieval": settings.retrieval, "table_answers": settings.table_answers}
    return next((name for name, options in CONFIGS.items() if options == wanted), settings.retrieval)


def live_run(runs: Sequence[Run], live: str) -> tuple[Run, str]:
    """The run of the live set-up and a sentence saying which set-up is live."""
    if runs[0].target != "inprocess":
        return runs[0], (f"Gemeten is de draaiende dienst zelf (via {runs[0].target}); volgens de instellingen "
                         f"hier is dat de set-up ‘{config_name(live)}’.")
    for run in runs:
        if run.config == live:
            return run, f"Live draait de set-up ‘{config_name(live)}’ (zo staat het in de instellingen)."
    return runs[0], (f"Let op: de set-up die live draait (‘{config_name(live)}’) zat niet in deze meting. "
                     f"Dit oordeel gaat over ‘{config_name(runs[0].config)}’.")


def _mask(text: str, limit: int = 160) -> str:
    """Text on one line, personal data masked, cut to limit characters."""
    from nlu.privacy import mask_pii

    flat = " ".join(mask_pii(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def key_grid(figures: Figures) -> Grid:
    """The key figures with counts, target and judgement in words."""
    rows = [[NAMES[k], ratio(figures.count(k), k), target_text(k), status(k, figures.count(k))] for k in ORDER]
    if figures.latency_p50_ms is not None and figures.latency_p95_ms is not None:
        rows.append(["antwoordtijd (mediaan / 95%)", f"{figures.latency_p50_ms:.0f} ms / "
                     f"{figures.latency_p95_ms:.0f} ms", "–", "geen doel"])
    return Grid("Kerncijfers van de live set-up", ["Begrip", "Uitkomst", "Doel", "Beoordeling"], rows)


def warning_blocks(run: Run, figures: Figures) -> list[Block]:
    """Every missed target and every risk as a warning, and the risky questions folded."""
    blocks: list[Block] = [Heading(2, "Waarschuwingen")]
    warnings = [Warning(f"{NAMES[k]}: {ratio(figures.count(k), k)}. Het doel is {target_text(k)}; dat halen we niet.")
                for k in missed_targets(figures)]
    warnings += [Warning(s) for s in risk_sentences(figures)]
    if not warnings:
        return blocks + [Para("Geen waarschuwingen: alle doelen zijn gehaald en er zijn geen risico's gevonden.")]
    risky = [o for o in run.outcomes if (o.answered and not o.answerable) or any(
        r.startswith("verkeerd bedrag") for r in failures(o))]
    rows = [[o.id, _mask(o.question), kind_name(o.kind), _mask(o.text)] for o in risky]
    fold = Fold(f"Welke vragen een risico gaven ({len(risky)})",
                (Grid("Vragen met een antwoord dat er niet had mogen zijn", ["Nr.", "Vraag", "Soort", "Antwoord"],
                      rows),))
    return blocks + warnings + ([fold] if risky else [])


def change_blocks(figures: Figures, before: history.Entry | None) -> list[Block]:
    """The change since the previous run of the same set-up."""
    blocks: list[Block] = [Heading(2, "Verandering sinds de vorige meting"), Para(change_sentence(figures, before))]
    if before is None:
        return blocks
    if before.figures.questions != figures.questions:
        blocks.append(Para(f"Vergelijk voorzichtig: de vorige meting had {before.figures.questions} vragen, "
                           f"deze meting {figures.questions}."))
    rows = [list(r) for r in changes(figures, before.figures)]
    return blocks + [Grid("Kerncijfers: vorige meting en nu", ["Begrip", "Vorige meting", "Nu", "Verschil"], rows)]


def breakdown_blocks(run: Run) -> list[Block]:
    """The live set-up per question set and per kind of question, with a chart of the per-kind table."""
    keys = ("found", "facts", "handled")
    per_set = {name: measure(outs) for name, outs in run.sets.items()}
    set_rows = [[set_name(n), str(f.questions)] + [ratio(f.count(k), k) for k in (*keys, "conversations",
                                                                                "wrong_amounts")]
                for n, f in per_set.items()]
    kinds = list(dict.fromkeys(o.kind for o in run.outcomes))
    per_kind = {k: measure([o for o in run.outcomes if o.kind == k]) for k in kinds}
    kind_rows = [[kind_name(k), str(f.questions)] + [ratio(f.count(key), key) for key in keys]
                 for k, f in per_kind.items()]
    series = {NAMES[key]: [per_kind[k].count(key).share for k in kinds] for key in keys}
    chart = svg.bar_chart("Uitkomst per soort vraag (live set-up)", [kind_name(k) for k in kinds], series)
    return [
        Heading(2, "Per vragenset"),
        Grid("Uitkomst per vragenset", ["Vragenset", "Vragen"] + [NAMES[k] for k in (*keys, "conversations",
                                                                                      "wrong_amounts")], set_rows),
        Heading(2, "Per soort vraag"),
        Grid("Uitkomst per soort vraag", ["Soort vraag", "Vragen"] + [NAMES[k] for k in keys], kind_rows),
        Chart("per-soort", chart, "Dezelfde cijfers als in de tabel ‘Uitkomst per soort vraag’ hierboven."),
    ]


def usage_blocks(usage: Usage, asked: Sequence[Asked]) -> list[Block]:
    """Real usage by residents, kept apart from the test questions."""
    blocks: list[Block] = [
        Heading(2, "Echt gebruik door inwoners"),
        Para(f"Deze cijfers komen uit de feedbackopslag ({usage.source}): echte inwoners, geen testvragen."),
    ]
    if not usage.available:
        return blocks + [Para(f"De feedbackopslag is niet beschikbaar: {usage.problem}. "
                              "Daarom zijn er geen cijfers over echt gebruik.")]
    if usage.empty:
        return blocks + [Para("De feedbackopslag is leeg: er is nog geen feedback en geen onbeantwoorde vraag "
                              "van inwoners.")]
    totals = [["feedback ‘dit hielp’", str(usage.helped)], ["feedback ‘dit hielp niet’", str(usage.not_helped)],
              ["vragen zonder antwoord", str(usage.unanswered)]]
    blocks.append(Grid("Echt gebruik, totaal", ["Wat", "Aantal"], totals))
    if usage.left_out:
        blocks.append(Para(f"{usage.left_out} keer ging het om een van onze eigen testvragen; "
                           "die tellen hier niet mee."))
    if usage.weeks:
        rows = [[w.label, str(w.helped), str(w.not_helped), str(w.unanswered)] for w in usage.weeks]
        blocks.append(Grid("Echt gebruik per week (nieuwste eerst)",
                           ["Week", "Hielp", "Hielp niet", "Zonder antwoord"], rows))
    if asked:
        rows = [[str(i), a.question, str(a.unanswered), str(a.not_helped)] for i, a in enumerate(asked[:10], 1)]
        blocks.append(Fold(f"De {min(len(asked), 10)} vaakst gestelde vragen die niet goed gingen",
                           (Grid("Vragen van inwoners (persoonsgegevens afgeschermd)",
                                 ["Nr.", "Vraag", "Zonder antwoord", "Hielp niet"], rows),)))
    return blocks


def failure_grid(run: Run, caption: str, limit: int | None = None) -> list[Block]:
    """Failed questions as a short table (id, question, kind, why); cut to limit rows with a count of the rest."""
    failed = [(o, failures(o)) for o in run.outcomes]
    failed = [(o, why) for o, why in failed if why]
    shown = failed if limit is None else failed[:limit]
    rows = [[o.id, _mask(o.question), kind_name(o.kind), _mask("; ".join(why), 200)] for o, why in shown]
    blocks: list[Block] = [Grid(caption, ["Nr.", "Vraag", "Soort", "Waarom mislukt"], rows)] if rows else []
    if len(failed) > len(shown):
        blocks.append(Para(f"En nog {len(failed) - len(shown)} andere; zie het JSON-bestand bij dit rapport."))
    return blocks


def comparison_blocks(runs: Sequence[Run], live: Run) -> list[Block]:
    """The other set-ups, folded away, with short failure lists."""
    blocks: list[Block] = [Heading(2, "Andere set-ups ter vergelijking")]
    others = [r for r in runs if r is not live]
    if not others:
        return blocks + [Para("In deze meting is alleen de live set-up gemeten.")]
    blocks.append(Para("Deze set-ups draaien niet live. Ze laten zien of een andere manier van zoeken beter werkt."))
    keys = ("found", "facts", "handled", "out_of_scope_answered", "wrong_amounts", "conversations")
    figures = {r.config: measure(r.outcomes) for r in runs}
    rows = [[config_name(r.config) + (" – live" if r is live else "")] + [ratio(figures[r.config].count(k), k)
                                                                          for k in keys] for r in runs]
    inner: list[Block] = [Grid("Set-ups naast elkaar", ["Set-up"] + [NAMES[k] for k in keys], rows)]
    for run in others:
        failed = failure_grid(run, f"Mislukte vragen van {run.config} (de eerste {SHORT_FAILURES})", SHORT_FAILURES)
        inner.append(Fold(f"Mislukte vragen van ‘{config_name(run.config)}’", tuple(failed) or (Para("Geen."),)))
    return blocks + [Fold(f"Toon de vergelijking met {len(others)} andere set-up(s)", tuple(inner))]


def build_blocks(runs: Sequence[Run], context: Context, before: history.Entry | None) -> list[Block]:
    """The whole report as blocks, the live set-up first and the comparison folded away at the end."""
    run, note = live_run(runs, context.live)
    figures = measure(run.outcomes)
    when = context.when or datetime.now()
    failed = failure_grid(run, "Mislukte testvragen van de live set-up")
    latencies = [o.latency_s * 1000 for o in run.outcomes if o.latency_s is not None]
    blocks: list[Block] = [
        Heading(1, TITLE),
        Para(f"Meting van {when:%d-%m-%Y %H:%M}. Vragensets: {', '.join(context.files)}."),
        Heading(2, "Oordeel"),
        Para(verdict(figures, note, before)),
        *warning_blocks(run, figures),
        Heading(2, "Kerncijfers van de testvragen"),
        Para("Dit zijn testvragen die wij zelf hebben gemaakt, met het goede antwoord erbij. "
             "Het zijn geen vragen van inwoners."),
        key_grid(figures),
        *change_blocks(figures, before),
        *breakdown_blocks(run),
        *usage_blocks(context.usage, context.asked),
        Heading(2, "Mislukte testvragen van de live set-up"),
        Para(f"{sum(1 for o in run.outcomes if failures(o))} van de {figures.questions} testvragen gingen niet "
             "helemaal goed."),
        *([Fold("Toon de mislukte testvragen", tuple(failed))] if failed else []),
        Heading(2, "Antwoordtijd"),
    ]
    if latencies:
        blocks += [Para(f"De helft van de antwoorden kwam binnen {figures.latency_p50_ms:.0f} ms; 95% binnen "
                        f"{figures.latency_p95_ms:.0f} ms."),
                   Fold("Toon de grafiek van de antwoordtijden", (Chart(
                       "antwoordtijd", svg.histogram("Antwoordtijd per vraag (live set-up)", {run.config: latencies}),
                       "Aantal vragen per antwoordtijd. De mediaan en de 95%-tijd staan in de tekst hierboven."),))]
    else:
        blocks.append(Para("Er is geen antwoordtijd gemeten."))
    return blocks + comparison_blocks(runs, run) + [Heading(2, "Begrippenlijst"), Terms(GLOSSARY)]


def summary_blocks(runs: Sequence[Run], context: Context, before: history.Entry | None) -> list[Block]:
    """The short summary for a note: verdict, warnings, key figures, real usage in one line."""
    run, note = live_run(runs, context.live)
    figures = measure(run.outcomes)
    when = context.when or datetime.now()
    usage = context.usage
    if not usage.available:
        use = f"Echt gebruik: de feedbackopslag is niet beschikbaar ({usage.problem})."
    elif usage.empty:
        use = "Echt gebruik: de feedbackopslag is leeg."
    else:
        use = (f"Echt gebruik door inwoners (geen testvragen): {usage.helped} keer ‘dit hielp’, {usage.not_helped} "
               f"keer ‘dit hielp niet’, {usage.unanswered} vragen zonder antwoord.")
    warnings = [b for b in warning_blocks(run, figures) if isinstance(b, Warning)]
    return [Heading(1, f"{TITLE}: samenvatting van {when:%d-%m-%Y}"),
            Para(verdict(figures, note, before)),
            *warnings, key_grid(figures), Para(use)]


def write_report(runs: Sequence[Run], context: Context, out_dir: Path) -> tuple[Path, Path, Path]:
    """Write eval-<stamp>.md/.html/.json (+ SVGs), eval-summary.md and the history; return md, html, summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    when = context.when or datetime.now()
    context = Context(context.live, context.files, context.usage, context.asked, when)
    stamp = f"eval-{when:%Y%m%d-%H%M%S}"
    history_path = out_dir / history.HISTORY_FILE
    entries = history.load(history_path)
    run, _ = live_run(runs, context.live)
    before = history.previous(entries, run.config, run.target)
    blocks = build_blocks(runs, context, before)
    markdown, charts = to_markdown(blocks, stamp)
    for name, chart in charts.items():
        (out_dir / name).write_text(chart, encoding="utf-8")
    md_path, html_path, summary_path = out_dir / f"{stamp}.md", out_dir / f"{stamp}.html", out_dir / SUMMARY_FILE
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(to_html(TITLE, blocks), encoding="utf-8")
    summary_path.write_text(to_markdown(summary_blocks(runs, context, before))[0], encoding="utf-8")
    raw = [{"config": r.config, "target": r.target, "sets": {k: [asdict(o) for o in v] for k, v in r.sets.items()}}
           for r in runs]
    (out_dir / f"{stamp}.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    entry = history.Entry(when.isoformat(timespec="seconds"), run.config, run.target, context.files,
                          measure(run.outcomes))
    history.append(history_path, entries, entry)
    return md_path, html_path, summary_path
