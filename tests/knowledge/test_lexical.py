"""Dutch tokens for BM25: stopwords, compounds split on corpus words, typo correction against the corpus."""

from __future__ import annotations

from knowledge.lexical import correct_typos, hosted, split_compound, stem, tokens, vocabulary_of, words

VOCABULARY = vocabulary_of([
    "De gemeenteraadsverkiezingen en de verkiezingen in maart. Paspoorten en het paspoort. De rekenkamer.",
])


def test_stopwords_and_generic_municipal_words_are_dropped() -> None:
    # a municipality's name is no stopword constant: understanding drops it using the documents' metadata
    assert words("Wat doet de gemeente Leiden met klachten?") == ["leiden", "klachten"]


def test_the_municipality_from_the_metadata_is_no_search_word(fake_service) -> None:  # type: ignore[no-untyped-def]
    query = fake_service.understand("Wat doet de gemeente Leiden met klachten?")
    assert "Leiden" not in query.search_text and "klachten" in query.search_text


def test_compound_is_split_into_known_corpus_words() -> None:
    assert "verkiezingen" in split_compound("gemeenteraadsverkiezingen", VOCABULARY)
    assert stem("verkiezingen") in tokens("gemeenteraadsverkiezingen", VOCABULARY)
    assert split_compound("zwembad", VOCABULARY) == []


def test_typos_are_corrected_to_corpus_words_but_entities_are_kept() -> None:
    assert correct_typos("wanneer zijn de verkiezngen", VOCABULARY) == "wanneer zijn de verkiezingen"
    assert correct_typos("rekenkamr", VOCABULARY) == "rekenkamer"
    assert correct_typos("verkiezngen", VOCABULARY, keep=[(0, 11)]) == "verkiezngen"
    assert correct_typos("zwembad openingstijden", VOCABULARY) == "zwembad openingstijden"


def test_a_part_of_a_compound_the_corpus_uses_is_a_known_word() -> None:
    vocabulary = vocabulary_of(["De raadsvergaderingen en de omnichannelstrategie. Een verandering."])
    assert hosted("vergadering", vocabulary)  # the last part, inflected in the corpus
    assert hosted("omnichannel", vocabulary)  # the head
    assert not hosted("strateeg", vocabulary) and not hosted("raads", vocabulary)
    # so it is no typo of another corpus word
    assert correct_typos("kan ik een vergadering terugzien", vocabulary) == "kan ik een vergadering terugzien"
    assert correct_typos("een veranderng", vocabulary) == "een verandering"


def test_one_letter_off_a_corpus_word_is_a_typo_even_if_it_ends_in_one() -> None:
    from knowledge.lexical import edits

    vocabulary = vocabulary_of(["Via vijf kanalen. Samen met zijn allen. De subsidiestaat en de staat."])
    assert correct_typos("welke kanallen", vocabulary) == "welke kanalen"  # (not 'kan' + 'allen')
    assert correct_typos("de subsidiestaat", vocabulary) == "de subsidiestaat"
    assert edits("kanallen", "kanalen") == 1 and edits("potje", "proces") == 4


def test_resident_words_for_measures_are_typo_targets_too() -> None:
    assert correct_typos("totale inkomstn", VOCABULARY, extra=["inkomsten", "uitgaven"]) == "totale inkomsten"
