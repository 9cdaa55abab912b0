"""Paragraphs of an exported budget text: blocks of lines with their line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.numbers import is_number

BULLET = re.compile(r"^\s*[•·●▪◦\-–]\s+")


@dataclass(frozen=True)
class Para:
    """A block of non-blank lines; start and end are 1-based line numbers in the source."""

    text: str
    start: int
    end: int

    @property
    def lines(self) -> list[str]:
        """The block's lines, stripped."""
        return [line.strip() for line in self.text.splitlines()]

    @property
    def is_bullets(self) -> bool:
        """True when every line of the block is a bullet item."""
        return all(BULLET.match(line) for line in self.text.splitlines())


def split_paragraphs(text: str) -> list[Para]:
    """Split text into blocks separated by blank lines, keeping line numbers."""
    paras: list[Para] = []
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line.rstrip())
        elif block:
            paras.append(Para("\n".join(block), start, number - 1))
            block = []
    if block:
        paras.append(Para("\n".join(block), start, start + len(block) - 1))
    return paras


def clean(text: str) -> str:
    """Collapse runs of spaces and strip a paragraph."""
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def bullet_text(text: str) -> str:
    """Strip bullet markers from each line."""
    return "\n".join(BULLET.sub("", line).strip() for line in text.splitlines())


def looks_like_heading(para: Para) -> bool:
    """A short single line, starting upper-case, not a number, sentence or bullet."""
    text = clean(para.text)
    if "\n" in para.text.strip() or para.is_bullets or not text:
        return False
    if len(text) > 90 or text[-1] in ".:;!?," or is_number(text):
        return False
    return text[0].isupper() or text[0].isdigit()


def is_prose(para: Para) -> bool:
    """Running text or a bullet list: what follows a heading."""
    text = clean(para.text)
    return para.is_bullets or (not looks_like_heading(para) and not is_number(text))
