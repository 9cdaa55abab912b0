"""The one currency of data passed between ingest, index, retrieval and answering."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Document:
    """A budget document as ingested: id (file stem), title, source file and metadata from its header."""

    id: str
    title: str
    source: str
    line_count: int
    kind: str = ""
    year: int | None = None
    programme: str = ""
    programme_number: str = ""
    municipality: str = ""

    @property
    def label(self) -> str:
        """Municipality, document kind, year and programme, as shown in citations."""
        head = " ".join(p for p in (self.kind or self.title, str(self.year or "")) if p and p not in self.title)
        head = head or self.title
        if self.year and str(self.year) not in head:
            head = f"{head} {self.year}"
        who = f"gemeente {self.municipality}, " if self.municipality else ""
        number = f"programma {self.programme_number}" if self.programme_number else "programma"
        programme = f", {number} {self.programme}" if self.programme else ""
        return f"{who}{head}{programme}".strip(", ")


@dataclass(frozen=True)
class Section:
    """A node of the budget tree: programme, beleidsterrein, doel, prestatie or a named part."""

    id: str
    document_id: str
    slug: str
    kind: str
    code: str | None
    title: str
    path: tuple[str, ...]
    parent_id: str | None
    text: str
    line_start: int
    line_end: int
    alt_titles: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Code and title, as shown to people."""
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass(frozen=True)
class Cell:
    """One value of a table: row (line × measure) by column (year and kind)."""

    line: str
    measure: str
    year: int | None
    kind: str
    value: float | None
    raw: str
    unit: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A table rebuilt from the flattened export, as typed cells."""

    id: str
    document_id: str
    section_id: str
    title: str
    unit: str
    columns: tuple[str, ...]
    cells: tuple[Cell, ...]
    line_start: int
    line_end: int
    footnotes: tuple[str, ...] = ()

    def find(self, line: str | None = None, measure: str | None = None, year: int | None = None) -> list[Cell]:
        """Return cells matching every given coordinate (case-insensitive)."""
        return [
            c
            for c in self.cells
            if (line is None or c.line.lower() == line.lower())
            and (measure is None or c.measure.lower() == measure.lower())
            and (year is None or c.year == year)
        ]


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: prose of a section or one table row in words."""

    id: str
    document_id: str
    section_id: str
    path: tuple[str, ...]
    text: str
    kind: str = "text"
    table_id: str | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer."""

    n: int
    document: str
    section_id: str
    code: str | None
    title: str
    path: tuple[str, ...]
    url: str
    quote: str
    document_title: str = ""


@dataclass(frozen=True)
class Resolved:
    """What an answer was about: the conversation state the next turn starts from."""

    year: int | None = None
    line: str | None = None
    measure: str | None = None
    topic: str | None = None
    subject: str | None = None
    intent: str | None = None
    document: str | None = None
    earlier: int | None = None  # the year of the turn before, for 'hoeveel verschil is dat?'
    quote: str | None = None  # the start of what the answer quoted, for 'met wie?' and 'is daar een reserve voor?'
    listing: str | None = None  # the list an ordinal just picked from ('de eerste'), for the next ('en de tweede?')
    quote_end: str | None = None  # the end of what the answer quoted: where 'en verder?' goes on
    explained: bool = False  # the last answer explained the number of this state ('en de reserve X?' asks the same)


@dataclass(frozen=True)
class RowRef:
    """One row group of a table (e.g. 'Dienstverlening' in Programmakosten)."""

    table_id: str
    line: str


@dataclass(frozen=True)
class Subject:
    """Something a question can be about, taken from the corpus: a row, reserve, partij, section or table."""

    id: str
    kind: str
    label: str
    document_id: str
    section_id: str | None
    aliases: tuple[str, ...]
    rows: tuple[RowRef, ...] = ()
    explanations: tuple[str, ...] = ()
    general_explanation: str | None = None
    total: bool = False
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A subject named in a question, with the words that named it."""

    subject_id: str
    kind: str
    label: str
    text: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Query:
    """The question frame, parsed once: every stage after understanding reads this, never the raw text."""

    text: str
    search_text: str
    language: str
    intent: str
    mentions: tuple[Mention, ...]
    subject: str | None
    measure: str | None
    years: tuple[int, ...]
    scope: tuple[str, ...]
    topic_words: tuple[str, ...]
    follow_up: bool = False
    refers: bool = False  # a word points back at what was just said ('dat', 'ze', 'daarvoor')
    takes_out: bool = False  # a verb of taking out with 'uit' ('hoeveel gaat er … uit het potje')
    asks_change: bool = False  # why / how much a number went up or down ('waarom zoveel hoger?')
    paired: str | None = None  # the subject just answered, set against the one named ('is dat meer dan X?')
    set_against: bool = False  # a name follows 'meer/hoger dan' ('… meer dan X')
    compares: bool = False  # a word of comparison ('verschil', 'stijgt') whatever else the question asks
    asks_level: bool = False  # why a number is this big, not a change ('waarom zo veel?')
    asks_members: bool = False  # who belongs to or takes part in something ('wie zitten daarin?', 'members')
    set_aside: tuple[str, ...] = ()  # subjects the words named but the question is not about ('wat doet de rekenkamer?'
    # is not about the reserve rekenkamer): their own sections are searched last
    inherited: tuple[str, ...] = ()
    total: bool = False
    codes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    weak_words: tuple[str, ...] = ()
    topic: str | None = None
    listing: bool = False
    counted: str | None = None
    measures: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    earlier: int | None = None  # the year a comparison is made against ('hoger dan vorig jaar')
    quoted: str | None = None  # what the turn before quoted, when this one follows up on its topic
    quoted_end: str | None = None  # the end of what the turn before quoted
    from_list: str | None = None  # the list an ordinal picked from ('en de tweede?'), kept for the next ordinal
    words: tuple[str, ...] = ()  # the question's folded words of four letters or more (names are checked on these)
    own_case: bool = False  # about what the asker pays ('wat kost mijn paspoort?', 'betaal ik')
    own_matter: bool = False  # the asker's own matter: a procedure, or a value of their own thing
    asks_source: bool = False  # where figures come from ('uit welke bron?', 'hoe wordt dat gemeten?')
    balance: bool = False  # how much something holds ('hoeveel zit er nog in', 'stand eind <jaar>')
    personal: bool = False  # the text carried personal data, masked before it got here
    percent: bool = False  # a share or score is asked ('welk percentage', 'hoeveel procent'), not euros
    part_of: bool = False  # a part of the amount just given ('hoeveel daarvan gaat naar …')
    phrase: str | None = None  # a quoted phrase of two words or more, folded ('altijd de juiste deur')
    whole_budget: bool = False  # the whole municipality's budget is asked, not one programme
    rate: str | None = None  # an amount per something the tables do not count ('per inwoner', 'per maand')
    extreme: str | None = None  # 'in welk jaar … het hoogst?': the year of the 'max' or 'min' value is asked
    period: str | None = None  # 'tot wanneer …?' asks the 'end' of a period, 'vanaf/sinds wanneer …?' its 'start'
    direction: str | None = None  # a change asked about goes 'up' ('hogere baten') or 'down' ('waarom lager?')
    others: str | None = None  # 'de andere <noun>': others than the one just talked about
    money: bool = False  # euros are asked ('hoeveel geld', a money measure), never a score or a share
    since: int | None = None  # 'sinds <jaar>': that year and every later measurement
    latest: bool = False  # 'de laatste meting': the last measured value
    manner: bool = False  # how something is done ('hoe betrekt de gemeente …?'), not how much or how satisfied
    clock: bool = False  # a time of day is asked ('hoe laat begint …?'): only a passage with a clock time answers


