"""Mask personal data in residents' free text before it is stored, logged or forwarded.

Kinds: names (after "ik ben", "mijn naam is", "namens", "mevrouw", greetings and signatures), street +
house number, postcodes, dates of birth, BSN (elfproef, or any nine digits after "bsn"/"burgerservicenummer"/
"sofinummer"), Dutch and international phone numbers, e-mail addresses and IBANs.

Pure Python with Dutch word lists, on purpose, so the same code runs in the knowledge venv (3.11) and the Rasa
venv (3.10) without new dependencies. Presidio was considered: ``presidio-analyzer``'s ``AnalyzerEngine``
needs a spaCy pipeline for its language (no trained Dutch pipeline can be downloaded here: the machines are
offline apart from PyPI/Debian/npm, and spaCy's ``nl_core_news_*`` models are not on PyPI), its name
detection is that pipeline's NER (the part we need most), and its pattern recognizers alone cover only
e-mail, IBAN and phone numbers, which the patterns below already do with checksums, while it would add
``phonenumbers``/``tldextract`` (which fetches the public-suffix list over the network) to Rasa 3.6's pinned
venv. Names therefore come from Dutch context words ("ik ben", "namens", "met vriendelijke groet", titles),
a list of common first names and a list of capitalised words that are no names (places, organisations).

Only free text goes through here; identifiers (message ids, sender ids, uuids, hex strings) are never
touched: every pattern needs a non-word character on both sides, so digits inside an id never match.
Public numbers stay: "14 071", amounts ("€ 14.984.000", "14.909"), years and section codes ("1B1.1").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import unquote

BSN_TOKEN = "[BSN]"
EMAIL_TOKEN = "[E-MAIL]"
PHONE_TOKEN = "[TELEFOON]"
IBAN_TOKEN = "[IBAN]"
NAME_TOKEN = "[NAAM]"
ADDRESS_TOKEN = "[ADRES]"
POSTCODE_TOKEN = "[POSTCODE]"
BIRTHDATE_TOKEN = "[GEBOORTEDATUM]"
MASK_TOKENS = (BSN_TOKEN, EMAIL_TOKEN, PHONE_TOKEN, IBAN_TOKEN, NAME_TOKEN, ADDRESS_TOKEN, POSTCODE_TOKEN,
               BIRTHDATE_TOKEN)

TOKENS = {
    "email": EMAIL_TOKEN,
    "iban": IBAN_TOKEN,
    "bsn": BSN_TOKEN,
    "phone": PHONE_TOKEN,
    "birthdate": BIRTHDATE_TOKEN,
    "postcode": POSTCODE_TOKEN,
    "address": ADDRESS_TOKEN,
    "name": NAME_TOKEN,
}
KINDS = tuple(TOKENS)
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data found in a text: ``text[start:end]`` is of ``kind``."""

    start: int
    end: int
    kind: str


# --------------------------------------------------------------------------------------------- e-mail, IBAN

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}(?![\w-])",
    re.IGNORECASE,
)

# IBAN: two letters, two check digits, then 11-30 letters/digits, optionally grouped by 4 with spaces.
_IBAN_RE = re.compile(
    r"(?<![\w])[a-z]{2}\d{2}(?:[ ]?[a-z0-9]{4}){2,7}(?:[ ]?[a-z0-9]{1,3})?(?![\w])",
    re.IGNORECASE,
)
_NL_IBAN_RE = re.compile(r"^NL\d{2}[A-Z]{4}\d{10}$")

# ---------------------------------------------------------------------------------------------- phone

_SEP = r"(?:\s?[-./]\s?|\s)?"
# Dutch numbers: national (0 + 9 digits) or international (+31 / 0031, optional "(0)"); other countries
# (+32, 0049 …) with 7-12 more digits. Separators: space, dot, dash, " - ", "/", parentheses around the
# area code. The municipality's public short number "14 071" has no leading 0 or + and never matches.
_PHONE_RE = re.compile(
    rf"""
    (?<![\w+])
    (?:
        (?:\+|00)\s?31{_SEP}(?:\(0\){_SEP})?[1-9](?:\)?{_SEP}\d){{8}}
      | \(?0[1-9](?:\)?{_SEP}\d){{8}}
      | (?:\+|00)(?!31)[1-9]\d{{0,2}}(?:{_SEP}\(?\d\)?){{7,12}}
    )
    (?![\w])
    """,
    re.VERBOSE,
)
_DATE_LIKE_RE = re.compile(r"^\(?\d{1,2}\s?[-./]\s?\d{1,2}\s?[-./]\s?(?:\d{4}|\d{2})(?![-./]\d|\d)")

