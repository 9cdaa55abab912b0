"""Amounts from the parsed tables, read from the Query frame: subject row × measure × year, verified cells.

A cell is used only when its row belongs to the asked subject and its measure to the asked measure family;
otherwise the result is a clarifying question or an honest 'no amount' (a wrong number is worse than none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from knowledge.description import PLURAL
from knowledge.lexical import split_compound, stem
from knowledge.row_cells import FAMILY_LABELS, read_cells, row_cells, totals_of, year_phrase
from knowledge.subject_index import subject_index, titles_have_word_starting
from knowledge.types import (
    Cell,
    Clarify,
    ClarifyOption,
    Corpus,
    NoAmount,
    Query,
    Resolved,
    Subject,
    Table,
    TableFacts,
)
from knowledge.vocabulary import INDICATOR_FAMILIES, Vocabulary, key, total_rows
from nlu.entities import fold

SPEND_FAMILY = "lasten"
LONG_UNKNOWN = 7
OUTFLOWS = ("bijdrage", "investering", "subsidie")
MONEY_FAMILIES = ("lasten", "baten", "saldo", "toevoeging", "onttrekking", "mutaties", "resultaat", *OUTFLOWS)


def has_family(vocab: Vocabulary, subject_id: str | None, family: str) -> bool:
    """The subject has a table row with a measure of this family."""
    subject = vocab.subjects.get(subject_id or "")
    return subject is not None and family in families_of(vocab, subject)


def families_of(vocab: Vocabulary, subject: Subject) -> list[str]:
    """Measure families of a subject's rows, in table order (computed once per subject)."""
    cached = vocab.subject_families.get(subject.id)
    if cached is None:
        cached = []
        for row in subject.rows:
            for c in row_cells(vocab, row):
                fam = vocab.families.get(c.measure, fold(c.measure))
                if fam not in cached:
                    cached.append(fam)
        vocab.subject_families[subject.id] = cached
    return cached


def _option(subject: Subject, family: str, query: Query, vocab: Vocabulary | None = None) -> ClarifyOption:
    word = FAMILY_LABELS.get(family, family)
    label = f"{word.capitalize()} {subject.label}"
    doc = vocab.documents.get(subject.document_id) if vocab is not None and len(query.scope) > 1 else None
    if doc is not None and doc.municipality:  # several documents in scope: say whose
        place = f" in {doc.municipality}"
        label += f" ({doc.municipality})"
        return ClarifyOption(label, f"Wat {'zijn' if family in PLURAL else 'is'} de {word} van {subject.label}"
                                    f"{year_phrase(query)}{place}?")
    return ClarifyOption(label, f"Wat is de {word} van {subject.label}{year_phrase(query)}?"
                         if family not in PLURAL else f"Wat zijn de {word} van {subject.label}{year_phrase(query)}?")


def _measure_clarify(subject: Subject, families: list[str], query: Query) -> Clarify:
    options = tuple(_option(subject, f, query) for f in families[:4])
    words = ", ".join(FAMILY_LABELS.get(f, f) for f in families[:4])
    return Clarify(f"Welk bedrag van {subject.label} bedoelt u? De begroting geeft: {words}.", options)


def narrower_words(query: Query, subject: Subject | None) -> list[str]:
    """Topic words the subject's own name does not cover: they ask about something narrower or different."""
    own = set(key(subject.label).split()) | {w for a in subject.aliases for w in a.split()} if subject else set()
    own_stems = {stem(w) for w in own}
    return [w for w in query.topic_words if stem(w) not in own_stems]


def _measure_head(word: str, vocab: Vocabulary) -> bool:
    """A compound ending in a measure word ('personeelskosten', 'eindresultaat'): a part or kind of that measure."""
    return any(word.endswith(m) and len(word) > len(m) + 3 for m in vocab.measure_words if " " not in m)


