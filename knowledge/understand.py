"""Understanding: a question (plus the previous turn's state) becomes one typed Query frame, parsed once.

Pure: the vocabulary comes from the corpus (knowledge.vocabulary); the word lists here are general Dutch and
English question words and budget words, never names of lines, years, programmes or municipalities.
"""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge import wording
from knowledge.context import merge
from knowledge.cues import (
    ABOUT_THAT,
    AFTER_YEAR,
    ANAPHORA,
    ASKING_VERBS,
    BALANCE,
    BUDGET_WORDS,
    CHANGE_ASKED,
    CHANGE_CUES,
    CHANGE_VERB,
    CLOCK_ASKED,
    COMPARED,
    CUE_WORDS,
    DEMONSTRATIVE,
    EURO_CUES,
    FOLLOW_CUES,
    GOES_OUT,
    HOW_IT_WORKS,
    INTENT_CUES,
    LATEST_ASKED,
    LEVEL_ASKED,
    MANNER,
    MEMBER_KINDS,
    MEMBERS,
    MIN_COMPOUND_PART,
    MORE_BY,
    NUMBER_NOUNS,
    OTHER,
    OWN_CASE,
    OWN_MATTER,
    PART_OF,
    PARTICIPLE_FORM,
    PERCENT,
    PERIOD_ASKED,
    PERSONAL,
    POSSESSIVE,
    PRONOUN,
    RATE,
    REGARDING,
    REMAINS,
    SHORT,
    SINCE_YEAR,
    SOURCE_ASKED,
    THAN_YEAR,
    THING_INTENTS,
    TIME_NOUNS,
    TOTAL_CUES,
    WHICH_NOUN,
    WHOLE_BUDGET,
    YEAR_KINDS,
    YIELDS,
    change_direction,
    has_cue,
)
from knowledge.intent import detect_intent, rank_mentions
from knowledge.lexical import correct_typos, edits, hosted, split_compound, stem
from knowledge.money_verbs import measure_by_verb
from knowledge.subject_index import names_kind, subject_index
from knowledge.types import Query, Resolved
from knowledge.vocabulary import INDICATOR_FAMILIES, Vocabulary
from nlu.entities import extract_entities, fold
from nlu.glossary import GLOSSARY, glossary_terms, head_first, looks_english


