"""Compose answers: exact table answers, short extractive text answers, or an honest referral to the KCC."""

from __future__ import annotations

import re
from urllib.parse import quote

import numpy as np

from knowledge.index import Index
from knowledge.lexical import tokens
from knowledge.retrieve import rank_sections
from knowledge.settings import Settings
from knowledge.table_answer import TableFacts, describe
from knowledge.types import Answer, Citation, Resolved, Section

MAX_WORDS = 80
SECOND_SECTION_RATIO = 0.97
FILL_WORDS = 50
RANK_PENALTY = 0.02


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
    text = ("Daarover staat niets in de begroting van programma 1 (Bestuur en dienstverlening). "
            "Ik wil u geen verkeerd antwoord geven. " + referral(settings))
    if reason:
        text = f"{reason} {referral(settings)}"
    return Answer(question, False, text, round(confidence, 3), (), Resolved(), "abstain")


def table_answer(settings: Settings, question: str, facts: TableFacts) -> Answer:
    """Answer from table cells, citing the table's section with the row as quote."""
    row_quote = "; ".join(
        f"{c.line} — {c.measure} {c.year or ''} ({c.kind}): {c.raw}{' ' + c.unit if c.unit == '× €1.000' else ''}"
        for c in facts.cells
    ) or facts.table.title
    citation = cite(settings, 1, facts.section, row_quote)
    resolved = Resolved(facts.resolved.year, facts.resolved.line, facts.resolved.measure, facts.section.id)
    confidence = 0.95 if facts.cells else 0.6
    return Answer(question, True, describe(facts), confidence, (citation,), resolved, "table")


def _overlap(query_stems: set[str], sentence_stems: frozenset[str]) -> float:
    if not query_stems:
        return 0.0
    return len(query_stems & sentence_stems) / len(query_stems)


def sentence_stems(index: Index) -> list[frozenset[str]]:
    """The stems of every indexed sentence, computed once per loaded index."""
    return [frozenset(tokens(s.text, index.vocabulary)) for s in index.sentences]




def answer_window(index: Index, best: int) -> list[int]:
    """The best sentence with its neighbours in the same passage, up to about FILL_WORDS words.

    The sentence before is taken when it fits (it often names the subject); a lead-in ending in ':' always
    brings the list after it.
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
    while nxt < len(sentences) and sentences[nxt].chunk == chunk:
        lead_in = sentences[nxt - 1].text.rstrip().endswith(":")
        if words + size(nxt) > MAX_WORDS or (words >= FILL_WORDS and not lead_in):
            break
        chosen.append(nxt)
        words += size(nxt)
        nxt += 1
    return chosen


def _trim(text: str, limit: int = MAX_WORDS) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]).rstrip(",;:") + " …"


def text_answer(
    settings: Settings,
    index: Index,
    question: str,
    query_vector: np.ndarray | None,
    fused: np.ndarray,
    confidence: float,
    stems: list[frozenset[str]],
) -> Answer:
    """An extractive answer from the best sentences of the best-matching sections."""
    top = rank_sections(index, fused, 3)
    if not top:
        return abstain(settings, question, confidence)
    top_ids = [h.section.id for h in top[:2] if h.score >= SECOND_SECTION_RATIO * top[0].score]
    order = np.argsort(-fused, kind="stable")[:12]
    chunk_rank = {int(i): r for r, i in enumerate(order) if index.chunks[int(i)].section_id in top_ids}
    query_stems = set(tokens(question, index.vocabulary))
    candidates: list[tuple[float, int]] = []
    for s_i, sentence in enumerate(index.sentences):
        if sentence.chunk not in chunk_rank:
            continue
        score = _overlap(query_stems, stems[s_i]) * 0.3
        if query_vector is not None:
            score += float(index.sentence_vectors[s_i] @ query_vector)
        score -= RANK_PENALTY * chunk_rank[sentence.chunk]
        candidates.append((score, s_i))
    by_id = {s.id: s for s in index.corpus.sections}
    if not candidates:
        best = top[0]
        text = _trim(best.chunk.text if best.chunk.kind != "heading" else (best.section.text or best.section.label))
        return Answer(question, True, text, round(confidence, 3), (cite(settings, 1, best.section, text),),
                      Resolved(topic=best.section.id), "passage")
    candidates.sort(reverse=True)
    chosen = answer_window(index, candidates[0][1])
    chosen.sort()
    citations: list[Citation] = []
    quotes: dict[str, list[str]] = {}
    for s_i in chosen:
        sid = index.chunks[index.sentences[s_i].chunk].section_id
        quotes.setdefault(sid, []).append(index.sentences[s_i].text)
    for n, (sid, parts) in enumerate(quotes.items(), start=1):
        citations.append(cite(settings, n, by_id[sid], " ".join(parts)))
    text = _trim(" ".join(index.sentences[s_i].text for s_i in chosen))
    text = re.sub(r"\s+", " ", text)
    return Answer(question, True, text, round(confidence, 3), tuple(citations), Resolved(topic=citations[0].section_id),
                  "text")
