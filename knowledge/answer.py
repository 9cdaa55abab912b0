"""Compose answers: exact table answers, short extractive text answers, or an honest referral to the KCC."""

from __future__ import annotations

import re
from urllib.parse import quote

from knowledge.coverage import PREFIX
from knowledge.cues import change_direction, names_change
from knowledge.settings import Settings
from knowledge.types import Answer, Citation, Clarify, Corpus, Query, Resolved, Section, Subject, TableFacts
from knowledge.vocabulary import Vocabulary, is_under
from nlu.entities import fold

MAX_WORDS = 80


def trim(text: str, limit: int = MAX_WORDS) -> str:
    """The text cut to ``limit`` words, marked with an ellipsis when cut."""
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]).rstrip(",;:") + " …"


def section_url(settings: Settings, section_id: str) -> str:
    """Link to the readable view of a section."""
    return f"{settings.base_url}/sections/{quote(section_id, safe=':')}"


def cite(settings: Settings, n: int, section: Section, quote_text: str) -> Citation:
    """A numbered citation of a section with the quoted passage."""
    return Citation(n, section.document_id, section.id, section.code, section.title, section.path,
                    section_url(settings, section.id), quote_text)


def referral(settings: Settings) -> str:
    """The warm handoff to the KCC, in plain Dutch."""
    return (f"Bel het Klant Contact Centrum (KCC) via {settings.kcc_phone}, kijk op {settings.kcc_url} "
            f"of gebruik {settings.kcc_chat}. Een medewerker helpt u graag verder.")


def abstain(settings: Settings, question: str, confidence: float, reason: str = "") -> Answer:
    """An honest 'not in the budget' answer without citations."""
    text = "Daarover staat niets in de begroting. Ik wil u geen verkeerd antwoord geven. " + referral(settings)
    if reason:
        text = f"{reason} Ik wil u geen verkeerd antwoord geven. {referral(settings)}"
    return Answer(question, False, text, round(confidence, 3), (), Resolved(), "abstain")


def clarify_answer(question: str, clarify: Clarify, settings: Settings | None = None) -> Answer:
    """A question back: 2–4 readings, each with the full question to send (and the KCC when asked)."""
    options = " ".join(f"({i}) {o.label}" for i, o in enumerate(clarify.options, start=1))
    refer = f" Voor een antwoord op uw eigen vraag: {referral(settings)}" if settings is not None else ""
    return Answer(question, False, f"{clarify.question} {options}{refer}".strip(), 0.5, (), Resolved(), "clarify",
                  clarify)


def table_answer(settings: Settings, question: str, facts: TableFacts, text: str) -> Answer:
    """Answer from table cells, citing the table's section with the row as quote."""
    row_quote = "; ".join(
        f"{c.line} — {c.measure} {c.year or ''} ({c.kind}): {c.raw}{' ' + c.unit if c.unit == '× €1.000' else ''}"
        for c in (*facts.cells, *facts.total_of)
    ) or facts.table.title
    citation = cite(settings, 1, facts.section, row_quote)
    first = facts.cells[0]
    series = () if facts.listing else tuple(  # the row over every year of its table, for a picture
        c for c in facts.table.cells if c.line == first.line and c.measure == first.measure)
    asked = tuple(sorted({c.year for c in facts.cells if c.year is not None}))
    return Answer(question, True, text, 0.95, (citation,), facts.resolved, "table", series=series, asked_years=asked)


def opening(section: Section, limit: int = MAX_WORDS) -> str:
    """The first prose paragraph of a section (metadata lines such as 'Programmanummer: 1' skipped)."""
    paragraphs = [p.strip() for p in section.text.split("\n\n") if p.strip()]
    prose = [p for p in paragraphs if not re.match(r"^[\w()' -]{2,30}:\s*\S{0,60}$", p)] or paragraphs
    text = prose[0] if prose else section.label
    if len(text.split()) < 12 and len(prose) > 1:
        text = f"{text} {prose[1]}"
    return trim(re.sub(r"\s+", " ", text), limit)


def definition_answer(settings: Settings, corpus: Corpus, query: Query, subject: Subject) -> Answer | None:
    """'Wat is X?': the opening of the section that introduces X (a reserve: its toelichting), if it has prose."""
    section = corpus.section(subject.sections[0] if subject.sections else subject.section_id or "")
    assert section is not None
    text = opening(section)
    if text.strip().rstrip(".").lower() in (section.label.lower(), section.title.lower(), ""):
        return None
    intro = f"{section.label}: " if not text.lower().startswith(section.title.lower()) else ""
    return Answer(query.text, True, f"{intro}{text}", 0.9, (cite(settings, 1, section, text),),
                  _resolved(query, subject, section), "definition")


def _resolved(query: Query, subject: Subject, section: Section) -> Resolved:
    return Resolved(year=query.years[-1] if query.years else None, measure=query.measure, topic=section.id,
                    subject=subject.id, intent=query.intent, document=subject.document_id)


