"""Write the evaluation report as Markdown (with SVG files) and HTML (with inline SVG) plus JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from knowledge.eval import svg
from knowledge.eval.asked import Asked
from knowledge.eval.metrics import Metrics, Outcome, compute, failures, summarise

TARGETS = {"hit3": 0.95, "fact_recall": 0.90, "abstain_accuracy": 0.90}
COLUMNS = (
    ("n", "n"),
    ("hit1", "hit@1"),
    ("hit3", "hit@3"),
    ("mrr", "MRR"),
    ("cited_hit", "bron geciteerd"),
    ("fact_recall", "feiten"),
    ("abstain_precision", "doorverw. P"),
    ("abstain_recall", "doorverw. R"),
    ("abstain_accuracy", "doorverw. acc"),
    ("turn_success", "vervolg"),
    ("conversation_pass", "gesprekken"),
    ("wrong_amounts", "verkeerde bedragen"),
    ("latency_p50", "p50 ms"),
    ("latency_p95", "p95 ms"),
    ("errors", "fouten"),
)
KIND_METRICS = (("hit3", "hit@3"), ("fact_recall", "Feitrecall"), ("abstain_accuracy", "Juist beantwoord/doorverwezen"))


@dataclass(frozen=True)
class Heading:
    """A heading of level 1-3."""

    level: int
    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Pre:
    """Preformatted text."""

    text: str


@dataclass(frozen=True)
class Grid:
    """A table."""

    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    """An SVG chart with a file-name-safe name."""

    name: str
    svg: str


Block = Heading | Para | Pre | Grid | Chart


@dataclass(frozen=True)
class Run:
    """The outcomes of one configuration on every question set."""

    config: str
    target: str
    sets: dict[str, list[Outcome]]


def fmt(key: str, value: object) -> str:
    """Format a metric value for a table cell."""
    if value is None:
        return "–"
    if key.startswith("latency"):
        return f"{float(str(value)) * 1000:.0f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def summary_rows(runs: Sequence[Run]) -> list[list[str]]:
    """One row per configuration and question set (and 'alle' when there are several sets)."""
    rows: list[list[str]] = []
    for run in runs:
        groups = dict(run.sets)
        if len(groups) > 1:
            groups["alle"] = [o for outs in run.sets.values() for o in outs]
        for name, outcomes in groups.items():
            m = compute(outcomes)
            rows.append([run.config, name] + [fmt(key, getattr(m, key)) for key, _ in COLUMNS])
    return rows


def summary_table(runs: Sequence[Run]) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the summary table."""
    return ["config", "set"] + [label for _, label in COLUMNS], summary_rows(runs)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A fixed-width plain-text table for the terminal."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def target_check(metrics: Metrics) -> str:
    """'✓'/'✗' per target for one group of outcomes."""
    parts = []
    for key, goal in TARGETS.items():
        value = getattr(metrics, key)
        ok = value is not None and value >= goal
        parts.append(f"{key} {fmt(key, value)} {'✓' if ok else '✗'} (doel ≥ {goal:.2f})")
    return "; ".join(parts)


def _kind_blocks(runs: Sequence[Run], set_name: str) -> list[Block]:
    """Per-kind tables and bar charts for one question set."""
    per_config = {r.config: summarise(r.sets.get(set_name, [])).per_kind for r in runs}
    kinds = list(dict.fromkeys(k for pk in per_config.values() for k in pk))
    blocks: list[Block] = [Heading(3, f"Per soort vraag — {set_name}")]
    headers = ["soort", "n"] + [f"{label} · {c}" for key, label in KIND_METRICS[:2] for c in per_config]
    rows = []
    for kind in kinds:
        first = next(pk[kind] for pk in per_config.values() if kind in pk)
        row = [kind, str(first.n)]
        for key, _ in KIND_METRICS[:2]:
            row += [fmt(key, getattr(pk[kind], key)) if kind in pk else "–" for pk in per_config.values()]
        rows.append(row)
    blocks.append(Grid(headers, rows))
    for key, label in KIND_METRICS:
        series = {c: [getattr(pk[k], key) if k in pk else None for k in kinds] for c, pk in per_config.items()}
        chart = svg.bar_chart(f"{label} per soort ({set_name})", kinds, series)
        blocks.append(Chart(f"{set_name}-{key}", chart))
    return blocks


def _failure_blocks(runs: Sequence[Run]) -> list[Block]:
    """Every failed question per configuration, with expected vs answered vs cited."""
    blocks: list[Block] = [Heading(2, "Mislukte vragen")]
    for run in runs:
        failed = [(s, o, failures(o)) for s, outs in run.sets.items() for o in outs]
        failed = [f for f in failed if f[2]]
        blocks.append(Heading(3, f"{run.config}: {len(failed)} mislukt"))
        blocks += [Pre(describe_failure(set_name, o, reasons)) for set_name, o, reasons in failed]
    return blocks


def _flat(text: str, limit: int) -> str:
    """Text on one line, cut to limit characters."""
    return " ".join(text.split())[:limit]


