"""Subject helpers of the service: which subject, document or part a question is about, and its parts."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.answer import cite, clarify_answer, goal_answer
from knowledge.checks import PREFIX as WORD_PREFIX
from knowledge.checks import foreign_name, names_word
from knowledge.outline import asks_for_items, find_parts, outline_answer, parts_answer, source_answer
from knowledge.retrieve import rank_sections
from knowledge.service.passages import TABLE_INTENTS, Passages
from knowledge.subject_index import names_kind, subject_index
from knowledge.table_answer import families_of
from knowledge.types import Answer, Clarify, ClarifyOption, Query, Resolved, Section, Subject
from knowledge.vocabulary import is_under
from nlu.entities import fold

COUNT_WORDS = ("aantal", "gemiddeld aantal", "number of")  # an indicator that counts things

SOURCES = 4  # at most this many indicators' sources in one answer
GOAL_WORDS = ("doel",)  # the general word under which budgets put goals ('Motieven en doelen', 'doelstellingen')


class Subjects(Passages):
    """Finding the subject, document or part a question is about; the Service dataclass holds the state."""

    row_sections: dict[str, Subject]
    children: dict[str, tuple[Section, ...]]
    proper: frozenset[str]
    groups: frozenset[tuple[str, str]]

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

    def _counts_things(self, query: Query) -> bool:
        """'hoeveel X?' where X is a thing, not a measure or money word."""
        word = query.counted
        found = self.vocab.subjects.get(query.subject or "")
        if found is not None and found.kind == "indicator" and "retrieval" in query.inherited:
            return False  # an indicator that counts the thing asked ('Aantal bezwaarschriften …')
        own_measure = query.measure is not None and "measure" not in query.inherited  # (a carried one counts nothing)
        if word is None or own_measure or word in self.vocab.measure_words \
                or any(t in self.vocab.measure_words for t in (word.rstrip("s"), word[:-2])):
            return False
        kinds = subject_index(self.vocab).row_kinds  # 'hoeveel reserves …': rows of a table, not things in prose
        return not any(names_kind(word, k) for k in kinds)

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

    def _subject_by_retrieval(self, query: Query) -> Subject | None:
        """A subject with table rows whose section ranks on top and whose title covers the topic words
        (indicators have long titles nobody types in full)."""
        words = [w for w in query.topic_words if len(w) >= 4]
        kinds = subject_index(self.vocab).row_kinds  # 'reserve' says what kind of thing, not which one (unless
        # the question points back at what was just said: 'wordt daar geld uit een reserve voor gebruikt?')
        specific = [w for w in words if not any(names_kind(w, k) for k in kinds)]
        if specific and not query.refers:
            words = specific
        counting = query.counted is not None and query.measure is None  # 'hoeveel zetels?' counts things; table
        # rows hold money and percentages, except an indicator that counts that very thing ('Aantal bezwaarschriften')
        if not words or not (query.years or query.measure or query.intent in (*TABLE_INTENTS, "how")
                             or (query.intent == "explain" and query.measure)):
            return None
        vector = self._query_vector(query.search_text)
        fused, _ = self._rank(query, vector, set())
        for hit in rank_sections(self.index, fused, 3):
            subj = self.row_sections.get(hit.section.id)
            if subj is None or subj.document_id not in query.scope or subj.id in query.set_aside or \
                    (query.money and subj.kind == "indicator") or _unasked_reserve(query, subj) or (
                    query.measure is not None and query.measure not in self._families(subj)):
                continue
            title = fold(" ".join((subj.label, *self.index.corpus.section(hit.section.id).alt_titles)))  # type: ignore[union-attr]
            if counting and (subj.kind != "indicator" or (query.counted or "")[:WORD_PREFIX] not in title
                             or not fold(subj.label).startswith(COUNT_WORDS)):
                continue  # (a percentage of inwoners counts no inwoners)
            title_words = re.findall(r"[a-z]+", title)
            covered = sum(1 for w in words if (w[:WORD_PREFIX] in title if subj.kind == "indicator" else any(
                names_word(w, t) for t in title_words)))  # (an indicator's long title: any part of it; a name:
            # the word itself or its head, 'belasting' is not the 'belastingsamenwerking')
            needed = 2 / 3 if query.intent == "how" else 1 / 2  # 'hoe …?' is more often about a process
            if query.manner and subj.kind == "indicator" and not query.asks_source:
                continue  # how something is done is not a figure ('hoe betrekt de gemeente inwoners …?')
            if covered >= needed * len(words):
                return subj
        return None

    def _sources(self, query: Query, subject: Subject | None) -> Answer | None:
        """Where the figures asked about come from: the source each indicator names (an indicator named or found,
        or every indicator under the subject named)."""
        if subject is not None and subject.kind != "indicator":
            roots = set(subject.sections)
            indicators = [s for s in self.vocab.subjects.values() if s.kind == "indicator" and s.section_id
                          and is_under(self.vocab.parents, s.section_id, roots)]
        else:
            found = subject or self._subject_by_retrieval(replace(query, intent="how"))
            indicators = [found] if found is not None and found.kind == "indicator" else []
        answers = [a for a in (source_answer(self.settings, self.index.corpus, query, i) for i in indicators[:SOURCES])
                   if a is not None]
        if not answers:
            return None
        cited = [c for a in answers for c in a.citations]
        groups = {self.vocab.parents.get(i.section_id or "") for i in indicators}
        group = self.index.corpus.section(groups.pop() or "") if len(indicators) > 1 and len(groups) == 1 else None
        if group is not None:  # (several indicators of one table: that table's section first)
            cited = [cite(self.settings, 1, group, group.label), *cited]
        return replace(answers[0], text=" ".join(a.text for a in answers),
                       citations=tuple(replace(c, n=n) for n, c in enumerate(cited, start=1)))

    def _foreign_name(self, query: Query, row: Subject) -> str | None:
        """A name in the question the answering row does not carry ('wat betaalt <other town> …')."""
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


def _unasked_reserve(query: Query, subject: Subject) -> bool:
    """A reserve found by a word it shares ('waarom vergadert de raad anders?' is no question about the reserve
    raad): a why without a measure is about a reserve only when the question says reserve."""
    return subject.kind == "reserve" and query.intent == "explain" and query.measure is None \
        and not any(names_kind(w, "reserve") for w in query.words)
