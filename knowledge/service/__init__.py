"""The answering service: understand once, then tables, linked explanations or passages, then verify.

A package per part of the service: ``core`` (construction and routing), ``passages`` (ranking and passage answers)
and ``subjects`` (which subject, document or part a question is about). Everything is importable from here."""

from knowledge.service.core import MEANING, Service
from knowledge.service.passages import (
    DENSE_FLOOR,
    DENSE_SPAN,
    EXPLAINING_TITLES,
    NEXT_SECTIONS,
    TABLE_INTENTS,
    VECTOR_CACHE,
    Passages,
)
from knowledge.service.subjects import GOAL_WORDS, Subjects

__all__ = [
    "DENSE_FLOOR",
    "DENSE_SPAN",
    "EXPLAINING_TITLES",
    "GOAL_WORDS",
    "MEANING",
    "NEXT_SECTIONS",
    "TABLE_INTENTS",
    "VECTOR_CACHE",
    "Passages",
    "Service",
    "Subjects",
]
