"""The verdict in plain Dutch, the warnings and the change since the previous run, all computed from counts."""

from __future__ import annotations

from datetime import datetime

from knowledge.eval.figures import ORDER, RISKS, TARGETS, Count, Figures, met
from knowledge.eval.history import Entry
from knowledge.eval.wording import NAMES

# Lower is better for these figures.
LOWER_IS_BETTER = frozenset(RISKS) | {"wrongly_refused"}


def percent(share: float, target: float | None = None) -> str:
    """A share as a whole percentage; never 100% when something is missing, never 0% when something is there.

    With a target, a share just below it gets one decimal, so 87.7% never reads as a reached 88%.
    """
    value = round(share * 100)
    if target is not None and share < target and value >= round(target * 100):
        return f"{share * 100:.1f}%".replace(".", ",")
    if value == 100 and share < 1:
        return "99%"
    if value == 0 and share > 0:
        return "minder dan 1%"
    return f"{value}%"


def ratio(count: Count, key: str = "") -> str:
    """'38 van 40 (95%)', or 'niet gemeten' when there was nothing to count; key names the figure's target."""
    if count.share is None:
        return "niet gemeten"
    return f"{count.num} van {count.den} ({percent(count.share, TARGETS.get(key))})"


def target_text(key: str) -> str:
    """The target of a figure in words."""
    if key in RISKS:
        return "0"
    if key in TARGETS:
        return f"{round(TARGETS[key] * 100)}% of meer"
    return "–"


def status(key: str, count: Count) -> str:
    """'gehaald', 'niet gehaald', 'risico' or 'geen doel', in words (never a mark alone)."""
    ok = met(key, count)
    if ok is None:
        return "niet gemeten" if key in TARGETS and count.share is None else "geen doel"
    if key in RISKS:
        return "in orde" if ok else "risico"
    return "gehaald" if ok else "niet gehaald"


_SENTENCES = {
    "found": "Bij {num} van de {den} vragen stond de juiste plek in de begroting bij de eerste drie zoekresultaten "
             "({pct}).",
    "facts": "De antwoorden bevatten {num} van de {den} feiten die erin hoorden ({pct}).",
    "handled": "{num} van de {den} vragen werden goed afgehandeld: beantwoord of terecht doorverwezen ({pct}).",
    "conversations": "{num} van de {den} gesprekken met vervolgvragen gingen helemaal goed ({pct}).",
}


def risk_sentences(figures: Figures) -> list[str]:
    """One sentence per risk that occurred, with counts."""
    out = []
    oos = figures.count("out_of_scope_answered")
    if oos.num:
        out.append(f"{oos.num} van de {oos.den} vragen buiten de begroting kregen toch een antwoord.")
    wrong = figures.count("wrong_amounts")
    if wrong.num:
        out.append(f"In {wrong.num} van de {wrong.den} antwoorden stond een bedrag dat niet klopt "
                   f"({figures.wrong_amount_total} {'bedrag' if figures.wrong_amount_total == 1 else 'bedragen'}).")
    errors = figures.count("errors")
    if errors.num:
        out.append(f"{errors.num} van de {errors.den} vragen liepen vast op een technische fout.")
    return out


def missed_targets(figures: Figures) -> list[str]:
    """The figures with a target that was measured and missed."""
    return [k for k in TARGETS if met(k, figures.count(k)) is False]


def changes(figures: Figures, before: Figures) -> list[tuple[str, str, str, str]]:
    """(name, before, now, change in words) for every figure measured in both runs."""
    rows = []
    for key in ORDER:
        old, new = before.count(key), figures.count(key)
        if old.share is None or new.share is None:
            continue
        diff = round((new.share - old.share) * 100, 1)
        if abs(diff) < 0.05:
            word = "gelijk"
        else:
            better = (diff < 0) if key in LOWER_IS_BETTER else (diff > 0)
            word = f"{diff:+.1f} procentpunt, {'beter' if better else 'slechter'}".replace(".", ",")
        rows.append((NAMES[key], ratio(old, key), ratio(new, key), word))
    if before.latency_p50_ms is not None and figures.latency_p50_ms is not None:
        diff_ms = figures.latency_p50_ms - before.latency_p50_ms
        word = "gelijk" if abs(diff_ms) < 1 else f"{diff_ms:+.0f} ms, {'sneller' if diff_ms < 0 else 'trager'}"
        rows.append(("antwoordtijd (mediaan)", f"{before.latency_p50_ms:.0f} ms", f"{figures.latency_p50_ms:.0f} ms",
                     word))
    return rows


def readable(when: str) -> str:
    """'2026-11-29T12:00:00' -> '29-11-2026 12:00' (other text is returned as is)."""
    try:
        return datetime.fromisoformat(when).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return when


def change_sentence(figures: Figures, before: Entry | None) -> str:
    """What changed since the previous run, in one sentence."""
    if before is None:
        return "Er is geen vorige meting om mee te vergelijken."
    rows = changes(figures, before.figures)
    better = [r[0] for r in rows if r[3].endswith(("beter", "sneller"))]
    worse = [r[0] for r in rows if r[3].endswith(("slechter", "trager"))]
    when = f"Vergeleken met de vorige meting ({readable(before.when)})"
    if not better and not worse:
        return f"{when} zijn de kerncijfers gelijk gebleven."
    parts = []
    if better:
        parts.append(f"ging beter: {', '.join(better)}")
    if worse:
        parts.append(f"ging slechter: {', '.join(worse)}")
    return f"{when} " + "; ".join(parts) + "."


def verdict(figures: Figures, live_note: str, before: Entry | None) -> str:
    """The verdict in one paragraph: which set-up, what it did (with counts), targets, risks, change, conclusion."""
    talks = figures.count("conversations").den
    parts = [live_note, f"We stelden {figures.questions} testvragen (geen vragen van inwoners)"
             + (f", waarvan {talks} gesprekken met vervolgvragen." if talks else ".")]
    for key, sentence in _SENTENCES.items():
        count = figures.count(key)
        if count.share is not None:
            parts.append(sentence.format(num=count.num, den=count.den, pct=percent(count.share, TARGETS.get(key))))
    measured = [k for k in TARGETS if met(k, figures.count(k)) is not None]
    missed = missed_targets(figures)
    reached = len(measured) - len(missed)
    goals = f"Van de {len(measured)} doelen {'is' if reached == 1 else 'zijn'} er {reached} gehaald"
    if missed:
        goals += "; niet gehaald: " + ", ".join(
            f"{NAMES[k]} ({percent(figures.count(k).share or 0.0, TARGETS[k])}, doel {target_text(k)})"
            for k in missed)
    parts.append(goals + ".")
    risks = risk_sentences(figures)
    if risks:
        parts.append("Let op: " + " ".join(risks))
    else:
        parts.append("Geen enkele vraag buiten de begroting kreeg een antwoord, en in geen enkel antwoord stond een "
                     "fout bedrag.")
    parts.append(change_sentence(figures, before))
    problems = len(missed) + len(risks)
    if problems:
        parts.append(f"Conclusie: op {problems} {'punt' if problems == 1 else 'punten'} is de assistent nog niet "
                     "goed genoeg.")
    else:
        parts.append("Conclusie: op deze testvragen haalt de assistent alle doelen, zonder risico's.")
    return " ".join(parts)
