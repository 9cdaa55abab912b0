"""The measure a verb names when no measure word does: money that comes in, is contributed, spent, or goes into or
out of a reserve ('wat levert het op?', 'hoeveel draagt X bij?', 'hoeveel is er in de reserve X gestopt?')."""

from __future__ import annotations

from knowledge import wording
from knowledge.cues import CONTRIBUTES, GOES_OUT, INTO, PUT_AFTER, PUT_IN, REMAINS, SPENDS, TAKEN_OUT, YIELDS
from knowledge.table_answer import has_family
from knowledge.types import Mention
from knowledge.vocabulary import Vocabulary


def measure_by_verb(folded: str, vocab: Vocabulary, mentions: list[Mention], measure: str | None,
                    intent: str) -> tuple[str | None, str]:
    """The measure (and amount intent) a separable or directional verb asks for; the given ones otherwise."""
    if measure is None and "baten" in vocab.measure_words.values() and YIELDS.search(folded) \
            and wording.counted_noun(folded) is None \
            and not (mentions and not any(has_family(vocab, m.subject_id, "baten") for m in mentions)):
        # ('hoeveel klachten kwamen er binnen?' counts things; 'wat levert <a partner> ons op?' asks what it brings
        # when it has no revenue in the tables)
        measure = "baten"  # the separable verb: 'wat levert het op?'
        intent = "amount" if intent not in ("amount", "compare", "explain") else intent
    if measure is None and "bijdrage" in vocab.measure_words.values() and CONTRIBUTES.search(folded):
        measure = "bijdrage"  # the separable verb: 'hoeveel draagt de gemeente daaraan bij?'
        intent = "amount" if intent not in ("amount", "compare", "explain") else intent
    if measure is None and "saldo" in vocab.measure_words.values() and REMAINS.search(folded) \
            and intent not in ("who", "when", "how"):
        measure = "saldo"  # the separable verb: 'wat blijft er over als de inkomsten eraf gaan?'
        intent = "amount" if intent not in ("amount", "compare", "explain") else intent
    if measure is None and "lasten" in vocab.measure_words.values() and SPENDS.search(folded):
        measure = "lasten"  # the separable verb: 'geeft de gemeente meer uit aan …'
        intent = "amount" if intent not in ("amount", "compare", "explain") else intent
    if measure is None and intent in ("amount", "compare", "explain") \
            and "onttrekking" in vocab.measure_words.values() \
            and any(vocab.subjects[m.subject_id].kind == "reserve" and (
                TAKEN_OUT.search(folded[: m.start]) or GOES_OUT.search(folded)) for m in mentions):
        measure = "onttrekking"  # 'hoeveel gaat er uit de reserve raad?': what is taken out of it
    if measure is None and intent in ("amount", "compare", "explain") \
            and "toevoeging" in vocab.measure_words.values() \
            and any(vocab.subjects[m.subject_id].kind == "reserve" and (PUT_IN.search(folded[: m.start]) or (
                INTO.search(folded[: m.start]) and PUT_AFTER.search(folded[m.end:]))) for m in mentions):
        measure = "toevoeging"  # 'hoeveel gaat er naar de egalisatiereserve?': what is put into it
    return measure, intent