# ------------------------------------------------------------------------------------------------ BSN

_BSN_WORD = (r"(?:bsn|b\.s\.n\.?|burger\s*service\s*(?:nummer|nr\.?)|burgerservicenr\.?|"
             r"sofi(?:[-\s]?(?:nummer|nr\.?))?)")
# Any 8-9 digits shortly after the word, elfproef or not, also glued on ("bsn111222333").
_BSN_CONTEXT_RE = re.compile(
    rf"(?<![a-z]){_BSN_WORD}(?:[-\s]?(?:nummer|nr\.?))?[^\d\n]{{0,30}}?(\d(?:[ .-]?\d){{7,8}})(?![\d])",
    re.IGNORECASE,
)
# A bare nine-digit number, optionally grouped ("123.456.782", "1234 56 782"); masked when it passes the elfproef.
_BSN_RE = re.compile(r"(?<![\w.,-])\d(?:[ .-]?\d){8}(?![\w]|[.,-]\d)")
_MONEY_BEFORE_RE = re.compile(
    r"(?:€|\beur|\beuro|\bbedrag|\blasten|\bbaten|\bkosten|\bsaldo|\btotaal|\bbegroot|\bbudget|\bsubsidie)"
    r"[^.?!\n]{0,30}$",
    re.IGNORECASE,
)
_MONEY_AFTER_RE = re.compile(r"^\s*(?:,-|euro\b|eur\b|miljoen|mln|miljard|duizend|k€|x\s*€)", re.IGNORECASE)

# ------------------------------------------------------------------------------------------- postcode

_POSTCODE_RE = re.compile(r"(?<![\w.,€-])([1-9]\d{3})\s?([A-Za-z]{2})(?![\w-])")
# Letter pairs PostNL never uses, and abbreviations that follow numbers in budget text.
_NOT_POSTCODE_LETTERS = {
    "SA", "SD", "SS", "EU", "IT", "AI", "BV", "NV", "HR", "PM", "AM", "OK", "TV", "GB", "MB", "KB", "KM", "KG",
    "CO", "NL", "EN", "DE", "VS", "UK", "ID", "PC", "MW", "KW", "ML", "CM", "MM", "HA", "EX", "PS", "AV", "WK",
    "FTE", "CV", "BW", "OZ", "RB", "VJ", "NJ", "ZZ",
}
_POSTCODE_CONTEXT_RE = re.compile(r"(?:postcode|postcodegebied|\bpc)(?:\s+is)?\W{0,12}$", re.IGNORECASE)

# -------------------------------------------------------------------------------------------- address

_STRONG = "straatweg|straat|weg|laan|plein|gracht|kade|singel|steeg|dijk|dreef|plantsoen|burgwal|boulevard|allee"
_WEAK = "hof|pad|markt|haven|vaart|wal|zijde|dam|veld|hout|kwartier|erf"
# Leiden streets without a street suffix.
_BARE_STREETS = ("Rapenburg|Steenschuur|Langebrug|Nieuwe Rijn|Oude Rijn|Oude Vest|Nieuwe Vest|Lange Mare|"
                 "Korte Mare|Mare|Hooglandse Kerkgracht|Pieterskerkhof|Aalmarkt|Vismarkt|Botermarkt|Morsweg|"
                 "Haven|Kort Rapenburg|Zijlpoort|Hogewoerd|Lange Mare|Breestraat")
_HOUSE_NUMBER = (r"(?:(?:nr\.?|nummer|no\.?)\s*)?(\d{1,4})(?![\d]|[.,]\d)"
                 r"(?:\s?-\s?\d{1,3}(?![\d]|[.,]\d)|\s?-?\s?[A-Za-z](?![\w])|\s(?:hs|bis|rood|zwart|I{1,3})(?![\w]))?")
