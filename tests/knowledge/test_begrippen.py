"""The begrippenlijst: data, term finding, definitions, and GET /api/begrippen."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from knowledge import begrippen
from knowledge.api import create_app
from knowledge.feedback import FeedbackStore
from knowledge.settings import Settings

REQUIRED = ["lasten", "baten", "saldo", "reserve", "onttrekking", "toevoeging", "verbonden partij",
            "gemeenschappelijke regeling", "meerjarenbegroting", "begroting", "jaarrekening", "rekening", "× €1.000",
            "effectindicator", "streefwaarde", "realisatie", "prestatie", "beleidsterrein", "programma",
            "mutaties reserves", "resultaat", "kapitaallasten", "indexering", "egalisatiereserve", "subsidieplafond"]


def test_the_list_is_data_with_every_required_term_in_plain_general_dutch() -> None:
    data = json.loads(begrippen.PATH.read_text(encoding="utf-8"))
    assert data["source"] == begrippen.SOURCE == "Begrippenlijst"
    assert len(begrippen.terms()) >= 25
    for word in REQUIRED:
        assert begrippen.lookup(word) is not None, word
    names = [begrippen._key(n) for t in begrippen.terms() for n in t.names]
    assert len(names) == len(set(names)), "a name belongs to two terms"
    for term in begrippen.terms():
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", term.explanation) if s]
        assert 1 <= len(sentences) <= 4, term.term
        # B1: short sentences; general, about no municipality in particular
        assert all(len(s.split()) <= 25 for s in sentences), term.term
        assert "Leiden" not in term.explanation and "Leidse" not in term.explanation, term.term


def test_terms_are_found_as_whole_words_in_order_of_mention() -> None:
    text = ("In de meerjarenbegroting voor 2027 zijn de lasten (uitgaven) van Dienstverlening: € 14.984.000. "
            "In de tabel staat 14.984, want de bedragen zijn × €1.000. De onttrekkingen aan Reserves en de lasten.")
    found = [t.term for t in begrippen.find_terms(text)]
    assert found == ["meerjarenbegroting", "lasten", "× €1.000", "onttrekking", "reserve"]
    # part of a longer word is not the term; "begroting" is not found inside "meerjarenbegroting"
    assert begrippen.find_terms("Kapitaallastenberekening en Bijdrage") == []
    assert [t.term for t in begrippen.find_terms("de bedragen zijn x € 1.000")] == ["× €1.000"]


def test_lookup_is_exact_and_forgiving_about_case_and_spacing() -> None:
    assert begrippen.lookup("Reserves") is begrippen.lookup("reserve")
    assert begrippen.lookup("  Verbonden   Partijen ") is begrippen.lookup("verbonden partij")
    assert begrippen.lookup("x €1.000") is begrippen.lookup("× € 1.000")
    assert begrippen.lookup("dienstverlening") is None
    assert begrippen.lookup("") is None


@pytest.mark.parametrize(("question", "term"), [
    ("Wat betekent onttrekking?", "onttrekking"),
    ("wat is een reserve", "reserve"),
    ("Wat zijn baten eigenlijk?", "baten"),
    ("Wat houdt een gemeenschappelijke regeling in?", "gemeenschappelijke regeling"),
    ("Wat betekent ‘× €1.000’ in de begroting?", "× €1.000"),
    ("egalisatiereserves", "egalisatiereserve"),
    ("What does lasten mean?", "lasten"),
])
def test_define_answers_what_a_term_means(question: str, term: str) -> None:
    found = begrippen.define(question)
    assert found is not None and found.term == term


@pytest.mark.parametrize("question", ["Wat kost dienstverlening?", "Wat betekent de onttrekking voor 2027?",
                                      "Wat is Holland Rijnland?", "", "?"])
def test_define_leaves_other_questions_alone(question: str) -> None:
    assert begrippen.define(question) is None


@pytest.fixture(scope="module")
def client(fake_service, fake_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    store = FeedbackStore(tmp_path_factory.mktemp("begrippen") / "feedback.sqlite")
    with TestClient(create_app(fake_settings.with_(rasa_url="http://127.0.0.1:9"), fake_service, store)) as test:
        yield test


def test_api_lists_the_terms_with_their_source(client: TestClient) -> None:
    response = client.get("/api/begrippen")
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "Begrippenlijst"
    assert len(body["terms"]) == len(begrippen.terms())
    first = body["terms"][0]
    assert set(first) == {"term", "synonyms", "explanation"} and isinstance(first["synonyms"], list)
    reserve = next(t for t in body["terms"] if t["term"] == "reserve")
    assert "reserves" in reserve["synonyms"] and "spaarpot" in reserve["explanation"]
    assert "default-src 'self'" in response.headers["content-security-policy"]
