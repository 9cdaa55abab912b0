"""The Service: built once over an index, it understands a question and routes it to the answer that fits."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

import numpy as np

from knowledge.abbreviation import abbreviation_answer
from knowledge.answer import (
    abstain,
    definition_answer,
    explanation_answer,
    goal_answer,
    goals_name,
)
from knowledge.begrippen import SOURCE, define
from knowledge.checks import asks_balance, proper_words
from knowledge.context import on_passage
from knowledge.coverage import Coverage, build_coverage
from knowledge.description import describe
from knowledge.embedding import Embedder
from knowledge.index import Index
from knowledge.lexical import tokens
from knowledge.outline import QUOTED, child_map, group_rows, members_answer
from knowledge.quote import sentence_stems
from knowledge.retrieve import rank_sections
from knowledge.serialize import QUOTE_LIMIT
from knowledge.service.amounts import Amounts
from knowledge.service.passages import EXPLAINING_TITLES, TABLE_INTENTS
from knowledge.settings import Settings
from knowledge.table_answer import find_facts
from knowledge.types import Answer, NoAmount, Query, Resolved, SearchResult, Section, Subject
from knowledge.understand import understand
from knowledge.vocabulary import INDICATOR_FAMILIES, Vocabulary, build_vocabulary
from nlu.entities import fold

MEANING = re.compile(r"\b(betekent|betekenis|bedoeld met|leg uit|uitleg|mean|means|meaning)\b")


@dataclass
class Service(Amounts):
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
    section_text: str = ""
    section_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        corpus = self.index.corpus
        self.vocab = build_vocabulary(corpus)
        self.children = child_map(corpus)
        self.groups = group_rows(self.vocab)
        self.proper = proper_words(corpus)
        self.table_sections = frozenset(t.section_id for t in corpus.tables)
        self.section_text = "\n\x00".join(fold(s.text) for s in corpus.sections)  # one string: phrases by find
        self.section_starts = list(itertools.accumulate((len(fold(s.text)) + 2 for s in corpus.sections), initial=0))
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
            labels = " ".join(LABELLED_LINE.findall(s.text))  # 'Commissie: …', 'Portefeuille(s): …' title their line
            for t in set(tokens(f"{s.title} {labels}", self.index.vocabulary)):
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
        # (a refusal for a year the row does not have is still about that row: 'en in <jaar> dan?' may follow)
        if result.answered and context is not None and context.year and resolved.year \
                and context.year != resolved.year and (resolved.subject, resolved.measure) == (
                    context.subject, context.measure):
            resolved = replace(resolved, earlier=context.year)  # two years in a row: a difference may follow
        if result.answered and context is not None and result.method in ("explanation", "definition", "text") \
                and resolved.subject and resolved.subject == context.subject and context.intent in TABLE_INTENTS:
            # an explanation of a number keeps the number's state for the next follow-up
            resolved = replace(context, topic=resolved.topic or context.topic, explained=result.method == "explanation")
        if query.earlier is not None and (result.answered or result.method == "explanation"):
            resolved = replace(resolved, earlier=query.earlier)  # 'hoeveel is dat meer?' may follow
        elif result.answered and result.method == "table" and len(query.years) == 2 and resolved.earlier is None:
            resolved = replace(resolved, year=query.years[-1], earlier=query.years[0])  # two years compared: a why
            # after them asks about the change between them
        if result.answered and citations:
            resolved = replace(resolved, quote=citations[0].quote[:QUOTE_LIMIT],  # what was just said
                               listing=query.from_list,  # (after 'de eerste' the list stays: 'en de tweede?')
                               quote_end=" ".join(result.text.split()).rstrip("… ")[-QUOTED:] or None)  # (as shown)
        return replace(result, question=query.text, citations=citations, resolved=resolved,
                       frame=result.frame or query)

    def _answer(self, query: Query) -> Answer:
        s = self.settings
        if not query.scope:
            return abstain(s, query.text, 0.0, "Die begroting staat niet in deze zoekdienst.")
        chapters = [d for d in (self.vocab.documents.get(i) for i in query.scope) if d is not None]
        if query.whole_budget and query.intent in (*TABLE_INTENTS, "info", "define") and chapters \
                and all(d.programme_number for d in chapters):  # only programme chapters are loaded
            names = "; ".join(sorted({f"programma {d.programme_number} {d.programme}".strip() for d in chapters}))
            return abstain(s, query.text, 0.0, f"Hier staat niet de hele begroting van de gemeente, alleen: {names}.")
        if query.personal and query.subject is None and query.measure is None:
            # a message carrying personal data is about someone's own case, which a budget never answers
            return abstain(s, query.text, 0.0, "Over uw eigen situatie staat niets in de begroting. "
                           "Deel hier liever geen persoonlijke gegevens.")
        if query.own_case and (query.intent in TABLE_INTENTS or query.asks_change):
            # 'wat kost mijn paspoort?', 'wat kost het om … te verlengen?', 'wordt mijn aanslag daardoor hoger?':
            # a fee or tax, or how it changes for one person, never a budget line
            return abstain(s, query.text, 0.0, "Wat u zelf betaalt, zoals een tarief of belasting, staat niet in de "
                           "begroting.")
        if query.own_matter and query.intent != "who":  # 'hoe vraag ik … aan?', 'de WOZ-waarde van mijn huis':
            # never in a budget (who does it may be: 'wie bepaalt de WOZ-waarde van mijn huis?')
            return abstain(s, query.text, 0.0, "Hoe u zelf iets regelt, of wat voor uw eigen situatie geldt, staat "
                           "niet in de begroting.")
        if query.ambiguous and "subject" not in query.inherited:
            chosen = self._one_document(query)
            if isinstance(chosen, Answer):
                return chosen
            query = chosen
        subject = self.vocab.subjects.get(query.subject or "")
        if subject is not None and subject.rows and not subject.sections and query.intent == "info" \
                and not query.topic_words and query.measure is None and not query.inherited:
            # a table row named on its own ('tachymeters'): its cells are all the budget says of it
            query = replace(query, intent="amount", notes=(*query.notes, "alleen een tabelregel genoemd: bedrag"))
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
        if subject is not None and subject.rows and query.intent in TABLE_INTENTS \
                and query.percent \
                and not any(f in INDICATOR_FAMILIES for f in self._families(subject)):
            found = self._subject_by_retrieval(query)  # a share or score of what was named: its indicator
            if found is not None and any(f in INDICATOR_FAMILIES for f in self._families(found)):
                query = replace(query, subject=found.id, inherited=(*query.inherited, "retrieval"),
                                notes=(*query.notes, f"indicator via zoeken: {found.label}"))
                subject = found
        if (query.asks_source or (subject is not None and subject.kind == "indicator" and query.intent == "how")) \
                and query.measure is None:
            measured = self._sources(query, subject)  # 'hoe meten ze dat?', 'waar komen die cijfers vandaan?'
            if measured is not None:
                return measured
        own_name = fold(subject.label) if subject is not None else ""
        if subject is not None and query.intent == "who" and query.measure is None \
                and all(w[:4] in own_name for w in query.topic_words):  # (words of its own name say nothing more)
            members = members_answer(s, self.index.corpus, query, subject)
            if members is not None:
                return members
        if query.intent == "goal" and subject is not None and not goals_name(self.index.corpus, query, subject):
            passage = self._passage_answer(replace(query, intent="info"))  # 'wat wil de gemeente bereiken met
            if passage.answered:  # pro-actieve dienstverlening?': the goal of that, in its passage
                return passage
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
            return self._count_answer(query, subject)
        if query.intent in TABLE_INTENTS and s.table_answers:
            return self._amount_answer(query, subject)
        if query.intent in ("define", "meaning", "info") and query.measure is None and not query.inherited:
            spelled = abbreviation_answer(s, self.index.corpus, query, subject is not None)  # 'waar staat BRP voor?'
            if spelled is not None:
                return spelled
        about_money = subject is None or set(subject.explanations) <= set(subject.sections) \
            or query.measure is not None or query.money or query.asks_change or query.asks_level \
            or not query.topic_words or "subject" in query.inherited  # (else 'waarom staat dit jaar voor het bestuur
        # in het teken van …?' asks what its own text says, not the explanation of its numbers elsewhere)
        if query.intent in ("explain", "meaning") and subject is not None and not on_passage(query) and about_money:
            explained = explanation_answer(s, self.index.corpus, self.vocab, query, subject)
            if explained is not None and not explained.answered and len(query.years) == 2 and query.measure \
                    and "years" not in query.inherited:
                return self._numbers_without_reason(query) or explained
            if explained is not None:
                return explained
        if query.intent == "define" and subject is not None and subject.section_id and not query.topic_words \
                and not (subject.rows and subject.section_id in self.table_sections):  # (a row's cells define nothing)
            defined = definition_answer(s, self.index.corpus, query, subject)
            if defined is not None:
                return defined
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


LABELLED_LINE = re.compile(r"(?m)^([^\W\d][\w()' -]{1,30}):[ \t]*\S")  # a header line 'Label: value'