_STREET_WORD = (rf"(?:[A-ZÀ-Þ][\w'’-]*(?:{_STRONG}|{_WEAK})|[a-zà-ÿ][\w'’-]*(?:{_STRONG}))")
_ADDRESS_RE = re.compile(
    rf"(?<![\w])((?:(?:[A-ZÀ-Þ][\w'’.]*|van|der|den|de|het|'t|ter|ten|te)\s){{0,3}}"
    rf"(?:{_STREET_WORD}|{_BARE_STREETS}))\s+{_HOUSE_NUMBER}",
)
_ADDRESS_CONTEXT_RE = re.compile(
    r"(?:\b(?:ik|wij|we)\s+(?:woon|wonen)|\bwoonachtig|\bwonend|\b(?:woon)?adres(?:\s+is|\s*:)|\bverhuisd\s+naar)"
    r"\s+(?:(?:aan|op|in)\s+)?(?:(?:de|het)\s+)?"
    rf"((?:[A-Za-zÀ-ÿ][\w'’.-]*\s){{1,4}}){_HOUSE_NUMBER}",
    re.IGNORECASE,
)
_NOT_HOUSE_NUMBER_AFTER_RE = re.compile(
    r"^\s*(?:miljoen|mln|miljard|euro|eur|%|procent|km|kilometer|meter|m2|jaar|keer|uur|minuten|woningen|"
    r"bomen|plekken|plaatsen|ton|x|×)\b",
    re.IGNORECASE,
)
_ADDRESS_LEAD_WORDS = {"in", "op", "aan", "de", "het", "mijn", "onze", "wij", "ik", "woon", "naar", "bij", "is",
                       "adres", "en", "of", "the", "te", "wat", "hoe", "waar", "kost", "voor"}

# ------------------------------------------------------------------------------------------ birth date

