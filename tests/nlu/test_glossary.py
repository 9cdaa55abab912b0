"""The English glossary: Dutch terms for English questions, Dutch word order for English compounds."""

from __future__ import annotations

from nlu.glossary import head_first


def test_an_english_compound_gets_its_dutch_names_head_first() -> None:
    assert "reserve raad" in head_first("How much comes out of the council reserve?")
    assert "bijdrage belastingen" in head_first("what is the tax contribution")


def test_words_that_are_not_next_to_each_other_make_no_name() -> None:
    assert head_first("the council has a reserve") == ""
    assert head_first("") == ""


def test_an_english_verb_form_finds_its_glossary_term() -> None:
    from nlu.glossary import glossary_terms

    assert "target" in glossary_terms("Which score is targeted for next year?")
    assert "income" not in glossary_terms("How many incoming questions are there?")  # (no guess beyond verb forms)