def explanation_answer(settings: Settings, corpus: Corpus, vocab: Vocabulary, query: Query,
                       subject: Subject) -> Answer | None:
    """'Waarom?' / 'waarvoor?' / 'wat betekent dat?' after a number: the prose linked to its row at parse time."""
    parts: list[str] = []
    citations: list[Citation] = []
    general_reason = False
    if query.intent == "meaning":
        meaning = _measure_meaning(vocab, query, subject)
        if meaning:
            parts.append(meaning)
    specific = [corpus.section(sid) for sid in subject.explanations]
    found = [s for s in specific if s is not None]
    if subject.total or (query.measure and query.asks_change):
        # a total row, or why a number went up or down: only explanations that name the measure asked about
        found = _naming_measure(found, query.measure)
    trend = _trend(vocab, query, subject)
    if ((query.asks_change or query.direction or query.earlier is not None) and not _recent(vocab, query, subject)) \
            or (
            trend and any(change_direction(fold(f.text)) not in (None, trend) for f in found)):
        found = []  # (the budget explains its new numbers, and only the way they went between the years asked)
    composed = _composition(corpus, vocab, query, subject)
    if composed:  # 'waarom zo veel?' after a total: which of its rows make it up, largest first (cited cells)
        text, section, quote, largest = composed
        parts.append(text)
        citations.append(cite(settings, 1, section, quote))
        own = [s for s in (corpus.section(i) for i in largest.explanations) if s is not None]
        found = (own if largest.kind == "reserve" else _naming_measure(own, query.measure))[:1]
        # (the largest row's own reason if it speaks of this measure; a reserve's toelichting is about its mutations)
    if found and subject.total and not composed:  # the parts' own explanations, not the total's reason
        parts.append(f"De begroting geeft geen reden voor {subject.label} als geheel. Bij de onderdelen staat:")
    if found:
        for section in found[:2]:
            text = trim(re.sub(r"\s+", " ", section.text), MAX_WORDS)
            parts.append(f"{section.title}: {text}" if subject.kind != "indicator" else text)
            citations.append(cite(settings, len(citations) + 1, section, text))
    elif subject.rows and subject.general_explanation and (
            query.measure or "subject" in query.inherited or query.years):
        general = corpus.section(subject.general_explanation or "")
        text = opening(general) if general is not None else ""
        direction = query.direction or trend
        general_reason = bool(text and query.measure and direction and (trend is None or trend == direction)
                              and _into_budget_year(vocab, query, subject)
                              and names_change(fold(text), query.measure, direction))
        # (a general explanation that names this measure going this way is the budget's reason for its new year,
        # if not its own)
        parts.append(f"Bij {subject.label} staat geen eigen reden, wel deze algemene toelichting:" if general_reason
                     else f"De begroting geeft geen specifieke reden voor {subject.label}.")
        if general is not None:
            parts.append(text if general_reason else f"Algemene toelichting: {text}")
            citations.append(cite(settings, 1, general, text))
    elif subject.rows and not subject.sections and query.intent == "explain" and "subject" in query.inherited:
        # 'waarvoor was dat?' after a row that nothing explains: say so, never quote the table as a reason
        return abstain(settings, query.text, 0.5, f"De begroting geeft geen toelichting bij {subject.label}.")
    else:
        return None
    notes = [n for r in subject.rows if r.table_id in vocab.tables for n in vocab.tables[r.table_id].footnotes]
    if notes and query.intent in ("meaning", "explain"):
        parts.append("Voetnoot bij de tabel: " + " ".join(n.lstrip("* ") for n in dict.fromkeys(notes)))
    if not citations:
        home = corpus.section(subject.section_id or "")
        if home is None:
            return None
        citations.append(cite(settings, 1, home, parts[-1] if parts else home.label))
    cited = corpus.section(citations[0].section_id)
    assert cited is not None
    resolved = _resolved(query, subject, cited)
    # no specific reason: said plainly, with the general explanation quoted — an honest 'the budget does not say'
    answered = (bool(found) and (not subject.total or _explains_change(vocab, query, subject, found))) \
        or query.intent == "meaning" or bool(composed) or general_reason
    return Answer(query.text, answered, " ".join(parts), 0.85, tuple(citations), resolved, "explanation")


def _recent(vocab: Vocabulary, query: Query, subject: Subject) -> bool:
    """The years asked include the budget's own year or later (or none is asked)."""
    year = vocab.budget_year([subject.document_id])
    return not query.years or year is None or max((*query.years, query.earlier or 0)) >= year


def _into_budget_year(vocab: Vocabulary, query: Query, subject: Subject) -> bool:
    """The change asked is the one into the budget's own year from the year before (what its budgettaire
    ontwikkelingen explain), not one between later or earlier years."""
    year = vocab.budget_year([subject.document_id])
    return year is not None and query.years in ((), (year,)) and query.earlier in (None, year - 1)