_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           "jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_NUMERIC_DATE = rf"{_DAY}\s?[-./]\s?(?:0?[1-9]|1[0-2])\s?[-./]\s?(\d{{4}}|'?\d{{2}})"
_TEXT_DATE = rf"{_DAY}(?:e|ste|de)?\s+(?:{_MONTHS})\.?\s+(\d{{4}}|'\d{{2}})"
_ISO_DATE = r"(\d{4})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_DATE_RE = re.compile(rf"(?<![\w.,/-])(?:{_NUMERIC_DATE}|{_TEXT_DATE}|{_ISO_DATE})(?![\w]|[-./]\d)", re.IGNORECASE)
_BIRTH_CONTEXT_RE = re.compile(
    r"(?:geboren|\bgeb\.|geboorte\s*datum|geb\.?\s*datum|geboortedag|geboortejaar|verjaardag|jarig|"
    r"date\s+of\s+birth|\bborn\b|\bdob\b)[^.?!\n]{0,30}$",
    re.IGNORECASE,
)
# With a birth word, a month + year or a year alone is enough ("geboren in maart 1980", "geboortejaar 1975").
_BIRTH_PARTIAL_RE = re.compile(
    rf"(?:geboren|geboortejaar|geboortedatum|\bgeb\.)\s*(?:is|:|in|op|te\s+\w+\s+(?:in|op))?\s*"
    rf"((?:(?:{_MONTHS})\.?\s+)?(?:19|20)\d{{2}})(?![\w])",
    re.IGNORECASE,
)
_BIRTH_AFTER_RE = re.compile(r"^[^.?!\n\d]{0,12}\bgeboren\b", re.IGNORECASE)
_LAST_BIRTH_YEAR_WITHOUT_CONTEXT = 2010

# ---------------------------------------------------------------------------------------------- names

_NAME_PARTICLES = {"van", "de", "der", "den", "het", "'t", "’t", "ten", "ter", "te", "in", "op", "la", "le", "du",
                   "da", "del", "di", "el", "al", "von", "zu", "bin", "abu", "dos", "das", "d'"}
_NAME_TOKEN_RE = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-Za-zÀ-ÖØ-öø-ÿ][a-zà-öø-ÿ'’]+)*|(?:[A-Z]\.\s?){1,4}")
_WORD_RE = re.compile(r"[^\W\d_][\w'’.-]*|\S")

# Common first names (Dutch and of Leiden's larger communities): recognised in lower case as well.
FIRST_NAMES = frozenset("""
aad aafke abdel abdelkader abdullah abel adam adriaan adrie agnes ahmed aisha alex alexander ali alice amina
amir anna anne annelies anneke anja anouk ans ante anton arie arjen arjan arnold astrid ayoub bart bas bastiaan
bea bep bert bianca bilal bram brenda carla carlijn caroline cas chantal charlotte chris christiaan cor corrie
daan dave david debby dennis dewi diana dick dirk dolf dora edwin els elif elise ellen emma emre erik esther eva
evert fatima fatma femke fenna finn floor frank frans freek frits gerard gert gerrit gijs gerda greet hamza hanna
hans harm hatice hein hendrik henk henny herman hetty hugo ilse ingrid ineke irene iris ivo jaap jacob jacqueline
jan janneke jannes jasper jeroen jesse joke joost jop joris jos josé joyce judith julia jurgen kaj karin kees
khadija kim klaas koen kris laura leo lieke linda lisa lotte lucas luuk maaike maarten manon marco mark marleen
marloes martijn martin maria marie marijke mariska mehmet meryem michiel mieke mila milan mohamed mohammed
monique mustafa naima nadia niels nienke nina noah noor nora olga otto patrick paul peter petra piet pieter
priya rachid rob robert robin roel ronald rosa ruben rutger saar sanne sara sarah sem sietske simone sjaak
sofie sophie stefan stijn sven teun thijs thomas tim tineke tom tommy ton twan vera wendy wil willem wim wouter
yara yasmin yousef youssef zeynep zoë
""".split())

# Capitalised words that are no names: places, organisations, parties, titles, weekdays, sentence starters.
_NOT_NAMES = frozenset("""
leiden leidse leids leidenaar leidenaren leiderdorp oegstgeest zoeterwoude voorschoten katwijk teylingen
kaag braassem alphen gouda gouwe holland rijnland nederland nederlands nederlandse nederlander zuid-holland
noord-holland hollands midden haag amsterdam rotterdam utrecht europa europese merenwijk stevenshof
gemeente gemeentelijke college raad gemeenteraad stichting vereniging belastingsamenwerking servicepunt71
servicepunt kcc bsgr odwh ggd veiligheidsregio omgevingsdienst team afdeling wijkraad bewonerscommissie
bewonersvereniging ondernemersvereniging woningcorporatie portaal rijk provincie waterschap hoogheemraadschap
wethouder burgemeester raadslid fractie partij vvd cda d66 groenlinks pvda sp christenunie pvdd bij1 ja21 cu
programma begroting programmabegroting bestuur dienstverlening sleutelstad universiteit lumc hogeschool
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei juni juli augustus
september oktober november december ik wij we mijn onze ons de het een wat hoe waarom wanneer waar wie welke
graag bedankt dank alvast vriendelijke groet groeten met beste hallo hoi goedemiddag goedemorgen goedenavond
dag geachte heer mevrouw meneer hier dit dat er nog ook al niet geen wel even benieuwd blij bezorgd boos
inwoner inwoonster bewoner bewoonster ondernemer eigenaar huurder student gepensioneerd werkzaam
medewerker klant vrijwilliger lid voorzitter secretaris penningmeester ouder moeder vader mantelzorger
""".split())

# Words that end a name in the free (lower-case) form after "mijn naam is" / "groeten,".
_STOPWORDS = frozenset("""
en of maar want dus ik je u hij zij we wij jullie ze mijn uw zijn haar ons onze is ben bent was wil wilde
woon wonen woont heb hebt heeft had kan kun kunt mag moet zou zal graag vraag vragen vroeg uit te in op aan
met voor bij naar over om door tot na van de het een die dat dit deze wat hoe waarom wanneer waar wie welke
niet geen wel nog ook al even alvast dank bedankt groet groeten hallo hoi beste team afdeling gemeente
namens inwoner bewoner uit leiden jaar oud sinds hier daar nu vandaag morgen gisteren the
""".split())

_STRONG_NAME_TRIGGERS = re.compile(
    r"(?:\bmijn\s+naam\s+is|\bmijn\s+naam\s*:|\bnaam\s*:|\bik\s+heet|\bheet\s+ik|\b(?:u|je)\s+spreekt\s+met|"
    r"\bspreek\s+(?:ik|je|u)\s+met|\bmet\s+vriendelijke\s+groet(?:en)?|\bvriendelijke\s+groet(?:en)?|"
    r"\bhartelijke\s+groet(?:en)?|\bgroet(?:en|jes)?\s*,|\bgroetjes|\bm\.?v\.?g\.?|\bgr\.|\bhoogachtend|"
    r"\bgetekend|\bondertekend|\bcontactpersoon\s*:|\baanvrager\s*:|\bafzender\s*:)[\s,:;-]*",
    re.IGNORECASE,
)
_NAME_TRIGGERS = re.compile(
    r"(?:\bik\s+ben|(?:^|(?<=[,.!:;])|(?<=\n))\s*met\s+(?=[A-ZÀ-Þ])|\bnamens|\bhier\s+is|\bmevrouw|\bmeneer|\bmijnheer|\bmevr\.?|\bmw\.|\bdhr\.?|\bde\s+heer|"
    r"\bfam\.|\bfamilie|\bingediend\s+door|\b(?:vraag|bericht|mail|brief)\s+van|\bt\.?n\.?v\.|"
    r"\bten\s+name\s+van|\bop\s+(?:mijn\s+)?naam(?:\s+van)?\s*\(?|\bverstuurd\s+door|\bgeschreven\s+door|"
    r"\bmijn\s+(?:zoon|dochter|man|vrouw|partner|moeder|vader|buurman|buurvrouw|broer|zus|zoontje|dochtertje|"
    r"opa|oma|echtgenoot|echtgenote|vriend|vriendin)(?:\s*,)?)[\s,:;-]*",
    re.IGNORECASE,
)
_TITLES = frozenset({"mr", "mr.", "drs", "drs.", "dr", "dr.", "ir", "ir.", "ing", "ing.", "prof", "prof.", "ds",
                     "ds.", "mw", "mw.", "mevr", "mevr.", "dhr", "dhr."})
_STREET_END_RE = re.compile(rf"(?:{_STRONG})$", re.IGNORECASE)
_SIGNATURE_RE = re.compile(r"(?:\n|^)\s*(?:[-–—~]\s*)?([^\n]{2,60})\s*$")
_DASH_SIGNATURE_RE = re.compile(r"\s[-–—~]\s?([A-Z][^\n\-–—~]{1,40})\s*$")


def _digits(text: str) -> str:
    """Return only the digits of ``text``."""
    return "".join(ch for ch in text if ch.isdigit())


def is_valid_bsn(number: str) -> bool:
    """Return True when ``number`` (9 digits, separators allowed) passes the Dutch elfproef."""
    digits = _digits(number)
    if len(digits) != 9 or digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(digits, weights))
    return total % 11 == 0