def _scope(folded: str, vocab: Vocabulary, default_municipality: str = "",
           only: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Documents the question names by municipality, programme number or budget year; else the deployment's
    default municipality (a setting); else every document (or the documents a caller chose)."""
    docs = [d for d in vocab.documents.values() if only is None or d.id in only]
    named = [d for d in docs if d.municipality and fold(d.municipality) in folded
             and has_cue(folded, (fold(d.municipality),))]
    if named:
        docs = named
    elif default_municipality:
        docs = [d for d in docs if fold(d.municipality) == fold(default_municipality)] or docs
    numbers = re.findall(r"(?<![\w])(?:programma|programme|program)\s+(\d{1,2})(?![\w.])", folded)
    if numbers:
        docs = [d for d in docs if d.programme_number in numbers]  # none when the index holds no such programme
    years = [int(y) for y in re.findall(r"(?<![\w])(?:begroting|programmabegroting|budget)\s+((?:19|20)\d{2})", folded)]
    if years and any(d.year in years for d in docs):
        docs = [d for d in docs if d.year in years]
    return tuple(d.id for d in docs)


RESIDENTS = ("aar", "aren", "naar", "naren", "enaar", "enaren", "er", "ers")  # a resident's name ('<gemeente>naren')
MIN_PLACE = 5  # letters of a municipality's name that a resident's name is made from
SHORT_TAIL = (4, 7)  # letters of a simple word after a linking s (a longer tail is a compound of its own)
TYPO_EDITS = 2  # a word this few letters away from a corpus word is a typo of it


def _ends(match: re.Match[str]) -> list[tuple[int, int]]:
    """The spans of a match's first and last word (a separable verb and its particle)."""
    text = match.group(0)
    first = len(text.split()[0]) if text.split() else 0
    last = len(text.split()[-1]) if text.split() else 0
    return [(match.start(), match.start() + first), (match.end() - last, match.end())]


def split_name_compounds(text: str, vocab: Vocabulary, corpus_words: frozenset[str]) -> str:
    """Split a compound of a name's word and a word the budget never uses at its linking s ('raadspotje')."""

    def split(match: re.Match[str]) -> str:
        word = match.group(0)
        low = fold(word)
        corrected = correct_typos(low, corpus_words)
        if low in corpus_words or len(low) != len(word) \
                or any(low.endswith(p) for p in split_compound(low, corpus_words)) \
                or (corrected != low and edits(low, corrected) <= TYPO_EDITS):  # (a known word or head, or a typo)
            return word
        for cut in range(len(low) - SHORT_TAIL[1], len(low) - SHORT_TAIL[0] + 1):
            head, tail = low[:cut], low[cut:]
            if not head.endswith("s"):  # (only at a linking s: 'raads|potje', 'verkiezings|potje')
                continue
            name = next((n for n in (head[:-1], head[:-1] + "en") if n in vocab.alias_words), "")
            if len(name) >= MIN_COMPOUND_PART and not {tail, "s" + tail} & corpus_words \
                    and not {stem(tail), stem("s" + tail)} & vocab.stems and not hosted(tail, corpus_words) \
                    and not split_compound(tail, corpus_words, min_tail=MIN_COMPOUND_PART):  # (a word the budget
                # never uses, also not inside its compounds: 'subsidie|staat' is not 'subsidies|taat')
                return f"{name} {word[cut:]}"
        return word

    return re.sub(r"[^\W\d_]{9,}", split, text)


def split_measure_compounds(text: str, vocab: Vocabulary, corpus_words: frozenset[str]) -> str:
    """Split a Dutch compound of a measure and a subject's word or a budget term ('programmalasten',
    'inwonersbijdrage'); a compound the budget never uses ('personeelskosten') stays one word: a part of a row
    is not the row."""
    heads = [m for m in vocab.measure_words if " " not in m and len(m) >= MIN_COMPOUND_PART + 1]

    def split(match: re.Match[str]) -> str:
        word = match.group(0)
        low = fold(word)
        if low in vocab.measure_words:
            return word
        for measure in sorted(heads, key=len, reverse=True):
            head = low[: -len(measure)].rstrip("s")  # the linking s: 'personeelskosten'
            if low.endswith(measure) and len(head) >= MIN_COMPOUND_PART and (
                    head in vocab.alias_words or low in corpus_words):
                return f"{word[: len(low) - len(measure)]} {word[len(low) - len(measure):]}"
        return word

    return re.sub(r"[^\W\d_]{9,}", split, text)


def understand(question: str, vocab: Vocabulary, corpus_words: frozenset[str],
               previous: Resolved | None = None, default_municipality: str = "",
               only: tuple[str, ...] | None = None) -> Query:
    """Parse a question once into a Query frame, then merge it with the previous turn's state."""
    text = re.sub(r"\s+", " ", question).strip()
    notes: list[str] = []
    asked = wording.unwrap_relay(text)  # a question relayed by KCC staff: the question itself
    if asked != text:
        notes.append(f"doorgegeven vraag: '{asked}'")
        text = asked
    english = looks_english(text) or wording.english_keywords(text, corpus_words)
    if english:
        dutch = " ".join(GLOSSARY[t] for t in glossary_terms(text, force=True))
        plain = POSSESSIVE.sub("", text)  # "the council's reserve": the council
        search_text = f"{plain} {dutch} {head_first(plain)}".strip()
    else:
        folded_raw = fold(text)
        spans = vocab.mention_spans(folded_raw)
        spans += [(s, e) for _, s, e in vocab.measures(folded_raw)]
        spans += [(m.start(), m.end()) for m in re.finditer(r"[a-z]+", folded_raw)
                  if m.group(0) in CUE_WORDS or len(m.group(0)) < wording.MIN_TYPO_WORD
                  or PARTICIPLE_FORM.fullmatch(m.group(0))
                  or ((root := stem(m.group(0))) in vocab.stems and len(root) >= len(m.group(0)) - 2)]
        search_text = correct_typos(split_name_compounds(wording.correct_names(text, vocab), vocab, corpus_words),
                                    corpus_words, spans, vocab.measure_words)
        if search_text != text:
            notes.append(f"spelling verbeterd: '{search_text}'")
    unsplit = search_text
    asks_meaning = has_cue(fold(search_text), ("betekent", "betekenis", "betekenen", "mean", "means", "meaning"))
    if not asks_meaning:
        search_text = split_measure_compounds(search_text, vocab, corpus_words)  # a term asked about stays whole
    folded = fold(search_text)
    scope = _scope(folded, vocab, default_municipality, only)
    places = [w for w in vocab.generic if w in folded]  # a municipality's name selects documents, it is no topic
    if places:
        search_text = re.sub(r"(?i)(?<![\w])(" + "|".join(map(re.escape, places)) + r")(?![\w])", " ", search_text)
        search_text = re.sub(r"\s+", " ", search_text).strip()
    named = vocab.mentions(folded)  # a measure word inside a name is part of the name ('Werk en inkomen')
    measures = [(f, s, e) for f, s, e in vocab.measures(folded)
                if not any(m.start <= s and e <= m.end and (m.end - m.start) > (e - s) for m in named)]
    unnamed = [(f, s, e) for f, s, e in measures if not any(s <= m.start and m.end <= e for m in named)]
    if unnamed and len(unnamed) < len(measures):  # ('onttrekkingen <a row label holding a name>')
        measures = unnamed  # a row label holding a name names the subject beside a measure word
    whole = {f for f, _, _ in vocab.measures(fold(unsplit))}
    if len({f for f, _, _ in measures}) > 1 and whole:  # 'programmakosten … baten': the word the asker wrote
        measures = [m for m in measures if m[0] in whole] + [m for m in measures if m[0] not in whole]
    if len({f for f, _, _ in measures}) > 1 and folded[measures[0][1]:measures[0][2]] in ASKING_VERBS:
        measures = measures[1:] + measures[:1]  # 'wat kost X netto?': the measure named, not the verb asking
    families = [f for f, _, _ in measures]
    if set(INDICATOR_FAMILIES) <= set(families):  # 'which score is targeted': a target score is the target
        measures = [m for m in measures if m[0] == INDICATOR_FAMILIES[0]] + [
            m for m in measures if m[0] != INDICATOR_FAMILIES[0]]
    if PERCENT.search(folded) and any(f not in INDICATOR_FAMILIES for f in families):
        # 'hoeveel procent van de aanslagen wordt betaald?': a share is asked, no euros; a money word is part of
        # what is measured
        measures = [m for m in measures if m[0] in INDICATOR_FAMILIES]
        notes.append("een percentage gevraagd: geen geldbedrag")
    amount_cue = wording.amount_cue(folded)
    manner = MANNER.search(folded) is not None
    if manner and measures and not amount_cue:  # 'hoe zorgt de gemeente dat aanslagen worden betaald?': how it is
        measures = []  # done, no amount
        notes.append("gevraagd hoe iets gebeurt: geen bedrag")
    clause = wording.condition(folded)
    if clause is not None and (amount_cue or measures):
        main = folded[: clause[0]] + folded[clause[1]:]
        if not wording.amount_cue(main) and not any(not clause[0] <= s < clause[1] for _, s, _ in measures):
            # 'is de gemeente aansprakelijk als ze te veel uitgeven?': money in a condition asks for no amount
            measures, amount_cue = [], False
            notes.append("geldwoord in een voorwaarde: geen bedrag gevraagd")
    measure = measures[0][0] if measures else None
    total_cue = any(re.search(r"(?<![\w])" + re.escape(c) + r"(?![\w])", folded) for c in TOTAL_CUES)
    intent = detect_intent(folded, measure, amount_cue)
    money_compound = wording.money_compound(folded, vocab) if not asks_meaning else None
    if money_compound and measure is None and intent in ("define", "info"):
        intent = "amount"  # 'wat zijn de personeelskosten van X?': a kind of cost, asked as a thing
        notes.append(f"geldwoord in samenstelling: '{money_compound}'")
    which = WHICH_NOUN.match(folded)
    if intent == "amount" and which is not None and not amount_cue and which.group(1) not in TIME_NOUNS \
            and not any(s <= which.start(1) < e for _, s, e in measures) \
            and not any(m.start <= which.start(1) < m.end for m in named) \
            and not any(names_kind(which.group(1), k) for k in subject_index(vocab).row_kinds):
        intent = "list"  # 'welke organisaties krijgen die subsidie?': things of a kind are asked, not an amount
        notes.append(f"gevraagd naar welke {which.group(1)}, niet naar een bedrag")
    money = (measure is not None and measure not in INDICATOR_FAMILIES) or bool(money_compound) \
        or has_cue(folded, EURO_CUES)
    entities = extract_entities(text)  # years and section codes, recognised once
    years = sorted({int(e.value) for e in entities if e.kind == "year"})
    if intent == "amount" and (CHANGE_VERB.search(folded) or MORE_BY.search(folded)):
        intent = "compare"  # 'namen de lasten … toe', 'is het gestegen?'
    if has_cue(folded, CHANGE_CUES):  # 'wat is er veranderd?': the ontwikkelingen; 'hoeveel … van X naar Y': compare
        intent = "compare" if len(years) >= 2 or (amount_cue and measure) else "explain"
    if (intent in ("amount", "compare") or has_cue(folded, BUDGET_WORDS)) \
            and wording.other_municipality(text, vocab, corpus_words):
        scope = ()  # 'de begroting van de gemeente X', X not in the index: that budget is not here
    mentions = [m for m in named if not any(
        ms <= m.start and m.end <= me and (me - ms) > (m.end - m.start) for _, ms, me in measures)]
    measure, intent = measure_by_verb(folded, vocab, mentions, measure, intent)
    set_aside: list[str] = []
    if intent in (*THING_INTENTS, "explain") or measure is not None:
        # 'wat doet de rekenkamer?', 'waarom vergadert de raad anders?', 'wat kost de rekenkamer?' are about the
        # rekenkamer, not its reserve (whose
        # rows hold no such measure): a reserve is meant by a bare name only for what goes in or out of it
        kept = [m for m in mentions if vocab.subjects[m.subject_id].kind != "reserve" or "reserve" in m.text
                or (intent not in THING_INTENTS and _reserve_measure(vocab, m.subject_id, measure))]
        set_aside = [m.subject_id for m in mentions if m not in kept]
        mentions = kept
    outside = [m for m in mentions if vocab.subjects[m.subject_id].document_id not in scope]
    mentions = [m for m in mentions if vocab.subjects[m.subject_id].document_id in scope]
    ranked = rank_mentions(mentions, intent, vocab, scope)
    subject = ranked[0].subject_id if ranked else None
    ambiguous: tuple[str, ...] = ()
    if ranked:
        top = ranked[0]
        same = [m for m in ranked if (m.start, m.end) == (top.start, top.end)
                and vocab.subjects[m.subject_id].document_id in scope]
        ambiguous = tuple(dict.fromkeys(vocab.subjects[m.subject_id].document_id for m in same))
        if len(ambiguous) < 2:
            ambiguous = ()
    if subject and total_cue and vocab.subjects[subject].rows and intent in ("define", "info"):
        intent = "amount"  # 'het totaal van X' asks for X's total row
    if subject and vocab.subjects[subject].rows and intent == "info" and years \
            and len(text.split()) <= 5 and not [
                w for w in wording.content_words(folded, [(m.start, m.end) for m in named])
                if w not in vocab.generic and w in corpus_words]:
        intent = "amount"  # keyword style: '<row name> <year>' ('speerpunten <row name> <year>' asks what the budget
        # says of its speerpunten, no amount; a word it never uses is refused as an amount)
    if subject and intent in ("amount", "compare") and not vocab.subjects[subject].rows and measure is None \
            and not amount_cue:
        intent = "info"
    if not ranked and "reserve" not in folded and (intent in (*THING_INTENTS, "explain") or measure is not None):
        # 'wat doet / wat kost de rekenkamer?' without a subject: a reserve named after it is not what is asked
        # about (unless the measure is one of the reserve's own: what goes in or out)
        set_aside += [s.id for w in wording.content_words(folded, []) if len(w) >= MIN_COMPOUND_PART + 1
                      for s in subject_index(vocab).labelled_with(w) if s.kind == "reserve" and s.document_id in scope
                      and (intent in (*THING_INTENTS, "explain") or not _reserve_measure(vocab, s.id, measure))]
    relative = wording.relative_year(folded)
    taken = [(m.start, m.end) for m in mentions] + [(s, e) for _, s, e in measures] + wording.relative_spans(folded)
    taken += [(m.start(), m.end()) for m in YIELDS.finditer(folded)] if measure == "baten" else []
    taken += [(m.start(), m.end()) for m in REMAINS.finditer(folded)] if measure == "saldo" else []
    taken += [span for m in GOES_OUT.finditer(folded) for span in _ends(m)]  # ('wordt er uit gehaald': taken out;
    # the words between stay: 'komen de kosten voor de bibliotheek uit …')
    taken += [(m.start(), m.end()) for m in REGARDING.finditer(folded)]  # 'op het gebied van' says no topic
    if english:  # English words the glossary translated are represented by their Dutch terms
        translated = {w for term in glossary_terms(text, force=True) for w in term.split()}
        content = [w for w in wording.content_words(folded, taken) if w not in vocab.generic and w not in translated]
    else:
        content = wording.join_separable(
            [w for w in wording.content_words(folded, taken) if w not in vocab.generic], folded, corpus_words,
            manner=intent == "how")
    content = [w for w in content if not any(len(p) >= MIN_PLACE and w.startswith(p) and w[len(p):] in RESIDENTS
                                             for p in places)]
    # ('Leidenaren': the municipality's residents, no topic)
    dutch_terms = {w for term in glossary_terms(text, force=True) for w in GLOSSARY[term].split()} if english \
        else set()
    topic, weak = wording.split_known(content, corpus_words, vocab.stems, english, dutch_terms)
    nouns = [w for w in weak if not english and wording.after_article(w, folded)]  # 'krijgen raadsleden een
    # laptop?': the thing asked about
    topic, weak = topic + nouns, [w for w in weak if w not in nouns]
    glossed = set(re.findall(r"[\w-]+", " ".join(re.findall(r"\(([^)]*)\)", folded)))) - set(
        re.findall(r"[\w-]+", re.sub(r"\([^)]*\)", " ", folded)))  # 'bestuur (raad, college e.d.)': the asker's
    if glossed and len(re.sub(r"\([^)]*\)", " ", folded).split()) >= 3:  # gloss of a word, not what must be covered
        topic, weak = [w for w in topic if w not in glossed], weak + [w for w in topic if w in glossed]
    if years:  # 'en de rekening <jaar>?': the kind of that year's figure
        topic = [w for w in topic if w not in YEAR_KINDS]
    if (works := HOW_IT_WORKS.match(folded)) is not None:
        topic = [w for w in topic if w != works.group(1)]
    if intent == "who":  # 'welke gemeenten en organisaties doen mee?': kinds of members, not a topic
        topic = [w for w in topic if w not in MEMBER_KINDS]
    topic += [m.text for m in outside if not any(m.start < e and s < m.end for s, e in
                                                  [(k.start, k.end) for k in mentions])]  # names of other documents
    total = total_cue
    codes = tuple(e.value for e in entities if e.kind == "section_code")
    pointing = DEMONSTRATIVE.search(folded)  # 'die cijfers', 'deze hogere baten': what was just answered
    pointed = pointing.group(1) if pointing is not None else ""
    pointing_back = bool(pointed) and (pointed in NUMBER_NOUNS or pointed in vocab.measure_words
                                       or pointed[0].isdigit()  # 'die reserve': the one just talked about
                                       or any(names_kind(pointed, k) for k in subject_index(vocab).row_kinds))
    refers = bool(ANAPHORA.search(text) or PRONOUN.search(folded) or ABOUT_THAT.search(folded)) or pointing_back
    names = wording.proper_names(text, taken)
    follow = bool(FOLLOW_CUES.match(text)) or refers or (intent == "meaning" and not ranked) or (
        len(text.split()) <= SHORT and not ranked and not names and len(topic) <= 1)  # 'hoeveel projecten?'
    query = Query(
        text=text, search_text=search_text, language="en" if english else "nl", intent=intent,
        mentions=tuple(ranked), subject=subject, measure=measure, years=tuple(years), scope=scope,
        topic_words=tuple(topic), follow_up=follow, refers=refers, takes_out=bool(GOES_OUT.search(folded)),
        set_aside=tuple(dict.fromkeys(set_aside)), asks_change=bool(CHANGE_ASKED.search(folded)),
        direction=change_direction(folded),
        compares=has_cue(folded, INTENT_CUES["compare"]),
        set_against=any(COMPARED.search(folded[: m.start]) is not None for m in ranked),
        asks_level=bool(LEVEL_ASKED.search(folded)) and not CHANGE_ASKED.search(LEVEL_ASKED.sub("", folded)),
        asks_members=intent == "who" and MEMBERS.search(folded) is not None,
        total=total, codes=codes, notes=tuple(notes),
        names=names, weak_words=tuple(weak), listing=has_cue(folded, INTENT_CUES["list"]),
        counted=wording.counted_in_dutch(folded, names, english),
        measures=tuple(dict.fromkeys(f for f, _, _ in measures)),
        ambiguous=ambiguous, words=tuple(re.findall(r"[^\W\d_]{4,}", fold(text))),
        own_case=OWN_CASE.search(fold(text)) is not None, own_matter=OWN_MATTER.search(fold(text)) is not None,
        balance=BALANCE.search(fold(text)) is not None, asks_source=SOURCE_ASKED.search(fold(text)) is not None,
        personal=PERSONAL.search(text) is not None, percent=PERCENT.search(folded) is not None,
        part_of=PART_OF.search(folded) is not None, money=money, clock=CLOCK_ASKED.search(folded) is not None,
        manner=manner, latest=LATEST_ASKED.search(folded) is not None,
        since=int(since.group(1)) if (since := SINCE_YEAR.search(folded)) is not None else None,
        others=other.group(1) if (other := OTHER.search(fold(text))) is not None else None,
        phrase=wording.quoted_phrase(text), whole_budget=WHOLE_BUDGET.search(folded) is not None,
        rate=rate.group(1) if (rate := RATE.search(folded)) is not None else None,
        extreme=wording.extreme_asked(folded),
        period=("end" if period.group(1) in ("tot", "until") else "start")
        if (period := PERIOD_ASKED.search(folded)) is not None else None,
    )
    if relative is not None:
        query = replace(query, notes=(*query.notes, f"relatief jaar {relative:+d}"))
    if relative is not None and wording.against_relative(folded):
        return merge(query, previous, vocab, against=relative)  # 'hoger dan vorig jaar': the base of a comparison
    after = AFTER_YEAR.search(folded)
    if after is not None and query.intent == "compare" and query.years == (int(after.group(1)),) \
            and query.years[0] + 1 in vocab.years:  # 'na <jaar> weer omlaag?': that year against the next
        query = replace(query, years=(query.years[0], query.years[0] + 1))
    than = THAN_YEAR.search(folded)
    base = previous.year if previous is not None and previous.year else vocab.budget_year(list(scope))
    if than is not None and query.years == (int(than.group(1)),) and base is not None and base != query.years[0]:
        # 'dat is meer dan in <jaar>?' after an amount: the year just answered, compared against the one named
        query = replace(query, years=(), notes=(*query.notes, f"vergeleken met {than.group(1)}"))
        if query.intent != "explain":  # 'is dat meer dan in <jaar>?': both years side by side
            return merge(replace(query, intent="compare", years=tuple(sorted((int(than.group(1)), base)))),
                         previous, vocab)
        return merge(query, previous, vocab, against=int(than.group(1)) - base)
    return merge(query, previous, vocab, relative)


def _reserve_measure(vocab: Vocabulary, subject_id: str, measure: str | None) -> bool:
    """The measure is one of the reserve's own rows (toevoeging, onttrekking, saldo)."""
    from knowledge.table_answer import families_of

    return measure is not None and measure in families_of(vocab, vocab.subjects[subject_id])
