"""The passage routes of the service: rank chunks, judge how sure we are, and pick the passage that answers."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

import numpy as np

from knowledge.answer import abstain, cite, opening
from knowledge.begrippen import answering_words
from knowledge.checks import NUMBER_WORD, explains_term, names_a_time, names_members
from knowledge.chunk import split_sentences
from knowledge.context import on_passage
from knowledge.coverage import Coverage
from knowledge.cues import CLOCK_TIME, MORE_ASKED
from knowledge.embedding import Embedder
from knowledge.index import Index
from knowledge.lexical import hosted, stem, tokens
from knowledge.numbers import FIGURE_IN_TEXT
from knowledge.outline import QUOTED, members_answer
from knowledge.quote import text_answer
from knowledge.retrieve import FAVOURED, PINNED, rank_chunks, rank_sections
from knowledge.settings import Settings
from knowledge.types import Answer, Query, Resolved
from knowledge.vocabulary import Vocabulary, is_under
from nlu.entities import fold

DENSE_FLOOR = 0.76
DENSE_SPAN = 0.10
TABLE_INTENTS = ("amount", "compare")
VECTOR_CACHE = 256
NEXT_SECTIONS = 3
# Headings under which budgets give reasons (BBV practice: motives of a verbonden partij, toelichtingen).
EXPLAINING_TITLES = ("motieven", "toelichting", "ontwikkeling", "reden", "verklaring", "risico")


GOES_ON = ("info", "define", "how", "list")  # a bare follow-up of these kinds after a passage: what it says next
CONTINUED = 60  # words of a passage's continuation quoted at most
SHORT_WHEN = 3  # words of four letters or more in a bare 'when' follow-up ('vanaf welk jaar?')


class Passages:
    """Passage answers and ranking; the Service dataclass (knowledge.service.core) holds the state used here."""

    settings: Settings
    index: Index
    embedder: Embedder | None
    vocab: Vocabulary
    stems: list[frozenset[str]]
    section_chunks: dict[str, np.ndarray]
    explaining: np.ndarray
    title_chunks: dict[str, np.ndarray]
    document_chunks: dict[str, np.ndarray]
    vectors: dict[str, np.ndarray]
    subtree_chunks: dict[str, np.ndarray]
    code_sections: dict[str, list[str]]
    coverage: Coverage
    table_sections: frozenset[str]
    section_text: str
    section_starts: list[int]

    def _passage_in(self, query: Query, section_id: str) -> str:
        """The passage of one part (and its subtree) that best answers the question; empty when none does."""
        vector = self._query_vector(query.search_text)
        fused, _ = self._rank(query, vector, {section_id})
        inside = np.zeros(len(fused), bool)
        inside[self.subtree_chunks.get(section_id, np.zeros(0, np.int64))] = True
        fused = np.where(inside, fused, 0.0).astype(np.float32)
        if not float(fused.max(initial=0.0)) > 0:
            return ""
        result = text_answer(self.settings, self.index, query.search_text, vector, fused, 1.0, self.stems,
                             titled=False)  # (each part is shown under its own title)
        return result.text if result.answered else ""

    def _passage_answer(self, query: Query) -> Answer:
        subject = self.vocab.subjects.get(query.subject or "")
        pinned_why = query.intent not in ("explain", "meaning") or subject is None or on_passage(query)  # (a
        # subject's why: its explanations, searched below)
        if query.topic and "topic" in query.inherited and not query.topic_words and (query.refers or query.follow_up) \
                and pinned_why:
            if query.intent == "who":  # 'met wie?': the sentence just quoted if it names someone, else the
                # sentence of that passage that names the most
                named = (members_answer(self.settings, self.index.corpus, query, None, query.topic, 1, query.quoted)
                         if query.quoted else None) \
                    or members_answer(self.settings, self.index.corpus, query, None, query.topic, minimum=2)
                if named is not None:
                    return named
            if query.intent == "when" and query.quoted and len(query.words) <= SHORT_WHEN:
                # 'vanaf welk jaar?': the time the quote names
                timed = self._time_in_quote(query, query.topic, query.quoted)
                if timed is not None:
                    return timed
            asked_years = query.years if not {"year", "years"} & set(query.inherited) else ()  # (its own years)
            if query.intent in GOES_ON and query.quoted_end and not query.weak_words and not asked_years:
                sentences, at = self._quoted_up_to(query.topic, query.quoted_end)  # 'wat doen ze concreet?', 'en
                if at is not None and at + 1 < len(sentences):  # verder?': what the passage says next
                    return self._continuation(query, query.topic, sentences[at + 1:])
                if at is not None and MORE_ASKED.match(fold(query.text)):  # the passage was quoted to its end
                    return abstain(self.settings, query.text, 0.0, "Meer staat er in dit deel van de begroting niet "
                                   "over.")
            pinned = self._passage_within(query, {query.topic})  # in the passage just quoted
            if pinned.answered:
                return pinned
        money = query.money or query.measure is not None
        roots = (set(subject.sections) | (set(subject.explanations) if money else set()) if subject is not None
                 else set()) | ({query.topic} if query.topic else set())  # (the prose that explains a subject's
        # money is part of it when money is asked)
        roots |= self._phrase_sections(query.phrase) if query.phrase else set()  # the passage that uses the phrase
        result = self._passage_within(query, roots)
        if not result.answered and roots and query.topic and subject is None:
            result = self._passage_within(replace(query, topic=None), set())  # then the whole corpus
        elif not result.answered and subject is not None and query.topic_words and "subject" not in query.inherited \
                and query.intent not in ("explain", "meaning") and query.measure is None:
            elsewhere = self._passage_within(query, set())  # ('de nota verbonden partijen': a passage elsewhere
            said = fold(" ".join(c.quote for c in elsewhere.citations))  # that names the subject with the words)
            own = re.findall(r"[a-z]{4,}", fold(subject.label)) or [fold(subject.label)]  # (an acronym: itself)
            if elsewhere.answered and all(w in said for w in own):
                result = elsewhere
        return result

    def _quoted_up_to(self, section_id: str, end: str) -> tuple[list[str], int | None]:
        """The passage's sentences and the number of the last one the quote reached (None when it is not found)."""
        section = self.index.corpus.section(section_id)
        if section is None:
            return [], None
        sentences = [" ".join(x.split()) for x in split_sentences(section.text) if x.strip()]
        text = " ".join(sentences)
        at = text.rfind(end[-QUOTED // 2:]) if end else -1  # (the end of the quote, as written)
        if at < 0:
            return sentences, None
        reached, start = at + len(end[-QUOTED // 2:]), 0
        for i, sentence in enumerate(sentences):
            start += len(sentence) + 1
            if start > reached:
                return sentences, i
        return sentences, len(sentences) - 1

    def _continuation(self, query: Query, section_id: str, following: list[str]) -> Answer:
        """The sentences that follow the last one quoted, up to CONTINUED words."""
        section = self.index.corpus.section(section_id)
        assert section is not None
        taken: list[str] = []
        for sentence in following:
            if taken and len(" ".join(taken).split()) + len(sentence.split()) > CONTINUED:
                break
            taken.append(sentence)
        text = " ".join(taken)
        return Answer(query.text, True, text, 0.8, (cite(self.settings, 1, section, text),),
                      Resolved(topic=section.id, subject=query.subject, intent=query.intent,
                               document=section.document_id), "text")

    def _time_in_quote(self, query: Query, section_id: str, quoted: str) -> Answer | None:
        """The one sentence of the passage just quoted that names a time ('met ingang van <jaar>'); None when no
        sentence or several do."""
        section = self.index.corpus.section(section_id)
        if section is None:
            return None
        figures = set(FIGURE_IN_TEXT.findall(query.text))  # 'vanaf wanneer geldt die 170.000?': that sentence
        timed = [s.strip() for s in split_sentences(section.text)
                 if s.strip() and s.strip()[:QUOTED] in quoted and names_a_time(s)
                 and figures <= set(FIGURE_IN_TEXT.findall(s))]
        if len(timed) != 1:
            return None
        return Answer(query.text, True, timed[0], 0.85, (cite(self.settings, 1, section, timed[0]),),
                      Resolved(topic=section.id, subject=query.subject, intent=query.intent,
                               document=section.document_id), "text")

    def _count_sentence(self, query: Query, roots: set[str]) -> Answer | None:
        """For 'hoeveel X?' about a subject: the one sentence of its sections that puts a number next to X
        ('voert voor twaalf gemeenten … uit'); None when none or several do."""
        found = [(section, sentence) for section in self.index.corpus.sections
                 if is_under(self.vocab.parents, section.id, roots) for sentence in split_sentences(section.text)
                 if (FIGURE_IN_TEXT.search(sentence) or NUMBER_WORD.search(sentence))
                 and self.coverage.counts(query, sentence)]
        if len({sentence for _, sentence in found}) != 1:
            return None
        section, sentence = found[0]
        return Answer(query.text, True, sentence, 0.85, (cite(self.settings, 1, section, sentence),),
                      Resolved(topic=section.id, subject=query.subject, intent=query.intent,
                               document=section.document_id), "text")

    def _phrase_sections(self, phrase: str, limit: int = 8) -> set[str]:
        """The sections whose text holds the (folded) phrase, found by a search in one string."""
        found: set[str] = set()
        at = self.section_text.find(phrase)
        while at != -1 and len(found) < limit:
            found.add(self.index.corpus.sections[bisect.bisect_right(self.section_starts, at) - 1].id)
            at = self.section_text.find(phrase, at + len(phrase))
        return found

    def _passage_within(self, query: Query, roots: set[str]) -> Answer:
        subject = self.vocab.subjects.get(query.subject or "")
        vector = self._query_vector(query.search_text)
        fused, dense = self._rank(query, vector, roots)
        confidence = self.confidence(query, dense if vector is not None else None, bool(roots or query.codes))
        if confidence < self.settings.min_confidence:
            return abstain(self.settings, query.text, confidence)
        result = self._quote(query, vector, fused, confidence)
        if not result.answered:
            return result
        if not self._fits(query, result):
            result = self._next_covered(query, vector, fused, confidence) or abstain(
                self.settings, query.text, confidence)
            if not result.answered:
                return result
        cited = self.index.corpus.section(result.citations[0].section_id) if result.citations else None
        if query.intent == "explain" and cited is not None and cited.id in self.table_sections:
            return abstain(self.settings, query.text, confidence)  # a table's own cells give no reason
        if query.intent == "explain" and cited is not None and any(w in fold(cited.title) for w in EXPLAINING_TITLES):
            text = opening(cited)  # a section of motives or explanations is read from its start
            result = replace(result, text=text, citations=(cite(self.settings, 1, cited, text),))
        if query.intent in TABLE_INTENTS and not self.settings.table_answers:
            return result
        subject_after = subject.id if subject is not None else None
        topic = result.citations[0].section_id if result.citations else None
        resolved = Resolved(year=query.years[-1] if query.years else None, measure=query.measure, topic=topic,
                            subject=subject_after, intent=query.intent,
                            document=result.citations[0].document if result.citations else None)
        return replace(result, resolved=resolved)

    def _query_vector(self, text: str) -> np.ndarray | None:
        """The query's embedding, computed once per text (a question can take more than one route)."""
        if self.embedder is None or self.settings.retrieval == "bm25":
            return None
        cached = self.vectors.get(text)
        if cached is None:
            cached = self.embedder.embed_queries([text])[0]
            if len(self.vectors) >= VECTOR_CACHE:
                self.vectors.pop(next(iter(self.vectors)))
            self.vectors[text] = cached
        return cached

    def _rank(self, query: Query, vector: np.ndarray | None, roots: set[str],
              restrict: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Fused chunk scores; codes pin their section, and a subject's subtree is searched first."""
        n = len(self.index.chunks)
        boost = np.zeros(n, np.float32)
        empty = np.zeros(0, np.int64)
        for code in query.codes:
            for sid in self.code_sections.get(code, ()):
                boost[self.section_chunks.get(sid, empty)] += PINNED
        mask = np.zeros(n, bool)
        for root in roots:
            mask[self.subtree_chunks.get(root, empty)] = True
        boost[mask] += FAVOURED
        if query.intent == "explain":  # motives and explanations answer 'why'
            boost[self.explaining] += FAVOURED
        for word in query.topic_words:  # a section titled with a topic word ('Kansen', 'Risico's')
            for t in set(tokens(word, self.index.vocabulary)) | {stem(word + "en")}:  # (its plural: 'Kansen')
                boost[self.title_chunks.get(t, np.zeros(0, np.int64))] += FAVOURED * 1.5
        money = query.intent in TABLE_INTENTS
        fused, _, dense = rank_chunks(self.index, query.search_text, vector, self.settings.retrieval, boost, money)
        if len(query.scope) < len(self.index.corpus.documents):  # only the documents in scope
            in_scope = np.zeros(n, bool)
            for doc in query.scope:
                in_scope[self.document_chunks.get(doc, np.zeros(0, np.int64))] = True
            fused = np.where(in_scope, fused, 0.0).astype(np.float32)
        aside = np.zeros(n, bool)
        for sid in query.set_aside:
            for sec in self.vocab.subjects[sid].sections if sid in self.vocab.subjects else ():
                aside[self.section_chunks.get(sec, empty)] = True
        if aside.any() and float(fused[~aside].max(initial=0.0)) > 0:
            fused = np.where(aside, 0.0, fused).astype(np.float32)  # the thing itself first, not its reserve
        if restrict and mask.any() and float(fused[mask].max(initial=0.0)) > 0:
            fused = np.where(mask, fused, 0.0).astype(np.float32)  # the topic's subtree first
        return fused, dense

    def confidence(self, query: Query, dense: np.ndarray | None, anchored: bool) -> float:
        """How sure we are the budget covers the question: its topic words are known, and dense similarity."""
        if anchored and not query.topic_words:
            return 0.9
        words = query.topic_words
        known = sum(1 for w in words if any(self.index.knows(t) for v in (w, *answering_words(w))
                                            for t in tokens(v, self.index.vocabulary))
                    or hosted(w, self.index.vocabulary))  # (a part of a compound the budget uses)
        cov = known / len(words) if words else (0.9 if anchored else 0.0)
        if anchored:
            cov = max(cov, 0.6)
        if dense is None or not len(dense):
            return round(cov, 3)
        closeness = float(np.clip((float(dense.max()) - DENSE_FLOOR) / DENSE_SPAN, 0.0, 1.0))
        return round(cov * (0.5 + 0.5 * closeness), 3)

    def _fits(self, query: Query, result: Answer) -> bool:
        """The passage covers the question and says what its kind asks: when, or who takes part; a year the
        question names, other than the budget's own, is in the passage ('opkomst <earlier election year>')."""
        own_years = () if {"year", "years"} & set(query.inherited) else query.years  # ('vorig jaar' is asked)
        plan = self.vocab.budget_year(list(query.scope))
        if any(y != plan and str(y) not in result.text for y in own_years):
            return False
        if query.clock and not CLOCK_TIME.search(result.text):
            return False  # 'hoe laat begint …?': a passage without a time of day does not say
        return self.coverage.covered(query, result) and (query.intent != "when" or names_a_time(result.text)) \
            and (not query.asks_members or names_members(result.text, query.topic_words, own=self._own_names(query))) \
            and (query.intent != "define" or query.language != "nl" or query.phrase is not None
                 or explains_term(result.text, query.topic_words))  # (a quoted phrase: the passage that uses it)

    def _own_names(self, query: Query) -> tuple[str, ...]:
        """The names that are no members of what is asked about: its own name, the budget's municipalities."""
        subject = self.vocab.subjects.get(query.subject or "")
        return (fold(subject.label) if subject is not None else "", *self.coverage.municipalities)

    def _quote(self, query: Query, vector: np.ndarray | None, fused: np.ndarray, confidence: float) -> Answer:
        """The best sentences of the ranked passages, quoted as the question's kind asks (one amount, prose, a list)."""
        return text_answer(self.settings, self.index, query.search_text, vector, fused, confidence, self.stems,
                           one_amount=(query.money or query.intent in TABLE_INTENTS) and query.intent != "list",
                           prose_only=query.intent in ("define", "meaning") or (query.manner and not query.asks_source),
                           listing=query.intent == "list")  # (a table's cells define nothing, nor say how)

    def _next_covered(self, query: Query, vector: np.ndarray | None, fused: np.ndarray,
                      confidence: float) -> Answer | None:
        """The first of the next-best sections whose passage covers the question (the best one did not)."""
        for hit in rank_sections(self.index, fused, NEXT_SECTIONS)[1:]:
            only = np.zeros_like(fused)
            chunks = self.section_chunks.get(hit.section.id, np.zeros(0, np.int64))
            only[chunks] = fused[chunks]
            result = self._quote(query, vector, only, confidence)
            if result.answered and self._fits(query, result):
                return result
        return None