def is_valid_iban(candidate: str) -> bool:
    """Return True when ``candidate`` has a correct ISO 13616 mod-97 checksum."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = "".join(str(int(ch, 36)) for ch in rearranged)
    except ValueError:
        return False
    return int(number) % 97 == 1


def _looks_like_iban(candidate: str) -> bool:
    """Return True for a Dutch-format IBAN (checksum typos included) or any valid IBAN."""
    compact = candidate.replace(" ", "").upper()
    return bool(_NL_IBAN_RE.match(compact)) or is_valid_iban(compact)


# ------------------------------------------------------------------------------------------ detectors


def _emails(text: str) -> Iterable[PiiSpan]:
    for m in _EMAIL_RE.finditer(text):
        yield PiiSpan(m.start(), m.end(), "email")


def _ibans(text: str) -> Iterable[PiiSpan]:
    """The longest IBAN at the start of each candidate; a trailing word group is not part of it."""
    for m in _IBAN_RE.finditer(text):
        raw = m.group(0)
        for cut in (i for i in range(len(raw), 0, -1) if i == len(raw) or raw[i] == " "):
            if _looks_like_iban(raw[:cut]):
                yield PiiSpan(m.start(), m.start() + cut, "iban")
                break


def _phones(text: str) -> Iterable[PiiSpan]:
    for m in _PHONE_RE.finditer(text):
        if not _DATE_LIKE_RE.match(m.group(0)):
            yield PiiSpan(m.start(), m.end(), "phone")


def _bsns(text: str) -> Iterable[PiiSpan]:
    for m in _BSN_CONTEXT_RE.finditer(text):
        yield PiiSpan(m.start(1), m.end(1), "bsn")
    for m in _BSN_RE.finditer(text):
        if not is_valid_bsn(m.group(0)):
            continue
        if _MONEY_BEFORE_RE.search(text[max(0, m.start() - 40):m.start()]) or _MONEY_AFTER_RE.match(text[m.end():]):
            continue
        yield PiiSpan(m.start(), m.end(), "bsn")


def _postcodes(text: str, addresses: list[PiiSpan]) -> Iterable[PiiSpan]:
    for m in _POSTCODE_RE.finditer(text):
        letters = m.group(2)
        if letters.upper() in _NOT_POSTCODE_LETTERS:
            continue
        if not letters.isupper():
            after_address = any(0 <= m.start() - a.end <= 3 for a in addresses)
            if not (after_address or _POSTCODE_CONTEXT_RE.search(text[max(0, m.start() - 20):m.start()])):
                continue
        yield PiiSpan(m.start(), m.end(), "postcode")


def _is_house_number(number: str, rest: str) -> bool:
    if len(number) == 4 and 1900 <= int(number) <= 2099:
        return False
    return not _NOT_HOUSE_NUMBER_AFTER_RE.match(rest)


def _trim_address_start(text: str, start: int, end: int) -> int:
    """Drop leading words such as "in de" or "mijn" from an address span."""
    while True:
        m = re.match(r"([\w'’.]+)\s+", text[start:end])
        if not m or m.group(1).lower() not in _ADDRESS_LEAD_WORDS:
            return start
        start += m.end()


def _addresses(text: str) -> list[PiiSpan]:
    found: list[PiiSpan] = []
    for m in _ADDRESS_RE.finditer(text):
        if _is_house_number(m.group(2), text[m.end():]):
            found.append(PiiSpan(_trim_address_start(text, m.start(), m.end()), m.end(), "address"))
    for m in _ADDRESS_CONTEXT_RE.finditer(text):
        if _is_house_number(m.group(2), text[m.end():]):
            found.append(PiiSpan(_trim_address_start(text, m.start(1), m.end()), m.end(), "address"))
    return found


def _birthdates(text: str) -> Iterable[PiiSpan]:
    for m in _DATE_RE.finditer(text):
        year = next(g for g in m.groups() if g is not None).lstrip("'")
        context = bool(_BIRTH_CONTEXT_RE.search(text[max(0, m.start() - 40):m.start()])
                       or _BIRTH_AFTER_RE.match(text[m.end():]))
        if context:
            yield PiiSpan(m.start(), m.end(), "birthdate")
        elif len(year) == 4 and 1900 <= int(year) <= _LAST_BIRTH_YEAR_WITHOUT_CONTEXT:
            yield PiiSpan(m.start(), m.end(), "birthdate")
        elif len(year) == 2 and 27 <= int(year) <= 99 and "/" in m.group(0):
            yield PiiSpan(m.start(), m.end(), "birthdate")
    for m in _BIRTH_PARTIAL_RE.finditer(text):
        yield PiiSpan(m.start(1), m.end(1), "birthdate")


def _is_name_word(word: str, strong: bool) -> bool:
    """A word that can be (part of) a person's name in this context."""
    low = word.lower().rstrip(".")
    if low in _NOT_NAMES and low not in FIRST_NAMES:
        return False
    if _NAME_TOKEN_RE.fullmatch(word.strip()):
        return True
    if low in FIRST_NAMES:
        return True
    return strong and word.isalpha() and low not in _STOPWORDS and len(low) >= 2


