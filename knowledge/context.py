"""Conversation state: merge a new question's frame with the previous turn's (explicit, tested rules).

1. What the new question fills wins (its own subject, measure, years).
2. A follow-up without a subject of its own stays within the previous topic (subject, measure, years).
3. A relative year ('vorig jaar', 'next year') resolves against the previous turn's year (else the budget year).
4. A turn that abstained or failed leaves the state as it was: the service returns the old state unchanged.
"""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.cues import MORE_ASKED, SHORT
from knowledge.subject_index import names_kind, subject_index
from knowledge.table_answer import has_family
from knowledge.types import Query, Resolved
from knowledge.vocabulary import Vocabulary
from nlu.entities import QUESTION_WORDS, fold

CARRY_INTENTS = ("amount", "compare")
PREFIX = 5  # letters that identify a word in a subject's name


QUESTION_WORD = re.compile(r"^\s*(?:" + QUESTION_WORDS + r"|is|zijn|kost|does|do|are)(?![\w])")  # a question of its
# own (a question word or a verb first), not a fragment

ORDINALS = {"eerste": 0, "tweede": 1, "derde": 2, "vierde": 3, "laatste": -1, "first": 0, "second": 1, "third": 2,
            "fourth": 3, "last": -1}
ORDINAL = re.compile(r"(?<![\w])(" + "|".join(ORDINALS) + r")(?!\s+(?:jaar|keer|helft|kwartaal|year|time|half|meting|"
                     r"cijfer|score|realisatie|stand))"
                     r"(?![\w])")


