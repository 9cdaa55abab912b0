"""The words of a question: cue-level facts, content words, names, typos, compounds (pure functions of the text)."""

from __future__ import annotations

import difflib
import re

from knowledge.cues import (
    AMOUNT_CUES,
    AUXILIARIES,
    COMPARED,
    CONDITION,
    COUNTED_YEARS,
    CUE_WORDS,
    GENERIC,
    HIGHEST,
    LATER,
    LOWEST,
    MIN_COMPOUND_PART,
    MONEY_WORDS,
    NUMBERS,
    PLURAL,
    QUOTED_PHRASE,
    RELATIVE_YEARS,
    RELAY_CLOSE,
    RELAY_OPEN,
    STRUCTURE_WORDS,
    WHICH_YEAR,
)
from knowledge.lexical import STOPWORDS, split_compound, stem, words
from knowledge.vocabulary import INDICATOR_FAMILIES, Vocabulary
from nlu.entities import fold
from nlu.glossary import GLOSSARY, glossary_terms


def amount_cue(folded: str) -> bool:
    """A word that asks for an amount ('hoeveel', 'bedrag', '€')."""
    return "€" in folded or any(re.search(r"(?<![\w])" + re.escape(c) + r"(?![\w])", folded)
                                for c in AMOUNT_CUES if c != "€")


def condition(folded: str) -> tuple[int, int] | None:
    """The span of a condition inside the question ('… als ze te veel uitgeven', 'what if it costs more'), up to
    a comma or the end."""
    found = CONDITION.search(folded)
    if found is None:
        return None
    end = folded.find(",", found.end())
    return found.start(), end if end >= 0 else len(folded)


def relative_year(folded: str) -> int | None:
    """The offset of a relative year ('vorig jaar' -1, 'twee jaar later' +2), or None."""
    counted = COUNTED_YEARS.search(folded)  # 'twee jaar later', 'two years before'
    if counted is not None:
        n = int(counted.group(1)) if counted.group(1).isdigit() else NUMBERS[counted.group(1)]
        return n if counted.group(2) in LATER else -n
    for phrase, offset in sorted(RELATIVE_YEARS.items(), key=lambda kv: -len(kv[0])):
        if re.search(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])", folded):
            return offset
    return None


def against_relative(folded: str) -> bool:
    """A relative year right after 'hoger dan' / 'more than': what is compared against, not the year asked."""
    return any(COMPARED.search(folded[:start]) for start, _ in relative_spans(folded))


def relative_spans(folded: str) -> list[tuple[int, int]]:
    """Where relative-year phrases stand ('the year before' is no topic)."""
    return [(m.start(), m.end()) for phrase in RELATIVE_YEARS
            for m in re.finditer(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])", folded)] + [
        (m.start(), m.end()) for m in COUNTED_YEARS.finditer(folded)]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def content_words(folded: str, taken: list[tuple[int, int]]) -> list[str]:
    """Topic words outside recognised spans: not numbers, not stopwords, not generic."""
    out: list[str] = []
    for m in re.finditer(r"[a-z][a-z'-]+", folded):
        if overlaps(m.start(), m.end(), taken):
            continue
        w = m.group(0).strip("'-")
        if len(w) <= 2 or w in STOPWORDS or w in GENERIC or w in CUE_WORDS or w in STRUCTURE_WORDS or not words(w):
            continue
        out.append(w)
    return out


PARTICLES = ("aan", "op", "uit", "af", "mee", "door", "terug", "toe", "in", "over", "na", "voor", "bij")


def join_separable(content: list[str], folded: str, corpus_words: frozenset[str], manner: bool = False) -> list[str]:
    """A verb whose particle ends the question is the joined verb the budget writes ('welke taken voert X uit?'
    -> 'uitvoer'), when the budget knows that word and not the bare verb form; in a question of manner the verb
    only says how and is dropped ('hoe pakt de gemeente X aan?' asks about X)."""
    last = re.findall(r"[a-z]+", folded)[-1:] or [""]
    if last[0] not in PARTICLES:
        return content
    out = []
    for w in content:
        joined = [last[0] + w[:cut] for cut in (len(w), -1, -2) if cut == len(w) or len(w) + cut >= 3]
        known = next((j for j in joined if j in corpus_words), None)
        if known is not None and w not in corpus_words:
            if not manner:
                out.append(known)
        else:
            out.append(w)
    return out


