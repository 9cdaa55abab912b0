"""The answering service: entities, table lookup, hybrid retrieval and composition over one loaded index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from knowledge.answer import abstain, sentence_stems, table_answer, text_answer
from knowledge.embedding import Embedder
from knowledge.index import Index
from knowledge.lexical import correct_typos, words
from knowledge.retrieve import GENERIC, PINNED, coverage, rank_chunks, rank_sections
from knowledge.settings import Settings
from knowledge.table_answer import TableFacts, describe, find_facts, is_follow_up, table_vocabulary, wants_money
from knowledge.types import Answer, Resolved, SearchResult, Section
from nlu.entities import Entity, extract_entities
from nlu.glossary import expand, expansion, looks_english

AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+|€\s?\d|\d+\s?%|\d+,\d")
NO_AMOUNT = ("In de begroting van programma 1 (Bestuur en dienstverlening) staat daar geen bedrag of cijfer voor. "
             "Ik wil u geen verkeerd antwoord geven.")
DENSE_FLOOR = 0.76
DENSE_SPAN = 0.10


@dataclass
class Service:
    """Answers and searches over one index with one embedder, both loaded once."""

    settings: Settings
    index: Index
    embedder: Embedder | None
    vocabulary: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    stems: list[frozenset[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vocabulary = table_vocabulary(self.index.corpus)
        self.stems = sentence_stems(self.index)

    def _query_vector(self, question: str) -> np.ndarray | None:
        if self.embedder is None or self.settings.retrieval == "bm25":
            return None
        return self.embedder.embed_queries([question])[0]

    def confidence(self, question: str, dense: np.ndarray | None, pinned: bool) -> float:
        """How sure we are the budget covers the question: its topic words are known, and dense similarity."""
        if pinned:
            return 0.9
        expanded = expand(question)
        cov = coverage(self.index, expanded[len(question):] if looks_english(question) else question)
        if dense is None or not len(dense):
            return round(cov, 3)
        closeness = float(np.clip((float(dense.max()) - DENSE_FLOOR) / DENSE_SPAN, 0.0, 1.0))
        return round(cov * (0.5 + 0.5 * closeness), 3)

    def prepare(self, question: str) -> tuple[str, list[Entity], bool]:
        """Normalise spaces, correct typos against the corpus, find entities and the money intent."""
        question = re.sub(r"\s+", " ", question).strip()
        if looks_english(question):
            question = expand(question)  # Dutch budget terms for entities, tables and BM25
        else:
            spans = [(e.start, e.end) for e in extract_entities(question, extra=self.vocabulary)]
            question = correct_typos(question, self.index.vocabulary, spans)
        entities = extract_entities(question, extra=self.vocabulary)
        return question, entities, wants_money(question, entities)

    def facts(self, question: str, entities: list[Entity], money: bool, context: Resolved | None) -> TableFacts | None:
        """Table cells answering the question, when it asks for an amount on a named line, reserve or party."""
        if not self.settings.table_answers or not (money or (context is not None and is_follow_up(question))):
            return None
        facts = find_facts(self.index.corpus, question, entities, context)
        if facts is None or not (self._explicit(entities) or not self._off_topic_words(question, entities)):
            return None
        return facts

    def answer(self, question: str, context: Resolved | None = None) -> Answer:
        """Answer one question, using context (slots of a conversation) for follow-ups."""
        result = self._answer(question, context)
        titles = {d.id: d.title for d in self.index.corpus.documents}
        citations = tuple(replace(c, document_title=titles.get(c.document, c.document)) for c in result.citations)
        return replace(result, citations=citations)

    def _answer(self, question: str, context: Resolved | None) -> Answer:
        original = re.sub(r"\s+", " ", question).strip()
        question, entities, money = self.prepare(question)
        facts = self.facts(question, entities, money, context)
        if facts is not None:
            return replace(table_answer(self.settings, original, facts), question=original)
        vector = self._query_vector(question)
        fused, _, dense = rank_chunks(self.index, question, vector, self.settings.retrieval, entities, money)
        pinned = bool(fused.max() >= PINNED) if len(fused) else False
        confidence = self.confidence(question, dense if vector is not None else None, pinned)
        if confidence < self.settings.min_confidence:
            return abstain(self.settings, original, confidence)
        if self.settings.table_answers and money:
            indicator = self._indicator_facts(question, entities, fused, context)
            if indicator is not None:
                return replace(table_answer(self.settings, original, indicator), question=original)
        result = text_answer(self.settings, self.index, question, vector, fused, confidence, self.stems)
        if money and (result.method != "text" or not AMOUNT.search(result.text)):
            # an amount was asked for, but neither a table nor the best passage gives one
            return abstain(self.settings, original, confidence, NO_AMOUNT)
        return replace(result, question=original)

    @staticmethod
    def _explicit(entities: list[Entity]) -> bool:
        """The question names a budget line, reserve, party, table row or indicator code."""
        return any(e.kind in ("line", "reserve", "party", "table_label", "section_code") for e in entities)

    def _off_topic_words(self, question: str, entities: list[Entity]) -> list[str]:
        """Topic words outside the recognised entities: 'parkeervergunning' in 'Hoeveel kost een parkeervergunning?'."""
        rest = list(question)
        for e in entities:
            rest[e.start : e.end] = " " * (e.end - e.start)
        topic = words("".join(rest))
        if looks_english(question):  # only the Dutch terms the glossary added can name a topic
            covered = {w for e in entities for w in words(e.text)}
            topic = [w for w in words(expansion(question)) if w not in covered]
        return [w for w in topic if not w.isdigit() and len(w) > 2 and w not in GENERIC]

    def _indicator_facts(
        self, question: str, entities: list[Entity], fused: np.ndarray, context: Resolved | None
    ) -> TableFacts | None:
        """When a top section is an effect indicator, answer from its table row."""
        measures = {e.value for e in entities if e.kind == "measure"}
        if measures - {"Streefwaarde", "Realisatie", "Indicator"}:
            return None
        top = [h.section for h in rank_sections(self.index, fused, 3)]
        indicator = next((sec for sec in top if sec.kind == "indicator" and sec.code), None)
        if indicator is None or indicator.code is None:
            return None
        code = indicator.code
        return find_facts(self.index.corpus, question, [*entities, Entity("section_code", code, 0, 0, code)], context)

    def search(self, query: str, k: int = 5) -> list[SearchResult]:
        """Sections ranked for a query, with the best passage of each; a table lookup puts its table first."""
        query, entities, money = self.prepare(query)
        vector = self._query_vector(query)
        fused, _, _ = rank_chunks(self.index, query, vector, self.settings.retrieval, entities, money)
        hits = [SearchResult(h.section, round(h.score, 4), h.chunk.text) for h in rank_sections(self.index, fused, k)]
        facts = self.facts(query, entities, money, None)
        if facts is not None:
            first = SearchResult(facts.section, 2.0, describe(facts))
            hits = [first, *[h for h in hits if h.section.id != facts.section.id]][:k]
        return hits

    def section(self, section_id: str) -> Section | None:
        """A section by id."""
        return self.index.corpus.section(section_id)