def merge(query: Query, previous: Resolved | None, vocab: Vocabulary, relative: int | None = None,
          against: int | None = None) -> Query:
    """The frame after applying the previous turn's state to a new question."""
    inherited: list[str] = []
    previous = normalise_state(previous, vocab)
    if previous is not None and previous.document in query.ambiguous and query.mentions:
        top = query.mentions[0]  # a name in several documents: the conversation's document
        same = [m.subject_id for m in query.mentions if (m.start, m.end) == (top.start, top.end)
                and vocab.subjects[m.subject_id].document_id == previous.document]
        query = replace(query, subject=same[0] if same else query.subject, ambiguous=(),
                        scope=(previous.document,) if same else query.scope)
    sibling = _other_one(query, previous, vocab)
    if sibling is not None:  # 'en bij de andere partij?': the one other of its kind in the document
        query = replace(query, subject=sibling, topic_words=(), follow_up=True)
    listed = _nth_in_quote(query, previous, vocab)
    if listed is not None:  # 'risico's van die tweede?': the second of the names just listed
        query = replace(query, subject=listed, follow_up=True, topic_words=tuple(
            w for w in query.topic_words if w not in ORDINALS),
            from_list=(previous.listing or previous.quote) if previous else None)
    named = _kind_in_quote(query, previous, vocab)
    if named is not None:  # 'is daar een reserve voor?': the reserve named after what was just quoted
        query = replace(query, subject=named, topic_words=tuple(
            w for w in query.topic_words if not names_kind(w, vocab.subjects[named].kind)), follow_up=True)
    subject, measure, years, intent = query.subject, query.measure, query.years, query.intent
    withdrawn = _reserve_taken_out(query, previous, vocab)
    if withdrawn is not None:  # 'hoeveel wordt er uit gehaald?' after a reserve: its withdrawal
        subject, measure = withdrawn, "onttrekking"
        intent = intent if intent in ("explain", "compare") else "amount"
        inherited += ["subject", "measure"]
    usable = previous is not None and previous.subject in vocab.subjects
    again = usable and previous is not None and subject == previous.subject and not query.topic_words \
        and not query.years and measure is None  # 'aan welke reserves?' right after a reserves amount
    bare = not query.mentions and not query.topic_words  # (nothing of its own to be about)
    leans = query.follow_up or again or (bare and usable) or (bare and not query.weak_words and previous is not None
                                                              and previous.topic is not None)
    label = fold(vocab.subjects[previous.subject].label) if usable and previous is not None and previous.subject else ""
    elsewhere = bool(query.topic_words) and previous is not None and previous.intent in CARRY_INTENTS \
        and intent not in ("meaning", "explain") and not query.refers and not any(
        w[:PREFIX] in label for w in query.topic_words)  # 'en voor rijbewijzen?' after the passport score
    paired = None
    if previous is not None and usable and query.set_against and query.refers and subject is not None \
            and subject != previous.subject:  # 'is dat meer dan X?': the row just answered against X
        paired = previous.subject
        intent = "compare"
    if previous is not None and usable and leans and subject is None and not elsewhere:
        subject = previous.subject
        inherited.append("subject")
    set_aside = query.set_aside
    if _reserve_not_meant(query, subject, intent, measure, inherited, vocab):
        # 'en wat doet die rekenkamer?' after the reserve rekenkamer: the thing the reserve is for, not the reserve
        subject, set_aside = None, (*set_aside, subject or "")
        inherited = [i for i in inherited if i != "subject"]
    if previous is not None and leans and (usable or previous.measure):
        if intent in ("define", "info") and query.compares and previous.intent in ("amount", "compare") \
                and previous.year and previous.measure:  # 'en wat is het verschil met <year>?' after an amount
            intent = "compare"
            inherited.append("intent")
        if measure is None and previous.measure and intent in ("info", "amount", "compare", "list", "meaning",
                                                               "explain") \
                and not (intent == "list" and query.topic_words):  # 'en welke risico's?' asks for no amount
            same_kind = subject == previous.subject or subject is None
            if same_kind or has_family(vocab, subject, previous.measure):
                measure = previous.measure
                inherited.append("measure")
        if intent == "list" and again and measure and previous.intent in CARRY_INTENTS:
            intent = "amount"  # 'welke …?' after an amount: the rows with that amount
            inherited.append("intent")
        if intent == "how" and previous.intent in CARRY_INTENTS and not query.topic_words \
                and (query.years or relative is not None):  # 'en hoe was het in <year>?': the same figure then
            intent = "info"
        if intent == "info" and previous.intent in CARRY_INTENTS and (measure or not query.topic_words) \
                and not MORE_ASKED.match(fold(query.text)):  # ('en verder?' asks what the text says next)
            intent = previous.intent if previous.intent != "compare" else "amount"
            inherited.append("intent")
            if previous.explained and query.subject is not None and query.subject != previous.subject:
                inherited.append("explanation")  # (after an explanation of a number, 'en de reserve X?' asks X's
                # number and its explanation)
        if len(years) == 1 and intent == "compare" and previous.year and previous.year != years[0] \
                and "subject" in inherited:  # the year just answered is the other side of the comparison
            years = tuple(sorted({years[0], previous.year}))
            inherited.append("years")
        if not years and intent == "compare" and previous.year and previous.earlier:
            years = tuple(sorted({previous.earlier, previous.year}))  # 'hoeveel verschil is dat?'
            inherited.append("years")
        if not years and previous.year and relative is None and intent in ("amount", "compare", "info", "explain"):
            years = (previous.year,)
            inherited.append("year")
    if not years and relative is None and "year" not in inherited and previous is not None and previous.year \
            and _fragment_after_amount(query, intent, previous):
        years = (previous.year,)  # 'resultaat na reserves?' after an amount of a year: that year
        inherited.append("year")
    if relative is not None and not query.years:
        base = previous.year if previous is not None and previous.year else vocab.budget_year(query.scope)
        if base is not None:
            years = (base + relative,)
            inherited.append("relative year")
    if intent == "info" and previous is not None and previous.intent and query.follow_up and query.subject \
            and not query.topic_words and named is None:
        intent = "amount" if previous.intent == "compare" else previous.intent  # 'en <other subject>?'
        inherited.append("intent")
    earlier = None
    if against is not None:  # 'waarom hoger dan vorig jaar?': the year asked stays, the comparison's base is set
        base = years[-1] if years else previous.year if previous is not None and previous.year \
            else vocab.budget_year(query.scope)
        earlier = base + against if base is not None else None
    if earlier is None and intent == "explain" and "year" in inherited and previous is not None and previous.earlier:
        earlier = previous.earlier  # 'waarom was dat toen hoger?' after two years: the change between them
    topic = None
    if previous is not None and leans and previous.topic and (subject is None or "subject" in inherited):
        topic = previous.topic  # a follow-up on a passage is answered within that passage's section first
        inherited.append("topic")
    if len(set_aside) > len(query.set_aside):
        topic = None  # (nor the reserve's table or toelichting)
        inherited = [i for i in inherited if i != "topic"]
    if intent == "goal" and topic is not None and query.refers and query.subject is None and measure is None:
        intent = "explain"  # 'wat willen ze daarmee bereiken?' after a passage: what its plan is for, not the goals
        inherited.append("intent")
    quoted = previous.quote if previous is not None and (topic is not None or query.refers) else None
    return replace(query, subject=subject, measure=measure, years=tuple(years), intent=intent,
                   inherited=tuple(inherited), topic=topic, earlier=earlier, quoted=quoted, paired=paired,
                   quoted_end=previous.quote_end if quoted is not None and previous is not None else None,
                   set_aside=set_aside)


def _reserve_taken_out(query: Query, previous: Resolved | None, vocab: Vocabulary) -> str | None:
    """The reserve just talked about, when a bare question asks what is taken out ('hoeveel wordt er uit gehaald?')."""
    before = vocab.subjects.get(previous.subject or "") if previous is not None else None
    if before is None or before.kind != "reserve" or not query.takes_out or query.mentions or query.measure \
            or query.topic_words or not has_family(vocab, before.id, "onttrekking"):
        return None
    return before.id


