"""Total rows of a money table, found on the numbers (a row that is the sum of the others), never on its words."""

from __future__ import annotations

from knowledge.types import Table
from knowledge.vocabulary.model import MONEY_UNITS, measure_family


def _sum_matches(total: list[float | None], parts: list[list[float | None]]) -> bool:
    if not parts or any(len(p) != len(total) for p in parts):
        return False
    compared = 0
    for i, value in enumerate(total):
        values = [p[i] or 0.0 for p in parts]  # '-' in a money table is nothing
        if value is None or not any(values):
            continue
        compared += 1
        if abs(value - sum(values)) > 0.5 * len(values) + 0.01:
            return False
    return compared >= 1


def total_rows(table: Table) -> set[str]:
    """Row groups that are the sum of the other groups (checked on the numbers, not the words)."""
    groups: dict[str, dict[str, list[float | None]]] = {}
    if table.unit not in MONEY_UNITS:
        return set()
    for cell in table.cells:
        groups.setdefault(cell.line, {}).setdefault(measure_family(cell.measure, table.title), []).append(cell.value)
    totals: set[str] = set()
    for line, measures in groups.items():
        for family, values in measures.items():
            if all(v is None for v in values):
                continue
            order = list(groups)
            parts = [m[family] for other, m in groups.items() if other != line and family in m]
            after_parts = order.index(line) == len(order) - 1  # a lone part's total is listed after it
            if (len(parts) >= 2 or (parts and after_parts)) and _sum_matches(values, parts):
                totals.add(line)
                break
    return totals