def find_facts(query: Query, vocab: Vocabulary, corpus: Corpus, corpus_words: frozenset[str]) -> TableFacts | NoAmount:
    """The cells answering an amount question, or why there is none (and which readings to offer)."""
    subject = vocab.subjects.get(query.subject or "")
    family = query.measure
    if not query.scope:
        return NoAmount("Die begroting staat niet in deze zoekdienst.")
    own = {fold(d.municipality) for d in vocab.documents.values() if d.municipality}
    strange = [n for n in query.names if (subject is None or n not in fold(" ".join(subject.aliases)))
               and not any(n.startswith(m) for m in own)]
    if strange:
        return NoAmount(f"In de begroting staat geen bedrag voor '{strange[0].capitalize()}'.")
    named = subject is not None and subject.rows and (query.mentions or "retrieval" in query.inherited)
    guessed = family is None and subject is not None and subject.kind != "indicator"  # (lasten by default)
    if named and subject is not None and (query.listing or guessed):
        strangers = [w for w in query.topic_words if len(w) >= LONG_UNKNOWN and w not in corpus_words
                     and stem(w) not in vocab.stems and w not in " ".join(subject.aliases)
                     and (query.listing or ("-" not in w and not query.asks_change and (
                         not split_compound(w, corpus_words) or _measure_head(w, vocab))))]
        if strangers:  # 'investeringen voor sportvelden': the budget does not know what narrows the subject;
            # '<word the budget does not know> <row> <year>': nor which amount of the row is asked
            return NoAmount(f"In de begroting staat geen bedrag voor '{strangers[0]}'.")
        narrower = [w for w in narrower_words(query, subject) if w not in vocab.generic]
        if guessed and sum(len(w.split("-")) for w in narrower) >= 2 and "subject" not in query.inherited:
            # '<kind word> voor <two words the row's name lacks>' (or one joined by a hyphen, 'RIA-fondsen'):
            # something narrower than the row, whose amount
            # (if any) only the prose gives; the row's default measure would be a wrong number
            return NoAmount(f"De begroting geeft geen apart bedrag voor '{' '.join(narrower)}'.", search=True)
    inherited = subject is not None and "subject" in query.inherited
    if query.rate and (subject is None or query.rate[:4] not in fold(subject.label)):
        return NoAmount(f"De begroting geeft geen bedrag per {query.rate}, alleen totalen per jaar.",
                        kept=Resolved(measure=family, subject=subject.id, intent=query.intent,
                                      year=query.years[-1] if query.years else None, document=subject.document_id)
                        if subject is not None else None)
    if inherited and subject is not None and query.refers and family is None and query.topic and not query.total \
            and query.topic != subject.section_id \
            and not any(vocab.tables[r.table_id].section_id == query.topic for r in subject.rows
                        if r.table_id in vocab.tables):
        passage = corpus.section(query.topic)
        if passage is not None:  # 'hoeveel geld is daarvoor toegekend?' after a passage other than the subject's
            # own: what the passage spoke of, not the whole row of the subject it was found under (offered instead)
            whole = _option(subject, families_of(vocab, subject)[0], query, vocab) if subject.rows else None
            reason = f"In de tekst die ik net aanhaalde ({passage.title}) staat daarvoor geen apart bedrag."
            return NoAmount(reason, Clarify(f"{reason} Wel staat er een bedrag voor heel {subject.label}. Wilt u "
                                            "dat bedrag?", (whole,))
                            if whole is not None else None, search=True)
    if inherited and query.others and subject is not None:  # 'wat betalen de andere gemeenten?' after one's own
        return NoAmount(f"De begroting geeft alleen het bedrag voor {subject.label}, niet voor andere "
                        f"{query.others}.", kept=Resolved(measure=family, subject=subject.id, intent=query.intent,
                                                          document=subject.document_id))
    if inherited and query.part_of and subject is not None:
        parts = [w for w in narrower_words(query, subject) if w not in vocab.generic]
        if parts:  # 'hoeveel daarvan gaat naar personeel?': the whole row is not that part
            return NoAmount(f"De begroting geeft niet apart hoeveel daarvan voor '{' '.join(parts)}' is.",
                            search=True, kept=Resolved(measure=family, subject=subject.id, intent=query.intent,
                                                       year=query.years[-1] if query.years else None,
                                                       document=subject.document_id))
    leftover = [] if named else narrower_words(query, subject)
    if inherited:  # a follow-up keeps its topic unless it names something the budget does not know
        leftover = [w for w in leftover if w not in corpus_words and stem(w) not in vocab.stems]
    unknown = [w for w in leftover if w not in corpus_words and stem(w) not in vocab.stems]
    if unknown:
        return NoAmount(f"In de begroting staat geen bedrag voor '{unknown[0]}'.")
    all_titles = vocab.titles_text(corpus)
    titled = [w for w in leftover if titles_have_word_starting(vocab, all_titles, w[:max(5, len(w) - 2)])]
    unique = _unique_subject(vocab, query, family) if subject is None else None
    if unique is not None and not leftover and not (query.weak_words and query.language == "nl"):
        subject = unique  # the measure names one table only ('subsidies', 'investeringen'), unless an unknown word
        # narrows it ('subsidie voor het <name the budget does not know>')
    if (subject is None or not subject.rows) and not titled and (leftover or query.weak_words):
        what = (leftover or list(query.weak_words))[0]
        return NoAmount(f"In de begroting staat geen bedrag voor '{what}'.")
    passage = corpus.section(query.topic) if query.topic and subject is None and query.refers else None
    if passage is not None and not titled and not query.total:
        # 'wat kost die?' after a passage about something without a row of its own: not the document's total
        return NoAmount(f"De begroting geeft geen apart bedrag voor wat we net bespraken ({passage.title}).")
    if subject is None or not subject.rows:
        candidates = _candidates(vocab, query, family, titled, subject)
        scores = [c for c in candidates if c.kind == "indicator" and any(t in fold(c.label) for t in titled)]
        if len(scores) == 1 and not query.money:  # 'welk cijfer gaven klanten voor een nieuw rijbewijs?': the one
            candidates, titled = scores, []  # indicator named by the word, not a euro row above it
        if len(candidates) == 1 and not titled:
            subject = candidates[0]
        elif candidates:
            what = f"'{titled[0]}'" if titled else (subject.label if subject else "dat")
            options = tuple(_option(c, family or families_of(vocab, c)[0], query, vocab) for c in candidates[:4])
            return NoAmount(f"De begroting geeft geen apart bedrag voor {what}.",
                            Clarify(f"De begroting geeft geen apart bedrag voor {what}. Bedoelt u een van deze?",
                                    options), refer=bool(titled))
        else:
            what = subject.label if subject else (f"'{titled[0]}'" if titled else "dat")
            return NoAmount(f"In de begroting staat geen bedrag of cijfer voor {what}.")
    elif titled:
        options = (_option(subject, family or families_of(vocab, subject)[0], query),)
        return NoAmount(f"De begroting geeft geen apart bedrag voor '{titled[0]}'.",
                        Clarify(f"De begroting geeft geen apart bedrag voor '{titled[0]}'. Wel voor {subject.label}. "
                                "Wilt u dat bedrag?", options))
    families = families_of(vocab, subject)
    share = _share_of_total(vocab, corpus, query, subject, family, families)
    if share is not None:  # 'hoeveel procent is dat van het totaal?': computed from the two cited cells
        return share
    if query.total and not subject.total and ("subject" in query.inherited or not query.mentions):
        total = _table_total(vocab, subject, family)
        if total is not None:  # 'en samen?' / 'de totale toevoeging': the total row of the same table
            subject, families = total, families_of(vocab, total)
    if (query.money or (family is not None and family in MONEY_FAMILIES)) and families \
            and all(f in INDICATOR_FAMILIES for f in families):
        return NoAmount(f"In de begroting staat geen bedrag voor {subject.label}; er staan alleen scores.")
    if query.percent and families \
            and not any(f in INDICATOR_FAMILIES for f in families):
        return NoAmount(f"In de begroting staat geen percentage of score voor {subject.label}; er staan alleen "
                        "bedragen.")  # a share is never read from a euro row
    if family is not None and family not in families:
        family = next((f for f in query.measures if f in families), family)  # 'kost … aan onttrekkingen'
    if family == "mutaties" and family not in families and "saldo" in families and _reserve_like(subject):
        family = "saldo"  # a reserve's mutation is its saldo (what goes in minus what comes out)
    if family == SPEND_FAMILY and family not in families and len(families) == 1 and families[0] in OUTFLOWS:
        family = families[0]  # what a partij 'costs' is its bijdrage
    if family is not None and family not in families:
        sibling = _sibling_row(vocab, subject, family)
        if sibling is not None:
            return read_cells(vocab, corpus, query, sibling, family)
    if family is None:
        with_value = _families_with_value(vocab, subject, query.years)
        if len(families) == 1:
            family = families[0]
        elif len(with_value) == 1 and query.years:
            family = with_value[0]
        elif SPEND_FAMILY in families and query.intent in ("amount", "compare") and not _reserve_like(subject):
            family = SPEND_FAMILY
        else:
            clarify: Clarify | None = _measure_clarify(
                subject, [f for f in families if f not in INDICATOR_FAMILIES] or families, query)
            if any(f in INDICATOR_FAMILIES for f in families):
                family = None
            elif clarify is not None:
                return NoAmount(clarify.question, clarify)
    if family is not None and family not in families:
        offer = _measure_clarify(subject, families, query) if families else None
        word = FAMILY_LABELS.get(family, family)
        return NoAmount(f"De begroting geeft voor {subject.label} geen bedrag voor {word}.", offer)
    return read_cells(vocab, corpus, query, subject, family)


