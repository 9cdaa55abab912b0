"""Understanding: a question (plus the previous turn's state) becomes one typed Query frame, parsed once.

Pure: the vocabulary comes from the corpus (knowledge.vocabulary); the word lists here are general Dutch and
English question words and budget words, never names of lines, years, programmes or municipalities.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from functools import lru_cache

from knowledge.context import merge
from knowledge.lexical import STOPWORDS, correct_typos, split_compound, stem, words
from knowledge.subject_index import subject_index
from knowledge.types import Mention, Query, Resolved
from knowledge.vocabulary import Vocabulary
from nlu.entities import extract_entities, fold
from nlu.glossary import GLOSSARY, glossary_terms, head_first, looks_english

# Words that say what kind of answer is wanted (question words and general budget words, both languages).
INTENT_CUES: dict[str, tuple[str, ...]] = {
    "meaning": ("wat betekent dat", "wat betekent dit", "wat houdt dat in", "wat bedoel je", "wat bedoelt u",
                "what does that mean", "what does this mean", "what do you mean", "betekenis daarvan"),
    "explain": ("waarom", "waardoor", "hoe komt", "hoe komen", "hoezo", "oorzaak", "oorzaken", "reden", "redenen",
                "verklaring",
                "verklaart", "why", "how come", "reason", "reasons", "waarvoor", "what for", "what is it for",
                "wat gebeurt er mee", "wat doen ze ermee", "waar gaat dat geld naartoe", "naartoe", "waaraan",
                "vandaan", "welke bron", "source", "sources"),
    "compare": ("stijg", "stijgen", "stijgt", "daal", "dalen", "daalt", "verschil", "verander", "toename", "afname",
                "hoger", "lager", "groei", "groeit", "meer of minder",
                "minder", "vergeleken", "versus", "vs", "vergelijk", "omhoog", "omlaag", "increase",
                "increases", "decrease", "decreases", "rise", "rises", "fall", "falls", "change", "changes",
                "compare", "difference", "grow", "grows", "go up", "go down", "more or less"),
    "goal": ("doelen", "doel", "doelstelling", "doelstellingen", "ambitie", "ambities", "goals", "goal",
             "objectives", "objective", "achieve", "aims"),
    "who": ("wie", "who", "leden", "deelnemers", "deelnemende", "doen mee", "meedoen", "doet mee", "members",
            "participants", "partners", "welke gemeenten", "which municipalities"),
    "list": ("welke", "which", "noem", "lijst", "overzicht", "list", "opsomming", "valt onder", "vallen onder",
             "bestaat uit", "onderdelen", "wat valt er", "what falls under", "consists of"),
    "when": ("wanneer", "when", "welk jaar", "which year", "datum", "mijlpaal", "mijlpalen"),
    "define": ("wat is", "wat zijn", "wat betekent", "wat houdt", "wat doet", "wat doen", "what is", "what's",
               "what are", "what does", "betekent", "betekenis", "mean", "means", "uitleg", "leg uit", "explain",
               "wie is", "who is", "tell me about", "vertel", "informatie over", "info over"),
    "how": ("hoe", "how", "op welke manier", "in what way"),
}
AMOUNT_CUES = ("hoeveel", "how much", "how many", "bedrag", "bedragen", "geld", "euro", "budget", "begroot",
               "begroting voor", "hoe hoog", "hoe duur", "prijs", "tarief", "cijfer", "percentage",
               "procent", "amount", "money", "figure", "€")
COUNT_CUES = ("hoeveel", "how much", "how many")
WHEN_FIRST = re.compile(r"^\s*(?:(?:sinds|vanaf|tot|since|until)\s+)?(?:wanneer|when)(?![\w])")
TOTAL_CUES = ("totaal", "totale", "in totaal", "samen", "alle", "alles", "opgeteld", "total", "altogether", "all")
FOLLOW_CUES = re.compile(r"^\s*(en|and|ook|maar|wat als|hoe zit het met|hoe zit dat met|what about|how about|"
                         r"en wat|and what)\b", re.IGNORECASE)
ANAPHORA = re.compile(r"\b(daar|hier|er|waar)(aan|voor|van|in|mee|op|over|uit|naartoe)\b|"
                      r"\b(daar|hier)\b(?:\s+\w+){1,5}\s+(aan|voor|van|mee|op|over|uit|naartoe)\s*\??\s*$|"
                      r"\bdaar\b(?:\s+\w+){1,6}\s+(?:aan|voor|van|mee|op|over|uit|naartoe)\s+\w+\s*\??\s*$|"
                      r"\b(dat|dit|die|deze|het|it|that|this|those|them|they|daarvan|ervan)\s*\??\s*$|"
                      r"\b(?:for|of|from|about|with|to)\s+(?:it|that|this|them)\b", re.IGNORECASE)
COMPARED = re.compile(r"(?:hoger|lager|meer|minder|groter|kleiner|duurder|goedkoper|higher|lower|more|less|bigger|"
                      r"smaller)\s+(?:dan|than)\s+(?:het\s+|de\s+|the\s+)?$")
MORE_BY = re.compile(r"(?<![\w])(?:hoeveel(?:\s+[\w-]+){0,3}?\s+(?:meer|minder|hoger|lager)|"
                     r"how much (?:more|less|higher|lower))(?![\w])")
# 'is dat eenmalig?', 'geldt dit ook voor 2027?', 'is it recurring?': a yes/no question about what was just said
ABOUT_THAT = re.compile(r"^\s*(?:(?:waarom|hoe|wanneer|waar|why|how|when|where)\s+)?(?:is|was|wordt|werd|zijn|waren|"
                        r"komt|gaat|geldt|blijft|worden|are|were|does|do|will)\s+(?:dat|dit|het|die|deze|that|this|"
                        r"it|they|those)(?![\w])")
CHANGE_ASKED = re.compile(r"(?<![\w])(?:hoger|lager|(?:meer|minder|more|less)\s+(?:dan|than)|zoveel|zo veel|zo hoog|"
                          r"zo laag|stijg\w*|daal\w*|gestegen|gedaald|toename|afname|higher|lower|increase\w*|"
                          r"decrease\w*|drop\w*|rise\w*|rising)(?![\w])")  # ('niet meer' is no comparison)
CONDITION = re.compile(r"(?<=\w )(?:als|indien|mits|tenzij|if|unless)(?![\w])")  # a condition after the main clause
POSSESSIVE = re.compile(r"(?<=\w)['’]s(?![\w])")  # English: "the council's reserve"
MEMBERS = re.compile(r"(?<![\w])(?:(?:zit|zitten|zat|zaten)\s+(?:er\s+)?(?:\w+\s+){0,4}?in|zitting|leden|lid|"
                     r"deelnemers|deelnemende|doen\s+mee|doet\s+mee|meedoen|members|member|participants|"
                     r"take\s+part|takes\s+part|sits?\s+(?:on|in))(?![\w])")  # who belongs to something
PRONOUN = re.compile(r"(?<![\w])(?:ze|zij|hij|hun|they|them|their|he|she)(?![\w])")  # who was just talked about
WANTS_TO_ACHIEVE = re.compile(r"(?<![\w])(?:wil|wilt|willen)(?![\w]).*(?<![\w])bereiken(?![\w])")
TAKEN_OUT = re.compile(r"(?<![\w])(?:uit|out of|from)\s+(?:de\s+|het\s+|the\s+)?$")
# 'hoeveel gaat er per jaar uit het potje voor …': a verb of taking out with 'uit' ('bestaat uit' is no withdrawal)
GOES_OUT = re.compile(r"(?<![\w])(?:gaat|gaan|ging|gingen|haalt|halen|haalde|haalden|gehaald|komt|komen)"
                      r"(?:\s+[\w-]+){0,6}\s+uit(?![\w])|(?<![\w])(?:comes?|coming|came|goes|going|went|taken|takes?|"
                      r"took)\s+out\s+of(?![\w])")
SPENDS = re.compile(r"(?<![\w])(?:geeft|geven|gaf|gaven)(?:\s+[\w-]+){1,6}\s+uit(?![\w])")
MONEY_WORDS = frozenset(w for c in AMOUNT_CUES for w in c.split()) | {"money", "geld"}
AUXILIARIES = frozenset("does do did has have had was were is are will would can could".split())
PLURAL = re.compile(r"(?:en|[^s]s|'s)$")  # things are counted in the plural ('zetels', 'gemeenten', 'questions')
CHANGE_VERB = re.compile(r"(?<![\w])(?:(?:neemt|nemen|nam|namen)(?:\s+[\w-]+){0,6}\s+(?:toe|af)|toegenomen|"
                         r"afgenomen|gestegen|gedaald|gegroeid|grew|rose|dropped|increased|decreased)(?![\w])")
CHANGE_CUES = ("veranderd", "veranderingen", "wijzigingen", "gewijzigd", "ontwikkelingen", "what changed",
               "what has changed")
NUMBER_NOUNS = frozenset(
    "cijfers cijfer bedragen bedrag getallen getal numbers number figures figure amounts amount".split())
DEMONSTRATIVE = re.compile(r"(?<![\w])(?:die|deze|dat|dit|those|these|that|this)\s+(?:[a-z]+\s+)?([a-z]+|[\d.,]+)")
# Intents that ask about a thing itself: a bare name ('rekenkamer') then means the thing, not its reserve
THING_INTENTS = ("define", "how", "who", "goal", "when")
RELATIVE_YEARS: dict[str, int] = {
    "vorig jaar": -1, "vorige jaar": -1, "jaar ervoor": -1, "jaar daarvoor": -1, "het jaar daarvoor": -1,
    "last year": -1, "previous year": -1, "year before": -1, "volgend jaar": 1, "volgende jaar": 1,
    "jaar erna": 1, "jaar daarna": 1, "jaar erop": 1, "jaar daarop": 1, "next year": 1, "following year": 1,
    "year after": 1,
    "dit jaar": 0, "this year": 0, "huidige jaar": 0, "current year": 0,
}
NUMBERS = {"een": 1, "a": 1, "an": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "one": 1, "two": 2,
           "three": 3, "four": 4, "five": 5, "six": 6}
LATER = ("later", "erna", "daarna", "verder", "after", "on")
COUNTED_YEARS = re.compile(r"(?<![\w])(\d|" + "|".join(NUMBERS) + r")\s+(?:jaar|jaren|years?)\s+"
                           r"(later|eerder|ervoor|daarvoor|terug|erna|daarna|verder|before|earlier|ago|after|on)"
                           r"(?![\w])")
# Words that carry no topic in a budget question (general budget and question words).
GENERIC = frozenset(
    """gemeente gemeentes gemeenten stad jaar jaren geld euro bedrag bedragen budget begroting begroot totaal
    totale hoeveel kost kosten uitgeven precies ongeveer eigenlijk informatie info vraag vragen weten graag staat
    staan groot grote hoog hoge laag lage veel weinig nieuw nieuwe huidige vorig vorige volgend volgende
    programma tabel bedraagt waarde cijfer cijfers percentage procent much many money amount city council
    municipality year years does will would could should please tell know want about there their this that
    these those have has had been being was were be it its into from than then also only just more less most
    much very can could may might must shall should did doing done get got gets give gives given go goes going
    gaat gaan ging gegaan waarom wanneer welke welk hoe wie wat waar waarvoor waardoor dat dit die deze
    zitten zit zat horen hoort behoren behoort belong belongs valt vallen
    erin eruit ermee erover erop eraan ervoor zeg zeggen vertel vertellen leg uit uitleg
    betekent betekenis bedoel bedoelt bedoeld bedoelen mean means meant explain reason why how what when which who
    vanaf sinds vanuit municipal weer ook nog even eens al wel niet geen mee we wij ons onze jullie je jij u uw
    geldt gelden bereiken bereikt allemaal hele heel gewoon zo dan nu per over naar van voor bij uit aan tot
    stijgen stijgt daalt dalen verschil verandert verandering hoger lager meer minder groei rise increase
    decrease change compare difference go up down mensen people""".split()
)


CUE_WORDS = frozenset(w for cues in (*INTENT_CUES.values(), AMOUNT_CUES, TOTAL_CUES) for c in cues
                      for w in c.split() if w.isalpha())
BUDGET_WORDS = ("begroting", "budget", "programmabegroting")
SHORT = 4  # words of a question that is a follow-up when it names no subject and at most one topic word
MIN_COMPOUND_PART = 4  # shortest word that counts as one half of a compound
STRUCTURE_WORDS = frozenset(
    "beleidsterrein beleidsterreinen prestatie prestaties onderdeel hoofdstuk paragraaf".split())


@lru_cache(maxsize=1024)
def _cue_pattern(cues: tuple[str, ...], short_words_prefix: bool = False) -> re.Pattern[str]:
    """One compiled alternation for a cue list (a short single cue word may start a longer word, when asked)."""
    def one(c: str) -> str:
        tail = r"\w*" if short_words_prefix and len(c) <= 4 and " " not in c else r"(?![\w])"
        return re.escape(c) + tail
    return re.compile(r"(?<![\w])(?:" + "|".join(one(c) for c in cues) + ")")


def _has(folded: str, cues: tuple[str, ...]) -> bool:
    """A cue word or phrase occurs in the folded text."""
    return bool(cues) and _cue_pattern(cues).search(folded) is not None


def detect_intent(folded: str, measure: str | None, amount_cue: bool) -> str:
    """The kind of answer a question wants, from question words; a measure or amount word means an amount."""
    def has(cues: tuple[str, ...]) -> bool:
        return bool(cues) and _cue_pattern(tuple(cues), True).search(folded) is not None

    if has(INTENT_CUES["meaning"]):
        return "meaning"
    if has(INTENT_CUES["explain"]):
        return "explain"
    if measure is None and WHEN_FIRST.match(folded) and not _has(folded, COUNT_CUES):
        return "when"  # 'sinds wanneer zijn er nieuwe afspraken over het geld?': a money word, but asked when
    if has(INTENT_CUES["compare"]) and (measure or amount_cue):
        return "compare"
    if measure or amount_cue:
        return "amount"
    if WANTS_TO_ACHIEVE.search(folded):
        return "goal"  # 'wat wil(len) … bereiken?', the budget's own question for goals
    for intent in ("goal", "who", "when", "list", "define", "how"):
        if has(INTENT_CUES[intent]):
            return intent
    return "info"


def _amount_cue(folded: str) -> bool:
    """A word that asks for an amount ('hoeveel', 'bedrag', '€')."""
    return "€" in folded or any(re.search(r"(?<![\w])" + re.escape(c) + r"(?![\w])", folded)
                                for c in AMOUNT_CUES if c != "€")


def _condition(folded: str) -> tuple[int, int] | None:
    """The span of a condition inside the question ('… als ze te veel uitgeven', 'what if it costs more'), up to
    a comma or the end."""
    found = CONDITION.search(folded)
    if found is None:
        return None
    end = folded.find(",", found.end())
    return found.start(), end if end >= 0 else len(folded)


def _relative_year(folded: str) -> int | None:
    counted = COUNTED_YEARS.search(folded)  # 'twee jaar later', 'two years before'
    if counted is not None:
        n = int(counted.group(1)) if counted.group(1).isdigit() else NUMBERS[counted.group(1)]
        return n if counted.group(2) in LATER else -n
    for phrase, offset in sorted(RELATIVE_YEARS.items(), key=lambda kv: -len(kv[0])):
        if re.search(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])", folded):
            return offset
    return None


def _against_relative(folded: str) -> bool:
    """A relative year right after 'hoger dan' / 'more than': what is compared against, not the year asked."""
    return any(COMPARED.search(folded[:start]) for start, _ in _relative_spans(folded))


def _relative_spans(folded: str) -> list[tuple[int, int]]:
    """Where relative-year phrases stand ('the year before' is no topic)."""
    return [(m.start(), m.end()) for phrase in RELATIVE_YEARS
            for m in re.finditer(r"(?<![\w])" + re.escape(phrase) + r"(?![\w])", folded)] + [
        (m.start(), m.end()) for m in COUNTED_YEARS.finditer(folded)]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def rank_mentions(mentions: list[Mention], intent: str, vocab: Vocabulary, scope: tuple[str, ...]) -> list[Mention]:
    """Order subject candidates: in scope, fitting the intent (rows for amounts, sections for goals), longest."""
    def fit(m: Mention) -> float:
        subject = vocab.subjects[m.subject_id]
        score = len(m.text) / 10 + m.score
        if scope and subject.document_id not in scope:
            score -= 100
        if intent in ("amount", "compare") and subject.rows:
            score += 5
        if intent in ("goal", "define", "who", "list", "how", "when", "info") and subject.sections:
            score += 2
        if intent == "goal" and subject.kind in ("beleidsterrein", "programme", "doel"):
            score += 3
        if intent == "explain" and (subject.explanations or subject.rows):
            score += 2
        return score

    return sorted(mentions, key=lambda m: (-fit(m), m.start))


def _scope(folded: str, vocab: Vocabulary, default_municipality: str = "",
           only: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Documents the question names by municipality, programme number or budget year; else the deployment's
    default municipality (a setting); else every document (or the documents a caller chose)."""
    docs = [d for d in vocab.documents.values() if only is None or d.id in only]
    named = [d for d in docs if d.municipality and fold(d.municipality) in folded
             and _has(folded, (fold(d.municipality),))]
    if named:
        docs = named
    elif default_municipality:
        docs = [d for d in docs if fold(d.municipality) == fold(default_municipality)] or docs
    numbers = re.findall(r"(?<![\w])(?:programma|programme|program)\s+(\d{1,2})(?![\w.])", folded)
    if numbers:
        docs = [d for d in docs if d.programme_number in numbers]  # none when the index holds no such programme
    years = [int(y) for y in re.findall(r"(?<![\w])(?:begroting|programmabegroting|budget)\s+((?:19|20)\d{2})", folded)]
    if years and any(d.year in years for d in docs):
        docs = [d for d in docs if d.year in years]
    return tuple(d.id for d in docs)


