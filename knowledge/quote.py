"""Quote a passage: the best sentences of the best-matching sections, with their neighbours, as a cited answer."""

from __future__ import annotations

import re

import numpy as np

from knowledge.answer import MAX_WORDS, abstain, cite, trim
from knowledge.cues import BACK_REFERENCE
from knowledge.index import Index
from knowledge.lexical import MIN_HOSTED, stem, tokens
from knowledge.numbers import MONEY_IN_SENTENCE
from knowledge.retrieve import rank_sections, top_indices
from knowledge.settings import Settings
from knowledge.types import Answer, Citation, Resolved, Section

SECOND_SECTION_RATIO = 0.97
FILL_WORDS = 50
TITLE_LEAD_WORDS = 4  # a title this long says something of its own ('Kansen' does not)
TOPIC_REACH = 5  # sentences back to a paragraph's first sentence that names the topic
LIST_WORDS = 140  # a list asked for ('welke onderwerpen …?') is quoted whole up to this many words
# a sentence that names what the sentences before it describe ('Dit noemen we …', 'Dat heet …')
NAMES_WHAT_CAME = re.compile(r"(?i)(?:dit|dat|deze|die)\s+(?:noemen|noemt|heet|heten)(?![\w])")
MEANS_WHAT_CAME = re.compile(r"(?i)^\s*(?:(?:dit|dat|deze|die)\s+(?:is|zijn|betekent|betekenen|houdt)|"
                             r"(?:hiermee|daarmee)\s+(?:bedoelen|wordt|worden))(?![\w])")  # 'X. Dit is …': what X is
ASKING_MEANING = "bedoeld bedoelen bedoelt betekent betekenen verstaan verstaat houdt"  # words asking what X means
NAMED_SENTENCES = 3  # at most this many sentences before it
RANK_PENALTY = 0.02
SAME_NUMBER = 0.5  # a sentence with a number the question quotes comes first
NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{2,}")
YEAR = re.compile(r"(?:19|20)\d\d")


def _overlap(query_stems: set[str], sentence_stems: frozenset[str]) -> float:
    """The share of the question's stems in the sentence, a stem inside a compound included ('omnichannel' in
    'omnichannelstrategie')."""
    if not query_stems:
        return 0.0
    found = sum(1 for q in query_stems if q in sentence_stems or (
        len(q) >= MIN_HOSTED and any(t.startswith(q) or t.endswith(q) for t in sentence_stems)))
    return found / len(query_stems)


def sentence_stems(index: Index) -> list[frozenset[str]]:
    """The stems of every indexed sentence, computed once per loaded index."""
    return [frozenset(tokens(s.text, index.vocabulary)) for s in index.sentences]




def cell_sections(index: Index) -> frozenset[str]:
    """The sections that hold table cells, found once per loaded index."""
    cached = getattr(index, "_cell_sections", None)
    if cached is None:
        cached = frozenset(c.section_id for c in index.chunks if c.kind == "cell")
        index._cell_sections = cached  # type: ignore[attr-defined]
    return cached


def sentences_by_chunk(index: Index) -> dict[int, list[int]]:
    """Sentence numbers per chunk, built once per loaded index (no scan over all sentences per question)."""
    cached = getattr(index, "_sentences_by_chunk", None)
    if cached is None:
        cached = {}
        for i, sentence in enumerate(index.sentences):
            cached.setdefault(sentence.chunk, []).append(i)
        index._sentences_by_chunk = cached  # type: ignore[attr-defined]
    return cached


def _described(index: Index, best: int, chosen: list[int]) -> list[int]:
    """The sentences before a naming sentence, in its passage, up to FILL_WORDS words, then the naming sentence."""
    sentences = index.sentences
    before: list[int] = []
    words = len(sentences[best].text.split())
    i = best - 1
    while i >= 0 and sentences[i].chunk == sentences[best].chunk and len(before) < NAMED_SENTENCES \
            and words + len(sentences[i].text.split()) <= FILL_WORDS:
        before.insert(0, i)
        words += len(sentences[i].text.split())
        i -= 1
    after = [c for c in chosen if c > best] if words < FILL_WORDS else []  # (what follows, while room is left)
    return sorted({*before, best, *after})


