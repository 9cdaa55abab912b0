"""English → Dutch budget vocabulary, to expand English questions for lexical search and coverage checks.

The dense model is multilingual; BM25 and the 'does the budget cover this' check work on Dutch words,
so an English question is expanded with the Dutch terms of a small domain glossary.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    # general municipal services (so that an English question about them is checked against the budget)
    "opening hours": "openingstijden", "parking": "parkeren", "parking permit": "parkeervergunning",
    "permit": "vergunning", "waste": "afval", "garbage": "afval", "rubbish": "afval", "salary": "salaris",
    "wage": "salaris", "wages": "salaris", "police": "politie", "school": "school", "schools": "scholen",
    "housing": "wonen woningen", "homes": "woningen", "rent": "huur", "library": "bibliotheek",
    "swimming pool": "zwembad", "sports": "sport", "health": "gezondheid", "youth care": "jeugdzorg",
    "social assistance": "bijstand", "welfare": "bijstand", "roads": "wegen", "bicycle": "fiets",
    "traffic": "verkeer", "public transport": "openbaar vervoer", "weather": "weer", "fee": "leges",
    "fees": "leges", "people": "mensen", "members": "leden",
    "disagreed": "oneens", "disagree": "oneens", "represented": "vertegenwoordigd", "governed": "bestuurd",
    "election": "verkiezingen", "elections": "verkiezingen", "vote": "stemmen verkiezingen",
    "voting": "stemmen verkiezingen", "polling": "stembureau", "council": "gemeenteraad raad",
    "councillors": "raadsleden", "councillor": "raadslid", "city council": "gemeenteraad",
    "municipal council": "gemeenteraad", "mayor": "burgemeester", "aldermen": "college wethouders",
    "executive": "college", "board": "college bestuur", "clerk": "griffie", "registry": "griffie",
    "audit office": "rekenkamer", "court of audit": "rekenkamer", "auditor": "accountant",
    "accountant": "accountant", "passport": "paspoort", "passports": "paspoort paspoorten",
    "identity card": "identiteitsbewijs", "id card": "identiteitsbewijs", "driving licence": "rijbewijs",
    "driver's license": "rijbewijs", "driving license": "rijbewijs", "licence": "rijbewijs",
    "wedding": "huwelijken", "marriage": "huwelijken", "travel documents": "reisdocumenten",
    "civil affairs": "burgerzaken", "customer contact": "klant contact centrum kcc",
    "contact centre": "klant contact centrum kcc", "call centre": "klant contact centrum kcc",
    "questions": "vragen", "phone": "telefoon", "website": "website",

    "services": "dienstverlening", "service": "dienstverlening", "customer": "klant",
    "satisfaction": "tevredenheid tevreden", "satisfied": "tevreden", "survey": "enquête stadsenquete",
    "participation": "participatie", "communication": "communicatie", "residents": "inwoners",
    "citizens": "burgers inwoners", "region": "regio", "regional": "regionale regio",
    "cooperation": "samenwerking", "collaboration": "samenwerking", "partnership": "samenwerkingsverband",
    "taxes": "belastingen", "tax": "belastingen", "property value": "woz-waarde", "woz value": "woz-waarde",
    "valuation": "woz-waarde", "contribution": "bijdrage", "reserve": "reserve", "reserves": "reserves",
    "investment": "investering", "investments": "investeringen", "subsidy": "subsidie", "subsidies": "subsidies",
    "grants": "subsidies", "budget": "begroting", "costs": "lasten", "cost": "lasten", "spending": "lasten",
    "expenses": "lasten", "income": "baten", "revenue": "baten", "goals": "doelen", "goal": "doel",
    "targets": "streefwaarden", "target": "streefwaarde", "indicator": "indicator effectindicatoren",
    "registers": "basisregistraties", "base registries": "basisregistraties", "addresses": "adressen",
    "buildings": "gebouwen", "data": "data", "research": "onderzoek", "policy": "beleid",
    "democracy": "democratie", "politics": "politiek", "meetings": "vergaderen",
    "meeting": "vergadering", "city hall": "stadhuis", "town hall": "stadhuis",
    "mission": "missie", "priorities": "speerpunten", "portfolio": "portefeuille", "portfolios": "portefeuilles",
    "committee": "commissie", "council committee": "commissie raadscommissie", "alderman": "wethouder",
    "digital": "digitale", "risks": "risico's", "risk": "risico's",
    "opportunities": "kansen", "milestones": "mijlpalen",
    "withdrawn": "onttrokken", "withdraw": "onttrekken", "withdrawal": "onttrekking", "added": "toegevoegd",
    "addition": "toevoeging", "equalisation reserve": "egalisatiereserve", "equalization reserve": "egalisatiereserve",
    "governance": "bestuur", "administration": "bestuur",
    "result": "resultaat", "balance": "saldo", "pay": "betaalt", "pays": "betaalt", "paid": "betaald",
    "spend": "lasten", "spent": "lasten", "measured": "realisatie gemeten", "score": "score",
    # general words of government and planning
    "cemetery": "begraafplaats", "cemeteries": "begraafplaatsen", "foundation": "stichting",
    "answer": "beantwoorden afgehandeld", "answers": "beantwoordt afgehandeld", "directly": "direct",
    "cabinet": "kabinet", "strengthening": "versterking", "strengthen": "versterken", "yearly": "jaarlijks",
    "annual": "jaarlijks", "annually": "jaarlijks", "abolished": "opgeheven", "abolish": "opheffen",
    "channels": "kanalen", "products": "producten", "municipalities": "gemeenten", "agreements": "afspraken",
    "schedule": "schema", "partners": "partners", "plans": "plannen", "vision": "visie",


}
ENGLISH_MARKERS = frozenset(
    "the what who when where why how which does do is are of for my your can will much many".split()
)
_WORD = re.compile(r"[a-z']+")


def looks_english(text: str) -> bool:
    """At least two common English function words."""
    return sum(1 for w in _WORD.findall(text.lower()) if w in ENGLISH_MARKERS) >= 2


def _base(word: str) -> str:
    """An English verb form as the glossary has it ('targeted' -> 'target'), else the word itself."""
    if word in GLOSSARY:
        return word
    for ending, put in (("ied", "y"), ("ed", ""), ("ing", "")):  # (verb forms; plurals are listed as such)
        if word.endswith(ending) and len(word) > len(ending) + 2 and (base := word[: -len(ending)] + put) in GLOSSARY:
            return base
    return word


def glossary_terms(text: str, force: bool = False) -> list[str]:
    """The English glossary terms found in an English text (or any text with ``force``), longest first."""
    if not force and not looks_english(text):
        return []
    lowered = f" {' '.join(_base(w) for w in _WORD.findall(text.lower()))} "
    found: list[str] = []
    for en in sorted(GLOSSARY, key=len, reverse=True):
        if f" {en} " in lowered:
            found.append(en)
            lowered = lowered.replace(f" {en} ", " ")
    return found


def head_first(text: str) -> str:
    """Dutch names put the head first where English puts it last ('council reserve' is a 'reserve raad'): for each
    two adjacent English glossary words, their Dutch terms in the other order."""
    words = _WORD.findall(text.lower())
    phrases = [f"{head} {modifier}" for a, b in zip(words, words[1:]) if a in GLOSSARY and b in GLOSSARY
               for modifier in GLOSSARY[a].split() for head in GLOSSARY[b].split()]
    return " ".join(f"{p} ." for p in phrases)  # (a full stop between phrases: no name across two of them)


def expansion(text: str) -> str:
    """The Dutch terms of the English glossary words in an English text ('' for Dutch text)."""
    if not looks_english(text):
        return ""
    lowered = f" {' '.join(_base(w) for w in _WORD.findall(text.lower()))} "
    found: list[str] = []
    for en, nl in sorted(GLOSSARY.items(), key=lambda kv: -len(kv[0])):
        if f" {en} " in lowered:
            found.append(nl)
            lowered = lowered.replace(f" {en} ", " ")
    return " ".join(found)


def expand(text: str) -> str:
    """Append the Dutch terms of English glossary words found in the text (unchanged for Dutch)."""
    extra = expansion(text)
    return f"{text} {extra}" if extra else text
