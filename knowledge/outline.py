"""The parts of a subject: the part a question names ('de risico's van X') and what falls under X ('welke …?')."""

from __future__ import annotations

import re

from knowledge.answer import cite, opening
from knowledge.begrippen import answering_words
from knowledge.checks import NAME
from knowledge.chunk import split_sentences
from knowledge.description import SOURCE
from knowledge.lexical import tokens
from knowledge.settings import Settings
from knowledge.types import Answer, Corpus, Query, Resolved, Section, Subject
from knowledge.vocabulary import Vocabulary, total_rows
from nlu.entities import fold

MAX_DEPTH = 3  # how far below a subject a named part is looked for
MAX_PARTS = 2  # parts quoted in one answer
MAX_ITEMS = 12  # items listed in one answer
MIN_STEM = 4  # shortest stem that may match the start of a title word ('doel' ~ 'doelstellingen')
# Items of the budget tree (their titles are sentences or indicator names): listed under a part, never a part
GROUP_KINDS = ("programme", "beleidsterrein", "table", "verbonden-partijen")  # rows that add up other rows
ITEM_KINDS = ("doel", "prestatie", "indicator")
MIN_PROSE_WORDS = 8  # a part with less text than this is a heading: its children are listed instead


def child_map(corpus: Corpus) -> dict[str, tuple[Section, ...]]:
    """Each section's children in document order (built once per loaded index)."""
    children: dict[str, list[Section]] = {}
    for section in corpus.sections:
        if section.parent_id:
            children.setdefault(section.parent_id, []).append(section)
    return {parent: tuple(kids) for parent, kids in children.items()}


def _matches(stems: set[str], title_stems: list[str]) -> int:
    """How many question stems are a title word or the start of one ('doel' ~ 'doelstellingen')."""
    return sum(1 for s in stems if any(t == s or (len(s) >= MIN_STEM and t.startswith(s)) for t in title_stems))


def find_parts(query: Query, subject: Subject, children: dict[str, tuple[Section, ...]],
               vocabulary: frozenset[str], extra_words: tuple[str, ...] = ()) -> list[Section]:
    """The shallowest sections below the subject whose title carries one of the question's topic words."""
    words = (*query.topic_words, *extra_words)  # and a budget term's names ('misgaan': the risico's)
    stems = {t for w in (*words, *(a for w in words for a in answering_words(w))) for t in tokens(w, vocabulary)}
    if not stems:
        return []
    level = [kid for root in subject.sections for kid in children.get(root, ())]
    for _ in range(MAX_DEPTH):
        scored = [(_matches(stems, tokens(s.title, vocabulary)), s) for s in level if s.kind not in ITEM_KINDS]
        best = max((n for n, _ in scored), default=0)
        if best:
            return [s for n, s in scored if n == best][:MAX_PARTS]
        level = [kid for s in level for kid in children.get(s.id, ())]
    return []


def _items(section: Section, children: dict[str, tuple[Section, ...]]) -> list[str]:
    return [kid.label for kid in children.get(section.id, ())][:MAX_ITEMS]


def _prose(section: Section) -> str:
    text = opening(section)
    return text if len(text.split()) >= MIN_PROSE_WORDS and text != section.label else ""


def _resolved(query: Query, subject: Subject, section: Section) -> Resolved:
    return Resolved(year=query.years[-1] if query.years else None, measure=query.measure, topic=section.id,
                    subject=subject.id, intent=query.intent, document=subject.document_id)


def parts_answer(settings: Settings, query: Query, subject: Subject, parts: list[Section],
                 children: dict[str, tuple[Section, ...]], passages: dict[str, str]) -> Answer | None:
    """Quote each named part: the passage that best answers the question, its opening, or the list of what
    it holds when it is only a heading."""
    texts: list[str] = []
    cited: list[Section] = []
    quotes: list[str] = []
    for section in parts:
        prose = _prose(section) and (passages.get(section.id) or _prose(section))
        items = _items(section, children) if not prose else []
        if not prose and not items:
            continue
        body = prose or "; ".join(items) + "."
        texts.append(f"{section.label} ({subject.label}): {body}")
        cited.append(section)
        quotes.append(body)
    if not texts:
        return None
    citations = tuple(cite(settings, n, s, q) for n, (s, q) in enumerate(zip(cited, quotes), start=1))
    return Answer(query.text, True, " ".join(texts), 0.85, citations, _resolved(query, subject, cited[0]), "parts")


def group_rows(vocab: Vocabulary) -> frozenset[tuple[str, str]]:
    """Rows that add up other rows (a programme, a beleidsterrein, a table's own line), built once per index."""
    return frozenset((r.table_id, r.line) for s in vocab.subjects.values() if s.kind in GROUP_KINDS for r in s.rows)


