"""General cue words of questions (Dutch and English): what kind of answer is wanted, follow-up and reference
cues, relative years, and words that carry no topic. Never names of lines, years, programmes or municipalities."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.tables import KIND_NAMES
from nlu.privacy import MASK_TOKENS

# Words that say what kind of answer is wanted (question words and general budget words, both languages).
INTENT_CUES: dict[str, tuple[str, ...]] = {
    "meaning": ("wat betekent dat", "wat betekent dit", "wat houdt dat in", "wat bedoel je", "wat bedoelt u",
                "what does that mean", "what does this mean", "what do you mean", "betekenis daarvan"),
    "explain": ("waarom", "waardoor", "hoe komt", "hoe komen", "hoe kan dat", "hoe kan het", "hoezo", "oorzaak",
                "oorzaken", "reden", "redenen", "verklaring",
                "verklaart", "why", "how come", "reason", "reasons", "waarvoor", "what for", "what is it for",
                "wat gebeurt er mee", "wat doen ze ermee", "waar gaat dat geld naartoe", "naartoe", "waaraan",
                "vandaan", "welke bron", "source", "sources"),
    "compare": ("stijg", "stijgen", "stijgt", "daal", "dalen", "daalt", "verschil", "verander", "toename", "afname",
                "hoger", "lager", "groei", "groeit", "meer of minder", "duurder", "goedkoper",
                "minder", "vergeleken", "versus", "vs", "vergelijk", "omhoog", "omlaag", "increase",
                "increases", "decrease", "decreases", "rise", "rises", "fall", "falls", "change", "changes",
                "compare", "difference", "grow", "grows", "go up", "go down", "more or less"),
    "goal": ("doelen", "doel", "doelstelling", "doelstellingen", "ambitie", "ambities", "goals", "goal",
             "objectives", "objective", "achieve", "aims"),
    "who": ("wie", "who", "leden", "deelnemers", "deelnemende", "doen mee", "meedoen", "doet mee", "members",
            "participants", "partners", "welke gemeenten", "which municipalities", "welke organisatie",
            "which organisation", "which organization", "nemen deel", "neemt deel", "deelnemen"),
    "list": ("welke", "which", "noem", "lijst", "overzicht", "list", "opsomming", "valt onder", "vallen onder",
             "bestaat uit", "onderdelen", "wat valt er", "what falls under", "consists of"),
    "when": ("wanneer", "when", "welk jaar", "which year", "welke periode", "which period", "datum", "mijlpaal",
             "mijlpalen"),
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
                      r"\b(daar|hier|er)(achter|bij|door|tegen|onder|naast|tussen|boven|buiten|binnen|toe)\b|"
                      r"\b(daar|hier)\b(?:\s+\w+){1,5}\s+(aan|voor|van|mee|op|over|uit|naartoe)\s*\??\s*$|"
                      r"\bdaar\b(?:\s+\w+){1,6}\s+(?:aan|voor|van|mee|op|over|uit|naartoe)\s+\w+\s*\??\s*$|"
                      # 'werkt X daar samen?': there, in what was just talked about
                      r"(?<!^)\bdaar\b(?!\s*(?:staat|stond|zijn|is)\s+(?:niets|geen))|"
                      r"\b(dat|dit|die|deze|het|it|that|this|those|them|they|daarvan|ervan)\s*\??\s*$|"
                      r"\b(?:for|of|from|about|with|to)\s+(?:it|that|this|them)\b", re.IGNORECASE)
# a budget sentence opening with a word that points back at the one before ('Dit noemen we …', 'Ook het college …')
BACK_REFERENCE = re.compile(r"(?i)(?:dit|deze|dat|die|daarom|daarnaast|daarbij|daarvoor|daarmee|daardoor|daarin|"
                            r"hierbij|hiervoor|hiermee|hierdoor|hierin|zo|ook|ze|zij)(?![\w])")
# where money goes ('waar gaat het geld naartoe?') asks what it is for, unless more or less is asked of two things
DESTINATION = ("naartoe", "waaraan", "waar gaat dat geld naartoe")
MORE_OR_LESS = re.compile(r"(?<![\w])(?:meer|minder|het meest|het minst|more|less|most|least)(?![\w])")
COMPARED = re.compile(r"(?:hoger|lager|meer|minder|groter|kleiner|duurder|goedkoper|higher|lower|more|less|bigger|"
                      r"smaller)\s+(?:dan|than)\s+(?:het\s+|de\s+|the\s+)?$")
# a year right after a comparative is the base of the comparison, not the year asked ('dat is meer dan in <jaar>?')
THAN_YEAR = re.compile(r"(?:hoger|lager|meer|minder|groter|kleiner|duurder|goedkoper|higher|lower|more|less|bigger|"
                       r"smaller)\s+(?:dan|than)\s+(?:in\s+|het\s+jaar\s+|the\s+year\s+)?((?:19|20)\d\d)(?![\w])")
# 'gaan de lasten na <jaar> omlaag?': the year after the one named is compared with it
AFTER_YEAR = re.compile(r"(?<![\w])(?:na|after)\s+((?:19|20)\d\d)(?![\w])")
MORE_BY = re.compile(r"(?<![\w])(?:hoeveel(?:\s+[\w-]+){0,3}?\s+(?:meer|minder|hoger|lager)|"
                     r"how much (?:more|less|higher|lower))(?![\w])")
# 'is dat eenmalig?', 'geldt dit ook voor dat jaar?', 'is it recurring?': a yes/no question about what was just said
ABOUT_THAT = re.compile(r"^\s*(?:(?:waarom|hoe|wanneer|waar|why|how|when|where)\s+)?(?:is|was|wordt|werd|zijn|waren|"
                        r"komt|gaat|geldt|blijft|worden|are|were|does|do|will)\s+(?:dat|dit|het|die|deze|that|this|"
                        r"it|they|those)(?![\w])")
CHANGE_ASKED = re.compile(r"(?<![\w])(?:hoger|lager|(?:meer|minder|more|less)\s+(?:dan|than)|zoveel|zo veel|zo hoog|"
                          r"zo laag|stijg\w*|daal\w*|dalen\w*|daling\w*|gestegen|gedaald|toename|afname|higher|lower|"
                          r"increase\w*|decrease\w*|drop\w*|rise\w*|rising)(?![\w])")  # ('niet meer' is no comparison)
# the direction of a change, asked or explained ('de hogere baten', 'waarom is dat lager?')
CHANGE_UP = re.compile(r"(?<![\w])(?:hogere?|stijg\w*|gestegen|toename|toenemen\w*|groei\w*|higher|increase\w*|"
                       r"rise\w*|rising)(?![\w])")
CHANGE_DOWN = re.compile(r"(?<![\w])(?:lagere?|daal\w*|dalen\w*|daling\w*|gedaald|"
                         r"afname|afnemen\w*|lower|decrease\w*|drop\w*)(?![\w])")
# how big a number is, not how it changed ('waarom zo veel?', 'why so much?'): answered by what it is made of
LEVEL_ASKED = re.compile(r"(?<![\w])(?:zoveel|zo veel|zo hoog|zo groot|zo duur|so much|so high|so big)(?![\w])")
CONDITION = re.compile(r"(?<=\w )(?:als|indien|mits|tenzij|if|unless)(?![\w])")  # a condition after the main clause
PERSONAL = re.compile("|".join(re.escape(t) for t in MASK_TOKENS))  # personal data, masked before understanding
# a share asked for ('welk percentage', 'hoeveel procent'): a score or share, never a euro amount
PERCENT = re.compile(r"(?<![\w])(?:percentage|percentages|procent|percent|pct)(?![\w])|\d\s?%")
# words that ask for euros (not a count or a share): an answer from a percentage table never fits them
EURO_CUES = ("geld", "euro", "euros", "€", "bedrag", "bedragen", "budget", "hoe duur", "prijs", "money", "cost",
             "costs", "kost", "kosten", "kostte")
OTHER = re.compile(r"(?<![\w])(?:andere|overige|other)\s+([a-z]{4,})")  # 'de andere gemeenten', 'other parties'
# a phrase the asker quotes ('het principe "altijd de juiste deur"'): the passage that uses it is meant
QUOTED_PHRASE = re.compile(r"(?:^|(?<=\s))['\"‘“„]([^'\"‘’“”„]{4,80}?)['\"’”](?![\w])")
# the whole municipality's budget ('de begroting van de hele gemeente'), which a programme's chapter does not hold
WHOLE_BUDGET = re.compile(r"(?<![\w])(?:(?:hele|gehele|totale|complete|volledige|whole|entire|total)\s+(?:gemeente|"
                          r"stad|gemeentebegroting|municipality|city)|(?:hele|gehele|complete|volledige|whole|entire)\s+"
                          r"(?:begroting|budget))(?![\w])")  # ('het totale budget van X' is X's total)
# a part of the amount just given ('hoeveel daarvan gaat naar …', 'how much of that is for …')
PART_OF = re.compile(r"(?<![\w])(?:daarvan|hiervan|waarvan|(?:of|out of) (?:that|it|this|which|those))(?![\w])")
# 'wat kost mijn paspoort?', 'wat kost het om … te verlengen?': a fee or tax for one's own case
OWN_CASE = re.compile(r"\b(mijn|my|betaal ik|do i pay)\b")
# where figures come from ('uit welke bron …?', 'waar komen de cijfers vandaan?', 'what is the source')
SOURCE_ASKED = re.compile(r"(?<![\w])(?:bron|bronnen|source|sources|vandaan|(?:hoe|how|wie|who)\s+(?:[\w-]+\s+){0,8}?"
                          r"(?:gemeten|meten|meet|measured?))(?![\w])")
# the asker's own matter, which no budget describes: a value of their own thing ('de WOZ-waarde van mijn huis') or a
# procedure to follow ('hoe vraag ik … aan?', 'kan ik online een afspraak maken?')
OWN_MATTER = re.compile(r"\b(?:van|voor|op|bij|of|for|on)\s+(?:mijn|my)\b|"
                        r"\b(?:vraag|vragen)\s+(?:ik|we|wij)\b.*\baan\b|"
                        r"\b(?:wat|hoe)\s+moet\s+ik\b|\bwhat\s+(?:should|must|do)\s+i\b|\bdo\s+i\s+(?:need|have)\b|"
                        r"\b(?:ik|i)\b.*\b(?:aanvragen|aanmelden|inschrijven|afspraak\s+maken|bezwaar\s+maken|"
                        r"apply|make\s+an\s+appointment|sign\s+up|register)\b")
# a time of day is asked ('hoe laat begint …?'), which a budget gives only as a clock time
# how something is done: 'hoe' and a finite verb before its subject ('hoe betrekt de gemeente …?'), not a degree
# ('hoe tevreden waren …?', 'hoe vaak …?'), which the figure of an indicator may answer
MANNER = re.compile(r"^\s*(?:en\s+)?(?:hoe\s+(?!(?:komt|zit|staat|gaat)\s+het(?![\w]))(?!ontwikkelt|verhoudt)\w+t\s+"
                    r"(?:de|het|een|je|u|we|wij|ze|zij|hij|men|jullie|dat|dit|die|deze)(?![\w]))")
# a question relayed by KCC staff: who asks, and what the employee asks of the answer, frame the question itself
# ('Inwoner vraagt hoeveel …, wat kan ik zeggen?', 'Een beller wil weten …. Wat is het antwoord?')
RELAY_OPEN = re.compile(r"^\s*(?:een\s+)?(?:inwoner|bewoner|beller|klant|burger|iemand|meneer|mevrouw|resident|caller|"
                        r"citizen)\s+(?:vraagt|wil\s+weten|belt\s+(?:en\s+vraagt|over)|asks|wants\s+to\s+know)"
                        r"(?:\s+(?:aan|bij)\s+(?:de|het|een)\s+[\w-]+)?\s*[:,]?\s*", re.IGNORECASE)
RELAY_CLOSE = re.compile(r"[,.;:]?\s*(?:wat\s+kan\s+ik\s+(?:(?:hem|haar|die|deze)\s+)?"
                         r"(?:zeggen|antwoorden|vertellen|melden)|"
                         r"wat\s+(?:is\s+het\s+antwoord|zeg\s+ik)|klopt\s+dat|is\s+dat\s+(?:zo|waar)|"
                         r"what\s+(?:can|do|should)\s+i\s+(?:say|tell|answer)"
                         r"(?:\s+(?:him|her|them))?)\s*\??\s*$", re.IGNORECASE)
# 'en verder?', 'wat nog meer?', 'tell me more': what the passage just quoted says next
MORE_ASKED = re.compile(r"^\s*(?:en\s+|and\s+)?(?:verder|wat\s+nog\s+meer|nog\s+meer|vertel\s+(?:eens\s+)?meer|"
                        r"meer\s+(?:info|informatie)|tell\s+me\s+more|what\s+else|anything\s+else)\s*\??\s*$")
HOW_IT_WORKS = re.compile(r"^\s*(?:en\s+)?hoe\s+(werkt|werken)(?![\w])")  # 'hoe werkt X?': X described, 'werkt' asks it
SINCE_YEAR = re.compile(r"(?<![\w])(?:sinds|since)\s+((?:19|20)\d\d)(?![\w])")  # 'gedaald sinds <jaar>': from then on
LATEST_ASKED = re.compile(r"(?<![\w])(?:laatste|meest\s+recente|recentste|latest|most\s+recent)\s+(?:meting|cijfer|"
                          r"score|realisatie|uitkomst|measurement|figure|result)(?![\w])")  # the last measured
CLOCK_ASKED = re.compile(r"\b(?:hoe\s+laat|om\s+hoeveel\s+uur|openingstijden|what\s+time|opening\s+hours)\b")
CLOCK_TIME = re.compile(r"\b\d{1,2}[.:]\d{2}\s*(?:uur)?\b|\b\d{1,2}\s+uur\b|\b\d{1,2}\s*(?:am|pm)\b")
# 'hoeveel zit er nog in de reserve?': a balance, which a programme's reserve table (mutations) may not give
BALANCE = re.compile(r"\b(stand|eindstand|beginstand|zit er|zitten er|staat er|staan er|nog in|over in|left in|"
                     r"is in the|are in the|is there in|zit in|zitten in|"
                     r"is left|balance|eind(?:e)?(?: van)? (?:19|20)\d\d|end of (?:19|20)\d\d)\b")
POSSESSIVE = re.compile(r"(?<=\w)['’]s(?![\w])")  # English: "the council's reserve"
MEMBERS = re.compile(r"(?<![\w])(?:(?:zit|zitten|zat|zaten)\s+(?:er\s+)?(?:\w+\s+){0,4}?in|zitting|leden|lid|"
                     r"deelnemers|deelnemende|doen\s+mee|doet\s+mee|meedoen|(?:neemt|nemen)\s+deel|deelnemen|members|member|participants|"
                     r"take\s+part|takes\s+part|sits?\s+(?:on|in))(?![\w])")  # who belongs to something
# a phrase that only says what something is about ('op het gebied van X', 'with regard to X')
REGARDING = re.compile(r"(?<![\w])(?:op het gebied van|op het terrein van|in het kader van|met betrekking tot|"
                       r"ten aanzien van|wat betreft|when it comes to|in terms of|with regard to)(?![\w])")
# the kind of a year's figure ('de rekening <jaar>'): no topic beside the year it qualifies; without a year it is kept
# (a kind the year carried over does not have is no answer: 'en in de meerjarenbegroting?' after a begroting year)
YEAR_KINDS = (frozenset(KIND_NAMES) - {"realisatie"}) | frozenset(KIND_NAMES.values()) | {
    "jaarrekening", "meerjarenraming", "raming"}  # (the parser's column kinds; 'realisatie' is an indicator measure)
# nouns that name kinds of members ('welke gemeenten en organisaties doen mee?'): what is asked, not a topic
MEMBER_KINDS = frozenset("gemeenten gemeentes organisaties partijen instellingen partners deelnemers leden "
                         "municipalities organisations organizations parties members".split())
PRONOUN = re.compile(r"(?<![\w])(?:ze|zij|hij|hun|they|them|their|he|she)(?![\w])")  # who was just talked about
WANTS_TO_ACHIEVE = re.compile(r"(?<![\w])(?:wil|wilt|willen)(?![\w]).*(?<![\w])bereiken(?![\w])")
TAKEN_OUT = re.compile(r"(?<![\w])(?:uit|out of|from)\s+(?:de\s+|het\s+|the\s+)?$")
# 'hoeveel gaat er per jaar uit het potje voor …': a verb of taking out with 'uit' ('bestaat uit' is no withdrawal)
GOES_OUT = re.compile(r"(?<![\w])(?:gaat|gaan|ging|gingen|haalt|halen|haalde|haalden|gehaald|komt|komen)"
                      r"(?:\s+[\w-]+){0,6}\s+(?<!voort )uit(?!\s+van)(?![\w])|"  # ('gaat uit van', 'komt voort uit')
                      r"(?<![\w])uit\s*(?:gehaald|genomen|gegaan)(?![\w])|"
                      r"(?<![\w])(?:comes?|coming|came|goes|going|went|taken|takes?|"
                      r"took)\s+out\s+of(?![\w])")
# 'hoeveel gaat er naar de reserve X?', 'what goes into the reserve': what is put into it
PUT_IN = re.compile(r"(?<![\w])(?:gaat|gaan|ging|gingen|komt|komen|kwam|kwamen|gestort|stort|storten|wordt|worden|"
                    r"goes|going|went|put|paid)(?:\s+[\w-]+){0,4}?\s+(?:naar|in|into|to)\s+(?:de\s+|het\s+|the\s+)?$")
# 'hoeveel is er in de reserve X gestopt / bij de reserve X gekomen?': put in, the verb after the name
INTO = re.compile(r"(?<![\w])(?:in|bij|into|to)\s+(?:de\s+|het\s+|the\s+)?$")
PUT_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,3}?(?:gestopt|gestort|gekomen|bijgekomen|gegaan|toegevoegd|bijgezet|"
                       r"gezet|ingelegd|put|added)(?![\w])")
# a verb's participle ('gekomen', 'gestopt'): a word of the question, never a typo of another participle
PARTICIPLE_FORM = re.compile(r"ge[a-z]{3,}(?:en|d|t)")
# a rate the budget does not give: 'per inwoner', 'per maand', 'per capita' (amounts are per year)
RATE = re.compile(r"(?<![\w])(?:per|(?:kost|kosten|kostte|costs?)\s+(?:een|a|an))\s+(?!jaar|year|saldo|jaarschijf)"
                  r"(?:(?:[a-z]+e|nieuw|groot|klein|new|big|small)\s+(?=[a-z]{3,}))?([a-z]{3,})")
# ('wat kost een rijbewijs?': the price of one, which no budget line gives)
SPENDS = re.compile(r"(?<![\w])(?:geeft|geven|gaf|gaven)(?:\s+[\w-]+){1,6}\s+uit(?![\w])")
# the separable verb of a contribution: 'hoeveel draagt de gemeente daaraan bij?'
CONTRIBUTES = re.compile(r"(?<![\w])(?:draagt|dragen|droeg|droegen)(?:\s+[\w-]+){1,6}\s+bij(?![\w])")
# what is left over, the net figure: 'wat blijft er (netto) over?', 'hoeveel houdt de gemeente over?'
REMAINS = re.compile(r"(?<![\w])(?:blijft|blijven|bleef|bleven|houdt|houden|hield|hielden)(?:\s+[\w-]+){0,3}?\s+over"
                     r"(?=\s*(?:[?,.!]|$|(?:als|na|wanneer|nadat|van|voor)(?![\w])))"  # (the particle ends its clause)
                     r"|(?<![\w])(?:overblijft|overblijven|overhouden|overhoudt|overgebleven)(?![\w])")
# the separable verb of revenue: 'wat levert het op?', 'leverde dat veel op?', 'opgeleverd'
YIELDS = re.compile(r"(?<![\w])(?:(?:levert|leveren|leverde|leverden)(?:\s+[\w-]+){0,6}\s+op|opleveren|oplevert|"
                    r"opgeleverd|(?:komt|komen|kwam|kwamen|krijgt|krijgen|kreeg|kregen|haalt|halen|haalde|haalden)"
                    r"(?:\s+[\w-]+){0,6}\s+binnen|binnenkomt|binnenkomen|binnengekomen|binnengehaald|binnenhalen|"
                    r"binnenkrijgt|binnenkrijgen)(?![\w])")  # and what comes in: 'hoeveel geld komt er binnen?'
# 'welke organisaties …': a question for things of a kind, asked by the noun after 'welke' (or 'which')
WHICH_NOUN = re.compile(r"^(?:en\s+|and\s+)?(?:welke|welk|which)\s+([a-z]{3,})(?![\w])")
# the year with the highest or lowest amount: 'in welk jaar zijn de lasten het hoogst?', 'when was it lowest?'
WHICH_YEAR = re.compile(r"(?<![\w])(?:welk|which|what)\s+(?:jaar|year)(?![\w])|"
                        r"^(?:en\s+|and\s+)?(?:wanneer|when)(?![\w])")
HIGHEST = re.compile(r"(?<![\w])(?:hoogst|hoogste|grootst|grootste|meest|meeste|highest|largest|biggest|most)(?![\w])")
LOWEST = re.compile(r"(?<![\w])(?:laagst|laagste|kleinst|kleinste|minst|minste|lowest|smallest|least)(?![\w])")
# 'waar wordt het geld … voor gebruikt?': the pronominal adverb split around the clause asks what for ('waar staat
# X voor?' asks what an abbreviation stands for)
WHAT_FOR = re.compile(r"^(?:en\s+|and\s+)?waar\s+(?!sta\w*\s)(?:[\w'-]+\s+){1,12}(?:voor|aan|naartoe|heen|mee)"
                      r"(?:\s+[a-z]+)?\s*\??$")
# 'wat verstaat de gemeente onder X?', 'wat wordt bedoeld met X?': what X means
MEANT_BY = re.compile(r"^(?:en\s+|and\s+)?wat\s+(?:verstaat|verstaan|bedoelt|bedoelen|wordt\s+(?:er\s+)?bedoeld)\s+"
                      r"(?:[\w'-]+\s+){0,4}?(?:onder|met)\s+\S")
# 'wat doet de gemeente om … te …/aan …/met …?': what is done for or with something, not what a thing is
DOES_FOR = re.compile(r"^(?:en\s+|and\s+)?wat\s+(?:doet|doen|deed|deden)\s+(?:[\w'-]+\s+){1,6}(?:om|aan|met|tegen)"
                      r"(?![\w])")
# verb forms of 'kosten' that ask for an amount without naming which one ('wat kost X netto?': the netto is asked)
ASKING_VERBS = frozenset("kost kostte kostten gekost cost costs".split())
# a period asked: its end ('tot wanneer …?', 'until when') or its start ('vanaf / sinds wanneer …?')
PERIOD_ASKED = re.compile(r"^\s*(?:en\s+|and\s+)?(tot|until|vanaf|sinds|since|from)\s+(?:wanneer|when)(?![\w])")
TIME_NOUNS = frozenset("jaar jaren jaarschijf maand periode year years month period".split())
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
    anders
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
    decrease change compare difference go up down mensen people gebruikt gebruiken ingezet inzetten benut
    benutten used use nodig needed english engels please alsjeblieft alstublieft each every elke ieder iedere
    jaarlijks jaarlijkse yearly annual annually structureel structurele incidenteel incidentele zoveel zovele extra
    evenveel""".split()
)


