"""Dutch tokens for BM25: folded, stopwords removed, Snowball-stemmed, compounds split on known words."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer  # type: ignore[import-untyped]

from nlu.entities import fold

STOPWORDS = frozenset(
    """
    aan al alle alles als altijd andere ben bij daar daarom dan dat de der deze die dit doch doen door dus een
    eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun ik in is ja je kan kon kunnen
    maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds te tegen
    toch toen tot u uit uw van veel voor want waren was wat we wel werd wezen wie wil worden wordt zal ze zei zelf
    zich zij zijn zo zonder zou welke waar wanneer waarom hoeveel gaat gaan staat wij jullie hen ze zit zitten
    krijg krijgt krijgen kreeg kregen gekregen kun kunt mag mogen wil willen doet doe deed deden gedaan iets ding
    dingen graag eigenlijk even the a an of to in is are what who when where why how which does do for on and or
    with about my i you daaraan daarvoor daarvan daarin daarmee daarop daarover hiervoor hieraan hiervan hierin
    ervoor eraan ervan erin erover waardoor waarvoor waarmee waarin waarop waaraan waarover hoezo welk wordt
    werden geworden zullen kunnen moeten mogen willen hoeveelheid gemeente gemeentes gemeenten
     vooral precies concreet allemaal echt voornamelijk hoofdzakelijk volgens alweer via heet heten vindt vinden
    vond vonden verder
""".split()
) | {head + tail for head in ("daar", "hier", "er", "waar") for tail in (  # pronominal adverbs: 'daarachter'
    "aan achter bij binnen boven buiten door in mee na naar naast om onder op over tegen toe tussen uit van voor "
    "naartoe").split()}
_TOKEN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def words(text: str) -> list[str]:
    """Folded word tokens without stopwords."""
    return [w for w in _TOKEN.findall(fold(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def stem(word: str) -> str:
    """The Dutch Snowball stem of one folded word."""
    return str(_stemmer().stemWord(word))


def split_compound(word: str, vocabulary: frozenset[str], min_tail: int = 5, min_head: int = 6) -> list[str]:
    """Known words a compound ends or starts with: 'gemeenteraadsverkiezingen' -> verkiezingen, gemeenteraad."""
    parts: list[str] = []
    if len(word) < min_tail + 3:
        return parts
    for cut in range(3, len(word) - min_tail + 1):
        tail = word[cut:]
        if tail in vocabulary:
            parts.append(tail)
            break
    for cut in range(len(word) - 3, min_head - 1, -1):
        head = word[:cut]
        for candidate in (head, head[:-1] if head.endswith("s") else ""):
            if len(candidate) >= min_head and candidate in vocabulary and candidate not in parts:
                parts.append(candidate)
                return parts
    return parts


INFLECTIONS = ("", "s", "e", "en", "n", "es")  # what may follow a compound's last part ('vergaderingen')
MIN_HOSTED = 6  # shortest word looked for inside the corpus's compounds


@lru_cache(maxsize=8)
def _joined(vocabulary: frozenset[str]) -> str:
    """The vocabulary as one string, a word per line, for finding a word inside compounds."""
    return "\n" + "\n".join(sorted(vocabulary)) + "\n"


def hosted(word: str, vocabulary: frozenset[str]) -> bool:
    """The word is a part of a compound the corpus uses: its head ('omnichannel' in 'omnichannelstrategie') or
    its last part ('vergadering' in 'raadsvergaderingen')."""
    if len(word) < MIN_HOSTED:
        return False
    text = _joined(vocabulary)
    at = text.find(word)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        rest = text[at + len(word): text.find("\n", at)]
        if (at == start and len(rest) >= 4) or (at - start >= 4 and rest in INFLECTIONS):
            return True
        at = text.find(word, at + 1)
    return False


def tokens(text: str, vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """Stemmed tokens of a text, plus the stems of known parts of compounds."""
    out: list[str] = []
    for w in words(text):
        out.append(stem(w))
        for part in split_compound(w, vocabulary):
            out.append(stem(part))
    return out


def vocabulary_of(texts: Iterable[str]) -> frozenset[str]:
    """The folded words (at least 4 letters) of a corpus, for compound splitting."""
    return frozenset(w for t in texts for w in words(t) if len(w) >= 4 and not w.isdigit())


@lru_cache(maxsize=8)
def _by_start(vocabulary: frozenset[str]) -> dict[tuple[str, int], list[str]]:
    """Corpus words (and the longer common words) by first letter and length, built once per vocabulary."""
    out: dict[tuple[str, int], list[str]] = {}
    for v in vocabulary | {w for w in STOPWORDS if len(w) >= 5}:  # (common words too: 'gemeete' -> 'gemeente')
        out.setdefault((v[:1], len(v)), []).append(v)
    return out


def correct_typos(text: str, vocabulary: frozenset[str], keep: Iterable[tuple[int, int]] = (),
                  extra: Iterable[str] = ()) -> str:
    """Replace words unknown to the corpus by a close corpus word ('verkiezngen' -> 'verkiezingen').

    Spans in ``keep`` (words already recognised as entities) are left alone; ``extra`` words (the names residents
    use for the budget's measures: 'inkomsten') are candidates too.
    """
    others = [w for w in extra if " " not in w]
    by_start: dict[tuple[str, int], list[str]] = {}
    kept = list(keep)
    out = text
    for m in reversed(list(re.finditer(r"[^\W\d_]{5,}", text))):
        if any(m.start() < end and start < m.end() for start, end in kept):
            continue
        word = fold(m.group(0))
        if word in vocabulary or word in STOPWORDS or word in others:
            continue
        if not by_start:
            by_start.update(_by_start(vocabulary))
        pool = [v for n in range(len(word) - 2, len(word) + 3) for v in by_start.get((word[:1], n), [])] + [
            w for w in others if w[:1] == word[:1] and abs(len(w) - len(word)) <= 2]
        match = difflib.get_close_matches(word, pool, n=1, cutoff=0.84)
        if (split_compound(word, vocabulary) or hosted(word, vocabulary)) \
                and not (match and edits(word, match[0]) == 1):
            continue  # (a part of a compound the corpus uses is a word too: 'vergadering'; one letter off a
            # corpus word is a typo all the same: 'kanallen')
        if match:
            out = out[: m.start()] + match[0] + out[m.end() :]
    return out


def edits(a: str, b: str) -> int:
    """The Levenshtein distance of two words."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]