def split_measure_compounds(text: str, vocab: Vocabulary, corpus_words: frozenset[str]) -> str:
    """Split a Dutch compound of a measure and a subject's word or a budget term ('programmalasten',
    'inwonersbijdrage'); a compound the budget never uses ('personeelskosten') stays one word: a part of a row
    is not the row."""
    heads = [m for m in vocab.measure_words if " " not in m and len(m) >= MIN_COMPOUND_PART + 1]

    def split(match: re.Match[str]) -> str:
        word = match.group(0)
        low = fold(word)
        if low in vocab.measure_words:
            return word
        for measure in sorted(heads, key=len, reverse=True):
            head = low[: -len(measure)].rstrip("s")  # the linking s: 'personeelskosten'
            if low.endswith(measure) and len(head) >= MIN_COMPOUND_PART and (
                    head in vocab.alias_words or low in corpus_words):
                return f"{word[: len(low) - len(measure)]} {word[len(low) - len(measure):]}"
        return word

    return re.sub(r"[^\W\d_]{9,}", split, text)


def understand(question: str, vocab: Vocabulary, corpus_words: frozenset[str],
               previous: Resolved | None = None, default_municipality: str = "",
               only: tuple[str, ...] | None = None) -> Query:
    """Parse a question once into a Query frame, then merge it with the previous turn's state."""
    text = re.sub(r"\s+", " ", question).strip()
    english = looks_english(text) or _english_keywords(text, corpus_words)
    notes: list[str] = []
    if english:
        dutch = " ".join(GLOSSARY[t] for t in glossary_terms(text, force=True))
        plain = POSSESSIVE.sub("", text)  # "the council's reserve": the council
        search_text = f"{plain} {dutch} {head_first(plain)}".strip()
    else:
        folded_raw = fold(text)
        spans = vocab.mention_spans(folded_raw)
        spans += [(s, e) for _, s, e in vocab.measures(folded_raw)]
        spans += [(m.start(), m.end()) for m in re.finditer(r"[a-z]+", folded_raw)
                  if m.group(0) in CUE_WORDS or len(m.group(0)) < MIN_TYPO_WORD or stem(m.group(0)) in vocab.stems]
        search_text = correct_typos(_correct_names(text, vocab), corpus_words, spans)
        if search_text != text:
            notes.append(f"spelling verbeterd: '{search_text}'")
    unsplit = search_text
    if not _has(fold(search_text), ("betekent", "betekenis", "betekenen", "mean", "means", "meaning")):
        search_text = split_measure_compounds(search_text, vocab, corpus_words)  # a term asked about stays whole
    folded = fold(search_text)
    scope = _scope(folded, vocab, default_municipality, only)
    places = [w for w in vocab.generic if w in folded]  # a municipality's name selects documents, it is no topic
    if places:
        search_text = re.sub(r"(?i)(?<![\w])(" + "|".join(map(re.escape, places)) + r")(?![\w])", " ", search_text)
        search_text = re.sub(r"\s+", " ", search_text).strip()
    named = vocab.mentions(folded)  # a measure word inside a name is part of the name ('Werk en inkomen')
    measures = [(f, s, e) for f, s, e in vocab.measures(folded)
                if not any(m.start <= s and e <= m.end and (m.end - m.start) > (e - s) for m in named)]
    whole = {f for f, _, _ in vocab.measures(fold(unsplit))}
    if len({f for f, _, _ in measures}) > 1 and whole:  # 'programmakosten … baten': the word the asker wrote
        measures = [m for m in measures if m[0] in whole] + [m for m in measures if m[0] not in whole]
    amount_cue = _amount_cue(folded)
    clause = _condition(folded)
    if clause is not None and (amount_cue or measures):
        main = folded[: clause[0]] + folded[clause[1]:]
        if not _amount_cue(main) and not any(not clause[0] <= s < clause[1] for _, s, _ in measures):
            # 'is Leiden aansprakelijk als ze te veel uitgeven?': money in a condition asks for no amount
            measures, amount_cue = [], False
            notes.append("geldwoord in een voorwaarde: geen bedrag gevraagd")
    measure = measures[0][0] if measures else None
    total_cue = any(re.search(r"(?<![\w])" + re.escape(c) + r"(?![\w])", folded) for c in TOTAL_CUES)
    intent = detect_intent(folded, measure, amount_cue)
    entities = extract_entities(text)  # years and section codes, recognised once
    years = sorted({int(e.value) for e in entities if e.kind == "year"})
    if intent == "amount" and (CHANGE_VERB.search(folded) or MORE_BY.search(folded)):
        intent = "compare"  # 'namen de lasten … toe', 'is het gestegen?'
    if _has(folded, CHANGE_CUES):  # 'wat is er veranderd?': the ontwikkelingen; 'hoeveel … van X naar Y': compare
        intent = "compare" if len(years) >= 2 or (amount_cue and measure) else "explain"
    if (intent in ("amount", "compare") or _has(folded, BUDGET_WORDS)) \
            and _other_municipality(text, vocab, corpus_words):
        scope = ()  # 'de begroting van de gemeente X', X not in the index: that budget is not here
    mentions = [m for m in named if not any(
        ms <= m.start and m.end <= me and (me - ms) > (m.end - m.start) for _, ms, me in measures)]
    if measure is None and "lasten" in vocab.measure_words.values() and SPENDS.search(folded):
        measure = "lasten"  # the separable verb: 'geeft de gemeente meer uit aan …'
        intent = "amount" if intent not in ("amount", "compare", "explain") else intent
    if measure is None and intent in ("amount", "compare", "explain") \
            and "onttrekking" in vocab.measure_words.values() \
            and any(vocab.subjects[m.subject_id].kind == "reserve" and (
                TAKEN_OUT.search(folded[: m.start]) or GOES_OUT.search(folded)) for m in mentions):
        measure = "onttrekking"  # 'hoeveel gaat er uit de reserve raad?': what is taken out of it
    set_aside: list[str] = []
    if intent in THING_INTENTS or measure is not None:
        # 'wat doet de rekenkamer?', 'wat kost de rekenkamer?' are about the rekenkamer, not its reserve (whose
        # rows hold no such measure): a reserve is meant by a bare name only for what goes in or out of it
        kept = [m for m in mentions if vocab.subjects[m.subject_id].kind != "reserve" or "reserve" in m.text
                or (intent not in THING_INTENTS and _reserve_measure(vocab, m.subject_id, measure))]
        set_aside = [m.subject_id for m in mentions if m not in kept]
        mentions = kept
    outside = [m for m in mentions if vocab.subjects[m.subject_id].document_id not in scope]
    mentions = [m for m in mentions if vocab.subjects[m.subject_id].document_id in scope]
    ranked = rank_mentions(mentions, intent, vocab, scope)
    subject = ranked[0].subject_id if ranked else None
    ambiguous: tuple[str, ...] = ()
    if ranked:
        top = ranked[0]
        same = [m for m in ranked if (m.start, m.end) == (top.start, top.end)
                and vocab.subjects[m.subject_id].document_id in scope]
        ambiguous = tuple(dict.fromkeys(vocab.subjects[m.subject_id].document_id for m in same))
        if len(ambiguous) < 2:
            ambiguous = ()
    if subject and total_cue and vocab.subjects[subject].rows and intent in ("define", "info"):
        intent = "amount"  # 'het totaal van X' asks for X's total row
    if subject and vocab.subjects[subject].rows and intent == "info" and years \
            and len(text.split()) <= 5:
        intent = "amount"  # keyword style: '<row name> <year>'
    if subject and intent in ("amount", "compare") and not vocab.subjects[subject].rows and measure is None \
            and not amount_cue:
        intent = "info"
    if not ranked and "reserve" not in folded and (intent in THING_INTENTS or measure is not None):
        # 'wat doet / wat kost de rekenkamer?' without a subject: a reserve named after it is not what is asked
        # about (unless the measure is one of the reserve's own: what goes in or out)
        set_aside += [s.id for w in _content_words(folded, []) if len(w) >= MIN_COMPOUND_PART + 1
                      for s in subject_index(vocab).labelled_with(w) if s.kind == "reserve" and s.document_id in scope
                      and (intent in THING_INTENTS or not _reserve_measure(vocab, s.id, measure))]
    relative = _relative_year(folded)
    taken = [(m.start, m.end) for m in mentions] + [(s, e) for _, s, e in measures] + _relative_spans(folded)
    if english:  # English words the glossary translated are represented by their Dutch terms
        translated = {w for term in glossary_terms(text, force=True) for w in term.split()}
        content = [w for w in _content_words(folded, taken) if w not in vocab.generic and w not in translated]
    else:
        content = [w for w in _content_words(folded, taken) if w not in vocab.generic]
    dutch_terms = {w for term in glossary_terms(text, force=True) for w in GLOSSARY[term].split()} if english \
        else set()
    topic, weak = _split_known(content, corpus_words, vocab.stems, english, dutch_terms)
    topic += [m.text for m in outside if not any(m.start < e and s < m.end for s, e in
                                                  [(k.start, k.end) for k in mentions])]  # names of other documents
    total = total_cue
    codes = tuple(e.value for e in entities if e.kind == "section_code")
    pointing = DEMONSTRATIVE.search(folded)  # 'die cijfers', 'deze hogere baten': what was just answered
    pointed = pointing.group(1) if pointing is not None else ""
    pointing_back = bool(pointed) and (pointed in NUMBER_NOUNS or pointed in vocab.measure_words
                                       or pointed[0].isdigit())
    refers = bool(ANAPHORA.search(text) or PRONOUN.search(folded) or ABOUT_THAT.search(folded)) or pointing_back
    names = _proper_names(text, taken)
    follow = bool(FOLLOW_CUES.match(text)) or refers or (intent == "meaning" and not ranked) or (
        len(text.split()) <= SHORT and not ranked and not names and len(topic) <= 1)  # 'hoeveel projecten?'
    query = Query(
        text=text, search_text=search_text, language="en" if english else "nl", intent=intent,
        mentions=tuple(ranked), subject=subject, measure=measure, years=tuple(years), scope=scope,
        topic_words=tuple(topic), follow_up=follow, refers=refers, takes_out=bool(GOES_OUT.search(folded)),
        set_aside=tuple(dict.fromkeys(set_aside)), asks_change=bool(CHANGE_ASKED.search(folded)),
        asks_members=intent == "who" and MEMBERS.search(folded) is not None,
        total=total, codes=codes, notes=tuple(notes),
        names=names, weak_words=tuple(weak), listing=_has(folded, INTENT_CUES["list"]),
        counted=_counted_noun(folded), measures=tuple(dict.fromkeys(f for f, _, _ in measures)),
        ambiguous=ambiguous,
    )
    if relative is not None:
        query = replace(query, notes=(*query.notes, f"relatief jaar {relative:+d}"))
    if relative is not None and _against_relative(folded):
        return merge(query, previous, vocab, against=relative)  # 'hoger dan vorig jaar': the base of a comparison
    return merge(query, previous, vocab, relative)