def answer_window(index: Index, best: int, limit: int = MAX_WORDS) -> list[int]:
    """The best sentence with its neighbours in the same passage, up to about FILL_WORDS words.

    The sentence before is taken when it fits (it often names the subject); a lead-in ending in ':' always
    brings the list after it, up to ``limit`` words (more than MAX_WORDS when a list is asked for).
    """
    sentences = index.sentences
    chunk = sentences[best].chunk

    def size(i: int) -> int:
        return len(sentences[i].text.split())

    passage = [i for i in range(max(0, best - 40), min(len(sentences), best + 40)) if sentences[i].chunk == chunk]
    if sum(size(i) for i in passage) <= MAX_WORDS:
        return passage  # a short passage or list is given whole
    chosen = [best]
    words = size(best)
    previous = best - 1
    if previous >= 0 and sentences[previous].chunk == chunk and words + size(previous) <= FILL_WORDS:
        chosen.insert(0, previous)
        words += size(previous)
    nxt = best + 1
    listing = any(sentences[i].text.rstrip().endswith(":") for i in chosen)  # within the list a lead-in brings

    def same_passage(i: int) -> bool:  # (a list asked for goes on in the section's next chunk)
        return sentences[i].chunk == chunk or (listing and limit > MAX_WORDS and sentences[i].chunk == chunk + 1
                                               and index.chunks[chunk + 1].section_id == index.chunks[chunk].section_id)

    while nxt < len(sentences) and same_passage(nxt):
        lead_in = sentences[nxt - 1].text.rstrip().endswith(":")
        listing = listing or lead_in
        if words + size(nxt) > (limit if listing else MAX_WORDS) or (words >= FILL_WORDS and not lead_in
                                                                       and not (listing and limit > MAX_WORDS)):
            break
        chosen.append(nxt)
        words += size(nxt)
        ends_list = sentences[nxt - 1].text.rstrip().endswith(";") and not sentences[nxt].text.rstrip().endswith(
            (";", ":"))  # the last item of a list ('…; en er voor zorgen dat …'): the list ends there
        nxt += 1
        if ends_list:
            break
    while BACK_REFERENCE.match(sentences[chosen[0]].text) and chosen[0] > 0 \
            and sentences[chosen[0] - 1].chunk == chunk:
        # a quote does not start with a word pointing back ('Dit noemen we …'): what it points at comes first,
        # sentences after the best one making room
        room = limit if listing else MAX_WORDS
        while words + size(chosen[0] - 1) > room and chosen[-1] > best:
            words -= size(chosen.pop())
        if words + size(chosen[0] - 1) > room:
            break
        chosen.insert(0, chosen[0] - 1)
        words += size(chosen[0])
    return chosen


def _whole_section(index: Index, best: int) -> list[int]:
    """Every sentence of the best sentence's section when it holds no more than LIST_WORDS words; else empty."""
    section = index.chunks[index.sentences[best].chunk].section_id
    whole = [i for i in range(max(0, best - 40), min(len(index.sentences), best + 40))
             if index.chunks[index.sentences[i].chunk].section_id == section]
    return whole if sum(len(index.sentences[i].text.split()) for i in whole) <= LIST_WORDS else []


def _from_topic_sentence(index: Index, best: int, chosen: list[int], query_stems: set[str],
                         stems: list[frozenset[str]]) -> list[int]:
    """The quote starts at its paragraph's first sentence when that sentence names the question's topic and
    stands a few sentences before the best one ('De gemeente werkt steeds meer met data.'); sentences after the
    best one make room."""
    first = best
    while first > 0 and index.sentences[first - 1].chunk == index.sentences[best].chunk:
        first -= 1
    if first >= chosen[0] or best - first > TOPIC_REACH or not (stems[first] & query_stems):
        return chosen
    kept = list(range(first, best + 1))
    words = sum(len(index.sentences[i].text.split()) for i in kept)
    if words > MAX_WORDS:
        return chosen
    for i in (c for c in chosen if c > best):
        if words + len(index.sentences[i].text.split()) > MAX_WORDS:
            break
        kept.append(i)
        words += len(index.sentences[i].text.split())
    return kept


def _title_lead(section: Section, query_stems: set[str], chosen: list[frozenset[str]],
                vocabulary: frozenset[str]) -> str:
    """The section's title, when it holds a word of the question that the quoted sentences lack ('1B1.1 Leveren van
    … Burgerzaken (o.a. reisdocumenten, …)' for 'welke producten vallen onder burgerzaken?'); empty otherwise."""
    said = frozenset().union(*chosen)
    title = section.title.strip()
    if not title or len(title.split()) < TITLE_LEAD_WORDS:
        return ""
    missing = (set(tokens(title, vocabulary)) & query_stems) - said
    return f"{section.label.strip().rstrip('.:')}:" if missing else ""