def _row_lines(subject: Subject, vocab: Vocabulary, groups: frozenset[tuple[str, str]]) -> list[str]:
    """The rows of the subject's tables that are things of their own (a reserve, a partij), not totals or the
    subtotals of a beleidsterrein."""
    lines: list[str] = []
    for ref in subject.rows:
        table = vocab.tables.get(ref.table_id)
        if table is None:
            continue
        totals = total_rows(table)
        for cell in table.cells:
            if cell.line not in totals and cell.line not in lines and (table.id, cell.line) not in groups \
                    and fold(cell.line) != fold(subject.label) \
                    and not re.match(r"(?i)^totaal\b", cell.line):
                lines.append(cell.line)
    return lines[:MAX_ITEMS]


def asks_for_items(query: Query) -> bool:
    """'Welke reserves …?', 'which reserves …?': the subject itself is what is listed."""
    if not query.mentions:
        return False
    before = fold(query.search_text)[: query.mentions[0].start]
    return re.search(r"(?:welke|which|noem|name|list|lijst van|overzicht van)\s+(?:(?:de|alle|all|the)\s+)?$",
                     before) is not None


def outline_answer(settings: Settings, corpus: Corpus, vocab: Vocabulary, query: Query, subject: Subject,
                   children: dict[str, tuple[Section, ...]], groups: frozenset[tuple[str, str]]) -> Answer | None:
    """'Welke X zijn er?': the rows of X's table, or the sections under X."""
    homes = [s for s in (corpus.section(sid) for sid in subject.sections) if s is not None]
    if not homes:
        return None
    items = _row_lines(subject, vocab, groups) if len(subject.rows) > 1 else []
    if len(items) < 2:
        items = [kid.label for home in homes for kid in children.get(home.id, ())][:MAX_ITEMS]
    if len(items) < 2:
        return None
    listed = "; ".join(items)
    text = f"Onder {subject.label} vallen: {listed}."
    citations = tuple(cite(settings, n, home, listed if n == 1 else home.label)
                      for n, home in enumerate(homes[:MAX_PARTS], start=1))
    return Answer(query.text, True, text, 0.85, citations, _resolved(query, subject, homes[0]), "outline")


MIN_NAMES = 3  # a sentence naming at least this many (capitalised) names lists who takes part

QUOTED = 60  # characters that identify a sentence within a quote


def members_answer(settings: Settings, corpus: Corpus, query: Query, subject: Subject | None,
                   section_id: str | None = None, minimum: int = MIN_NAMES, within: str | None = None
                   ) -> Answer | None:
    """'Wie zitten daarin?' about a subject (or 'met wie?' about a passage just quoted): the sentence of its section
    that names the most participants."""
    section = corpus.section(section_id or (subject.section_id if subject else None) or "")
    if section is None:
        return None
    sentences = split_sentences(section.text)
    if within:  # only the sentences just quoted
        sentences = [s for s in sentences if s.strip() and (s.strip()[:QUOTED] in within or within[:QUOTED] in s)]
    own = set(NAME.findall(" " + subject.label)) if subject else set()  # the subject's own name does not count
    scored = [(len(set(NAME.findall(s)) - own), -i, s) for i, s in enumerate(sentences)]
    best = max(scored, default=(0, 0, ""))
    if best[0] < minimum:
        return None
    text = best[2].strip()
    resolved = _resolved(query, subject, section) if subject else Resolved(topic=section.id, intent=query.intent,
                                                                            document=section.document_id)
    return Answer(query.text, True, text, 0.85, (cite(settings, 1, section, text),), resolved, "parts")


def source_answer(settings: Settings, corpus: Corpus, query: Query, subject: Subject) -> Answer | None:
    """'Hoe meten ze dat?' about an indicator: the source its section names (and the table's first footnote)."""
    section = corpus.section(subject.section_id or "")
    found = SOURCE.search(section.text) if section is not None else None
    if section is None or found is None:
        return None
    text = f"{section.title}: gemeten met {found.group(1)} (bron zoals genoemd in de begroting)."
    scale = next((c.unit for t in corpus.tables for row in subject.rows if t.id == row.table_id for c in t.cells
                  if c.line == row.line and c.unit and c.unit[0].isalpha()), "")
    if scale:  # what the figure is ('score op een schaal van 5'), as the table says
        text += f" De uitkomst: {scale}."
    return Answer(query.text, True, text, 0.85, (cite(settings, 1, section, found.group(0)),),
                  _resolved(query, subject, section), "parts")