def _content_words(folded: str, taken: list[tuple[int, int]]) -> list[str]:
    """Topic words outside recognised spans: not numbers, not stopwords, not generic."""
    out: list[str] = []
    for m in re.finditer(r"[a-z][a-z'-]+", folded):
        if _overlaps(m.start(), m.end(), taken):
            continue
        w = m.group(0).strip("'-")
        if len(w) <= 2 or w in STOPWORDS or w in GENERIC or w in CUE_WORDS or w in STRUCTURE_WORDS or not words(w):
            continue
        out.append(w)
    return out


LONG_WORD = 7
MIN_TYPO_WORD = 7  # shorter unknown words are mostly verb forms: never 'corrected' into another word


def _correct_names(text: str, vocab: Vocabulary) -> str:
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


def _english_keywords(text: str, corpus_words: frozenset[str]) -> bool:
    """Keyword-style English ('revenue governance 2027', 'withdrawal from the elections reserve'): a glossary word
    that is no Dutch corpus word, and no Dutch function word."""
    terms = glossary_terms(text, force=True)  # ('reserve' is a Dutch word too; 'elections' is not)
    return any(all(w not in corpus_words for w in t.split()) for t in terms) and not re.search(
        r"(?<![\w])(de|het|een|van|wat|hoeveel|zijn|is)(?![\w])", fold(text))


