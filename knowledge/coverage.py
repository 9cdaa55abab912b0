"""Coverage: does a cited passage answer the question's words? (One shared word is not coverage.)"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from knowledge.begrippen import answering_words, lookup
from knowledge.checks import NUMBER_WORD, names_word
from knowledge.cues import PARTICIPLE_FORM
from knowledge.index import Index
from knowledge.lexical import split_compound, stem, tokens
from knowledge.types import Answer, Query
from nlu.entities import fold

MIN_CITED_COVERAGE = 0.5
PREFIX = 5  # letters that identify an inflected word in coverage checks
COMMON_MIN, COMMON_SHARE = 5, 20  # a word in 1 of 20 passages (at least 5) is common
COMPOUND_PART = 5  # shortest stem that counts when found inside a compound ('schema' in 'vergaderschema')


def _part_of(stem: str, word: str) -> bool:
    """The stem is a part of a compound word: its start, or after another word of four letters or more
    ('schema' in 'vergaderschema', not 'wacht' in 'verwacht')."""
    if len(stem) < COMPOUND_PART or len(word) < len(stem) + 3:
        return False
    at = word.find(stem)
    return at == 0 or at >= COMPOUND_PART - 1


@dataclass(frozen=True)
class Coverage:
    """Word statistics of one loaded index, built once: the stems of each section, passage frequencies."""

    vocabulary: frozenset[str] = frozenset()
    section_stems: dict[str, frozenset[str]] = field(default_factory=dict)
    chunk_frequency: dict[str, int] = field(default_factory=dict)
    chunks: int = 0
    municipalities: frozenset[str] = frozenset()
    section_titles: dict[str, frozenset[str]] = field(default_factory=dict)  # the stems of each section's title

    def counts(self, query: Query, text: str) -> bool:
        """For 'hoeveel X?': a number stands within a few words of X in the passage ('75% van de vragen')."""
        if query.counted is None or (query.measure is not None and "measure" not in query.inherited):
            return True  # (a measure carried over from an amount counts nothing)
        wanted = set(tokens(query.counted, self.vocabulary)) | {stem(query.counted)}  # (a generic noun counts too)
        words_ = text.split()
        for i, w in enumerate(words_):
            if re.search(r"\d", w) or NUMBER_WORD.fullmatch(w.strip(".,;:()").lower()):
                near = " ".join(words_[max(0, i - 4): i + 5])
                if wanted & (set(tokens(near, self.vocabulary)) | {stem(v) for v in re.findall(r"\w+", fold(near))}):
                    return True
        return False


    def frequency(self, word: str) -> int:
        """In how many passages the word (its rarest stem) occurs; 0 when unknown."""
        return min((self.chunk_frequency.get(t, 0) for t in tokens(word, self.vocabulary)), default=0)


    def covered(self, query: Query, answer: Answer, strict: bool = False) -> bool:
        """The cited passages cover the question's topic words (one shared word is not coverage)."""
        words = query.topic_words
        if query.phrase and not strict and any(query.phrase in fold(c.quote) for c in answer.citations):
            return True  # the passage uses the very phrase the asker quoted ('het principe "…"')
        if query.topic and "topic" in query.inherited:
            # a follow-up within the passage just cited ('waarom zijn die belangrijk?'): its common words say
            # what is asked about that passage; only its specific words must be there
            common = max(COMMON_MIN, self.chunks // COMMON_SHARE)
            words = tuple(w for w in words if self.frequency(w) < common)
        if not words and not query.names:
            return True
        rarest = min(words, key=lambda w: (self.frequency(w), -len(w))) if words else ""  # (of equally rare
        # words the longest is the most specific: 'tevreden', not the verb 'meet')
        cited: set[str] = set()
        for c in answer.citations:
            cited |= self.section_stems.get(c.section_id, frozenset())
            cited |= set(tokens(c.quote, self.vocabulary))
        prefixes = {t[:PREFIX] for t in cited if len(t) >= PREFIX}
        surface = set(re.findall(r"[a-z]+", fold(" ".join(c.quote for c in answer.citations))))  # (as written)
        roots = {PARTICIPLE.sub("", t) for t in cited if PARTICIPLE.match(t)}  # 'afhandel' -> 'handel'
        prefixes |= {r[:PREFIX] for r in roots if len(r) >= PREFIX}  # 'handelt' ~ 'afgehandeld'

        def has(word: str) -> bool:  # its stem, its first letters ('levert' ~ 'leveren'), or part of a compound
            stems = set(tokens(word, self.vocabulary))
            if stem(word) not in cited and self.chunk_frequency.get(stem(word), 0) == 0:
                parts = split_compound(word, self.vocabulary)
                tail = next((p for p in parts if word.endswith(p)), None)
                common = max(COMMON_MIN, self.chunks // COMMON_SHARE)
                if parts and not any(lookup(p) for p in parts) and (tail is None or self.frequency(tail) < common):
                    # a compound the budget never uses is covered by its head only ('accountantskantoor' is not
                    # covered by 'accountant', 'levertijd' not by 'levert'); a head as common as 'staat' says little,
                    # and a compound of a budget term ('subsidiestaat') is the budget's own kind of word
                    if tail is None:
                        return False
                    if len(stem(tail)) < COMPOUND_PART:  # a short stem is shared by other words ('heffen'): the
                        return any(names_word(tail, w) for w in surface)  # head as written
                    return stem(tail) in cited or any(_part_of(stem(tail), t) for t in cited)
            if stem(word) in cited or (len(word) > PREFIX and word[:PREFIX] in prefixes):
                return True
            if len(stems) > 1 and self.chunk_frequency.get(stem(word), 0) > 0:
                return False  # a compound the budget uses names its own thing: its head alone is another
                # ('uitvoeringsagenda' is not the 'agenda' of another passage)
            if stems & cited:
                return True
            if len(word) >= 4 and any(stem(word + plural) in cited for plural in PLURALS):
                return True  # a singular asked, the plural written ('kans' ~ 'kansen', stemmed 'kan' and 'kans')
            if NOMINAL_TE.match(word) and stem(word[:-2]) in cited:
                return True  # a noun made of an adjective ('drukte' ~ 'druk', 'hoogte' ~ 'hoog')
            if PARTICIPLE_FORM.fullmatch(word) and (root := PARTICIPLE.sub("", word)) != word \
                    and len(root) > PREFIX and root[:PREFIX] in prefixes:
                return True  # a participle asked, its verb written ('geëvalueerd' ~ 'evalueren')
            if any(r.startswith(s) for s in stems if len(s) >= PREFIX for r in roots):
                return True  # 'handelen ze … af?' ~ 'afgehandeld'
            if any(set(tokens(w, self.vocabulary)) & cited for w in answering_words(word)):
                return True  # a budget term or its opposite ('eenmalig?' ~ 'structurele')
            return any(_part_of(s, t) for s in stems for t in cited)

        hits = sum(1 for w in words if has(w))
        own = self.municipalities
        names = [n for n in query.names if not any(n.startswith(m) for m in own)]
        if any(not (set(tokens(n, self.vocabulary)) & cited) for n in names):
            return False  # a name the passage does not mention ('Tweede Kamer', another municipality)
        if not words:
            return True
        if strict:  # an amount quoted from prose: every topic word, and every weak word, in the passage
            return hits == len(words) and all(has(w) for w in query.weak_words)
        named = bool(query.mentions) and "subject" not in query.inherited
        if rarest and not has(rarest) and (not named or self.frequency(rarest) == 0):
            # the most specific word (the rarest in the corpus) must be in the passage; when the question names
            # its subject, only a word the budget never uses must be (the other words say what is asked of it)
            return False
        within = query.topic is not None and "topic" in query.inherited  # the passage was pinned by the turn before
        bounded = query.period is not None and PERIOD_IN_TEXT[query.period].search(fold(answer.text)) is not None
        counted = query.counted is not None and self.counts(query, answer.text)  # what is asked: how many, said
        titled = query.intent in TITLED_INTENTS and any(
            set(tokens(w, self.vocabulary)) & self.section_titles.get(c.section_id, frozenset())
            or stem(w + "en") in self.section_titles.get(c.section_id, frozenset())
            for w in words for c in answer.citations)  # a passage under the word's own title is about it ('Kansen')
        if len(words) <= 1 and query.language == "nl" and query.weak_words and not within and not bounded \
                and not counted and not titled and not any(has(w) for w in query.weak_words):
            # (the verb of 'tot wanneer loopt X?' is answered by a passage that says 'tot en met <year>')
            return False  # 'wie wint de verkiezingen?': the one topic word is there, what is asked of it is not
        others = [w for w in words if w not in query.names]
        if len(words) <= 2 and others and not any(has(w) for w in others):
            return False  # the name is there, what is asked about it is not ('wie wint de verkiezingen in X?')
        needed = 1 if len(words) <= 2 else max(2, int(np.ceil(MIN_CITED_COVERAGE * len(words))))
        return hits >= needed


# how a passage bounds a period: its end ('tot en met <jaar>') or its start ('met ingang van <jaar>', 'vanaf <jaar>')
PERIOD_IN_TEXT = {"end": re.compile(r"(?<![\w])(?:tot en met|t/m|tot|until|through)\s+(?:\w+\s+)?(?:19|20)\d\d"),
                  "start": re.compile(r"(?<![\w])(?:met ingang van|vanaf|sinds|from|since)\s+(?:\w+\s+)?(?:19|20)\d\d")}
TITLED_INTENTS = ("list", "info", "define", "explain", "how")  # (not who, when or an amount: 'wie wint de …?')
PLURALS = ("en", "s")  # plural endings: a singular's plural may stem differently ('kans' → 'kan', 'kansen' → 'kans')
NOMINAL_TE = re.compile(r"^[a-z]{4,}te$")  # a noun of an adjective with '-te' ('drukte', 'hoogte', 'warmte')
# a separable verb's particle and a participle's 'ge' ('afgehandeld', stemmed 'afhandel', holds 'handel')
PARTICIPLE = re.compile(r"^(?:(?:af|aan|op|uit|toe|mee|door|terug)(?:ge)?|ge)(?=\w{5})")


def build_coverage(index: Index) -> Coverage:
    """Count each stem's passages and collect each section's stems (once per loaded index)."""
    frequency: dict[str, int] = {}
    for chunk in index.chunks:
        for t in set(tokens(chunk.text, index.vocabulary)):
            frequency[t] = frequency.get(t, 0) + 1
    stems = {s.id: frozenset(tokens(" ".join((s.text, *s.path, *s.alt_titles)), index.vocabulary))
             for s in index.corpus.sections}
    towns = frozenset(fold(d.municipality) for d in index.corpus.documents if d.municipality)
    titles = {s.id: frozenset(tokens(" ".join((s.title, *s.alt_titles)), index.vocabulary))
              for s in index.corpus.sections}
    return Coverage(index.vocabulary, stems, frequency, len(index.chunks), towns, titles)