def _share_of_total(vocab: Vocabulary, corpus: Corpus, query: Query, subject: Subject, family: str | None,
                    families: list[str]) -> TableFacts | None:
    """A row's share of its table's total for the same measure and year, when a percentage of it is asked
    ('hoeveel procent is dat van het totaal?'); None when there is no such total or no amount to divide."""
    if not (query.percent and (query.total or query.refers)) or subject.total \
            or any(f in INDICATOR_FAMILIES for f in families):
        return None
    family = family if family in families else SPEND_FAMILY if SPEND_FAMILY in families else None
    whole = _table_total(vocab, subject, family) if family is not None else None
    if whole is None or family is None:
        return None
    plain = replace(query, percent=False)
    part, total = read_cells(vocab, corpus, plain, subject, family), read_cells(vocab, corpus, plain, whole, family)
    if isinstance(part, NoAmount) or isinstance(total, NoAmount) or len(part.cells) != len(total.cells) or any(
            p.year != t.year or not p.value or not t.value for p, t in zip(part.cells, total.cells, strict=True)):
        return None
    return replace(part, total_of=total.cells, compare=False)


def parts_of_total(vocab: Vocabulary, subject: Subject, family: str | None,
                   year: int | None) -> tuple[Table, Cell, list[Cell]] | None:
    """A total row's cell and the cells of the rows it adds up (same measure and year), largest first; None when
    none of the subject's rows is a total or the table has no such cells."""
    if family is None or year is None:
        return None
    for row in subject.rows:
        table = vocab.tables.get(row.table_id)
        if table is None or row.line not in totals_of(vocab, row):
            continue
        cells = [c for c in table.cells if c.year == year and vocab.families.get(c.measure) == family]
        total = next((c for c in cells if c.line == row.line), None)
        parts = sorted((c for c in cells if c.line not in totals_of(vocab, row) and c.value),
                       key=lambda c: -abs(c.value or 0.0))
        if total is not None and total.value and parts:
            return table, total, parts
    return None