def _trend(vocab: Vocabulary, query: Query, subject: Subject) -> str | None:
    """How the measure went from the earlier of the two years talked about to the later: 'up', 'down', or None."""
    from knowledge.row_cells import row_cells

    if not query.measure or query.earlier is None or not query.years or query.earlier == query.years[-1]:
        return None
    first, last = sorted((query.earlier, query.years[-1]))
    values = {c.year: abs(c.value) for r in subject.rows for c in row_cells(vocab, r)
              if vocab.families.get(c.measure) == query.measure and c.value is not None}
    if first not in values or last not in values or values[first] == values[last]:
        return None
    return "up" if values[last] > values[first] else "down"


def _explains_change(vocab: Vocabulary, query: Query, subject: Subject, found: list[Section]) -> bool:
    """A total's change is answered by its parts' explanations when they name the measure and the direction asked
    ('hoe komen die hogere baten?' ~ 'De hogere baten worden … veroorzaakt door …') for a year of this budget (its
    budgettaire ontwikkelingen explain the new budget, not an older year's change)."""
    return bool(query.measure and query.direction and _recent(vocab, query, subject)) and all(
        change_direction(fold(s.text)) == query.direction for s in found[:2])


def _composition(corpus: Corpus, vocab: Vocabulary, query: Query,
                 subject: Subject) -> tuple[str, Section, str, Subject] | None:
    """The rows a total adds up for the measure and year just asked, largest first, and the largest row's subject."""
    from knowledge.description import positive_amount
    from knowledge.subject_index import subject_index
    from knowledge.table_answer import parts_of_total

    if query.intent != "explain" or "subject" not in query.inherited or not query.asks_level:
        return None  # (only 'why so much?' asks what a total is made of; why it went up or down does not)
    found = parts_of_total(vocab, subject, query.measure, query.years[-1] if query.years else None)
    if found is None:
        return None
    table, total, cells = found
    largest = next((s for s in subject_index(vocab).rows_by_table.get(table.id, ()) if any(
        r.table_id == table.id and r.line == cells[0].line for r in s.rows)), None)
    home = corpus.section(table.section_id)
    if largest is None or home is None:
        return None
    text = f"Het grootste deel daarvan is {cells[0].line}: {positive_amount(cells[0])} in {total.year}."
    quote = "; ".join(f"{c.line} — {c.measure} {c.year} ({c.kind}): {c.raw}" for c in (total, cells[0]))
    return text, home, quote, largest


def _naming_measure(sections: list[Section], measure: str | None) -> list[Section]:
    """The explanations that name the measure asked about ('de hogere baten worden veroorzaakt door …')."""
    from knowledge.vocabulary import MEASURE_FAMILIES

    if not measure:
        return []
    words = (measure, *MEASURE_FAMILIES.get(measure, ()))
    pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.IGNORECASE)
    return [s for s in sections if pattern.search(s.text)]


def _measure_meaning(vocab: Vocabulary, query: Query, subject: Subject) -> str:
    """Plain words for the measure the conversation was about, and the table's unit."""
    from knowledge.description import FAMILY_WORDS

    if not query.measure:
        return ""
    words = FAMILY_WORDS.get(query.measure, query.measure)
    unit = next((vocab.tables[r.table_id].unit for r in subject.rows if r.table_id in vocab.tables), "")
    unit_text = (" De bedragen in de tabel zijn × €1.000: 1.250 in de tabel betekent € 1.250.000."
                 if unit == "× €1.000" else "")
    return f"Het ging over {words} van {subject.label}.{unit_text}"


def goals_name(corpus: Corpus, query: Query, subject: Subject) -> bool:
    """The goals under the subject (and its name) hold every topic word of the question; a word beyond them asks
    the goal of something narrower ('pro-actieve dienstverlening')."""
    roots = set(subject.sections)
    parents = {s.id: s.parent_id for s in corpus.sections if s.parent_id}
    named = fold(" ".join([subject.label, *(s.label for s in corpus.sections
                                            if s.kind in ("doel", "prestatie") and is_under(parents, s.id, roots))]))
    return "subject" in query.inherited or all(w[:PREFIX] in named for w in query.topic_words)


def goal_answer(settings: Settings, corpus: Corpus, query: Query, subject: Subject) -> Answer | None:
    """'Wat zijn de doelen van X?': the doel sections under X (or the prestaties under a doel)."""
    roots = set(subject.sections)
    want = "prestatie" if subject.kind == "doel" else "doel"
    if subject.kind == "prestatie":
        return None
    parents = {s.id: s.parent_id for s in corpus.sections if s.parent_id}
    found = [s for s in corpus.sections if s.kind == want and is_under(parents, s.id, roots)]
    if not found:
        return None
    items = "; ".join(s.label for s in found)
    noun = "prestaties" if want == "prestatie" else "doelen"
    text = f"De {noun} bij {subject.label} zijn: {items}."
    home = corpus.section(subject.section_id or "") or found[0]
    cited = [home, *[s for s in found if s.id != home.id]][:6]
    citations = tuple(cite(settings, n, s, s.label) for n, s in enumerate(cited, start=1))
    return Answer(query.text, True, text, 0.9, citations, _resolved(query, subject, home), "goals")