def _name_after(text: str, pos: int, strong: bool) -> PiiSpan | None:
    """The name starting at ``pos`` (a few words, particles allowed inside), if any."""
    end = pos
    names = 0
    pending_particles = False
    cursor = pos
    for _ in range(7):
        m = re.compile(r"[ \t]*((?:[A-Z]\.\s?){1,4}|[^\W\d_][\w'’-]*)").match(text, cursor)
        if not m:
            break
        word = m.group(1).strip()
        low = word.lower()
        if low in _TITLES or (low.rstrip(".") in _TITLES and names == 0):
            cursor = m.end()
            if text[cursor:cursor + 1] == ".":
                cursor += 1
            if end == pos:
                pos = cursor
            continue
        if _STREET_END_RE.search(word):
            break
        if low in _NAME_PARTICLES and (names > 0 or strong or pending_particles or word[0].isupper()):
            pending_particles = True
            cursor = m.end()
            continue
        if not _is_name_word(word, strong or pending_particles):
            break
        if strong and not word[0].isupper() and low not in FIRST_NAMES and names >= 3:
            break
        names += 1
        pending_particles = False
        cursor = m.end()
        end = m.end()
    if names == 0:
        return None
    start = pos + (len(text[pos:end]) - len(text[pos:end].lstrip()))
    return PiiSpan(start, end, "name")