def _unique_subject(vocab: Vocabulary, query: Query, family: str | None) -> Subject | None:
    """The one total (or only) subject of the one table that has this measure family."""
    if family is None:
        return None
    tables = {t for t in vocab.family_tables().get(family, set()) if vocab.tables[t].document_id in query.scope}
    if len(tables) != 1:
        return None
    table = vocab.tables[next(iter(tables))]
    totals_ = total_rows(table)
    parts = {c.line for c in table.cells if vocab.families.get(c.measure) == family and c.line not in totals_}
    if len(parts) > 1:
        return None  # the measure names a table of several rows, not one thing ('lasten' of which line?)
    found = [s for s in subject_index(vocab).rows_by_table.get(next(iter(tables)), ())
             if {r.table_id for r in s.rows} == tables]
    totals = [s for s in found if s.total] or found
    if len({frozenset(s.rows) for s in totals}) == 1:  # a table and its only row name the same cells
        return totals[0]
    return None


def _families_with_value(vocab: Vocabulary, subject: Subject, years: tuple[int, ...]) -> list[str]:
    """Measure families (net results left out) that have a value in the asked years."""
    out: list[str] = []
    for row in subject.rows:
        for c in row_cells(vocab, row):
            fam = vocab.families.get(c.measure, fold(c.measure))
            if c.value and c.year in years and fam not in ("saldo", "mutaties", "resultaat") and fam not in out:
                out.append(fam)
    return out


