"""Pure Dutch entity recognition for budget questions: years, section codes, general measures, amounts.

Names of lines, reserves and partijen are not constants here: the knowledge service reads them from the corpus
(knowledge.vocabulary) and callers can pass such vocabulary in ``extra``.

No third-party dependencies: this module runs in the Rasa venv (Python 3.10) and the knowledge
venv (Python 3.11) alike.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

KINDS = ("year", "section_code", "measure", "amount")
# the words a Dutch or English question starts with (shared by the Rasa components and the knowledge service)
QUESTION_WORDS = r"hoeveel|hoe|wie|wat|welke|welk|waarom|waar\w*|wanneer|how|who|what|which|why|where|when"


@dataclass(frozen=True)
class Entity:
    """One recognised entity: its kind, normalised value and character span."""

    kind: str
    value: str
    start: int
    end: int
    text: str


# Measures (table rows). Longer phrases come first so "saldo van baten en lasten" beats "saldo".
MEASURE_TERMS: Mapping[str, Sequence[str]] = {
    "Saldo van baten en lasten": ("saldo van baten en lasten", "saldo baten en lasten"),
    "Mutaties reserves": ("mutaties reserves", "mutatie reserves", "mutaties in de reserves", "reservemutaties"),
    "Lasten": (
        "lasten", "last", "kosten", "kost", "kostte", "kosten", "uitgaven", "uitgave", "uitgeven",
        "uitgegeven", "geeft uit", "besteed", "besteden", "cost", "costs", "spend", "spending",
        "expenses", "expenditure",
    ),
    "Baten": (
        "baten", "inkomsten", "opbrengsten", "opbrengst", "ontvangsten", "inkomen", "verdient",
        "income", "revenue", "revenues",
    ),
    "Saldo": ("saldo", "netto", "net", "balance"),
    "Toevoeging": ("toevoeging", "toevoegingen", "toegevoegd", "storting", "gestort", "addition"),
    "Onttrekking": (
        "onttrekking", "onttrekkingen", "onttrokken", "onttrekken", "uit de reserve", "uit de reserves",
        "withdrawal",
    ),
    "Resultaat": ("resultaat", "result"),
    "Bijdrage": (
        "bijdrage", "bijdragen", "betaalt", "betalen", "draagt", "dragen bij", "contribution", "contributes",
    ),
    "Streefwaarde": ("streefwaarde", "streefwaarden", "streven", "doelwaarde", "target", "targets"),
    "Realisatie": (
        "realisatie", "gerealiseerd", "behaald", "gemeten", "score", "scoorde", "percentage", "procent", "cijfer",
        "aandeel",
    ),
    "Indicator": ("tevreden", "tevredenheid", "ontevreden", "satisfied", "satisfaction", "effectindicator"),
    "Investering": (
        "investering", "investeringen", "investeren", "investeert", "geinvesteerd", "investment", "investments",
    ),
    "Subsidie": ("subsidie", "subsidies", "subsidieplafond", "subsidy", "grants"),
}

COMPOUND_MEASURES = ("Indicator", "Realisatie", "Streefwaarde")
_YEAR = re.compile(r"(?<![\d.,])(?:'|’)?(20[0-9]{2})(?![\d])")
_CODE = re.compile(r"(?<![\w.])(\d{1,2})\s?([a-zA-Z])(\d)(?:\.(\d{1,2})\.?|\.([a-zA-Z]))?(?![\w])")
_AMOUNT = re.compile(
    r"(?:€\s*)?(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+|-))?\s*"
    r"(miljoen|mln|miljard|duizend|euro)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-zà-ÿ]+(?:[-'][a-zà-ÿ]+)*")


class _FoldTable(dict[int, str]):
    """Folded form of each character, computed on first use (str.translate then works at C speed)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = unicodedata.normalize("NFKD", ch)
        kept = "".join(c for c in base if not unicodedata.combining(c)) or ch
        self[code] = folded = kept[0].lower() if len(kept) >= 1 else ch
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lowercase and strip accents, keeping character positions aligned with the input."""
    if text.isascii():  # nothing to strip: the same result, faster still
        return text.lower()
    return text.translate(_FOLD_TABLE)


class _Lexicon:
    """A lexicon compiled once: one regex for exact phrases, and single words grouped by length for typos."""

    def __init__(self, kind: str, lexicon: Mapping[str, Sequence[str]]) -> None:
        self.kind = kind
        self.value_of: dict[str, str] = {}
        for value, terms in lexicon.items():
            for term in (*terms, value):
                self.value_of.setdefault(fold(term), value)
        ordered = sorted(self.value_of, key=len, reverse=True)
        self.exact = re.compile(r"(?<![\w])(" + "|".join(re.escape(t) for t in ordered) + r")(?![\w])")
        self.compound = [t for t in ordered if " " not in t and len(t) >= 6 and self.value_of[t] in COMPOUND_MEASURES]
        # Single words of 8+ letters for typos, found through their trigrams: a word within the similarity
        # threshold of a term shares at least one trigram with it (see _near), so only those are compared.
        self.fuzzy: list[str] = [t for t in ordered if " " not in t and len(t) >= 8]
        self.trigrams: dict[tuple[int, str], list[int]] = {}
        for number, t in enumerate(self.fuzzy):
            for gram in dict.fromkeys(t[i:i + 3] for i in range(len(t) - 2)):
                self.trigrams.setdefault((len(t), gram), []).append(number)

    def _near(self, word: str, size: int) -> str | None:
        """The first term of a length within the similarity threshold of the word.

        Sound pruning: with ratio 2M/(a+b) >= 0.88 the M matched letters form at most (a-M)+(b-M)+1 blocks, and a
        block of L letters holds L-2 shared trigrams, so at least 5M-2(a+b)-2 >= 0.2(a+b)-2 > 0 trigrams are
        shared when a, b >= 8.
        """
        grams = {word[i:i + 3] for i in range(len(word) - 2)}
        candidates = sorted({n for g in grams for n in self.trigrams.get((size, g), ())})
        return next((self.fuzzy[n] for n in candidates
                     if difflib.SequenceMatcher(None, word, self.fuzzy[n]).ratio() >= 0.88), None)

    def match(self, text: str, folded: str, taken: list[tuple[int, int]]) -> list[Entity]:
        """Entities of this lexicon in the text, skipping spans already taken."""
        found: list[Entity] = []

        def add(start: int, end: int, value: str) -> None:
            if not any(start < e and s < end for s, e in taken):
                taken.append((start, end))
                found.append(Entity(self.kind, value, start, end, text[start:end]))

        for m in self.exact.finditer(folded):
            add(m.start(), m.end(), self.value_of[m.group(1)])
        for m in _WORD.finditer(folded):
            word = m.group(0)
            if len(word) < 8 or word in self.value_of:
                continue
            head = next((t for t in self.compound if word.startswith(t) and len(word) > len(t) + 2), None)
            if head:
                add(m.start(), m.end(), self.value_of[head])
                continue
            for size in range(len(word) - 2, len(word) + 3):
                best = self._near(word, size)
                if best:
                    add(m.start(), m.end(), self.value_of[best])
                    break
        return found


_COMPILED: dict[int, tuple[Mapping[str, Sequence[str]], _Lexicon]] = {}


def _match_lexicon(
    text: str, folded: str, kind: str, lexicon: Mapping[str, Sequence[str]], taken: list[tuple[int, int]]
) -> list[Entity]:
    entry = _COMPILED.get(id(lexicon))
    if entry is None or entry[0] is not lexicon or entry[1].kind != kind:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        entry = (lexicon, _Lexicon(kind, lexicon))
        _COMPILED[id(lexicon)] = entry
    return entry[1].match(text, folded, taken)


def normalise_code(raw: str) -> str | None:
    """Normalise a section code such as '1b1.4', '1A1.2.' or '1a1.A' to '1B1.4' / '1A1.a'."""
    m = _CODE.fullmatch(raw.strip().rstrip("."))
    if not m:
        m = _CODE.fullmatch(raw.strip())
    if not m:
        return None
    head = f"{m.group(1)}{m.group(2).upper()}{m.group(3)}"
    if m.group(4):
        return f"{head}.{int(m.group(4))}"
    if m.group(5):
        return f"{head}.{m.group(5).lower()}"
    return head


def extract_entities(
    text: str,
    extra: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> list[Entity]:
    """Find years, section codes, measures, amounts (and ``extra`` vocabulary) in a question.

    ``extra`` adds vocabulary per kind (e.g. table row labels known to the knowledge base).
    """
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    entities: list[Entity] = []

    for m in _CODE.finditer(text):
        code = normalise_code(m.group(0))
        if code:
            taken.append(m.span())
            entities.append(Entity("section_code", code, m.start(), m.end(), m.group(0)))

    for m in _YEAR.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        taken.append(m.span())
        entities.append(Entity("year", m.group(1), m.start(), m.end(), m.group(0)))

    lexicons: list[tuple[str, Mapping[str, Sequence[str]]]] = [("measure", MEASURE_TERMS)]
    for kind, extra_terms in (extra or {}).items():
        lexicons.insert(0, (kind, extra_terms))
    for kind, lexicon in lexicons:
        entities.extend(_match_lexicon(text, folded, kind, lexicon, taken))

    for m in _AMOUNT.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        has_unit = bool(m.group(3)) or text[max(0, m.start() - 2) : m.start() + 1].strip().startswith("€")
        if not has_unit and not m.group(2):
            continue
        value = parse_amount(m.group(0))
        if value is None:
            continue
        entities.append(Entity("amount", _format_plain(value), m.start(), m.end(), m.group(0).strip()))

    return sorted(entities, key=lambda e: e.start)


def parse_amount(raw: str) -> float | None:
    """Parse a Dutch amount ('€ 1.659.874,-', '2,5 miljoen', '100.000 euro') into euros."""
    m = _AMOUNT.search(raw)
    if not m:
        return None
    whole = m.group(1).replace(".", "")
    frac = m.group(2) if m.group(2) and m.group(2) != "-" else ""
    value = float(f"{whole}.{frac}" if frac else whole)
    scale = (m.group(3) or "").lower()
    if scale in ("miljoen", "mln"):
        value *= 1_000_000
    elif scale == "miljard":
        value *= 1_000_000_000
    elif scale == "duizend":
        value *= 1_000
    return value


def _format_plain(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def first_value(entities: Sequence[Entity], kind: str) -> str | None:
    """Return the value of the first entity of a kind, if any."""
    return next((e.value for e in entities if e.kind == kind), None)


def values(entities: Sequence[Entity], kind: str) -> list[str]:
    """Return the distinct values of one kind, in order of appearance."""
    seen: list[str] = []
    for e in entities:
        if e.kind == kind and e.value not in seen:
            seen.append(e.value)
    return seen