@dataclass(frozen=True)
class ClarifyOption:
    """One reading of an ambiguous question, as a label and the full question to send."""

    label: str
    question: str


@dataclass(frozen=True)
class Clarify:
    """A question back to the user when 2–4 readings are plausible."""

    question: str
    options: tuple[ClarifyOption, ...]


@dataclass(frozen=True)
class Answer:
    """A grounded answer, or an honest abstention with a referral."""

    question: str
    answered: bool
    text: str
    confidence: float
    citations: tuple[Citation, ...] = ()
    resolved: Resolved = field(default_factory=Resolved)
    method: str = "text"
    clarify: Clarify | None = None
    frame: Query | None = None
    series: tuple[Cell, ...] = ()
    asked_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Corpus:
    """Everything ingested: documents, their sections and tables."""

    documents: tuple[Document, ...]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]

    def section(self, section_id: str) -> Section | None:
        """Return the section with this id, if present."""
        return self.by_id.get(section_id)

    @cached_property
    def by_id(self) -> dict[str, Section]:
        """Sections by id, built once."""
        return {s.id: s for s in self.sections}


@dataclass(frozen=True)
class SearchResult:
    """A section found for a query, with its best-matching passage as snippet."""

    section: Section
    score: float
    snippet: str


@dataclass(frozen=True)
class TableFacts:
    """The verified cells that answer a question, with the table, section and subject to cite."""

    table: Table
    section: Section
    subject: Subject
    cells: tuple[Cell, ...]
    family: str
    resolved: Resolved
    compare: bool
    default_year: int | None
    total_of: tuple[Cell, ...] = ()  # the total row's cells a share of it is computed against
    extreme: str | None = None  # the cells span the years; the 'max' or 'min' of them is asked
    listing: bool = False


@dataclass(frozen=True)
class NoAmount:
    """The budget has no amount for what was asked; the reason in plain Dutch, maybe with options."""

    reason: str
    clarify: Clarify | None = None
    refer: bool = False
    kept: Resolved | None = None  # what the refusal was still about ('en in <other year> dan?' may follow)
    search: bool = False  # the question's own words may name something only the prose gives an amount for