def describe_failure(set_name: str, o: Outcome, reasons: Sequence[str]) -> str:
    """A failed question in a few lines: expected vs answered vs cited."""
    sections = ", ".join(o.expected_sections) or "–"
    facts = ", ".join(o.expected_facts) or "–"
    how = "beantwoord" if o.answered else "doorverwezen"
    confidence = f", zekerheid {o.confidence:.2f}" if o.confidence is not None else ""
    lines = [
        f"[{set_name}] {o.id} ({o.kind}): {o.question}",
        "waarom: " + "; ".join(reasons),
        f"verwacht: secties {sections}; feiten {facts}" + ("" if o.answerable else "; doorverwijzen"),
        f"antwoord ({how}, {o.method or '?'}{confidence}): {_flat(o.text, 400)}",
        f"geciteerd: {', '.join(o.cited_sections) or '–'}; zoek top-3: {', '.join(o.ranked_sections[:3]) or '–'}",
    ]
    for i, t in enumerate(o.turns, start=1):
        lines.append(f"vervolg {i}: {t.question} → {_flat(t.text, 200)} (verwacht {', '.join(t.expected_facts)})")
    return "\n".join(lines)


def _asked_blocks(asked: Sequence[Asked], db: str) -> list[Block]:
    """The section on questions residents asked that went unanswered."""
    blocks: list[Block] = [Heading(2, "Wat inwoners vroegen en we niet konden beantwoorden")]
    if not asked:
        blocks.append(Para(f"Geen onbeantwoorde of 'niet geholpen'-vragen gevonden in {db}."))
        return blocks
    blocks.append(Para(f"Uit {db} (gemaskeerd), op aantal keer gevraagd."))
    rows = [[str(i), a.question, str(a.unanswered), str(a.not_helped), a.last] for i, a in enumerate(asked, 1)]
    blocks.append(Grid(["#", "vraag", "niet beantwoord", "niet geholpen", "laatst"], rows))
    return blocks


def build_blocks(runs: Sequence[Run], asked: Sequence[Asked], db: str, files: Sequence[str]) -> list[Block]:
    """The whole report as a list of blocks (heading, paragraph, table, svg, pre)."""
    target = runs[0].target if runs else "?"
    blocks: list[Block] = [
        Heading(1, "Evaluatie Begrotingswijzer"),
        Para(f"{datetime.now():%Y-%m-%d %H:%M} · doel: {target} · vragen: {', '.join(files)}"),
        Para("De held-out set wordt niet gebruikt om af te stemmen; rapporteer die apart."),
        Heading(2, "Samenvatting"),
        Grid(*summary_table(runs)),
    ]
    for run in runs:
        for set_name, outs in run.sets.items():
            blocks.append(Para(f"{run.config} · {set_name}: {target_check(compute(outs))}"))
    for set_name in dict.fromkeys(s for r in runs for s in r.sets):
        blocks += _kind_blocks(runs, set_name)
    latencies = {
        r.config: [o.latency_s * 1000 for outs in r.sets.values() for o in outs if o.latency_s is not None]
        for r in runs
    }
    blocks += [Heading(2, "Latentie"), Chart("latency", svg.histogram("Antwoordtijd per vraag", latencies))]
    return blocks + _failure_blocks(runs) + _asked_blocks(asked, db)


def _md_cell(text: str) -> str:
    """Escape a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block], svg_prefix: str) -> tuple[str, dict[str, str]]:
    """Markdown text and the SVG files it links to (name -> svg)."""
    out: list[str] = []
    files: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + f" {block.text}\n")
        elif isinstance(block, Para):
            out.append(f"{block.text}\n")
        elif isinstance(block, Pre):
            out.append(f"```\n{block.text}\n```\n")
        elif isinstance(block, Grid):
            out.append("| " + " | ".join(_md_cell(h) for h in block.headers) + " |")
            out.append("|" + "---|" * len(block.headers))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("")
        else:
            files[f"{svg_prefix}-{block.name}.svg"] = block.svg
            out.append(f"![{block.name}]({svg_prefix}-{block.name}.svg)\n")
    return "\n".join(out), files


def to_html(blocks: Sequence[Block]) -> str:
    """A standalone HTML page with inline SVG charts."""
    out = [
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Evaluatie Begrotingswijzer</title>',
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 6px}"
        "th{background:#f3f3f3}pre{background:#f7f7f7;padding:8px;white-space:pre-wrap;font-size:12px}</style>",
        "</head><body>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            out.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Pre):
            out.append(f"<pre>{escape(block.text)}</pre>")
        elif isinstance(block, Grid):
            out.append("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in block.headers) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in block.rows]
            out.append("</table>")
        else:
            out.append(f"<figure>{block.svg}</figure>")
    out.append("</body></html>")
    return "\n".join(out)


def write_report(
    runs: Sequence[Run], asked: Sequence[Asked], out_dir: Path, db: str, files: Sequence[str]
) -> tuple[Path, Path]:
    """Write eval-<stamp>.md/.html/.json (+ SVGs) into out_dir; return the Markdown and HTML paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"eval-{datetime.now():%Y%m%d-%H%M%S}"
    blocks = build_blocks(runs, asked, db, files)
    markdown, charts = to_markdown(blocks, stamp)
    for name, chart in charts.items():
        (out_dir / name).write_text(chart, encoding="utf-8")
    md_path, html_path = out_dir / f"{stamp}.md", out_dir / f"{stamp}.html"
    md_path.write_text(markdown, encoding="utf-8")
    html_path.write_text(to_html(blocks), encoding="utf-8")
    raw = [
        {"config": r.config, "target": r.target, "sets": {k: [asdict(o) for o in v] for k, v in r.sets.items()}}
        for r in runs
    ]
    (out_dir / f"{stamp}.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    return md_path, html_path