def _reserve_not_meant(query: Query, subject: str | None, intent: str, measure: str | None, inherited: list[str],
                       vocab: Vocabulary) -> bool:
    """What/who/how with words of its own after a reserve asks about the thing it is for, unless it says 'reserve'."""
    kept = vocab.subjects.get(subject or "")
    return kept is not None and kept.kind == "reserve" and intent in ("define", "who", "how") \
        and bool(query.topic_words) and not any(names_kind(w, kept.kind) for w in query.topic_words) \
        and measure is None and (query.subject is None or "subject" in inherited or query.refers)


def _fragment_after_amount(query: Query, intent: str, previous: Resolved) -> bool:
    """A keyword fragment ('resultaat na reserves?') after an amount, not a question of its own ('wat kost X?')."""
    return intent in CARRY_INTENTS and previous.intent in CARRY_INTENTS and len(query.text.split()) <= SHORT \
        and not QUESTION_WORD.match(fold(query.text))


def _nth_in_quote(query: Query, previous: Resolved | None, vocab: Vocabulary) -> str | None:
    """The subject an ordinal points at ('die tweede', 'the last one') among the subjects of one kind the turn before
    listed (None when the question names its own subject or the quote lists no two of a kind)."""
    ordinal = ORDINAL.search(fold(query.text))
    listing = (previous.listing or previous.quote) if previous is not None else None
    if ordinal is None or not listing or query.mentions or query.years:
        return None
    by_kind: dict[str, list[str]] = {}
    for m in sorted(vocab.mentions(fold(listing)), key=lambda m: m.start):
        kind = vocab.subjects[m.subject_id].kind
        if m.subject_id not in by_kind.setdefault(kind, []):
            by_kind[kind].append(m.subject_id)
    lists = [ids for ids in by_kind.values() if len(ids) >= 2]
    n = ORDINALS[ordinal.group(1)]
    if len(lists) != 1 or n >= len(lists[0]):
        return None
    return lists[0][n]


def _kind_in_quote(query: Query, previous: Resolved | None, vocab: Vocabulary) -> str | None:
    """The one subject of a kind the question names ('is daar een reserve voor?') whose own name is in the passage
    just quoted (None when the question names its own subject, or none or several fit)."""
    if previous is None or not previous.quote or not query.refers or query.mentions:
        return None
    kinds = {k for w in query.topic_words for k in subject_index(vocab).row_kinds if names_kind(w, k)}
    if not kinds:
        return None
    quoted = set(re.findall(r"[a-z]{4,}", fold(previous.quote)))
    found = [s.id for s in vocab.subjects.values() if s.kind in kinds and not s.total
             and (previous.document is None or s.document_id == previous.document)
             and any(w in quoted for w in re.findall(r"[a-z]{4,}", fold(s.label))
                     if not names_kind(w, s.kind) and w not in vocab.generic)]
    return found[0] if len(found) == 1 else None


def _other_one(query: Query, previous: Resolved | None, vocab: Vocabulary) -> str | None:
    """The subject 'de andere <kind>' / 'the other <kind>' means: the only other one of the previous subject's kind
    in its document (None when there are several, or the question names its own subject)."""
    before = vocab.subjects.get(previous.subject or "") if previous is not None else None
    if before is None or query.others is None or query.mentions or query.others[:4] != before.kind[:4]:
        return None
    plural = fold(before.kind) + "s"  # ('Reserves', the table of all reserves, is not another reserve)
    siblings = [s for s in subject_index(vocab).by_document.get(before.document_id, ())
                if s.kind == before.kind and s.id != before.id and not s.total and fold(s.label) != plural]
    return siblings[0].id if len(siblings) == 1 else None


def normalise_state(previous: Resolved | None, vocab: Vocabulary) -> Resolved | None:
    """A state from an older client (a row line and a measure name, no subject) in today's terms."""
    if previous is None:
        return None
    measure = vocab.families.get(previous.measure or "", previous.measure)
    if measure and measure not in vocab.measure_words.values():
        measure = vocab.measure_words.get((previous.measure or "").lower(), measure)
    subject = previous.subject
    if subject not in vocab.subjects and previous.line:
        found = [s for s in subject_index(vocab).rows_by_line.get(previous.line, ())
                 if previous.document is None or s.document_id == previous.document]
        subject = found[0].id if len(found) == 1 or (found and all(f.id == found[0].id for f in found)) else None
        if subject is None and found:
            subject = next((f.id for f in found if not f.total), found[0].id)
    if subject is None and previous.topic:  # a passage that is a subject's own section ('1A2.a …'): that subject
        owners = [s.id for s in vocab.subjects.values() if s.rows and s.section_id == previous.topic]
        subject = owners[0] if len(owners) == 1 else None  # (rows of one table share its section: none of them)
    return replace(previous, measure=measure, subject=subject,
                   intent=previous.intent or ("amount" if previous.line and measure else None))


def on_passage(query: Query) -> bool:
    """A follow-up on the passage just quoted, not on a number: its subject and topic carried over, no measure
    ('waar wordt die module voor gebruikt?' is asked of that passage, not of the subject's budget explanation)."""
    return "topic" in query.inherited and "subject" in query.inherited and query.measure is None
