"""Vocabulary from the corpus: subjects (rows, reserves, partijen, sections, tables), measures, years, links.

Nothing here names a line, a year, a programme or a municipality: every label comes from the parsed documents.
The only constants are general budget words (BBV measures and their everyday synonyms, explanation headings).
"""

from knowledge.vocabulary.build import build_vocabulary, tables_section
from knowledge.vocabulary.model import (
    INDICATOR_FAMILIES,
    MEASURE_FAMILIES,
    MONEY_UNITS,
    Vocabulary,
    is_under,
    key,
    measure_family,
)
from knowledge.vocabulary.totals import total_rows

__all__ = ["INDICATOR_FAMILIES", "MEASURE_FAMILIES", "MONEY_UNITS", "Vocabulary", "build_vocabulary", "is_under", "key",
           "measure_family", "tables_section", "total_rows"]