def text_answer(
    settings: Settings,
    index: Index,
    question: str,
    query_vector: np.ndarray | None,
    fused: np.ndarray,
    confidence: float,
    stems: list[frozenset[str]],
    one_amount: bool = False,
    prose_only: bool = False,
    listing: bool = False,
    titled: bool = True,
) -> Answer:
    """An extractive answer from the best sentences of the best-matching sections; when an amount is asked
    (``one_amount``), no neighbouring sentence brings an amount of its own (it would be another thing's); with
    ``prose_only`` a table's cells are no candidate (they define or explain nothing); when a list is asked
    (``listing``) a list after a lead-in is quoted whole, up to LIST_WORDS; ``titled``: the section's title leads
    when it holds a word of the question the sentences lack."""
    top = rank_sections(index, fused, 3)
    if not top:
        return abstain(settings, question, confidence)
    top_ids = [h.section.id for h in top[:2] if h.score >= SECOND_SECTION_RATIO * top[0].score]
    order = top_indices(fused, 12)
    chunk_rank = {int(i): r for r, i in enumerate(order) if index.chunks[int(i)].section_id in top_ids}
    query_stems = set(tokens(question, index.vocabulary))
    numbers = set(NUMBER.findall(question))  # 'die 170.000', 'vanaf <jaar>': the sentence that has the number
    amounts = {n for n in numbers if not YEAR.fullmatch(n)}  # (a year is no amount quoted)
    candidates: list[tuple[float, int]] = []
    by_chunk = sentences_by_chunk(index)
    for s_i in sorted(i for c in chunk_rank for i in by_chunk.get(c, ())):
        sentence = index.sentences[s_i]
        if prose_only and index.chunks[sentence.chunk].kind == "cell":
            continue
        score = _overlap(query_stems, stems[s_i]) * 0.3
        if query_vector is not None:
            score += index.sentence_similarity(s_i, query_vector)
        score -= RANK_PENALTY * chunk_rank[sentence.chunk]
        if numbers and numbers & set(NUMBER.findall(sentence.text)):
            score += SAME_NUMBER
        candidates.append((score, s_i))
    by_id = index.corpus.by_id
    if not candidates:
        best = top[0]
        if prose_only and best.section.id in cell_sections(index):
            return abstain(settings, question, confidence)  # only a table's cells: they define nothing
        text = trim(best.chunk.text if best.chunk.kind != "heading" else (best.section.text or best.section.label))
        return Answer(question, True, text, round(confidence, 3), (cite(settings, 1, best.section, text),),
                      Resolved(topic=best.section.id), "passage")
    candidates.sort(reverse=True)
    best_sentence = candidates[0][1]
    limit = LIST_WORDS if listing else MAX_WORDS
    chosen = answer_window(index, best_sentence, limit)
    if not listing and any(index.sentences[i].text.rstrip().endswith(":") for i in chosen if i >= best_sentence - 1):
        # the quote reaches a lead-in ('Daarbij is het volgende belangrijk:'): the list it announces comes whole
        limit = LIST_WORDS
        chosen = answer_window(index, best_sentence, limit)
    if listing:  # 'welke …?' of a short section: all of it (its paragraphs may be chunks of their own)
        chosen = _whole_section(index, best_sentence) or chosen
    else:
        chosen = _from_topic_sentence(index, best_sentence, chosen, query_stems, stems)
    if prose_only and NAMES_WHAT_CAME.match(index.sentences[best_sentence].text):
        # 'Dit noemen we X.' names what the sentences before it describe: those come first
        chosen = _described(index, best_sentence, chosen)
    following = best_sentence + 1
    if prose_only and following < len(index.sentences) \
            and index.sentences[following].chunk == index.sentences[best_sentence].chunk \
            and MEANS_WHAT_CAME.match(index.sentences[following].text) \
            and query_stems - {stem(w) for w in ASKING_MEANING.split()} <= set(stems[best_sentence]):
        chosen = [best_sentence, following]  # the term's sentence and the one that says what it is
    quoted = bool(amounts & set(NUMBER.findall(index.sentences[best_sentence].text)))  # 'vanaf wanneer geldt die
    # 170.000?': about that amount
    if (one_amount or quoted) and MONEY_IN_SENTENCE.search(index.sentences[best_sentence].text):
        # the amount's own sentence and what follows it, up to the next sentence with an amount (what precedes
        # may belong to an earlier amount: 'Specifiek te gebruiken voor …')
        after = [i for i in chosen if i > best_sentence]
        cut = next((n for n, i in enumerate(after) if MONEY_IN_SENTENCE.search(index.sentences[i].text)), len(after))
        chosen = [best_sentence, *after[:cut]]
    chosen.sort()
    citations: list[Citation] = []
    quotes: dict[str, list[str]] = {}
    for s_i in chosen:
        sid = index.chunks[index.sentences[s_i].chunk].section_id
        quotes.setdefault(sid, []).append(index.sentences[s_i].text)
    for n, (sid, parts) in enumerate(quotes.items(), start=1):
        citations.append(cite(settings, n, by_id[sid], " ".join(parts)))
    text = trim(" ".join(index.sentences[s_i].text for s_i in chosen), limit)
    lead = _title_lead(by_id[index.chunks[index.sentences[best_sentence].chunk].section_id], query_stems,
                       [stems[i] for i in chosen], index.vocabulary) if titled else ""
    text = f"{lead} {text}" if lead else text
    text = re.sub(r"\s+", " ", text)
    return Answer(question, True, text, round(confidence, 3), tuple(citations), Resolved(topic=citations[0].section_id),
                  "text")