CUE_WORDS = frozenset(w for cues in (*INTENT_CUES.values(), AMOUNT_CUES, TOTAL_CUES) for c in cues
                      for w in c.split() if w.isalpha())
BUDGET_WORDS = ("begroting", "budget", "programmabegroting")
SHORT = 4  # words of a question that is a follow-up when it names no subject and at most one topic word
MIN_COMPOUND_PART = 4  # shortest word that counts as one half of a compound
STRUCTURE_WORDS = frozenset(
    "beleidsterrein beleidsterreinen prestatie prestaties onderdeel hoofdstuk paragraaf".split())


@lru_cache(maxsize=1024)
def cue_pattern(cues: tuple[str, ...], short_words_prefix: bool = False) -> re.Pattern[str]:
    """One compiled alternation for a cue list (a short single cue word may start a longer word, when asked)."""
    def one(c: str) -> str:
        tail = r"\w*" if short_words_prefix and len(c) <= 4 and " " not in c else r"(?![\w])"
        return re.escape(c) + tail
    return re.compile(r"(?<![\w])(?:" + "|".join(one(c) for c in cues) + ")")


def has_cue(folded: str, cues: tuple[str, ...]) -> bool:
    """A cue word or phrase occurs in the folded text."""
    return bool(cues) and cue_pattern(cues).search(folded) is not None


def names_change(folded: str, measure: str, direction: str) -> bool:
    """The text names the measure going in the direction ('de daling van de lasten' for lasten going down)."""
    pattern = CHANGE_UP if direction == "up" else CHANGE_DOWN
    return any(re.match(r"(?:\s+[\w/-]+){0,3}?\s+" + re.escape(measure.lower()) + r"(?![\w])", folded[m.end():])
               for m in pattern.finditer(folded))


def change_direction(folded: str) -> str | None:
    """'up' or 'down' when the text names one direction of change, else None."""
    up, down = CHANGE_UP.search(folded) is not None, CHANGE_DOWN.search(folded) is not None
    return "up" if up and not down else "down" if down and not up else None