def _table_total(vocab: Vocabulary, subject: Subject, family: str | None) -> Subject | None:
    """The subject whose row is the total row of the subject's table (with the measure, when given)."""
    for row in subject.rows:
        totals = totals_of(vocab, row)
        for cand in subject_index(vocab).rows_by_table.get(row.table_id, ()):
            if any(r.table_id == row.table_id and r.line in totals for r in cand.rows) and (
                    family is None or family in families_of(vocab, cand)):
                return cand
    return None


def _sibling_row(vocab: Vocabulary, subject: Subject, family: str) -> Subject | None:
    """The one other row of the subject's table that has the measure ('resultaat' of the programme's table)."""
    tables = {r.table_id for r in subject.rows}
    lookup = subject_index(vocab)
    found = lookup.sort(s for t in tables for s in lookup.rows_by_table.get(t, ())
                        if s.id != subject.id and family in families_of(vocab, s))
    lines = {r for s in found for r in s.rows if r.table_id in tables}
    return found[0] if len(lines) == 1 else None


def _reserve_like(subject: Subject) -> bool:
    return subject.kind == "reserve"


def _candidates(vocab: Vocabulary, query: Query, family: str | None, titled: list[str],
                subject: Subject | None) -> list[Subject]:
    """Subjects with rows that could be meant: named by a topic word, above the named section, or totals."""
    lookup = subject_index(vocab)
    scope = set(query.scope)

    def fits(s: Subject) -> bool:
        return s.document_id in scope and (family is None or family in families_of(vocab, s)) and not (
            query.money and all(f in INDICATOR_FAMILIES for f in families_of(vocab, s)))  # (euros: no scores)

    if titled:
        named = lookup.sort(s for w in titled for s in lookup.rows_by_stem.get(stem(w), ()) if fits(s))
        return named + [s for s in _ancestors_with_rows(vocab, titled, fits) if s not in named]
    if subject is not None:
        return _ancestors_with_rows(vocab, [], fits, subject)
    with_rows = [s for s in lookup.with_rows(scope) if fits(s)]
    totals = [s for s in with_rows if s.total]
    found = totals or with_rows if family is not None else totals
    unique: list[Subject] = []
    for cand in found:  # a programme and its cost table share one total row: one reading
        if not any(set(cand.rows) & set(u.rows) for u in unique):
            unique.append(cand)
    return unique


def _ancestors_with_rows(vocab: Vocabulary, words_: list[str], fits: Callable[[Subject], bool],
                         subject: Subject | None = None) -> list[Subject]:
    """Subjects with rows (that fit) whose sections contain a section titled with one of the words (or the
    subject); only documents with a fitting row count."""
    lookup = subject_index(vocab)
    documents: dict[str, bool] = {}

    def counts(document_id: str) -> bool:  # a document in scope with a row of the asked measure
        if document_id not in documents:
            documents[document_id] = any(fits(s) for s in lookup.rows_by_document.get(document_id, ()))
        return documents[document_id]

    owners = [subject] if subject else []
    owners += [s for w in words_ for s in lookup.labelled_with(w[:max(5, len(w) - 2)])]
    targets = {sec for owner in owners if counts(owner.document_id) for sec in owner.sections}
    above: set[str] = set()  # every section that has a target below it (or is one), walked up once per target
    for target in targets:
        current: str | None = target
        while current and current not in above:
            above.add(current)
            current = vocab.parents.get(current)
    return lookup.sort(s for sec in above for s in lookup.rows_by_section.get(sec, ()) if fits(s))


