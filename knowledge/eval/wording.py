"""Plain-Dutch names for question kinds, question sets, set-ups and metrics, and the metrics' glossary."""

from __future__ import annotations

KINDS = {
    "goal": "doelen van de gemeente",
    "cost": "bedragen (lasten en baten)",
    "reserve": "reserves",
    "indicator": "indicatoren (meetbare cijfers)",
    "party": "verbonden partijen",
    "service": "dienstverlening",
    "keyword": "zoeken op een los woord",
    "typo": "vragen met tikfouten",
    "english": "vragen in het Engels",
    "out_of_scope": "vragen buiten de begroting",
    "followup": "vervolgvragen",
    "compare": "jaren vergelijken",
    "explain": "uitleg van een verschil",
    "define": "betekenis van een woord",
    "conversation": "gesprekken",
}
SETS = {
    "singles": "losse vragen",
    "conversations": "gesprekken",
    "questions": "eerste vragenset",
    "questions_heldout": "achtergehouden vragen",
}
HALVES = {"tune": "afstemhelft", "report": "controlehelft"}
CONFIGS = {
    "bm25": "alleen zoeken op woorden",
    "dense": "alleen zoeken op betekenis",
    "hybrid": "woorden en betekenis samen, met tabellen",
    "hybrid-notables": "woorden en betekenis samen, zonder tabellen",
    "api": "de draaiende dienst (via de API)",
    "rasa": "de draaiende assistent (via Rasa)",
}
# Plain-Dutch metric names, used in tables, the verdict and the glossary.
NAMES = {
    "found": "vindplaats in top 3",
    "top1": "vindplaats bovenaan",
    "cited": "juiste bron genoemd",
    "facts": "feitenscore",
    "handled": "goed afgehandeld",
    "out_of_scope_answered": "vragen buiten de begroting toch beantwoord",
    "wrongly_refused": "ten onrechte doorverwezen",
    "wrong_amounts": "antwoorden met foute bedragen",
    "conversations": "gesprekken geslaagd",
    "turns": "vervolgvragen goed",
    "errors": "technische fouten",
}
GLOSSARY = (
    ("vindplaats", "De plek in de begroting waar het antwoord staat (een hoofdstuk of paragraaf)."),
    ("vindplaats in top 3 (hit@3)", "Het zoeken zet de juiste vindplaats bij de eerste drie resultaten."),
    ("vindplaats bovenaan (hit@1)", "Het zoeken zet de juiste vindplaats op de eerste plaats."),
    ("juiste bron genoemd", "Het antwoord verwijst naar de juiste vindplaats."),
    ("feitenscore", "Hoeveel van de feiten die in een goed antwoord horen (een bedrag, een jaar, een naam) "
                    "echt in het antwoord staan."),
    ("goed afgehandeld", "De assistent geeft antwoord als de begroting het antwoord heeft, en verwijst door naar "
                         "het KCC als de begroting het antwoord niet heeft."),
    ("vragen buiten de begroting", "Vragen waar de begroting geen antwoord op geeft. De assistent moet dan "
                                   "doorverwijzen. Een antwoord op zo'n vraag is een risico."),
    ("foute bedragen", "Een bedrag in het antwoord dat niet bij de vraag hoort. Dit is een risico: een inwoner "
                       "kan op dat bedrag vertrouwen."),
    ("gesprekken geslaagd", "Een gesprek met vervolgvragen ('en het jaar daarna?') is geslaagd als elke vraag in het "
                            "gesprek goed is beantwoord."),
    ("MRR", "Gemiddelde van 1 gedeeld door de plaats van de juiste vindplaats (1 is altijd bovenaan)."),
    ("antwoordtijd", "De tijd tot het antwoord. De mediaan is de middelste tijd; bij 95% van de vragen is het "
                     "antwoord sneller dan de '95%-tijd'."),
    ("set-up", "Een manier van zoeken en antwoorden. Live draait er één; de andere zijn er om mee te vergelijken."),
    ("afstemhelft en controlehelft", "De vragen zijn in twee helften gesplitst. Met de afstemhelft is de "
                                     "assistent verbeterd; de controlehelft laat zien hoe hij het doet op vragen "
                                     "die daarbij niet gebruikt zijn."),
)


def kind_name(kind: str) -> str:
    """The Dutch name of a question kind."""
    return KINDS.get(kind, kind)


def set_name(name: str) -> str:
    """The Dutch name of a question set ('singles-report' -> 'losse vragen, controlehelft')."""
    base, _, half = name.rpartition("-")
    if base and half in HALVES:
        return f"{SETS.get(base, base)}, {HALVES[half]}"
    return SETS.get(name, name)


def config_name(config: str) -> str:
    """The Dutch description of a set-up, with its technical name."""
    return f"{CONFIGS[config]} ({config})" if config in CONFIGS else config