def _known(word: str, corpus_words: frozenset[str], stems: frozenset[str]) -> bool:
    """The word or its stem occurs in the corpus."""
    return word in corpus_words or stem(word) in stems


def _split_known(content: list[str], corpus_words: frozenset[str], stems: frozenset[str],
                 english: bool, dutch_terms: set[str] | None = None) -> tuple[list[str], list[str]]:
    """Topic words (known to the corpus, or long unknown nouns such as 'parkeervergunning') and weak words
    (short unknown words: mostly verb forms, or in English questions words the glossary does not know)."""
    topic: list[str] = []
    weak: list[str] = []
    for w in content:
        dutch = not english or w in (dutch_terms or set())
        if _known(w, corpus_words, stems) or split_compound(w, corpus_words) or (len(w) >= LONG_WORD and dutch):
            topic.append(w)
        else:
            weak.append(w)
    return topic, weak


def _proper_names(text: str, taken: list[tuple[int, int]]) -> tuple[str, ...]:
    """Capitalised words inside a sentence ('Leiderdorp', 'Tweede Kamer') that no subject explains."""
    out: list[str] = []
    for m in re.finditer(r"(?<=[\w,;:)] )([A-Z][a-zà-ÿ]{3,}(?:-[A-Z]?[a-zà-ÿ]+)*)", text):
        if _overlaps(m.start(1), m.end(1), taken) or fold(m.group(1)) in GENERIC or fold(m.group(1)) in STOPWORDS:
            continue
        out.append(fold(m.group(1)))
    return tuple(out)


