"""Short, speakable handoff codes ("K7Q-42"): random (``secrets``), without look-alike characters."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L: a code read aloud over the phone or typed from a note cannot be mistaken.
LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
DIGITS = "23456789"
ALPHABET = LETTERS + DIGITS
CODE_SHAPE = re.compile(rf"^[{ALPHABET}]{{3}}-[{DIGITS}]{{2}}$")


def new_code() -> str:
    """A random code: three letters or digits, a dash, two digits (31^3 x 8^2: about 1.9 million codes)."""
    head = "".join(secrets.choice(ALPHABET) for _ in range(3))
    tail = "".join(secrets.choice(DIGITS) for _ in range(2))
    return f"{head}-{tail}"


def normalise_code(text: str) -> str | None:
    """The code as staff typed it ("k7q 42", "K7Q42") in its stored form, or None when it cannot be one."""
    plain = re.sub(r"[\s\-.]", "", text).upper()
    if len(plain) != 5:
        return None
    code = f"{plain[:3]}-{plain[3:]}"
    return code if CODE_SHAPE.match(code) else None


def spoken(code: str) -> str:
    """The code with spaces between its characters, for a screen reader or a voice ("K 7 Q - 4 2")."""
    return " ".join(code)
