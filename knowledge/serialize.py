"""The JSON shape of an answer, shared by the CLI and the API."""

from __future__ import annotations

from dataclasses import asdict, fields

from knowledge.types import Answer, Citation, Clarify, ClarifyOption, Query, Resolved

# The one JSON contract of an answer; the action server's client, the evaluation runner and the test fakes
# import these names (knowledge.types and this module are pure Python and run in both venvs).
RESOLVED_KEYS = tuple(f.name for f in fields(Resolved))
FLAG_KEYS = tuple(f.name for f in fields(Resolved) if f.type in (bool, "bool"))
YEAR_KEYS = ("year", "earlier")  # the state's years, integers
QUOTE_LIMIT = 300  # characters of a quote the conversation state keeps (and any other state text)
CITATION_KEYS = tuple(f.name for f in fields(Citation))
CLARIFY_KEYS = tuple(f.name for f in fields(Clarify))
OPTION_KEYS = tuple(f.name for f in fields(ClarifyOption))
ANSWER_KEYS = ("question", "answered", "answer", "confidence", "citations", "resolved", "method", "clarify",
               "series")


def answer_json(answer: Answer) -> dict[str, object]:
    """The JSON shape of an answer, shared by the CLI and the API."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "answer": answer.text,
        "confidence": answer.confidence,
        "citations": [{**asdict(c), "path": list(c.path)} for c in answer.citations],
        "resolved": asdict(answer.resolved),
        "method": answer.method,
        "clarify": asdict(answer.clarify) if answer.clarify else None,
        "series": series_json(answer),
    }


def series_json(answer: Answer) -> dict[str, object] | None:
    """An amount's row over every year of its table, with the asked years marked (for a chart and a table)."""
    if not answer.series:
        return None
    first = answer.series[0]
    asked = set(answer.asked_years)
    factor = 1000 if first.unit == "× €1.000" else 1
    return {
        "line": first.line, "measure": first.measure, "unit": first.unit,
        "points": [{"year": c.year, "kind": c.kind, "raw": c.raw,
                    "value": None if c.value is None else c.value * factor,
                    "asked": c.year in asked} for c in answer.series],
    }


def frame_json(query: Query) -> dict[str, object]:
    """The understood frame, for `ask --explain` and evaluators."""
    data = asdict(query)
    data["mentions"] = [asdict(m) for m in query.mentions]
    return data


def resolved_from_json(data: object) -> Resolved | None:
    """The conversation state sent back by a client (unknown keys dropped, the year an int)."""
    if not isinstance(data, dict):
        return None
    values = {k: data.get(k) or None for k in RESOLVED_KEYS}
    for key in YEAR_KEYS:
        raw = values[key]
        try:
            values[key] = int(raw) if raw is not None else None
        except (TypeError, ValueError):
            values[key] = None
    values = {k: (v if k in YEAR_KEYS or v is None else str(v)[:QUOTE_LIMIT]) for k, v in values.items()}
    flags = {k: data.get(k) is True for k in FLAG_KEYS}  # (only a JSON true sets a flag)
    return Resolved(**{k: v for k, v in values.items() if k not in FLAG_KEYS}, **flags)  # type: ignore[arg-type]
