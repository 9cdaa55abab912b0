"""Tests for nlu.privacy: every kind of personal data, measured recall and false positives (3.10 and 3.11)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from nlu.privacy import contains_pii, find_pii, install_log_masking, is_valid_bsn, is_valid_iban, mask_pii
from nlu.privacy_bench import evaluate, read_jsonl, report

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    "text",
    [
        "Mijn BSN is 123456782.",
        "bsn: 123.456.782",
        "burgerservicenummer 123 456 782 graag",
        "1234.56.782 is mijn nummer",
        "111222333",
    ],
)
def test_bsn_is_masked(text: str) -> None:
    masked = mask_pii(text)
    assert "[BSN]" in masked
    assert "782" not in masked and "333" not in masked


def test_nine_digits_failing_elfproef_are_kept_without_context() -> None:
    assert mask_pii("Het bedrag is 123456789 euro") == "Het bedrag is 123456789 euro"


def test_nine_digits_after_bsn_keyword_are_masked_even_without_elfproef() -> None:
    assert mask_pii("BSN 123456789") == "BSN [BSN]"


def test_elfproef() -> None:
    assert is_valid_bsn("123456782")
    assert is_valid_bsn("111.222.333")
    assert not is_valid_bsn("123456789")
    assert not is_valid_bsn("000000000")
    assert not is_valid_bsn("12345678")


@pytest.mark.parametrize(
    "text",
    [
        "mail me op jan.jansen@example.nl",
        "J.de-Vries+begroting@mail.leiden.nl graag",
        "Stuur naar INFO@GEMEENTE.ORG",
    ],
)
def test_email_is_masked(text: str) -> None:
    masked = mask_pii(text)
    assert "[E-MAIL]" in masked
    assert "@" not in masked


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "0612345678",
        "06 12345678",
        "06 1234 5678",
        "+31 6 12345678",
        "+31612345678",
        "+31 (0)6 12345678",
        "0031 6 12345678",
        "071-5165165",
        "071 516 5165",
        "(071) 516 51 65",
        "020-1234567",
        "+31 71 516 5165",
    ],
)
def test_phone_numbers_are_masked(number: str) -> None:
    masked = mask_pii(f"Bel me op {number} na vijf uur")
    assert masked == "Bel me op [TELEFOON] na vijf uur"


@pytest.mark.parametrize(
    "text",
    [
        "Bel de gemeente op 14 071",
        "Het KCC is bereikbaar via 14071.",
        "De lasten zijn 14.984 in 2027",
        "Datum 01-02-2026 12:00",
        "Bedragen x 1.000,- in 2026 en 2027",
        "prestatie 1B1.4 en 1A2.3",
        "€ 2.518 miljoen bijdrage",
    ],
)
def test_public_numbers_amounts_and_dates_are_kept(text: str) -> None:
    assert mask_pii(text) == text
    assert not contains_pii(text)


@pytest.mark.parametrize(
    "text",
    [
        "IBAN NL91ABNA0417164300",
        "rekening NL91 ABNA 0417 1643 00 graag",
        "nl91abna0417164300",
        "DE89370400440532013000 is Duits",
        "NL91 ABNA 0417 1643 00 naar mij",
    ],
)
def test_iban_is_masked(text: str) -> None:
    masked = mask_pii(text)
    assert "[IBAN]" in masked
    assert "0417" not in masked and "0532" not in masked


def test_iban_mask_keeps_following_words() -> None:
    assert mask_pii("NL91ABNA0417164300 naar mij") == "[IBAN] naar mij"


def test_iban_checksum() -> None:
    assert is_valid_iban("NL91ABNA0417164300")
    assert is_valid_iban("NL91 ABNA 0417 1643 00")
    assert not is_valid_iban("NL92ABNA0417164300")


def test_words_that_look_like_an_iban_are_kept() -> None:
    text = "ab12 test test test"
    assert mask_pii(text) == text


def test_everything_at_once() -> None:
    text = "BSN 123456782, mail a@b.nl, bel 06-12345678, IBAN NL91ABNA0417164300, of 14 071."
    assert mask_pii(text) == "BSN [BSN], mail [E-MAIL], bel [TELEFOON], IBAN [IBAN], of 14 071."


def test_empty_text() -> None:
    assert mask_pii("") == ""


def test_recall_and_false_positives_on_the_question_sets() -> None:
    pii, clean = read_jsonl(DATA / "pii_questions.jsonl"), read_jsonl(DATA / "clean_questions.jsonl")
    assert len(pii) >= 100 and len(clean) >= 100
    result = evaluate(pii, clean)
    summary = report(result)
    assert result.recall >= 0.95, summary
    assert result.false_positive_rate <= 0.02, summary
    for score in result.kinds:
        assert score.expected >= 5, f"too few {score.kind} examples"
        assert score.recall >= 0.85, summary


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Ik ben Jan de Vries en woon op de Breestraat 12a, 2311 CS Leiden.",
         "Ik ben [NAAM] en woon op de [ADRES], [POSTCODE] Leiden."),
        ("mijn naam is piet jansen", "mijn naam is [NAAM]"),
        ("Met vriendelijke groet,\nJ. van der Berg", "Met vriendelijke groet,\n[NAAM]"),
        ("namens mevrouw De Jong", "namens mevrouw [NAAM]"),
        ("Ik ben geboren op 12 maart 1980.", "Ik ben geboren op [GEBOORTEDATUM]."),
        ("geboortedatum: 3/4/80", "geboortedatum: [GEBOORTEDATUM]"),
        ("mijn postcode is 2312ab", "mijn postcode is [POSTCODE]"),
        ("bsn111222333", "bsn[BSN]"),
        ("mijn bsn is 123456789", "mijn bsn is [BSN]"),
        ("Bel 071 - 516 5000 of (071) 5165000 of +31 6 1234 5678, niet 14 071",
         "Bel [TELEFOON] of [TELEFOON] of [TELEFOON], niet 14 071"),
    ],
)
def test_new_kinds_are_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "e540c2d8f8b04f6b9ad6f6a8b1f1c7d2",
        "0612345678e540c2d8f8b04f6b9ad6f6",
        "3f2a1c9e-0612-3456-7812-345678123456",
        "message 1234567820abcdef",
        "Wat kost de Belastingsamenwerking Gouwe-Rijnland in 2027? € 14.984.000 of 14.909 of 1B1.1",
        "Namens Holland Rijnland vraag ik naar de bijdrage 2026",
        "Ik ben benieuwd naar de lasten in 2026",
        "Wat kost de Lammenschansweg in 2027?",
        "Klopt het dat de lasten 114.984.000 zijn?",
    ],
)
def test_ids_and_budget_text_are_never_masked(text: str) -> None:
    assert mask_pii(text) == text, find_pii(text)


def test_known_values_are_masked_elsewhere() -> None:
    assert mask_pii("Jan Smit", also=["Jan Smit"]) == "[PERSOONSGEGEVEN]"


def test_log_lines_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    logger = logging.getLogger("test.privacy")
    with caplog.at_level(logging.INFO, logger="test.privacy"):
        logger.info("vraag: %r van %s", "mijn bsn is 123456789", "ik ben Jan Smit")
        logger.info("GET /api/search?q=mijn%20bsn%20is%20123456789 200")
        try:
            raise ValueError("bel 06-12345678")
        except ValueError:
            logger.exception("mislukt voor jan@example.nl")
    text = caplog.text
    for secret in ("123456789", "Jan Smit", "06-12345678", "jan@example.nl"):
        assert secret not in text
    assert "[BSN]" in text and "[NAAM]" in text and "[TELEFOON]" in text and "[E-MAIL]" in text
