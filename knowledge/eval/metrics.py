"""Pure evaluation metrics: retrieval hits, fact recall, abstention, dialogue turns and latency."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")
_EURO = re.compile(r"€\s*")


@dataclass(frozen=True)
class TurnOutcome:
    """What the assistant did with one follow-up turn."""

    question: str
    expected_facts: tuple[str, ...]
    answerable: bool
    text: str
    answered: bool
    cited_sections: tuple[str, ...] = ()
    error: str | None = None
    expected_sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What the assistant did with one evaluation question (and its follow-ups)."""

    id: str
    kind: str
    question: str
    answerable: bool
    expected_sections: tuple[str, ...]
    expected_facts: tuple[str, ...]
    text: str
    answered: bool
    ranked_sections: tuple[str, ...] = ()
    cited_sections: tuple[str, ...] = ()
    method: str = ""
    confidence: float | None = None
    latency_s: float | None = None
    turns: tuple[TurnOutcome, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Metrics:
    """Aggregated scores of a group of outcomes; None where the group has nothing to measure."""

    n: int
    hit1: float | None = None
    hit3: float | None = None
    mrr: float | None = None
    cited_hit: float | None = None
    fact_recall: float | None = None
    abstain_precision: float | None = None
    abstain_recall: float | None = None
    abstain_accuracy: float | None = None
    turn_success: float | None = None
    conversation_pass: float | None = None
    wrong_amounts: int = 0
    latency_p50: float | None = None
    latency_p95: float | None = None
    errors: int = 0


@dataclass(frozen=True)
class Summary:
    """Overall metrics and the same metrics per question kind."""

    overall: Metrics
    per_kind: dict[str, Metrics] = field(default_factory=dict)


def normalise(text: str) -> str:
    """Case-fold and collapse whitespace; '€14.984.000' and '€ 14.984.000' compare equal."""
    return _SPACE.sub(" ", _EURO.sub("€ ", text)).strip().casefold()


_AMOUNT = re.compile(r"(?<![×x] )(?<![×x])€\s?(\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")


def fact_found(fact: str, text: str) -> bool:
    """True when the (normalised) fact occurs in the (normalised) text as whole words or a whole number."""
    pattern = r"(?<![\w.,])" + re.escape(normalise(fact)) + r"(?![\w]|[.,]\d)"
    return re.search(pattern, normalise(text)) is not None


def amounts(text: str) -> list[int]:
    """Euro amounts written in a text ('€ 14.909.000' -> 14909000)."""
    return [int(m.group(1).replace(".", "")) for m in _AMOUNT.finditer(text)]


def wrong_amounts(expected_facts: Sequence[str], answerable: bool, answered: bool, text: str) -> list[int]:
    """Euro amounts in an answer that are not expected (nor a difference or sum of expected ones).

    Counted for amount questions (an expected fact is a euro amount) and for answers to unanswerable questions.
    """
    if not answered:
        return []
    expected = [a for f in expected_facts for a in amounts(f)]
    if answerable and not expected:
        return []
    allowed = set(expected)
    allowed |= {abs(a - b) for a in expected for b in expected} | {a + b for a in expected for b in expected}
    found = amounts(text)
    # the cited cells a difference or sum is computed from ('€ 80.000 … € 20.000 … dat is € 60.000 minder')
    allowed |= {a for a in found for b in found if a != b and (  # only when the derived amount is stated too
        (abs(a - b) in expected and abs(a - b) in found) or (a + b in expected and a + b in found))}
    return [a for a in found if a not in allowed]


def missing_facts(facts: Iterable[str], text: str) -> list[str]:
    """The facts that the text does not contain."""
    return [f for f in facts if not fact_found(f, text)]


def slug_of(section_id: str) -> str:
    """The slug of a section id '{doc_id}:{slug}' (a bare slug is returned as is)."""
    return section_id.split(":", 1)[1] if ":" in section_id else section_id


def dedupe(items: Iterable[str]) -> tuple[str, ...]:
    """Keep the first occurrence of each item, in order."""
    return tuple(dict.fromkeys(items))


def rank_of(ranked: Sequence[str], expected: Iterable[str]) -> int | None:
    """1-based rank of the first expected section among distinct ranked sections, or None."""
    wanted = {slug_of(e) for e in expected}
    for rank, section in enumerate(dedupe(slug_of(s) for s in ranked), start=1):
        if section in wanted:
            return rank
    return None


def hit_at(ranked: Sequence[str], expected: Iterable[str], k: int) -> bool:
    """True when an expected section is among the first k distinct ranked sections."""
    rank = rank_of(ranked, expected)
    return rank is not None and rank <= k


def reciprocal_rank(ranked: Sequence[str], expected: Iterable[str]) -> float:
    """1/rank of the first expected section, 0 when none is ranked."""
    rank = rank_of(ranked, expected)
    return 1.0 / rank if rank else 0.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean, None for no values."""
    return sum(values) / len(values) if values else None


def _ratio(num: int, den: int) -> float | None:
    """num/den, None when den is 0."""
    return num / den if den else None


def turn_ok(turn: TurnOutcome) -> bool:
    """A turn succeeds when it answers (or abstains) as it should, says every fact and cites an expected section."""
    if turn.error is not None or turn.answered != turn.answerable:
        return False
    if wrong_amounts(turn.expected_facts, turn.answerable, turn.answered, turn.text):
        return False
    if turn.answerable and turn.expected_sections and not rank_of(turn.cited_sections, turn.expected_sections):
        return False
    return not missing_facts(turn.expected_facts, turn.text)


def first_turn(outcome: Outcome) -> TurnOutcome:
    """An outcome's own question as a turn."""
    return TurnOutcome(outcome.question, outcome.expected_facts, outcome.answerable, outcome.text, outcome.answered,
                       outcome.cited_sections, outcome.error, outcome.expected_sections)


def conversation_ok(outcome: Outcome) -> bool:
    """Every turn of a conversation, the first included, succeeds."""
    return turn_ok(first_turn(outcome)) and all(turn_ok(t) for t in outcome.turns)


def abstention_correct(outcome: Outcome) -> bool:
    """True when the assistant answered an answerable question or abstained on an unanswerable one."""
    return outcome.error is None and outcome.answered == outcome.answerable


def compute(outcomes: Sequence[Outcome]) -> Metrics:
    """Aggregate a group of outcomes into Metrics."""
    retrieval = [o for o in outcomes if o.answerable and o.expected_sections]
    ranks = [rank_of(o.ranked_sections, o.expected_sections) for o in retrieval]
    facts_total = sum(len(o.expected_facts) for o in outcomes if o.answerable)
    facts_found = sum(
        len(o.expected_facts) - len(missing_facts(o.expected_facts, o.text)) for o in outcomes if o.answerable
    )
    abstained = [o for o in outcomes if not o.answered]
    should_abstain = [o for o in outcomes if not o.answerable]
    true_abstain = sum(1 for o in abstained if not o.answerable)
    turns = [t for o in outcomes for t in o.turns]
    latencies = [o.latency_s for o in outcomes if o.latency_s is not None]
    return Metrics(
        n=len(outcomes),
        hit1=_mean([1.0 if r == 1 else 0.0 for r in ranks]),
        hit3=_mean([1.0 if r is not None and r <= 3 else 0.0 for r in ranks]),
        mrr=_mean([1.0 / r if r else 0.0 for r in ranks]),
        cited_hit=_mean([1.0 if rank_of(o.cited_sections, o.expected_sections) else 0.0 for o in retrieval]),
        fact_recall=_ratio(facts_found, facts_total),
        abstain_precision=_ratio(true_abstain, len(abstained)),
        abstain_recall=_ratio(true_abstain, len(should_abstain)),
        abstain_accuracy=_mean([1.0 if abstention_correct(o) else 0.0 for o in outcomes]),
        turn_success=_mean([1.0 if turn_ok(t) else 0.0 for t in turns]),
        conversation_pass=_mean([1.0 if conversation_ok(o) else 0.0 for o in outcomes if o.turns]),
        wrong_amounts=sum(len(wrong_amounts(o.expected_facts, o.answerable, o.answered, o.text)) for o in outcomes)
        + sum(len(wrong_amounts(t.expected_facts, t.answerable, t.answered, t.text)) for t in turns),
        latency_p50=percentile(latencies, 50),
        latency_p95=percentile(latencies, 95),
        errors=sum(1 for o in outcomes if o.error is not None or any(t.error for t in o.turns)),
    )


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    """Overall metrics plus metrics per question kind (kinds in first-seen order)."""
    kinds = dedupe(o.kind for o in outcomes)
    return Summary(
        overall=compute(outcomes),
        per_kind={k: compute([o for o in outcomes if o.kind == k]) for k in kinds},
    )


def failures(outcome: Outcome) -> list[str]:
    """Why an outcome counts as failed, in words; empty when it passed every check."""
    reasons: list[str] = []
    if outcome.error is not None:
        reasons.append(f"fout: {outcome.error}")
    if not abstention_correct(outcome) and outcome.error is None:
        reasons.append("beantwoord maar had moeten doorverwijzen" if outcome.answered else "ten onrechte doorverwezen")
    if (
        outcome.answerable
        and outcome.expected_sections
        and not hit_at(outcome.ranked_sections, outcome.expected_sections, 3)
    ):
        reasons.append("verwachte sectie niet in top-3")
    if outcome.answerable:
        lost = missing_facts(outcome.expected_facts, outcome.text)
        if lost:
            reasons.append("ontbrekende feiten: " + ", ".join(lost))
    wrong = wrong_amounts(outcome.expected_facts, outcome.answerable, outcome.answered, outcome.text)
    if wrong:
        reasons.append("verkeerd bedrag: " + ", ".join(f"€ {a:,}".replace(",", ".") for a in wrong))
    for i, turn in enumerate(outcome.turns, start=1):
        if not turn_ok(turn):
            reasons.append(f"vervolgvraag {i} mislukt")
    return reasons
