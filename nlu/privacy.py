"""Mask personal data (BSN, e-mail, phone numbers, IBAN) in free text; pure Python, no dependencies."""

from __future__ import annotations

import re
from collections.abc import Callable

BSN_TOKEN = "[BSN]"
EMAIL_TOKEN = "[E-MAIL]"
PHONE_TOKEN = "[TELEFOON]"
IBAN_TOKEN = "[IBAN]"

# Letters and digits of any script count as "word" characters for the boundaries below.
_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}(?![\w-])",
    re.IGNORECASE,
)

# IBAN: two letters, two check digits, then 11-30 letters/digits, optionally grouped by 4 with spaces.
_IBAN_RE = re.compile(
    r"(?<![\w])[a-z]{2}\d{2}(?:[ ]?[a-z0-9]{4}){2,7}(?:[ ]?[a-z0-9]{1,3})?(?![\w])",
    re.IGNORECASE,
)
_NL_IBAN_RE = re.compile(r"^NL\d{2}[A-Z]{4}\d{10}$")

# Dutch phone numbers: national (0 + 9 digits) or international (+31 / 0031, optional "(0)").
# Separators (space, dot, dash, parentheses around the area code) may appear between digits.
# The municipality's public short number "14 071" has no leading 0 or +31 and is never matched.
_PHONE_RE = re.compile(
    r"""
    (?<![\w+])
    (?:
        (?:\+|00)31[ .-]?(?:\(0\)[ .-]?)?     # international prefix
      | \(?0                                  # national trunk prefix, optional "("
    )
    [1-9](?:\)?[ .-]?\d){8}
    (?![\d])
    """,
    re.VERBOSE,
)
_DATE_LIKE_RE = re.compile(r"^\(?\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")

# BSN: nine digits, optionally grouped with dots, spaces or dashes ("123.456.782", "1234 56 782").
_BSN_RE = re.compile(r"(?<![\w.,-])\d(?:[ .-]?\d){8}(?![\d]|[.,]\d)")
_BSN_CONTEXT_RE = re.compile(r"(?:bsn|burger\s*service\s*nummer|sofi)\W{0,12}$", re.IGNORECASE)


def _digits(text: str) -> str:
    """Return only the digits of ``text``."""
    return "".join(ch for ch in text if ch.isdigit())


def is_valid_bsn(number: str) -> bool:
    """Return True when ``number`` (9 digits, separators allowed) passes the Dutch elfproef."""
    digits = _digits(number)
    if len(digits) != 9 or digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(digits, weights))
    return total % 11 == 0


def is_valid_iban(candidate: str) -> bool:
    """Return True when ``candidate`` has a correct ISO 13616 mod-97 checksum."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = "".join(str(int(ch, 36)) for ch in rearranged)
    except ValueError:
        return False
    return int(number) % 97 == 1


def _looks_like_iban(candidate: str) -> bool:
    """Return True for a Dutch-format IBAN (checksum typos included) or any valid IBAN."""
    compact = candidate.replace(" ", "").upper()
    return bool(_NL_IBAN_RE.match(compact)) or is_valid_iban(compact)


def _mask_iban(match: re.Match[str]) -> str:
    """Mask the longest IBAN at the start of the match; a trailing word group is kept."""
    raw = match.group(0)
    cuts = [i for i in range(len(raw), 0, -1) if i == len(raw) or raw[i] == " "]
    for cut in cuts:
        if _looks_like_iban(raw[:cut]):
            return IBAN_TOKEN + raw[cut:]
    return raw


def _mask_phone(match: re.Match[str]) -> str:
    """Mask a phone number unless the match is really a date such as 01-02-2026."""
    raw = match.group(0)
    if _DATE_LIKE_RE.match(raw):
        return raw
    return PHONE_TOKEN


def _bsn_replacer(text: str) -> Callable[[re.Match[str]], str]:
    """Build a replacer that masks elfproef-valid numbers, or any 9 digits right after 'BSN'."""

    def replace(match: re.Match[str]) -> str:
        raw = match.group(0)
        if is_valid_bsn(raw) or _BSN_CONTEXT_RE.search(text[: match.start()]):
            return BSN_TOKEN
        return raw

    return replace


def mask_pii(text: str) -> str:
    """Replace BSNs, e-mail addresses, Dutch phone numbers and IBANs by placeholder tokens."""
    if not text:
        return text
    masked = _EMAIL_RE.sub(EMAIL_TOKEN, text)
    masked = _IBAN_RE.sub(_mask_iban, masked)
    masked = _PHONE_RE.sub(_mask_phone, masked)
    masked = _BSN_RE.sub(_bsn_replacer(masked), masked)
    return masked


def contains_pii(text: str) -> bool:
    """Return True when masking would change ``text``."""
    return mask_pii(text) != text