def _reserve_measure(vocab: Vocabulary, subject_id: str, measure: str | None) -> bool:
    """The measure is one of the reserve's own rows (toevoeging, onttrekking, saldo)."""
    from knowledge.table_answer import families_of

    return measure is not None and measure in families_of(vocab, vocab.subjects[subject_id])


def _other_municipality(text: str, vocab: Vocabulary, corpus_words: frozenset[str]) -> str | None:
    """A municipality named in the question ('gemeente Katwijk', typed 'gemeente katwijk': a word the budget does
    not know) whose budget the index does not hold."""
    own = {fold(d.municipality) for d in vocab.documents.values() if d.municipality}
    for m in re.finditer(r"(?:\b[Gg]emeente|\bmunicipality of)\s+([A-Z][\w'-]+(?:[ -][A-Z][\w'-]+)*)", text):
        if fold(m.group(1)) not in own:
            return m.group(1)
    for m in re.finditer(r"(?<![\w])(?:gemeente|municipality of)\s+([a-z][a-z'-]{2,})(?![\w])", fold(text)):
        word = m.group(1)
        if len(word) >= MIN_COMPOUND_PART and word not in own and word not in STOPWORDS and word not in GENERIC \
                and word not in CUE_WORDS and not _known(word, corpus_words, vocab.stems):
            return word
    return None


def _counted_noun(folded: str) -> str | None:
    """The noun a 'hoeveel X' / 'how many X' question counts ('medewerkers'), unless it is money ('how much'
    counts nothing)."""
    m = re.search(r"(?<![\w])(?:hoeveel|how many)\s+([a-z][a-z'-]{3,})(?:\s+([a-z][a-z'-]{3,}))?", folded)
    if m is None:
        return None
    word = m.group(1)
    if m.group(2) and word.endswith("e") and word not in CUE_WORDS:  # an inflected adjective: 'andere gemeenten'
        word = m.group(2)
    if word in MONEY_WORDS or word in AUXILIARIES or not PLURAL.search(word) or (
            word in STOPWORDS and word not in GENERIC):
        return None  # money, a verb or a function word: no count of things ('hoeveel gaat er …', 'hoeveel geld')
    return word