LONG_WORD = 7


MIN_TYPO_WORD = 7  # shorter unknown words are mostly verb forms: never 'corrected' into another word


def correct_names(text: str, vocab: Vocabulary) -> str:
    """Short misspelt words close to a word of a subject's name ('holand' -> 'holland', 'bestur' -> 'bestuur')."""
    out = text
    for m in reversed(list(re.finditer(r"[^\W\d_]{4,}", text))):
        word = fold(m.group(0))
        if word in vocab.alias_words or word in STOPWORDS or len(word) >= MIN_TYPO_WORD or stem(word) in vocab.stems:
            continue  # known Dutch words ('maken') are never turned into a name ('taken')
        close = difflib.get_close_matches(word, vocab.alias_words_by_length(len(word), word[0]), n=1, cutoff=0.8)
        if close:
            out = out[: m.start()] + close[0] + out[m.end():]
    return out


def english_keywords(text: str, corpus_words: frozenset[str]) -> bool:
    """Keyword-style English ('revenue governance <year>', 'withdrawal from the elections reserve'): a glossary word
    that is no Dutch corpus word, and no Dutch function word."""
    terms = glossary_terms(text, force=True)  # ('reserve' is a Dutch word too; 'elections' is not)
    return any(all(w not in corpus_words for w in t.split()) for t in terms) and not re.search(
        r"(?<![\w])(de|het|een|van|wat|hoeveel|zijn|is)(?![\w])", fold(text))


def is_known(word: str, corpus_words: frozenset[str], stems: frozenset[str]) -> bool:
    """The word or its stem occurs in the corpus."""
    return word in corpus_words or stem(word) in stems


def split_known(content: list[str], corpus_words: frozenset[str], stems: frozenset[str],
                 english: bool, dutch_terms: set[str] | None = None) -> tuple[list[str], list[str]]:
    """Topic words (known to the corpus, or long unknown nouns such as 'parkeervergunning') and weak words
    (short unknown words: mostly verb forms, or in English questions words the glossary does not know)."""
    topic: list[str] = []
    weak: list[str] = []
    for w in content:
        dutch = not english or w in (dutch_terms or set())
        if is_known(w, corpus_words, stems) or split_compound(w, corpus_words) or (len(w) >= LONG_WORD and dutch):
            topic.append(w)
        else:
            weak.append(w)
    return topic, weak


def after_article(word: str, folded: str) -> bool:
    """The word follows the indefinite article and has no adjective ending: a noun, a new thing asked about ('een
    laptop'), not a verb form ('kunnen ze … afhandelen') nor a misspelling of a known thing ('de reserf')."""
    return not word.endswith("e") and re.search(r"(?<![\w])een\s+" + re.escape(word) + r"(?![\w])", folded) is not None


def proper_names(text: str, taken: list[tuple[int, int]]) -> tuple[str, ...]:
    """Capitalised words inside a sentence ('Leiderdorp', 'Tweede Kamer') that no subject explains."""
    out: list[str] = []
    for m in re.finditer(r"(?<=[\w,;:)] )([A-Z][a-zà-ÿ]{3,}(?:-[A-Z]?[a-zà-ÿ]+)*)", text):
        if overlaps(m.start(1), m.end(1), taken) or fold(m.group(1)) in GENERIC or fold(m.group(1)) in STOPWORDS:
            continue
        out.append(fold(m.group(1)))
    return tuple(out)


