"""How a question is read: which things, which direction of money, which year, what a pointer points at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.knowledge.test_documents import corpus_dir, service_for  # noqa: F401  (module fixture)


@pytest.fixture(scope="module")
def svc(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:  # noqa: F811
    return service_for(corpus_dir, tmp_path_factory.mktemp("readings-index"))


def _quoted(answer: Any) -> dict[int, float]:
    """Year → amount of every cell the answer quotes ('… 2027 (begroting): 32.418 × €1.000')."""
    found = re.findall(r"(20\d\d) \(\w+\): (-?[\d.]+) ×", " ".join(c.quote for c in answer.citations))
    return {int(y): abs(float(v.replace(".", ""))) for y, v in found}


def test_which_things_are_asked_is_no_amount(svc: Any) -> None:
    assert svc.understand("welke organisaties krijgen subsidie?").intent == "list"
    assert svc.understand("welke investeringen staan er in 2027 in Veenhoven?").intent == "amount"  # a measure
    first = svc.answer("onttrekkingen reserves Veenhoven 2027")
    assert first.answered and "€ 2.445.000" in first.text
    follow = svc.answer("welke organisaties krijgen die onttrekkingen?", first.resolved)
    assert "€" not in follow.text  # the amount just given is not who receives it


def test_money_that_comes_in_is_the_baten_but_a_count_is_not(svc: Any) -> None:
    assert svc.understand("hoeveel geld komt er in 2027 binnen bij jeugd in Veenhoven?").measure == "baten"
    assert svc.understand("wat haalt Veenhoven binnen aan werk en inkomen?").measure == "baten"
    assert svc.understand("hoeveel klachten kwamen er binnen?").measure is None
    answer = svc.answer("hoeveel geld komt er in 2027 binnen bij jeugd in Veenhoven?")
    assert answer.answered and "€ 455.000" in answer.text and "Baten" in answer.citations[0].quote


def test_the_saldo_after_reserves_is_the_resultaat(svc: Any) -> None:
    answer = svc.answer("saldo na reserves Veenhoven 2027")
    assert answer.answered and "€ 94.918.000" in answer.text and "Resultaat" in answer.citations[0].quote
    first = svc.answer("saldo Veenhoven 2027")
    after = svc.answer("en na reserves?", first.resolved)
    assert "€ 94.918.000" in after.text and "€ 97.363.000" in first.text


@pytest.mark.parametrize(("question", "pick"), [
    ("In welk jaar zijn de lasten van jeugd in Veenhoven het hoogst?", max),
    ("Wanneer zijn de baten van werk en inkomen in Veenhoven het laagst?", min),
    ("Which year has the highest costs for jeugd in Veenhoven?", max),
])
def test_the_year_of_the_highest_or_lowest_amount_is_read_from_every_year(svc: Any, question: str,
                                                                         pick: Any) -> None:
    answer = svc.answer(question)
    cells = _quoted(answer)
    assert answer.answered and len(cells) >= 4  # every year of the row is quoted as the evidence
    year = pick(cells, key=lambda y: cells[y])
    assert f"in {year} (" in answer.text
    assert f"{int(cells[year]):,}".replace(",", ".") + ".000" in answer.text
    assert answer.resolved.year == year


def test_a_pronominal_adverb_points_back_and_is_no_topic_word(svc: Any) -> None:
    query = svc.understand("wat is de visie daarachter?")
    assert query.refers and "daarachter" not in query.topic_words
    assert svc.understand("hoe zit het daarbij?").refers


def test_how_ones_own_bill_changes_is_not_in_a_budget(svc: Any) -> None:
    first = svc.answer("Wat doet de reserve jeugdhulp in Veenhoven?")
    follow = svc.answer("wordt mijn eigen bijdrage daardoor hoger?", first.resolved)
    assert not follow.answered and "zelf betaalt" in follow.text


def test_an_amount_pointing_at_a_passage_is_not_the_whole_row(real_service: Any) -> None:
    first = real_service.answer("wat staat er in de kaderbrief over dienstverlening")
    assert first.answered and first.method != "table"
    follow = real_service.answer("hoeveel geld is daarvoor toegekend?", first.resolved)
    assert not follow.answered and "€" not in follow.text
    assert follow.clarify is not None and "Dienstverlening" in follow.clarify.options[0].label


def test_a_measure_named_beside_the_verb_kosten_is_the_one_asked(svc: Any) -> None:
    assert svc.understand("Wat kost jeugd netto in 2027 in Veenhoven?").measure == "saldo"
    assert svc.understand("Wat kost jeugd in 2027 in Veenhoven?").measure == "lasten"


def test_a_split_what_for_asks_for_the_purpose(svc: Any) -> None:
    assert svc.understand("Waar wordt het geld uit de reserve jeugdhulp voor gebruikt?").intent == "explain"
    answer = svc.answer("Waar wordt het geld uit de reserve jeugdhulp in Veenhoven voor gebruikt?")
    assert answer.answered and "jeugdconsulenten" in answer.text
    assert svc.understand("Waar staat Wmo voor?").intent != "explain"  # what an abbreviation stands for


def test_what_narrows_a_reserve_amount_is_read_from_its_toelichting(svc: Any) -> None:
    whole = svc.answer("hoeveel wordt er in 2027 onttrokken aan de reserve sociaal domein in Veenhoven?")
    assert whole.answered and whole.method == "table"
    part = svc.answer("hoeveel wordt er in 2027 uit de reserve sociaal domein in Veenhoven onttrokken voor de "
                      "jeugdcontracten?")
    assert part.answered and "1,5 miljoen" in part.text and part.method != "table"


def test_the_separable_verb_bijdragen_asks_for_the_bijdrage(svc: Any) -> None:
    assert svc.understand("Hoeveel draagt Veenhoven daaraan bij?").measure == "bijdrage"


def test_an_amount_from_prose_comes_without_a_neighbours_amount(real_service: Any) -> None:
    answer = real_service.answer("Hoeveel geld komt er bij voor de versterking van het kabinet?")
    assert answer.answered and "170.000" in answer.text and "100.000" not in answer.text
    when = real_service.answer("vanaf welk jaar?", answer.resolved)  # the time the sentence just quoted names
    assert when.answered and "met ingang van 2026" in when.text and "100.000" not in when.text


def test_a_separable_verb_is_read_as_the_word_the_budget_writes(real_service: Any) -> None:
    assert "aanpak" in real_service.understand("Welke zaken pakt de gemeente aan?").topic_words
    how = real_service.understand("Hoe pakt de gemeente communicatie aan?")  # the verb of manner only says how
    assert how.topic_words == ("communicatie",)
    assert real_service.answer("Hoe pakt de gemeente communicatie aan?").answered


def test_taken_out_as_a_participle_is_the_onttrekking(svc: Any) -> None:
    assert svc.understand("hoeveel is er uit de reserve jeugdhulp uitgehaald?").measure == "onttrekking"


def test_how_it_was_in_another_year_asks_the_same_figure(svc: Any) -> None:
    first = svc.answer("lasten jeugd Veenhoven 2026")
    follow = svc.answer("en hoe was het in 2025?", first.resolved)
    assert follow.answered and follow.method == "table" and "€ 29.874.000" in follow.text


def test_a_degree_word_is_no_topic(svc: Any) -> None:
    assert svc.understand("waarom zoveel lager dan in 2027?").topic_words == ()


def test_a_row_label_holding_a_name_names_the_subject_beside_a_measure_word(svc: Any) -> None:
    answer = svc.answer("totaal onttrekkingen reserves programma 4 Veenhoven 2027")
    assert answer.answered and "€ 2.445.000" in answer.text and "Onttrekking" in answer.citations[0].quote


def test_costlier_compares_the_lasten_of_two_rows(svc: Any) -> None:
    answer = svc.answer("wat is duurder in 2027 in Veenhoven: jeugd of werk en inkomen")
    assert answer.answered and "€ 32.418.000" in answer.text and "€ 68.120.000" in answer.text


def test_a_keyword_question_with_a_word_beyond_the_row_name_asks_no_amount(svc: Any) -> None:
    assert svc.understand("jeugd Veenhoven 2027").intent == "amount"
    assert svc.understand("speerpunten jeugd Veenhoven 2027").intent != "amount"
    assert "€" not in svc.answer("speerpunten jeugd Veenhoven 2027").text


def test_a_period_asked_is_answered_by_a_passage_that_bounds_it(svc: Any) -> None:
    assert svc.understand("Sinds wanneer loopt het energieloket in Rijnwaarde?").period == "start"
    assert svc.understand("tot wanneer loopt het energieloket?").period == "end"
    answer = svc.answer("Sinds wanneer loopt het energieloket in Rijnwaarde?")
    assert answer.answered and "met ingang van 2025" in answer.text
    assert not svc.answer("Wanneer stopt het energieloket in Rijnwaarde?").answered  # no end is given


def test_a_table_row_is_not_defined_by_its_own_cells(svc: Any) -> None:
    first = svc.answer("investeringen Veenhoven")
    follow = svc.answer("wat is de vervanging scootmobielen pool?", first.resolved)
    assert follow.method != "definition" and "€" not in follow.text and "185" not in follow.text


def test_a_money_question_is_not_answered_with_a_passage_of_scores(svc: Any) -> None:
    answer = svc.answer("hoeveel geld gaat er in Rijnwaarde naar woningvoorraad?")
    assert not answer.answered and "%" not in answer.text


def test_a_score_asked_by_a_word_of_one_indicator_is_that_indicator(real_service: Any) -> None:
    answer = real_service.answer("Welk cijfer gaven klanten in 2024 voor het aanvragen van een nieuw rijbewijs?")
    assert answer.answered and "4,6" in answer.text and "rijbewijs" in answer.text


def test_a_word_the_budget_only_uses_inside_a_compound_is_known(real_service: Any) -> None:
    # the head of a budget compound is no unknown word (no refusal), and the sentence with the compound is quoted
    answer = real_service.answer("Wat houdt omnichannel in?")
    assert answer.answered and "omnichannelstrategie" in answer.text


def test_a_total_of_one_row_names_that_row(svc: Any) -> None:
    # what is invested in: the one investment the total holds, not only the total
    answer = svc.answer("Waarin investeert Bremmerdijk in 2026?")
    assert answer.answered and "Vervanging belastingapplicatie: € 260.000" in answer.text


def test_a_totals_change_is_answered_by_the_part_that_explains_it_in_that_direction(svc: Any) -> None:
    first = svc.answer("Wat zijn de baten van Wonen en leefomgeving in Rijnwaarde in 2026?")
    assert svc.understand("hoe komen die hogere baten?", first.resolved).direction == "up"
    up = svc.answer("hoe komen die hogere baten?", first.resolved)
    assert up.answered and "afvalstoffenheffing" in up.text  # the part's reason, named as the part's own
    down = svc.answer("waarom zijn de baten lager?", first.resolved)
    assert not down.answered  # the budget explains higher baten, not lower ones


def test_a_reason_is_given_only_for_the_way_the_numbers_went(real_service: Any) -> None:
    # the budget explains higher baten of the new budget; between two years where they fell, that is no reason
    state = None
    for question in ("Wat waren de baten van Dienstverlening in 2024?", "en in 2027?"):
        state = real_service.answer(question, state).resolved
    fell = real_service.answer("waarom is dat later anders?", state)
    assert real_service.understand("waarom is dat later anders?", state).earlier == 2024
    assert not fell.answered or "hogere baten" not in fell.text
    state = None
    for question in ("Wat waren de baten van Dienstverlening in 2025?", "en in 2028?"):
        state = real_service.answer(question, state).resolved
    rose = real_service.answer("waarom stijgen ze?", state)
    assert rose.answered and "hogere baten" in rose.text


def test_there_points_back_at_what_was_just_talked_about(svc: Any) -> None:
    first = svc.answer("Wat is de bijdrage van Veenhoven aan de Jeugdzorgregio Veen en Vaart?")
    follow = svc.answer("met hoeveel gemeenten werkt Veenhoven daar samen?", first.resolved)
    assert follow.answered and "zes gemeenten" in follow.text
    assert not svc.understand("Daar staat niets over in de krant").refers  # (no pointer: a fixed phrase)


def test_after_an_explained_number_another_subject_gets_its_number_and_its_explanation(real_service: Any) -> None:
    state = None
    for question in ("Hoeveel wordt er in 2026 uit de egalisatiereserve verkiezingen gehaald?", "waar is dat voor?"):
        state = real_service.answer(question, state).resolved
    assert state.explained
    other = real_service.answer("en de reserve rekenkamer?", state)
    assert other.answered and "€ 15.000" in other.text and "overschrijding" in other.text
    assert [c.n for c in other.citations] == list(range(1, len(other.citations) + 1))


@pytest.mark.parametrize("question", [
    "Hoe vraag ik een kwijtschelding van de afvalstoffenheffing aan?",
    "Wat is de WOZ-waarde van mijn woning in Rijnwaarde?",
    "Kan ik bij de gemeente Veenhoven online een afspraak maken voor jeugdhulp?",
    "Mijn parkeervergunning in Rijnwaarde is verlopen, wat moet ik nu doen?",
    "Can I register for the energieloket in Rijnwaarde, and what do I need to bring?",
])
def test_the_askers_own_matter_is_no_budget_question(svc: Any, question: str) -> None:
    answer = svc.answer(question)
    assert svc.understand(question).own_matter and not answer.answered and "eigen situatie" in answer.text


def test_a_question_that_only_mentions_the_asker_is_still_answered(svc: Any) -> None:
    assert not svc.understand("Als ik bel, wordt mijn vraag dan snel beantwoord?").own_matter
    assert not svc.understand("Kan ik de vergaderingen van de raad thuis bekijken?").own_matter


def test_english_counts_and_targets_are_read_in_dutch(real_service: Any) -> None:
    assert real_service.understand("How many questions does the call centre handle?").counted == "vragen"
    target = real_service.understand("What satisfaction score is targeted for new driving licences in 2027?")
    assert target.measure == "streefwaarde"  # a target score is the target, not the score measured


def test_a_year_after_a_comparative_is_the_base_not_the_year_asked(svc: Any) -> None:
    first = svc.answer("Wat zijn de baten van Openbare ruimte in Rijnwaarde in 2025?")
    frame = svc.understand("dat is toch meer dan in 2024? hoe kan dat?", first.resolved)
    assert frame.intent == "explain" and frame.years == (2025,) and frame.earlier == 2024


def test_a_general_explanation_answers_only_the_change_it_names_into_the_budget_year(svc: Any) -> None:
    first = svc.answer("Wat zijn de lasten van Wonen in Rijnwaarde in 2025?")
    up = svc.answer("waarom stijgen de lasten?", first.resolved)
    assert up.answered and "indexering" in up.text and "algemene toelichting" in up.text
    down = svc.answer("waarom dalen de lasten?", first.resolved)
    assert not down.answered  # the general explanation names rising lasten, not falling ones
    later = svc.answer("Wat zijn de lasten van Wonen in Rijnwaarde in 2027?")
    assert not svc.answer("waarom stijgen de lasten?", later.resolved).answered  # (a later year's change)


def test_what_is_done_for_or_with_something_asks_how_not_what_it_is(svc: Any) -> None:
    assert svc.understand("Wat doet de gemeente om de wegen veilig te houden?").intent == "how"
    assert svc.understand("Wat doet Rijnwaarde aan de afvalinzameling?").intent == "how"
    assert svc.understand("Wat doet het energieloket?").intent == "define"


def test_a_table_row_named_on_its_own_gives_its_cells(svc: Any) -> None:
    answer = svc.answer("vervanging brug molenkade")
    assert answer.answered and "1.250" in answer.text and answer.method == "table"


def test_a_time_of_day_is_only_answered_by_a_clock_time(svc: Any) -> None:
    frame = svc.understand("Hoe laat gaat het energieloket in Rijnwaarde open?")
    assert frame.clock and not svc.answer("Hoe laat gaat het energieloket in Rijnwaarde open?").answered


def test_which_things_of_a_short_section_are_quoted_whole(svc: Any) -> None:
    answer = svc.answer("Welke regelingen stimuleren middenhuur en betaalbare koopwoningen in Rijnwaarde?")
    assert answer.answered and "doelgroepenverordening" in answer.text and "starterslening" in answer.text


def test_a_year_in_the_question_is_no_amount_it_quotes(real_service: Any) -> None:
    answer = real_service.answer("Welke extra uitgaven voor Bestuur staan in de Kaderbrief 2025-2029?")
    assert answer.answered and "Rhijnhof" in answer.text and "kabinet" in answer.text  # not cut at one amount


def test_what_is_understood_by_a_term_asks_what_it_means(svc: Any) -> None:
    assert svc.understand("Wat verstaat Rijnwaarde onder het energieloket?").intent == "define"
    assert svc.understand("wat wordt er bedoeld met slecht verhuurderschap?").intent == "define"


def test_why_two_years_differ_without_a_reason_gives_the_two_numbers_and_says_so(svc: Any) -> None:
    answer = svc.answer("Waarom verschillen de lasten van Wonen in Rijnwaarde tussen 2023 en 2024 zo veel?")
    assert not answer.answered and "€ 8.412.000" in answer.text and "€ 9.105.000" in answer.text  # (no why)
    assert "geen specifieke reden" in answer.text and answer.method == "table"


def test_forms_of_doen_are_no_topic_words(svc: Any) -> None:
    frame = svc.understand("Wat hebben ze in Rijnwaarde gedaan aan slecht verhuurderschap?")
    assert "gedaan" not in frame.topic_words and "verhuurderschap" in frame.topic_words


def test_kinds_of_members_and_what_a_question_is_about_are_no_topic_words(svc: Any) -> None:
    members = svc.understand("Welke gemeenten en organisaties nemen deel aan het Afvalschap Midden-Rijn?")
    assert members.intent == "who" and members.topic_words == ()
    regarding = svc.understand("Wat wil Rijnwaarde bereiken op het gebied van wonen?")
    assert regarding.topic_words == ()
    assert svc.answer("Wat wil Rijnwaarde bereiken op het gebied van wonen?").method == "goals"


def test_the_goal_of_something_narrower_than_the_goals_is_read_in_its_passage(real_service: Any) -> None:
    answer = real_service.answer("Wat wil de gemeente bereiken met het raadsinformatiesysteem?")
    assert answer.answered and answer.method != "goals" and "raadsinformatiesysteem" in answer.text


def test_a_header_line_label_titles_its_line(svc: Any) -> None:
    answer = svc.answer("Which council committee is responsible for this programme in Rijnwaarde?")
    assert answer.answered and "Ruimte en Wonen" in answer.text  # 'Commissie: Ruimte en Wonen' in the header


def test_why_about_a_subjects_own_text_is_not_its_budget_explanation(real_service: Any) -> None:
    answer = real_service.answer("Waarom is er bij het bestuur in 2026 meer aandacht voor het inwerken van raadsleden?")
    assert answer.answered and "budgettaire-ontwikkelingen" not in answer.citations[0].section_id


def test_the_kind_of_year_is_no_topic(svc: Any) -> None:
    first = svc.answer("Wat zijn de lasten van Wonen in Rijnwaarde in 2025?")
    answer = svc.answer("en de rekening 2023?", first.resolved)
    assert answer.answered and "€ 8.412.000" in answer.text


def test_a_why_without_a_measure_is_about_a_reserve_only_when_it_says_reserve(svc: Any) -> None:
    from knowledge.service.subjects import _unasked_reserve

    reserve = next(s for s in svc.vocab.subjects.values() if s.kind == "reserve" and "volkshuisvesting" in s.id)
    assert _unasked_reserve(svc.understand("waarom is volkshuisvesting in Rijnwaarde zo belangrijk in 2025?"), reserve)
    assert not _unasked_reserve(svc.understand("waarom gaat de reserve volkshuisvesting omlaag in 2025?"), reserve)


def test_after_a_year_compares_it_with_the_next(svc: Any) -> None:
    frame = svc.understand("Stijgen de lasten van Wonen in Rijnwaarde na 2026 nog verder?")
    assert frame.intent == "compare" and frame.years == (2026, 2027)


def test_a_kind_of_year_without_a_year_is_not_the_year_carried_over(svc: Any) -> None:
    first = svc.answer("Wat zijn de lasten van Wonen in Rijnwaarde in 2025?")
    assert not svc.answer("en in de jaarrekening?", first.resolved).answered  # 2025 is no jaarrekening year


def test_more_than_a_year_compares_both_and_a_why_after_older_years_has_no_reason(svc: Any) -> None:
    first = svc.answer("Wat zijn de baten van Openbare ruimte in Rijnwaarde in 2024?")
    both = svc.answer("is dat meer dan in 2023?", first.resolved)
    assert both.answered and len(_quoted(both)) == 2 and {2023, 2024} <= set(_quoted(both))
    assert not svc.answer("waarom?", both.resolved).answered  # the budget explains its own year's change only


def test_a_share_asked_reads_a_money_verb_as_part_of_what_is_measured(svc: Any) -> None:
    question = "hoeveel procent van de aanslagen wordt binnen de termijn betaald?"
    assert svc.understand(question).measure is None  # 'betaald' is no contribution here
    answer = svc.answer(question)
    assert answer.answered and "96,5%" in answer.text and answer.citations[0].section_id.endswith("7b1-c")


def test_how_something_is_done_is_no_figure(svc: Any) -> None:
    manner = svc.understand("hoe zorgt de gemeente dat aanslagen binnen de termijn worden betaald?")
    assert manner.manner and manner.intent == "how" and manner.measure is None
    assert not svc.answer("hoe zorgt de gemeente dat aanslagen binnen de termijn worden betaald?").answered
    assert not svc.understand("hoe tevreden zijn cliënten over de Wmo-ondersteuning?").manner  # a degree
    source = svc.answer("hoe wordt het rapportcijfer voor de Wmo-ondersteuning gemeten?")  # where figures come from
    assert source.answered and source.method == "parts"


def test_which_period_asks_when(svc: Any) -> None:
    assert svc.understand("voor welke periode geldt de woonagenda?").intent == "when"


def test_a_question_relayed_by_kcc_staff_is_read_as_the_question_itself(svc: Any) -> None:
    from knowledge.wording import unwrap_relay

    assert unwrap_relay("Inwoner vraagt hoeveel de gemeente uitgeeft aan jeugdhulp, wat kan ik zeggen?") \
        == "hoeveel de gemeente uitgeeft aan jeugdhulp?"
    assert unwrap_relay("Een beller wil weten: wat kost de jeugdhulp?") == "wat kost de jeugdhulp?"
    assert unwrap_relay("Wat kost de jeugdhulp?") == "Wat kost de jeugdhulp?"
    relayed = svc.understand("Inwoner vraagt wat Veenhoven in 2028 kwijt is aan jeugd (jeugdhulp, jeugdzorg e.d.). "
                             "Wat kan ik zeggen?")
    assert not {"inwoner", "vraagt", "zeggen"} & set(relayed.topic_words)
    assert "jeugdzorg" not in relayed.topic_words  # (words in parentheses gloss a word; they need no coverage)


def test_what_something_yields_is_revenue_only_where_the_tables_hold_revenue(svc: Any) -> None:
    assert svc.understand("wat levert het sociaal domein in Veenhoven op in 2028?").measure == "baten"
    partner = svc.understand("wat levert de Jeugdzorgregio Veen en Vaart ons op?")  # a partner: no revenue rows
    assert partner.measure is None and partner.intent != "amount"


def test_a_name_and_a_residents_word_in_one_compound_are_split(svc: Any) -> None:
    from knowledge.understand import split_name_compounds

    words = svc.index.vocabulary
    assert split_name_compounds("uit het armoedebestrijdingspotje", svc.vocab, words) \
        == "uit het armoedebestrijding potje"
    assert split_name_compounds("wat kost de armoedebestrijdng", svc.vocab, words) \
        == "wat kost de armoedebestrijdng"  # (a typo of a known word is no compound)
    query = svc.understand("Hoeveel gaat er in 2028 uit het armoedebestrijdingspotje van Veenhoven?")
    assert query.subject is not None and "armoedebestrijding" in query.subject


def test_a_measure_word_after_gemeente_is_no_other_town_and_residents_are_no_topic(svc: Any) -> None:
    netto = svc.understand("Wat kost het sociaal domein de gemeente netto in 2028?")
    assert netto.scope and netto.measure == "saldo"  # ('de gemeente netto' names no municipality)
    residents = svc.understand("Hoeveel Veenhovenaren krijgen een bijstandsuitkering?")
    assert not any(w.startswith("veenhoven") for w in residents.topic_words)


def test_since_a_year_and_the_latest_measurement_pick_an_indicators_years(svc: Any) -> None:
    since = svc.answer("Is het aantal bezwaarschriften WOZ in Bremmerdijk gedaald sinds 2023?")
    assert since.answered and "9,1 (2023)" in since.text and "8,4 (2024)" in since.text
    latest = svc.answer("Hoeveel bezwaarschriften WOZ per 1.000 objecten had Bremmerdijk bij de laatste meting?")
    assert latest.answered and "8,4 (2024)" in latest.text and "9,1" not in latest.text


def test_separable_verbs_are_read_only_where_their_particle_ends_the_clause(svc: Any) -> None:
    from knowledge.wording import unwrap_relay

    assert svc.understand("wie houdt toezicht over de jeugdhulp in Veenhoven?").measure is None  # (a preposition)
    assert svc.understand("wat blijft er over van het sociaal domein in Veenhoven in 2028?").measure == "saldo"
    assert not svc.understand("gaat de gemeente Veenhoven uit van minder jeugdhulp?").takes_out  # ('uitgaan van')
    assert unwrap_relay("Dus de lasten stijgen, klopt dat?") == "Dus de lasten stijgen, klopt dat?"  # (no relay)