def _names(text: str) -> list[PiiSpan]:
    found: list[PiiSpan] = []
    for pattern, strong in ((_STRONG_NAME_TRIGGERS, True), (_NAME_TRIGGERS, False)):
        for m in pattern.finditer(text):
            span = _name_after(text, m.end(), strong)
            if span is not None:
                found.append(span)
    # A last line that is only a name ("…?\nJan de Vries") or ends in "- Jan".
    lines = text.strip().splitlines()
    if len(lines) >= 2:
        sig = _SIGNATURE_RE.search(text)
        if sig and all(_is_name_word(w, False) or w.lower() in _NAME_PARTICLES for w in sig.group(1).split()):
            span = _name_after(text, sig.start(1), False)
            if span is not None and span.end >= sig.end(1) - 1:
                found.append(span)
    dash = _DASH_SIGNATURE_RE.search(text)
    if dash and all(_is_name_word(w, False) or w.lower() in _NAME_PARTICLES for w in dash.group(1).split()):
        span = _name_after(text, dash.start(1), False)
        if span is not None:
            found.append(span)
    # The same name elsewhere in the text ("Ik ben Jan Smit … groet, Jan").
    words = {w for s in found for w in re.findall(r"[A-ZÀ-Þ][a-zà-ÿ'’-]{2,}", text[s.start:s.end])
             if w.lower() not in _NOT_NAMES and w.lower() not in _NAME_PARTICLES}
    for word in words:
        for m in re.finditer(rf"(?<![\w]){re.escape(word)}(?![\w])", text):
            found.append(PiiSpan(m.start(), m.end(), "name"))
    return found


def find_pii(text: str) -> list[PiiSpan]:
    """All personal data in ``text``, as non-overlapping spans in text order."""
    if not text:
        return []
    addresses = _addresses(text)
    candidates: list[PiiSpan] = [
        *_emails(text), *_ibans(text), *_phones(text), *_bsns(text), *_birthdates(text),
        *_postcodes(text, addresses), *addresses, *_names(text),
    ]
    # Longest first, then by kind priority; keep a candidate only when it overlaps nothing kept.
    candidates.sort(key=lambda s: (-(s.end - s.start), _PRIORITY[s.kind], s.start))
    kept: list[PiiSpan] = []
    for span in candidates:
        if span.end > span.start and all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def mask_pii(text: str, also: Iterable[str] = ()) -> str:
    """Replace personal data by placeholder tokens such as ``[NAAM]`` and ``[BSN]``.

    ``also``: literal strings already known to be personal data (found in another field of the same
    message, e.g. a name that an entity value repeats without its context); they are masked as well.
    """
    if not text:
        return text
    spans = find_pii(text)
    parts: list[str] = []
    last = 0
    for span in spans:
        parts.append(text[last:span.start])
        parts.append(TOKENS[span.kind])
        last = span.end
    parts.append(text[last:])
    masked = "".join(parts)
    for value in sorted({v.strip() for v in also if v and len(v.strip()) >= 3}, key=len, reverse=True):
        masked = re.sub(rf"(?<![\w]){re.escape(value)}(?![\w])", "[PERSOONSGEGEVEN]", masked)
    return masked


def pii_values(text: str) -> list[str]:
    """The personal data found in ``text``, as the literal substrings."""
    return [text[s.start:s.end] for s in find_pii(text)]


def contains_pii(text: str) -> bool:
    """Return True when masking would change ``text``."""
    return bool(find_pii(text))


# ---------------------------------------------------------------------------------------------- logging


def _mask_log_text(message: str) -> str:
    """Mask a formatted log line; URL-encoded text (access logs) is decoded first when it hides data."""
    masked = mask_pii(message)
    if "%" in message:
        decoded = unquote(message)
        if decoded != message and contains_pii(decoded):
            return mask_pii(decoded)
    return masked


_installed_factory: list[Callable[..., logging.LogRecord]] = []


def install_log_masking() -> None:
    """Mask personal data in every log record of this process (message, arguments and tracebacks).

    Installs a log-record factory, so records of every logger are covered, whatever handler prints them.
    Calling it again is a no-op.
    """
    if _installed_factory:
        return
    previous = logging.getLogRecordFactory()
    _installed_factory.append(previous)

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call must not break the caller
            return record
        record.msg = _mask_log_text(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = _mask_log_text(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = _mask_log_text(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
