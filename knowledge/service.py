"""The answering service: understand once, then tables, linked explanations or passages, then verify."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from knowledge.abbreviation import abbreviation_answer
from knowledge.answer import (
    abstain,
    cite,
    clarify_answer,
    definition_answer,
    explanation_answer,
    goal_answer,
    opening,
    sentence_stems,
    table_answer,
    text_answer,
)
from knowledge.begrippen import SOURCE, answering_words, define
from knowledge.checks import (
    NUMBER_WORD,
    OWN_CASE,
    asks_balance,
    foreign_name,
    names_a_time,
    names_members,
    names_word,
    proper_words,
)
from knowledge.checks import PREFIX as WORD_PREFIX
from knowledge.comparison import compare_pair, table_pair_answer
from knowledge.coverage import Coverage, build_coverage
from knowledge.embedding import Embedder
from knowledge.index import Index
from knowledge.lexical import tokens
from knowledge.outline import (
    asks_for_items,
    child_map,
    find_parts,
    group_rows,
    members_answer,
    outline_answer,
    parts_answer,
    source_answer,
)
from knowledge.retrieve import FAVOURED, PINNED, rank_chunks, rank_sections
from knowledge.serialize import QUOTE_LIMIT
from knowledge.settings import Settings
from knowledge.subject_index import subject_index
from knowledge.table_answer import INDICATOR_FAMILIES, NoAmount, describe, families_of, find_facts
from knowledge.types import Answer, Clarify, ClarifyOption, Query, Resolved, SearchResult, Section, Subject
from knowledge.understand import understand
from knowledge.vocabulary import Vocabulary, build_vocabulary, is_under
from nlu.entities import fold
from nlu.privacy import MASK_TOKENS

AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+|€\s?\d|\d+\s?%|\d+,\d")
MEANING = re.compile(r"\b(betekent|betekenis|bedoeld met|leg uit|uitleg|mean|means|meaning)\b")
PERSONAL = re.compile("|".join(re.escape(t) for t in MASK_TOKENS))
EURO = re.compile(r"€\s?\d|\d{1,3}(?:\.\d{3})+")

DENSE_FLOOR = 0.76
DENSE_SPAN = 0.10
TABLE_INTENTS = ("amount", "compare")
VECTOR_CACHE = 256
NEXT_SECTIONS = 3
GOAL_WORDS = ("doel",)  # the general word under which budgets put goals ('Motieven en doelen', 'doelstellingen')
# Headings under which budgets give reasons (BBV practice: motives of a verbonden partij, toelichtingen).
EXPLAINING_TITLES = ("motieven", "toelichting", "ontwikkeling", "reden", "verklaring", "risico")


@dataclass
class Service:
    """Answers and searches over one index with one embedder, both loaded once."""

    settings: Settings
    index: Index
    embedder: Embedder | None
    vocab: Vocabulary = field(init=False)
    stems: list[frozenset[str]] = field(default_factory=list)
    section_chunks: dict[str, np.ndarray] = field(default_factory=dict)
    explaining: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    title_chunks: dict[str, np.ndarray] = field(default_factory=dict)
    document_chunks: dict[str, np.ndarray] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    subtree_chunks: dict[str, np.ndarray] = field(default_factory=dict)
    code_sections: dict[str, list[str]] = field(default_factory=dict)
    row_sections: dict[str, Subject] = field(default_factory=dict)
    children: dict[str, tuple[Section, ...]] = field(default_factory=dict)
    proper: frozenset[str] = frozenset()
    table_sections: frozenset[str] = frozenset()
    groups: frozenset[tuple[str, str]] = frozenset()
    coverage: Coverage = field(default_factory=Coverage)

    def __post_init__(self) -> None:
        corpus = self.index.corpus
        self.vocab = build_vocabulary(corpus)
        self.children = child_map(corpus)
        self.groups = group_rows(self.vocab)
        self.proper = proper_words(corpus)
        self.table_sections = frozenset(t.section_id for t in corpus.tables)
        self.stems = sentence_stems(self.index)
        by_section: dict[str, list[int]] = {}
        for i, chunk in enumerate(self.index.chunks):
            by_section.setdefault(chunk.section_id, []).append(i)
        self.section_chunks = {sid: np.array(ids, dtype=np.int64) for sid, ids in by_section.items()}
        parents = {s.id: s.parent_id for s in corpus.sections}
        below: dict[str, list[int]] = {}
        for i, chunk in enumerate(self.index.chunks):  # every chunk counts for its section and each ancestor
            current: str | None = chunk.section_id
            while current:
                below.setdefault(current, []).append(i)
                current = parents.get(current)
        self.subtree_chunks = {sid: np.array(ids, dtype=np.int64) for sid, ids in below.items()}
        self.row_sections = {sec: subj for subj in self.vocab.subjects.values() if subj.rows for sec in subj.sections}
        for sec in corpus.sections:
            if sec.code:
                self.code_sections.setdefault(sec.code, []).append(sec.id)
        by_document: dict[str, list[int]] = {}
        for i, chunk in enumerate(self.index.chunks):
            by_document.setdefault(chunk.document_id, []).append(i)
        self.document_chunks = {d: np.array(ids, dtype=np.int64) for d, ids in by_document.items()}
        titles = {s.id: fold(s.title) for s in corpus.sections}
        self.explaining = np.array([any(w in titles.get(c.section_id, "") for w in EXPLAINING_TITLES)
                                    for c in self.index.chunks], bool)
        by_title: dict[str, list[int]] = {}
        for s in corpus.sections:
            for t in set(tokens(s.title, self.index.vocabulary)):
                by_title.setdefault(t, []).extend(by_section.get(s.id, []))
        self.title_chunks = {t: np.array(ids, dtype=np.int64) for t, ids in by_title.items()}
        self.coverage = build_coverage(self.index)

    # -- understanding -------------------------------------------------------------------------------------
    def understand(self, question: str, context: Resolved | None = None,
                   documents: tuple[str, ...] | None = None) -> Query:
        """The question's frame, merged with the conversation state (within the given documents, if any)."""
        return understand(question, self.vocab, self.index.vocabulary, context, self.settings.municipality,
                          documents)

    # -- answering -----------------------------------------------------------------------------------------
    def answer(self, question: str, context: Resolved | None = None,
               documents: tuple[str, ...] | None = None) -> Answer:
        """Answer one question; a turn that does not answer leaves the conversation state as it was."""
        query = self._lean_on_parts(self.understand(question, context, documents), context)
        result = self._answer(query)
        docs = {d.id: d for d in self.index.corpus.documents}
        citations = tuple(replace(c, document_title=docs[c.document].label if c.document in docs
                                  else c.document) for c in result.citations)
        kept = result.method == "abstain" and result.resolved.subject is not None
        resolved = result.resolved if result.answered or kept else (context or Resolved())
        # (a refusal for a year the row does not have is still about that row: 'en in 2025 dan?' may follow)
        if result.answered and context is not None and context.year and resolved.year \
                and context.year != resolved.year and (resolved.subject, resolved.measure) == (
                    context.subject, context.measure):
            resolved = replace(resolved, earlier=context.year)  # two years in a row: a difference may follow
        if result.answered and context is not None and result.method in ("explanation", "definition", "text") \
                and resolved.subject and resolved.subject == context.subject and context.intent in TABLE_INTENTS:
            # an explanation of a number keeps the number's state for the next follow-up
            resolved = replace(context, topic=resolved.topic or context.topic)
        if query.earlier is not None and (result.answered or result.method == "explanation"):
            resolved = replace(resolved, earlier=query.earlier)  # 'hoeveel is dat meer?' may follow
        if result.answered and citations:
            resolved = replace(resolved, quote=citations[0].quote[:QUOTE_LIMIT])  # what was just said
        return replace(result, question=query.text, citations=citations, resolved=resolved,
                       frame=result.frame or query)

    def _lean_on_parts(self, query: Query, context: Resolved | None) -> Query:
        """Parts carry over: 'welke risico's zijn er?' after a partij asks about that partij's part, and
        'en bij partij Y?' after a part of partij X asks about the same part of Y."""
        previous = self.vocab.subjects.get(context.subject or "") if context is not None else None
        if previous is None or context is None:
            return query
        if query.subject is None and query.topic_words and not query.mentions and find_parts(
                query, previous, self.children, self.index.vocabulary):
            return replace(query, subject=previous.id, inherited=(*query.inherited, "subject"),
                           notes=(*query.notes, f"onderdeel van {previous.label}"))
        subject = self.vocab.subjects.get(query.subject or "")
        part = self.index.corpus.section(context.topic or "")
        if subject is None or subject.id == previous.id or part is None or not query.follow_up \
                or query.topic_words or part.id in previous.sections \
                or not is_under(self.vocab.parents, part.id, set(previous.sections)):
            return query
        words = tuple(fold(w) for w in re.findall(r"[^\W\d_]{4,}", part.title) if fold(w) not in self.vocab.generic
                      and fold(w) not in self.vocab.measure_words)  # (a 'Bijdrage <year>' title: the measure, no part)
        if not words:
            return query
        return replace(query, topic_words=words, inherited=(*query.inherited, "part"),
                       notes=(*query.notes, f"zelfde onderdeel: {part.title}"))

    def _answer(self, query: Query) -> Answer:
        s = self.settings
        if not query.scope:
            return abstain(s, query.text, 0.0, "Die begroting staat niet in deze zoekdienst.")
        if PERSONAL.search(query.text) and query.subject is None and query.measure is None:
            # a message carrying personal data is about someone's own case, which a budget never answers
            return abstain(s, query.text, 0.0, "Over uw eigen situatie staat niets in de begroting. "
                           "Deel hier liever geen persoonlijke gegevens.")
        if query.intent in TABLE_INTENTS and OWN_CASE.search(fold(query.text)) is not None:
            # 'wat kost mijn paspoort?', 'wat kost het om … te verlengen?': a fee or tax, never a budget line
            return abstain(s, query.text, 0.0, "Wat u zelf betaalt, zoals een tarief of belasting, staat niet in de "
                           "begroting.")
        if query.ambiguous and "subject" not in query.inherited:
            chosen = self._one_document(query)
            if isinstance(chosen, Answer):
                return chosen
            query = chosen
        subject = self.vocab.subjects.get(query.subject or "")
        if s.table_answers and (subject is None or not subject.rows) and query.intent in (
                *TABLE_INTENTS, "how", "info", "when", "explain", "list"):
            found = self._subject_by_retrieval(query)
            if found is not None:
                intent = query.intent if query.intent in (*TABLE_INTENTS, "explain") else "amount"
                measure = query.measure
                if measure is None and query.takes_out and found.kind == "reserve" \
                        and "onttrekking" in self._families(found):
                    measure = "onttrekking"  # 'hoeveel gaat er uit het potje voor …': what is taken out
                query = replace(query, subject=found.id, intent=intent, measure=measure,
                                inherited=(*query.inherited, "retrieval"),
                                notes=(*query.notes, f"onderwerp via zoeken: {found.label}"))
                subject = found
        if subject is not None and subject.kind == "indicator" and query.intent == "how" and query.measure is None:
            measured = source_answer(s, self.index.corpus, query, subject)  # 'hoe meten ze dat?'
            if measured is not None:
                return measured
        own_name = fold(subject.label) if subject is not None else ""
        if subject is not None and query.intent == "who" and query.measure is None \
                and all(w[:4] in own_name for w in query.topic_words):  # (words of its own name say nothing more)
            members = members_answer(s, self.index.corpus, query, subject)
            if members is not None:
                return members
        if subject is not None and query.measure is None:
            named = self._parts(query, subject)
            if named is not None:
                return named
        if subject is not None and asks_balance(query, subject, self.vocab.tables):
            return abstain(s, query.text, 0.0, f"De begroting noemt niet hoeveel geld er in de {subject.label} zit, "
                           "alleen wat eraan wordt toegevoegd en wat eruit wordt gehaald.")
        if subject is not None and subject.kind == "programme" and query.measure \
                and query.measure not in self._families(subject):
            carrier = self._table_with(query.measure, subject.document_id)
            if carrier is not None:  # 'subsidie voor dit programma': the one table that holds subsidies
                query = replace(query, subject=carrier.id, notes=(*query.notes, f"tabel met {query.measure}"))
                subject = carrier
        if query.intent in TABLE_INTENTS and self._counts_things(query):
            # 'hoeveel zetels / andere gemeenten / vragen?': a number of things, which only prose gives; a euro row
            # of the subject is no count
            passage = self._passage_answer(query)
            from_table = any(c.section_id in self.table_sections for c in passage.citations)
            if passage.answered and not from_table and (AMOUNT.search(passage.text) or NUMBER_WORD.search(
                    passage.text)) and self.coverage.counts(query, passage.text):
                return passage
            return abstain(s, query.text, 0.0, f"In de begroting staat geen aantal {query.counted}.")
        if query.intent in TABLE_INTENTS and s.table_answers:
            pair = compare_pair(query, self.vocab, self.index.corpus, self.index.vocabulary)
            facts = find_facts(query, self.vocab, self.index.corpus, self.index.vocabulary)
            answering = [p.subject for p in pair] if pair is not None else (
                [facts.subject] if not isinstance(facts, NoAmount) else [])
            for row in answering:
                other = self._foreign_name(query, row)
                if other is not None:
                    return abstain(s, query.text, 0.0, f"In de begroting staat geen bedrag voor {other.title()}.")
            if pair is not None:
                return replace(table_pair_answer(s, query.text, pair), frame=query)
            if isinstance(facts, NoAmount) and subject is None and query.topic_words:
                passage = self._passage_answer(query)
                pattern = EURO if query.measure and query.measure not in INDICATOR_FAMILIES else AMOUNT
                counted = query.counted is not None and NUMBER_WORD.search(passage.text) is not None
                from_table = any(c.section_id in self.table_sections for c in passage.citations)
                if passage.answered and not from_table and (pattern.search(passage.text) or counted) \
                        and self.coverage.covered(query, passage, strict=True) \
                        and self.coverage.counts(query, passage.text):
                    return passage  # (a table's own text is no prose: its rows were weighed above and refused)
            if isinstance(facts, NoAmount):
                if facts.clarify is not None:
                    return clarify_answer(query.text, facts.clarify, s if facts.refer else None)
                return replace(abstain(s, query.text, 0.0, facts.reason), resolved=facts.kept or Resolved())
            label = self._document_label(facts.subject.document_id)
            return replace(table_answer(s, query.text, facts, describe(facts, label)), frame=query)
        if query.intent in ("define", "meaning", "info") and query.measure is None and not query.inherited:
            spelled = abbreviation_answer(s, self.index.corpus, query, subject is not None)  # 'waar staat BAG voor?'
            if spelled is not None:
                return spelled
        if query.intent in ("explain", "meaning") and subject is not None:
            explained = explanation_answer(s, self.index.corpus, self.vocab, query, subject)
            if explained is not None:
                return explained
        if query.intent == "define" and subject is not None and subject.section_id and not query.topic_words:
            return definition_answer(s, self.index.corpus, query, subject)
        if (query.intent == "goal" or (query.intent == "list" and query.codes)) and subject is not None:
            goals = goal_answer(s, self.index.corpus, query, subject)
            if goals is not None:
                return goals
        term = define(query.text) if query.intent in ("define", "meaning", "info") and subject is None else None
        meaning = term is not None and MEANING.search(fold(query.text)) is not None
        result = self._passage_answer(query) if not meaning else None
        if term is not None and (result is None or not result.answered):
            # a general budget term the budget uses but does not explain: the begrippenlijst, cited as such
            text = f"{term.term}: {term.explanation} (Uitleg uit de {SOURCE}, geen tekst uit de begroting.)"
            return Answer(query.text, True, text, 0.8, (), Resolved(intent=query.intent), "begrippenlijst")
        return result if result is not None else self._passage_answer(query)

    def _counts_things(self, query: Query) -> bool:
        """'hoeveel X?' where X is a thing, not a measure or money word."""
        word = query.counted
        if word is None or query.measure is not None or word in self.vocab.measure_words \
                or any(t in self.vocab.measure_words for t in (word.rstrip("s"), word[:-2])):
            return False
        kinds = subject_index(self.vocab).row_kinds  # 'hoeveel reserves …': rows of a table, not things in prose
        return not any(word in (k, k + "s", k + "en") for k in kinds)

    def _parts(self, query: Query, subject: Subject) -> Answer | None:
        """A part of the subject the question names ('de risico's van X', 'de doelen van partij X'), or the list
        of what falls under X ('welke reserves zijn er?')."""
        if query.intent == "goal":
            if goal_answer(self.settings, self.index.corpus, query, subject) is not None:
                return None  # the doel sections answer it
            extra: tuple[str, ...] = GOAL_WORDS
        else:
            extra = ()
        parts = find_parts(query, subject, self.children, self.index.vocabulary, extra)
        if parts:
            return parts_answer(self.settings, query, subject, parts, self.children,
                                {p.id: self._passage_in(query, p.id) for p in parts})
        if query.intent == "list" and not query.topic_words and not query.years and asks_for_items(query):
            return outline_answer(self.settings, self.index.corpus, self.vocab, query, subject, self.children,
                                  self.groups)
        return None

    def _passage_in(self, query: Query, section_id: str) -> str:
        """The passage of one part (and its subtree) that best answers the question; empty when none does."""
        vector = self._query_vector(query.search_text)
        fused, _ = self._rank(query, vector, {section_id})
        inside = np.zeros(len(fused), bool)
        inside[self.subtree_chunks.get(section_id, np.zeros(0, np.int64))] = True
        fused = np.where(inside, fused, 0.0).astype(np.float32)
        if not float(fused.max(initial=0.0)) > 0:
            return ""
        result = text_answer(self.settings, self.index, query.search_text, vector, fused, 1.0, self.stems)
        return result.text if result.answered else ""

    def _subject_by_retrieval(self, query: Query) -> Subject | None:
        """A subject with table rows whose section ranks on top and whose title covers the topic words
        (indicators have long titles nobody types in full)."""
        words = [w for w in query.topic_words if len(w) >= 4]
        if query.counted and query.measure is None:
            return None  # 'hoeveel zetels?' counts things; table rows hold money and percentages
        if not words or not (query.years or query.measure or query.intent in (*TABLE_INTENTS, "how")
                             or (query.intent == "explain" and query.measure)):
            return None
        vector = self._query_vector(query.search_text)
        fused, _ = self._rank(query, vector, set())
        for hit in rank_sections(self.index, fused, 3):
            subj = self.row_sections.get(hit.section.id)
            if subj is None or subj.document_id not in query.scope or (
                    query.measure is not None and query.measure not in self._families(subj)):
                continue
            title = fold(" ".join((subj.label, *self.index.corpus.section(hit.section.id).alt_titles)))  # type: ignore[union-attr]
            title_words = re.findall(r"[a-z]+", title)
            covered = sum(1 for w in words if (w[:WORD_PREFIX] in title if subj.kind == "indicator" else any(
                names_word(w, t) for t in title_words)))  # (an indicator's long title: any part of it; a name:
            # the word itself or its head, 'belasting' is not the 'belastingsamenwerking')
            needed = 2 / 3 if query.intent == "how" else 1 / 2  # 'hoe …?' is more often about a process
            if covered >= needed * len(words):
                return subj
        return None

    def _foreign_name(self, query: Query, row: Subject) -> str | None:
        """A name in the question the answering row does not carry ('wat betaalt Katwijk …')."""
        document = self.vocab.documents.get(row.document_id)
        return foreign_name(query, row, self.vocab.tables, self.proper, document.municipality or "" if document else "")

    def _table_with(self, family: str, document_id: str) -> Subject | None:
        """The one table of a document whose rows carry a measure family (None when none or several do)."""
        found = [t for t in subject_index(self.vocab).tables_by_document.get(document_id, ())
                 if family in self._families(t)]
        return found[0] if len(found) == 1 else None

    def _families(self, subject: Subject) -> list[str]:
        """Measure families of a subject's rows (cached in the vocabulary)."""
        return families_of(self.vocab, subject)

    def _one_document(self, query: Query) -> Query | Answer:
        """A name found in several documents: ask which municipality, or take the newest budget of one."""
        docs = [self.vocab.documents[d] for d in query.ambiguous]
        places = list(dict.fromkeys(d.municipality or d.label for d in docs))
        if len(places) > 1:
            options = tuple(ClarifyOption(f"Gemeente {p}", f"{query.text.rstrip(' ?')} in {p}?") for p in places[:4])
            more = " Of noem de gemeente in uw vraag." if len(places) > 4 else ""
            return clarify_answer(query.text, Clarify(f"Over welke gemeente gaat uw vraag?{more}", options))
        newest = max(docs, key=lambda d: d.year or 0)
        top = query.mentions[0]
        subject = next((m.subject_id for m in query.mentions if (m.start, m.end) == (top.start, top.end)
                        and self.vocab.subjects[m.subject_id].document_id == newest.id), query.subject)
        return replace(query, subject=subject, scope=(newest.id,),
                       notes=(*query.notes, f"nieuwste begroting gekozen: {newest.label}"))

    def _document_label(self, document_id: str) -> str:
        """The document named in an answer when the index holds more than one."""
        if len(self.index.corpus.documents) < 2:
            return ""
        doc = next((d for d in self.index.corpus.documents if d.id == document_id), None)
        return doc.label if doc else ""

    def _passage_answer(self, query: Query) -> Answer:
        subject = self.vocab.subjects.get(query.subject or "")
        pinned_why = query.intent not in ("explain", "meaning") or subject is None  # (a subject's why: its
        # explanations, searched below)
        if query.topic and "topic" in query.inherited and not query.topic_words and (query.refers or query.follow_up) \
                and pinned_why:
            if query.intent == "who":  # 'met wie?': the sentence just quoted if it names someone, else the
                # sentence of that passage that names the most
                named = (members_answer(self.settings, self.index.corpus, query, None, query.topic, 1, query.quoted)
                         if query.quoted else None) \
                    or members_answer(self.settings, self.index.corpus, query, None, query.topic, minimum=2)
                if named is not None:
                    return named
            pinned = self._passage_within(query, {query.topic})  # in the passage just quoted
            if pinned.answered:
                return pinned
        roots = (set(subject.sections) if subject is not None else set()) | ({query.topic} if query.topic else set())
        result = self._passage_within(query, roots)
        if not result.answered and roots and query.topic and subject is None:
            result = self._passage_within(replace(query, topic=None), set())  # then the whole corpus
        return result

    def _passage_within(self, query: Query, roots: set[str]) -> Answer:
        subject = self.vocab.subjects.get(query.subject or "")
        vector = self._query_vector(query.search_text)
        fused, dense = self._rank(query, vector, roots)
        confidence = self.confidence(query, dense if vector is not None else None, bool(roots or query.codes))
        if confidence < self.settings.min_confidence:
            return abstain(self.settings, query.text, confidence)
        result = text_answer(self.settings, self.index, query.search_text, vector, fused, confidence, self.stems)
        if not result.answered:
            return result
        if not self._fits(query, result):
            result = self._next_covered(query, vector, fused, confidence) or abstain(
                self.settings, query.text, confidence)
            if not result.answered:
                return result
        cited = self.index.corpus.section(result.citations[0].section_id) if result.citations else None
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
            for t in set(tokens(word, self.index.vocabulary)):
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
                                            for t in tokens(v, self.index.vocabulary)))
        cov = known / len(words) if words else (0.9 if anchored else 0.0)
        if anchored:
            cov = max(cov, 0.6)
        if dense is None or not len(dense):
            return round(cov, 3)
        closeness = float(np.clip((float(dense.max()) - DENSE_FLOOR) / DENSE_SPAN, 0.0, 1.0))
        return round(cov * (0.5 + 0.5 * closeness), 3)

    def _fits(self, query: Query, result: Answer) -> bool:
        """The passage covers the question and says what its kind asks: when, or who takes part."""
        return self.coverage.covered(query, result) and (query.intent != "when" or names_a_time(result.text)) \
            and (not query.asks_members or names_members(result.text, query.topic_words))

    def _next_covered(self, query: Query, vector: np.ndarray | None, fused: np.ndarray,
                      confidence: float) -> Answer | None:
        """The first of the next-best sections whose passage covers the question (the best one did not)."""
        for hit in rank_sections(self.index, fused, NEXT_SECTIONS)[1:]:
            only = np.zeros_like(fused)
            chunks = self.section_chunks.get(hit.section.id, np.zeros(0, np.int64))
            only[chunks] = fused[chunks]
            result = text_answer(self.settings, self.index, query.search_text, vector, only, confidence, self.stems)
            if result.answered and self._fits(query, result):
                return result
        return None

    # -- search --------------------------------------------------------------------------------------------
    def search(self, query_text: str, k: int = 5, documents: tuple[str, ...] | None = None) -> list[SearchResult]:
        """Sections ranked for a query, with the best passage of each; a table lookup puts its table first."""
        query = self.understand(query_text, None, documents)
        subject = self.vocab.subjects.get(query.subject or "")
        roots = set(subject.sections) if subject is not None else set()
        vector = self._query_vector(query.search_text)
        fused, _ = self._rank(query, vector, roots, restrict=False)
        hits = [SearchResult(h.section, round(h.score, 4), h.chunk.text) for h in rank_sections(self.index, fused, k)]
        home = self.index.corpus.section(subject.section_id or "") if subject is not None else None
        if home is not None and query.mentions:  # a named subject's own section comes first
            first = next((h for h in hits if h.section.id == home.id), None)
            snippet = first.snippet if first else home.text[:300]
            hits = [SearchResult(home, 2.0, snippet), *[h for h in hits if h.section.id != home.id]][:k]
        if query.intent in TABLE_INTENTS and self.settings.table_answers:
            facts = find_facts(query, self.vocab, self.index.corpus, self.index.vocabulary)
            if not isinstance(facts, NoAmount):
                first = SearchResult(facts.section, 2.0, describe(facts))
                hits = [first, *[h for h in hits if h.section.id != facts.section.id]][:k]
        return hits

    def section(self, section_id: str) -> Section | None:
        """A section by id."""
        return self.index.corpus.section(section_id)