def extreme_asked(folded: str) -> str | None:
    """'max' or 'min' when the year of the highest or lowest amount is asked ('in welk jaar … het hoogst?')."""
    if WHICH_YEAR.search(folded) is None:
        return None
    high, low = HIGHEST.search(folded), LOWEST.search(folded)
    return "max" if high and not low else "min" if low and not high else None


def quoted_phrase(text: str) -> str | None:
    """The first quoted phrase of two words or more, folded."""
    found = next((fold(m.group(1)).strip() for m in QUOTED_PHRASE.finditer(text) if len(m.group(1).split()) >= 2),
                 None)
    return found or None


def money_compound(folded: str, vocab: Vocabulary) -> str | None:
    """A word that ends in a money measure word without being one ('personeelskosten', 'verkiezingsuitgaven')."""
    heads = [w for w, f in vocab.measure_words.items() if " " not in w and len(w) >= MIN_COMPOUND_PART + 1
             and f not in INDICATOR_FAMILIES]
    for word in re.findall(r"[a-z]{9,}", folded):
        if word not in vocab.measure_words and any(
                word.endswith(h) and len(word) - len(h) >= MIN_COMPOUND_PART for h in heads):
            return word
    return None


def other_municipality(text: str, vocab: Vocabulary, corpus_words: frozenset[str]) -> str | None:
    """A municipality named in the question ('gemeente X', also typed in lower case: a word the budget does
    not know) whose budget the index does not hold."""
    own = {fold(d.municipality) for d in vocab.documents.values() if d.municipality}
    for m in re.finditer(r"(?:\b[Gg]emeente|\bmunicipality of)\s+([A-Z][\w'-]+(?:[ -][A-Z][\w'-]+)*)", text):
        if fold(m.group(1)) not in own:
            return m.group(1)
    for m in re.finditer(r"(?<![\w])(?:gemeente|municipality of)\s+([a-z][a-z'-]{2,})(?![\w])", fold(text)):
        word = m.group(1)
        if len(word) >= MIN_COMPOUND_PART and word not in own and word not in STOPWORDS and word not in GENERIC \
                and word not in CUE_WORDS and word not in vocab.measure_words \
                and not is_known(word, corpus_words, vocab.stems):  # ('de gemeente netto': a measure, no town)
            return word
    return None


def counted_noun(folded: str, names: tuple[str, ...] = ()) -> str | None:
    """The noun a 'hoeveel X' / 'how many X' question counts ('medewerkers'), unless it is money ('how much'
    counts nothing) or a name ('hoeveel betaalde <town>': a verb, then the town)."""
    m = re.search(r"(?<![\w])(?:hoeveel|how many)\s+([a-z][a-z'-]{3,})(?:\s+([a-z][a-z'-]{3,}))?", folded)
    if m is None:
        return None
    word = m.group(1)
    if m.group(2) and word.endswith("e") and word not in CUE_WORDS:  # an inflected adjective: 'andere gemeenten'
        word = m.group(2)
    if word in MONEY_WORDS or word in AUXILIARIES or word in names or not PLURAL.search(word) or (
            word in STOPWORDS and word not in GENERIC):
        return None  # money, a verb or a function word: no count of things ('hoeveel gaat er …', 'hoeveel geld')
    return word


def counted_in_dutch(folded: str, names: tuple[str, ...], english: bool) -> str | None:
    """The thing a 'hoeveel …?' counts, in Dutch ('how many questions' counts 'vragen')."""
    noun = counted_noun(folded, names)
    if noun is not None and english and noun in GLOSSARY:
        return GLOSSARY[noun].split()[0]
    return noun


def unwrap_relay(text: str) -> str:
    """The question itself when KCC staff relay it ('Inwoner vraagt hoeveel …, wat kan ik zeggen?' → 'hoeveel …')."""
    if RELAY_OPEN.match(text) is None:
        return text
    inner = RELAY_CLOSE.sub("", RELAY_OPEN.sub("", text, count=1)).strip(" ,;:")
    if not inner or inner == text.strip() or len(inner.split()) < 2:
        return text
    return inner if inner[-1] in "?.!" else inner + "?"
