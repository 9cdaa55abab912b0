"""The amount routes of the service: counts of things, table amounts with their checks, and numbers whose change
the budget does not explain."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.answer import abstain, clarify_answer, explanation_answer, table_answer
from knowledge.checks import NUMBER_WORD
from knowledge.comparison import compare_pair, table_pair_answer
from knowledge.description import describe
from knowledge.numbers import EURO_IN_TEXT, FIGURE_IN_TEXT
from knowledge.purpose import purpose_answer
from knowledge.service.subjects import Subjects
from knowledge.table_answer import find_facts, narrower_words
from knowledge.types import Answer, NoAmount, Query, Resolved, Subject, TableFacts
from knowledge.vocabulary import INDICATOR_FAMILIES


class Amounts(Subjects):
    """Amount answers; the Service dataclass (knowledge.service.core) holds the state used here."""

    def _count_answer(self, query: Query, subject: Subject | None) -> Answer:
        """'hoeveel zetels / andere gemeenten / vragen?': a number of things, which only prose gives; a euro row of
        the subject is no count."""
        s = self.settings
        tries = [self._passage_answer(query)]
        sentence = self._count_sentence(query, set(subject.sections)) if subject is not None else None
        tries += [sentence] if sentence is not None else []  # (the passage just quoted first, then the subject)
        for passage in tries:
            from_table = any(c.section_id in self.table_sections for c in passage.citations)
            if passage.answered and not from_table and (FIGURE_IN_TEXT.search(passage.text) or NUMBER_WORD.search(
                    passage.text)) and self.coverage.counts(query, passage.text):
                return passage
        return abstain(s, query.text, 0.0, f"In de begroting staat geen aantal {query.counted}.")

    def _amount_answer(self, query: Query, subject: Subject | None) -> Answer:
        """An amount from verified table cells (or a pair of rows), else the prose sentence with it, else why not."""
        s = self.settings
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
        if isinstance(facts, NoAmount) and facts.search and subject is not None and query.part_of:
            part = purpose_answer(s, self.index.corpus, query, subject, self.vocab.generic, query.topic_words)
            if part is not None:  # 'hoeveel daarvan is voor X?': the toelichting's sentence on X
                return part
        if isinstance(facts, NoAmount) and (subject is None or (facts.search and not query.part_of)) \
                and query.topic_words:
            passage = self._passage_answer(query)
            pattern = EURO_IN_TEXT if query.money or (
                query.measure and query.measure not in INDICATOR_FAMILIES) else FIGURE_IN_TEXT  # (euros: no scores)
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
        part = purpose_answer(s, self.index.corpus, query, facts.subject, self.vocab.generic) \
            if "subject" not in query.inherited else None
        narrower = tuple(w for w in narrower_words(query, facts.subject)
                         if w not in self.vocab.generic and w not in self.vocab.measure_words)
        if part is None and narrower and facts.subject.explanations and "subject" not in query.inherited \
                and query.language == "nl":  # (an English word may be the name in translation)
            # 'hoeveel gaat er uit de reserve voor de verkiezingen?': the toelichting's sentence on that part
            part = purpose_answer(s, self.index.corpus, query, facts.subject, self.vocab.generic, narrower)
        if part is not None:  # 'how much of it goes to what we just talked about': that sentence
            return part
        label = self._document_label(facts.subject.document_id)
        amount = replace(table_answer(s, query.text, facts, describe(facts, label)), frame=query)
        reason = explanation_answer(s, self.index.corpus, self.vocab, replace(query, intent="explain"),
                                    facts.subject) if "explanation" in query.inherited else None
        if reason is not None and reason.answered and _only_amounts_of(reason.text, facts):
            # the number, then what the budget says it is for (when that names no other amount)
            cited = (*amount.citations, *reason.citations)
            amount = replace(amount, text=f"{amount.text} {reason.text}",
                             citations=tuple(replace(c, n=i) for i, c in enumerate(cited, start=1)))
        return amount

    def _numbers_without_reason(self, query: Query) -> Answer | None:
        """'Waarom zo'n verschil tussen <jaar> en <jaar>?' without a reason in the budget: the two cited numbers
        asked about, and plainly that the budget gives no reason for the difference (not answered: the why is not)."""
        facts = find_facts(replace(query, intent="compare"), self.vocab, self.index.corpus, self.index.vocabulary)
        if isinstance(facts, NoAmount):
            return None
        amount = table_answer(self.settings, query.text, facts,
                              describe(facts, self._document_label(facts.subject.document_id)))
        return replace(amount, text=f"{amount.text} De begroting geeft geen specifieke reden voor dit verschil.",
                       confidence=0.8, frame=query, answered=False)  # (the why is not answered: said plainly,
        # like an explanation that only has the general toelichting)

def _only_amounts_of(text: str, facts: TableFacts) -> bool:
    """Every amount the text names is one of the answered cells' amounts (in euros)."""
    factor = 1000 if any(c.unit == "× €1.000" for c in facts.cells) else 1
    own = {f"{round(abs(c.value) * factor):,}".replace(",", ".") for c in facts.cells if c.value is not None}
    return set(re.findall(r"\d{1,3}(?:\.\d{3})+", text)) <= own
