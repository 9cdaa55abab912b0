"""Verification rules and two-row comparisons, on the fictional documents and on the real budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from knowledge.checks import names_a_time, names_members, names_word, proper_words
from tests.knowledge.test_documents import corpus_dir, service_for  # noqa: F401  (module fixture)


@pytest.fixture(scope="module")
def svc(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:  # noqa: F811
    return service_for(corpus_dir, tmp_path_factory.mktemp("checks-index"))


def test_two_rows_named_side_by_side_are_both_answered_with_the_gap(svc: Any) -> None:
    answer = svc.answer("Wat kost meer in 2027 in Veenhoven: werk en inkomen of jeugd?")
    assert answer.answered and answer.method == "table"
    assert "€ 68.120.000" in answer.text and "€ 32.418.000" in answer.text
    assert "€ 35.702.000 hoger" in answer.text and "Werk en inkomen" in answer.text


def test_a_separable_verb_asks_for_the_lasten(svc: Any) -> None:
    query = svc.understand("Geeft Veenhoven in 2027 meer uit aan jeugd of aan werk en inkomen?")
    assert query.measure == "lasten" and query.intent in ("amount", "compare")


def test_how_much_a_reserve_holds_is_not_read_from_its_mutations(svc: Any) -> None:
    answer = svc.answer("Hoeveel geld zit er eind 2027 nog in de Reserve jeugdhulp?")
    assert not answer.answered and "Reserve jeugdhulp" in answer.text
    assert svc.answer("Hoeveel wordt er in 2027 onttrokken aan de Reserve jeugdhulp?").answered


def test_a_difference_follow_up_uses_the_two_years_just_asked(svc: Any) -> None:
    first = svc.answer("lasten jeugd Veenhoven 2026")
    second = svc.answer("en in 2027?", first.resolved)
    assert "€ 32.418.000" in second.text and second.resolved.earlier == 2026
    third = svc.answer("hoeveel verschil is dat?", second.resolved)
    assert third.answered and "€ 768.000 hoger" in third.text  # 32.418 - 31.650


def test_which_rows_after_an_amount_lists_the_rows_with_that_amount(svc: Any) -> None:
    first = svc.answer("onttrekkingen reserves Veenhoven 2027")
    assert first.answered
    follow = svc.answer("aan welke reserves?", first.resolved)
    assert follow.answered and "Reserve" in follow.text and follow.text.count("€") >= 2


def test_an_amount_for_a_name_the_row_does_not_carry_is_refused(real_service: Any) -> None:
    names = real_service.proper
    assert "katwijk" in names and "leiden" not in proper_words(real_service.index.corpus) - names
    answer = real_service.answer("Hoeveel betaalt Katwijk aan de Belastingsamenwerking Gouwe-Rijnland?")
    assert not answer.answered and "Katwijk" in answer.text
    assert real_service.answer("Hoeveel betaalt Leiden aan de Belastingsamenwerking Gouwe-Rijnland?").answered


def test_a_when_answer_must_name_a_time() -> None:
    assert names_a_time("In maart 2026 zijn de verkiezingen.") and names_a_time("Dat gebeurt in het najaar.")
    assert not names_a_time("Ook organiseert de raad een cursus Politiek actief.")


def test_no_specific_reason_is_an_honest_non_answer_that_quotes_the_general_explanation(real_service: Any) -> None:
    first = real_service.answer("Wat zijn de lasten van het programma in 2027?")
    assert first.answered
    why = real_service.answer("waarom is 2027 zo veel hoger?", first.resolved)
    assert not why.answered and "geen specifieke reden" in why.text and "Algemene toelichting" in why.text
    assert why.citations and why.resolved == first.resolved  # cited, and the conversation state is kept


def test_a_row_nothing_explains_is_not_explained_with_the_table(real_service: Any) -> None:
    first = real_service.answer("Hoeveel is er in 2025 onttrokken aan de reserve soc.-maatsch. en cult. voorzieningen?")
    assert first.answered and "€ 145.000" in first.text
    why = real_service.answer("waarvoor was dat?", first.resolved)
    assert not why.answered and "geen toelichting" in why.text and "€" not in why.text


def test_a_measure_the_programme_rows_lack_is_read_from_the_one_table_that_has_it(svc: Any) -> None:
    answer = svc.answer("Hoeveel subsidie staat er in 2027 voor dit programma in Veenhoven?")
    assert answer.answered and "6.713.940" in answer.text
    # a partij's cost is never redirected to another table
    query = svc.understand("What does Werkbedrijf Veenstreek cost us in 2027?")
    assert "tabel met" not in " ".join(svc.answer(query.text).frame.notes)


@pytest.mark.parametrize("question", [
    "Waar bestaat de reserve rekenkamer uit?",  # 'uit' is no withdrawal here
    "Leg uit wat de reserve raad is",
    "Wat zijn de personeelskosten van dienstverlening in 2026?",  # a part of a row is not the row
])
def test_words_that_only_look_like_an_amount_question_get_no_amount(real_service: Any, question: str) -> None:
    answer = real_service.answer(question)
    assert answer.method != "table" and "€ 14.909.000" not in answer.text, answer.text


def test_a_balance_is_never_read_from_the_mutations(real_service: Any) -> None:
    assert not real_service.answer("What is the balance of the reserve raad?").answered
    first = real_service.answer("Hoeveel wordt er in 2026 onttrokken aan de reserve raad?")
    assert first.answered and "€ 80.000" in first.text
    assert not real_service.answer("hoeveel zit er nog in?", first.resolved).answered


def test_that_as_a_conjunction_does_not_point_back(real_service: Any) -> None:
    first = real_service.answer("Hoeveel wordt er in 2026 onttrokken aan de reserve raad?")
    other = real_service.answer("Klopt het dat er ook geld naar de griffie gaat?", first.resolved)
    assert "€ 80.000" not in other.text


def test_change_words_with_two_years_compare_and_without_read_the_ontwikkelingen(real_service: Any) -> None:
    answer = real_service.answer("Hoeveel zijn de lasten van bestuur veranderd van 2026 naar 2027?")
    assert "€ 1.717.000" in answer.text
    assert real_service.answer("Wat is er veranderd in het budget voor bestuur?").method == "explanation"


def test_a_total_is_not_explained_by_one_of_its_parts(real_service: Any) -> None:
    answer = real_service.answer("Waarom dalen de baten van bestuur en dienstverlening in 2027?")
    assert not answer.answered


def test_together_asks_for_no_comparison(real_service: Any) -> None:
    assert "hoger" not in real_service.answer("Hoeveel kosten bestuur en dienstverlening samen in 2026?").text


def test_a_follow_up_naming_another_indicator_switches_to_it(real_service: Any) -> None:
    first = real_service.answer("Wat is de tevredenheidsscore voor een nieuw paspoort in 2024?")
    follow = real_service.answer("en voor rijbewijzen?", first.resolved)
    assert "rijbewijs" in follow.text and "4,6" in follow.text


def test_reaching_an_organisation_is_not_its_goals(real_service: Any) -> None:
    answer = real_service.answer("Hoe kan ik de Belastingsamenwerking Gouwe-Rijnland bereiken?")
    assert answer.method != "parts"


def test_words_of_titles_and_document_names_are_no_foreign_names(real_service: Any) -> None:
    assert real_service.answer("Wat zijn de lasten van bestuur in de programmabegroting 2026?").answered


def test_the_cost_of_a_body_is_not_its_reserves_saldo(real_service: Any) -> None:
    answer = real_service.answer("Hoeveel kost de rekenkamer in 2026?")
    assert "€ 15.000" not in answer.text and "saldo" not in answer.text.lower()
    withdrawn = real_service.answer("Hoeveel wordt er in 2027 onttrokken aan de rekenkamer?")
    assert withdrawn.answered and "€ 15.000" in withdrawn.text  # the reserve's own measure: its reserve


def test_two_rows_set_against_each_other_with_words_between_are_compared(svc: Any) -> None:
    answer = svc.answer("Hoeveel zijn de lasten van werk en inkomen in 2027 in Veenhoven hoger dan die van jeugd?")
    assert answer.answered and "€ 35.702.000 hoger" in answer.text


def test_a_separable_change_verb_with_two_years_compares_them(svc: Any) -> None:
    query = svc.understand("Met hoeveel namen de lasten van jeugd in Veenhoven toe van 2026 naar 2027?")
    assert query.intent == "compare" and query.years == (2026, 2027)
    assert "€ 768.000 hoger" in svc.answer(query.text).text


def test_a_count_of_things_is_read_from_prose_never_from_a_euro_row(svc: Any) -> None:
    counted = svc.answer("Voor hoeveel andere gemeenten zamelt het Afvalschap Midden-Rijn het afval in?")
    assert counted.answered and "vier gemeenten" in counted.text and "€" not in counted.text
    unknown = svc.answer("Hoeveel vuilniswagens heeft het Afvalschap Midden-Rijn?")
    assert not unknown.answered and "aantal vuilniswagens" in unknown.text and "€" not in unknown.text
    assert svc.understand("Hoeveel reserves worden er in 2027 aangesproken in Veenhoven?").counted == "reserves"
    assert svc.answer("Hoeveel reserves worden er in 2027 aangesproken in Veenhoven?").text.count("€") >= 1


def test_what_stands_on_a_reserve_at_the_end_of_a_year_is_a_balance(svc: Any) -> None:
    answer = svc.answer("Hoeveel geld staat er eind 2027 op de Reserve jeugdhulp?")
    assert not answer.answered and "Reserve jeugdhulp" in answer.text
    why = svc.understand("waarom staat er in 2028 niets meer op?", answer.resolved)
    assert why.intent == "explain"  # ('staat er' in a why-question asks for a reason, not a balance)


def test_the_other_one_of_its_kind_is_the_only_sibling(svc: Any) -> None:
    first = svc.answer("Wat doet het Afvalschap Midden-Rijn?")
    other = svc.understand("en de andere partij?", first.resolved)
    assert other.subject is not None and other.subject.endswith("woonruimteverdeling rijnstreek")
    three = svc.answer("Wat doet de GGD Veenland?")  # Veenhoven has three partijen: 'the other' is not one
    assert svc.understand("en de andere partij?", three.resolved).subject in (None, three.resolved.subject)


def test_a_comparison_against_last_year_keeps_the_year_and_a_difference_may_follow(svc: Any) -> None:
    first = svc.answer("lasten jeugd Veenhoven 2027")
    why = svc.answer("waarom hoger dan vorig jaar?", first.resolved)
    assert why.resolved.earlier == 2026
    more = svc.answer("hoeveel is dat meer?", why.resolved)
    assert more.answered and "€ 768.000 hoger" in more.text


def test_a_refusal_for_a_missing_year_keeps_the_row_for_the_next_turn(real_service: Any) -> None:
    first = real_service.answer("Hoeveel betaalt Leiden in 2026 aan Holland Rijnland?")
    assert not first.answered and "2025" in first.text
    again = real_service.answer("en in 2025 dan?", first.resolved)
    assert again.answered and "1.659.874" in again.text


def test_who_takes_part_is_the_sentence_naming_the_participants(real_service: Any) -> None:
    answer = real_service.answer("Welke gemeenten doen mee in de BSGR?")
    assert answer.answered and "Zoeterwoude" in answer.text and "Bodegraven-Reeuwijk" in answer.text


def test_the_measure_the_asker_wrote_beats_one_inside_a_compound(real_service: Any) -> None:
    query = real_service.understand("programmakosten bestuur baten 2024")
    assert query.measure == "baten"
    assert "€ 199.000" in real_service.answer(query.text).text


def test_a_pronoun_follow_up_stays_in_the_passage_and_counts_there(real_service: Any) -> None:
    first = real_service.answer("Wat doet het KCC?")
    answer = real_service.answer("hoeveel vragen handelen ze meteen af?", first.resolved)
    assert answer.answered and "75%" in answer.text


def test_how_an_indicator_is_measured_is_its_source(svc: Any) -> None:
    first = svc.answer("aantal huishoudens met een bijstandsuitkering in Veenhoven 2024")
    assert first.answered and "1.790" in first.text
    how = svc.answer("hoe meten ze dat?", first.resolved)
    assert how.answered and "Registratie Werk en Inkomen" in how.text and how.citations


def test_a_bare_follow_up_stays_in_the_passage_just_quoted(real_service: Any) -> None:
    first = real_service.answer("Werkt de gemeente aan proactieve dienstverlening?")
    topic = first.resolved.topic
    assert first.answered and topic
    follow = real_service.answer("met wie?", first.resolved)
    assert follow.answered and follow.citations[0].section_id == topic
    why = real_service.answer("waarom doen we daaraan mee?",
                              real_service.answer("Wat is de bijdrage aan Holland Rijnland?").resolved)
    assert why.answered and why.citations[0].section_id.endswith("motieven")  # a why is no pinned passage


def test_a_yes_no_question_about_what_was_said_is_answered_by_the_term_or_its_opposite(real_service: Any) -> None:
    from knowledge.begrippen import answering_words

    assert "structurele" in answering_words("eenmalig") and "incidenteel" in answering_words("structureel")
    assert answering_words("begraafplaats") == ()
    first = real_service.answer("Hoeveel gaat er naar Rhijnhof?")
    once = real_service.answer("is dat eenmalig?", first.resolved)
    assert once.answered and "structurele" in once.text and once.citations[0].section_id == first.resolved.topic
    assert real_service.understand("waarom zijn die belangrijk?", first.resolved).refers


def test_why_a_number_went_up_needs_an_explanation_naming_its_measure(real_service: Any) -> None:
    costs = real_service.answer("Wat zijn de lasten van bestuur in 2027?")
    why = real_service.answer("waarom is dat zoveel hoger dan in 2026?", costs.resolved)
    assert not why.answered and "geen specifieke reden" in why.text and why.citations  # nothing names the lasten
    income = real_service.answer("Wat zijn de baten van dienstverlening in 2026?")
    reason = real_service.answer("waarom hoger dan vorig jaar?", income.resolved)
    assert reason.answered and "hogere leges" in reason.text  # 'de hogere baten worden … veroorzaakt door …'


def test_a_hyphenated_name_typed_without_its_hyphen_is_the_same_name(svc: Any) -> None:
    with_hyphen = svc.understand("Wat doet het Afvalschap Midden-Rijn?").subject
    assert with_hyphen is not None and svc.understand("wat doet het afvalschap midden rijn").subject == with_hyphen


def test_who_takes_part_ignores_words_of_the_name_itself(real_service: Any) -> None:
    answer = real_service.answer("welke gemeentes doen mee met de belasting samewerking gouwe rijnland")
    assert answer.answered and "Zoeterwoude" in answer.text


def test_what_goes_out_of_a_pot_is_a_withdrawal(svc: Any, real_service: Any) -> None:
    answer = svc.answer("Hoeveel gaat er in 2027 uit het potje voor jeugdhulp in Veenhoven?")
    assert answer.answered and "onttrekking" in answer.text and "Reserve jeugdhulp" in answer.text
    assert svc.understand("Waar bestaat de Reserve jeugdhulp uit?").measure is None  # 'bestaat uit' takes nothing out
    pot = real_service.answer("hoeveel gaat er per jaar uit het potje voor verkiezingen")
    assert pot.answered and "€ 25.000" in pot.text


def test_a_thing_is_not_answered_from_the_reserve_named_after_it(real_service: Any) -> None:
    does = real_service.answer("Wat doet de rekenkamer?")
    assert does.answered and "onafhankelijk onderzoek" in does.text
    assert not does.citations[0].section_id.endswith("reserve-rekenkamer")
    costs = real_service.answer("wat kost de rekenkamer per jaar?")
    assert not costs.answered and "€ 15.000" not in costs.text  # the reserve covers an overrun; no cost is given
    taken = real_service.answer("hoeveel wordt er in 2026 aan de rekenkamer onttrokken?")
    assert taken.answered and "€ 15.000" in taken.text  # what goes out of the reserve is the reserve's own row


@pytest.mark.parametrize(("word", "title_word", "names"), [
    ("belastingen", "belasting", True), ("tevreden", "tevredenheid", True),
    ("samenwerking", "belastingsamenwerking", True), ("belasting", "belastingsamenwerking", False),
    ("belastingen", "belastingsamenwerking", False), ("raad", "raadsleden", False),
])
def test_a_word_names_a_title_word_itself_or_as_its_head(word: str, title_word: str, names: bool) -> None:
    assert names_word(word, title_word) is names


def test_a_tax_is_not_the_amount_of_a_tax_cooperation(real_service: Any) -> None:
    for question in ("How much is the dog tax in Leiden?", "Hoeveel belasting krijgt Leiden binnen?"):
        answer = real_service.answer(question)
        assert "Belastingsamenwerking" not in answer.text or "€" not in answer.text
    assert "€ 2.518.000" in real_service.answer("Hoeveel betaalt Leiden aan de belastingsamenwerking?").text


def test_members_are_named_in_a_sentence_on_the_topic() -> None:
    text = "De wijkteams werken samen met huisartsen en scholen. Het Rijk en de Provincie betalen mee."
    assert not names_members(text, ("wijkteams",))
    assert names_members("In het team zitten Noordwijk, Katwijk en Teylingen.", ("team",))


def test_a_word_the_budget_does_not_know_narrows_a_one_table_measure(svc: Any) -> None:
    assert svc.answer("Hoeveel subsidie staat er in de subsidiestaat van Veenhoven voor 2027?").answered
    refused = svc.answer("Hoeveel subsidie krijgt de xqwv in Veenhoven in 2027?")
    assert not refused.answered and "xqwv" in refused.text


def test_a_word_the_budget_does_not_know_leaves_the_measure_unknown(svc: Any) -> None:
    for word in ("eindsaldering", "personeelskosten"):  # unknown, or a kind of a measure the budget never uses
        refused = svc.answer(f"{word} jeugd Veenhoven 2027")
        assert not refused.answered and word in refused.text
    assert svc.answer("wat heeft jeugd in Veenhoven in 2027 gekost?").answered  # a participle of a measure word


def test_a_year_the_carried_measure_lacks_is_read_from_the_rows_other_measure(svc: Any) -> None:
    target = svc.answer("streefwaarde huishoudens met een bijstandsuitkering Veenhoven 2028")
    assert target.answered and "1.700" in target.text
    measured = svc.answer("en in 2024?", target.resolved)
    assert measured.answered and "1.790" in measured.text and "realisatie" in measured.text.lower()
    asked = svc.answer("streefwaarde huishoudens met een bijstandsuitkering Veenhoven 2024")
    assert not asked.answered  # a measure the asker named is never swapped


def test_when_first_asks_when_even_with_a_money_word(svc: Any) -> None:
    assert svc.understand("sinds wanneer gaat er geld naar de jeugdhulp in Veenhoven?").intent == "when"
    assert svc.understand("wanneer zijn de lasten van jeugd het hoogst?").intent != "when"


def test_the_word_reserve_alone_does_not_pick_a_reserve_for_other_words(real_service: Any) -> None:
    answer = real_service.answer("saldo reserve ict vernieuwing")  # no such reserve: never the table's total
    assert "€ 120.000" not in answer.text
    assert real_service.understand("wordt daar geld uit een reserve voor gebruikt?").refers  # 'daar … voor'


@pytest.mark.parametrize("question", ["hoe lang is de levertijd van een paspoort",
                                      "welk accountantskantoor is de externe accountant"])
def test_a_compound_the_budget_never_uses_is_not_covered_by_its_first_part(real_service: Any, question: str) -> None:
    assert not real_service.answer(question).answered  # 'levert', 'accountant' are in the budget; the thing is not


def test_a_compound_of_a_budget_term_is_still_understood(real_service: Any) -> None:
    assert "288.745" in real_service.answer("Wat was het subsidiesaldo in de subsidiestaat 2025?").text


def test_a_share_is_read_from_the_indicator_and_never_from_a_euro_row(svc: Any) -> None:
    share = svc.answer("Welk percentage jongeren heeft jeugdhulp in Veenhoven in 2028?")
    assert share.answered and share.method == "table" and "10,5%" in share.text and "€" not in share.text
    none = svc.answer("Hoeveel procent gaat er in 2027 naar jeugd in Veenhoven?")  # 'jeugd' is a euro row only
    assert not none.answered and "percentage" in none.text and "€ 32.418.000" not in none.text
    assert svc.understand("hoeveel procent van de vragen").percent and not svc.understand("lasten jeugd").percent


def test_a_reserves_mutation_is_its_saldo_and_that_reserve_points_back(svc: Any) -> None:
    first = svc.answer("onttrekking Reserve jeugdhulp 2027")
    mutation = svc.answer("en wat is de mutatie?", first.resolved)
    assert mutation.answered and "Reserve jeugdhulp" in mutation.text and "€ 400.000" in mutation.text
    assert "mutatie" in mutation.text and "Reserves programma 4" not in mutation.text
    held = svc.answer("hoeveel zit er nog in die reserve?", mutation.resolved)  # 'die reserve': the one just asked
    assert not held.answered and "Reserve jeugdhulp" in held.text


def test_two_words_the_row_lacks_get_no_default_amount_of_the_row(svc: Any) -> None:
    narrower = svc.answer("Hoeveel geld gaat er in 2027 naar het programma voor mantelzorgers en respijtzorg in "
                          "Veenhoven?")
    assert "€ 144.125.000" not in narrower.text
    assert "€ 144.125.000" in svc.answer("wat kost het programma in 2027 in Veenhoven?").text


def test_a_programme_named_by_its_kind_word_with_a_name_is_read_from_the_prose(real_service: Any) -> None:
    answer = real_service.answer("hoeveel geld gaat er in 2026 naar dat programma voor de lokale democratie?")
    assert answer.answered and "20.000" in answer.text and "27.308" not in answer.text


def test_what_a_reserve_is_used_for_is_its_toelichting(real_service: Any) -> None:
    answer = real_service.answer("Waar wordt de reserve rekenkamer voor gebruikt?")
    assert answer.answered and "hogere lasten" in answer.text


def test_why_is_never_answered_with_a_tables_own_cells(real_service: Any) -> None:
    first = real_service.answer("welke investeringen zitten er in het programma")
    why = real_service.answer("waarvoor zijn die nodig", first.resolved)
    assert "(begroting):" not in why.text


def test_where_more_money_goes_of_two_rows_compares_them(svc: Any) -> None:
    answer = svc.answer("Waar ging in 2027 meer geld naartoe in Veenhoven, jeugd of werk en inkomen?")
    assert answer.method == "table" and "€ 32.418.000" in answer.text and "€ 68.120.000" in answer.text
    assert svc.understand("Waar gaat het geld voor jeugd in Veenhoven naartoe?").intent == "explain"


def test_a_part_of_the_amount_just_given_is_not_the_whole(svc: Any) -> None:
    first = svc.answer("lasten jeugd Veenhoven 2027")
    part = svc.answer("en hoeveel daarvan gaat naar personeel?", first.resolved)
    assert "€ 32.418.000" in first.text and "€ 32.418.000" not in part.text and not part.answered
    assert "€ 32.418.000" in svc.answer("en in 2027?", part.resolved).text  # the row is kept for what follows
    assert svc.understand("how much of that is for staff?").part_of and not svc.understand("lasten jeugd").part_of


def test_a_part_of_a_reserve_withdrawal_is_the_sentence_of_its_toelichting(real_service: Any) -> None:
    first = real_service.answer("onttrekking reserve raad 2026")
    part = real_service.answer("hoeveel daarvan is voor de verkiezingen?", first.resolved)
    assert part.answered and "60.000" in part.text and "€ 80.000" not in part.text
    assert part.citations[0].section_id.endswith("reserves-reserve-raad")


def test_euros_are_never_read_from_a_score_and_a_kind_of_cost_is_no_row(svc: Any) -> None:
    money = svc.answer("Hoeveel geld gaat er in Veenhoven naar mantelzorgers die zich zwaar belast voelen?")
    assert "%" not in money.text and "Percentage mantelzorgers" not in money.text
    assert "14%" in svc.answer("Welk percentage mantelzorgers voelt zich zwaar belast in Veenhoven?").text
    staff = svc.answer("wat zijn de personeelskosten van jeugd in Veenhoven in 2027?")
    assert not staff.answered and "€ 32.418.000" not in staff.text and "personeelskosten" in staff.text


def test_what_others_pay_is_not_the_row_just_given(svc: Any) -> None:
    first = svc.answer("bijdrage GGD Veenland 2027")
    others = svc.answer("en wat betalen de andere gemeenten?", first.resolved)
    assert "€ 2.047.310" in first.text and not others.answered and "€ 2.047.310" not in others.text
    assert svc.understand("en de andere gemeenten?").others == "gemeenten"


def test_what_a_passage_without_a_row_costs_is_not_the_documents_total(svc: Any) -> None:
    first = svc.answer("wat doet Veenhoven aan mantelzorgondersteuning?")
    cost = svc.answer("wat kost dat?", first.resolved)
    assert first.answered and not cost.answered and "€ 144.125.000" not in cost.text


def test_a_share_of_the_total_is_computed_from_the_two_cited_cells(svc: Any) -> None:
    first = svc.answer("lasten jeugd Veenhoven 2027")
    share = svc.answer("welk percentage van het totaal is dat?", first.resolved)
    assert share.answered and "22,5%" in share.text  # 32.418 of 144.125
    assert "€ 32.418.000" in share.text and "€ 144.125.000" in share.text
    assert "32.418" in share.citations[0].quote and "144.125" in share.citations[0].quote
    assert svc.answer("en wat levert jeugd in 2027 op?").text.count("€ 455.000") == 1  # 'levert … op': the baten


def test_a_quoted_phrase_is_answered_by_the_passage_that_uses_it(svc: Any) -> None:
    used = svc.answer("Wat houdt de aanpak 'advies, respijtzorg en lotgenotencontact' in?")
    assert used.answered and "steunpunt mantelzorg" in used.text
    assert svc.understand("Wat houdt de aanpak 'advies, respijtzorg en lotgenotencontact' in?").phrase == \
        "advies, respijtzorg en lotgenotencontact"
    assert not svc.answer("Wat houdt de aanpak 'advies, kinderopvang en sport' in?").answered  # not in the budget
    assert svc.understand("wat zijn de risico's van de GGD?").phrase is None  # an apostrophe is no quote


def test_why_so_much_after_a_total_names_its_largest_row(svc: Any) -> None:
    first = svc.answer("wat kost het programma in 2027 in Veenhoven?")
    level = svc.answer("waarom zo veel?", first.resolved)
    assert "Werk en inkomen" in level.text and "€ 68.120.000" in level.text
    assert any("68.120" in c.quote for c in level.citations)
    change = svc.answer("waarom is dat zo veel hoger dan 2026?", first.resolved)  # a change: no composition
    assert "grootste deel" not in change.text


def test_what_goes_into_a_reserve_is_its_toevoeging_never_its_onttrekking(svc: Any) -> None:
    into = svc.answer("hoeveel gaat er naar de Reserve jeugdhulp in 2026?")
    assert "toevoeging" in into.text and "€ 600.000" not in into.text  # (2026: nothing put in, 600 taken out)
    assert "€ 600.000" in svc.answer("hoeveel gaat er uit de Reserve jeugdhulp in 2026?").text
    assert not svc.answer("how much is in the Reserve jeugdhulp?").answered  # a balance the table does not give


def test_an_amount_per_resident_is_not_the_total(svc: Any) -> None:
    rate = svc.answer("wat kost jeugd per inwoner in Veenhoven in 2027?")
    assert not rate.answered and "per inwoner" in rate.text and "€ 32.418.000" not in rate.text
    assert "€ 32.418.000" in svc.answer("wat kost jeugd per jaar in Veenhoven in 2027?").text


def test_the_price_of_one_is_no_budget_line(svc: Any) -> None:
    price = svc.answer("wat kost een nieuw paspoort in Veenhoven?")
    assert not price.answered and "per paspoort" in price.text
    assert svc.understand("wat kost jeugd per jaar in Veenhoven?").rate is None


def test_the_difference_with_another_year_after_an_amount_compares_both(svc: Any) -> None:
    first = svc.answer("lasten jeugd Veenhoven 2027")
    diff = svc.answer("en wat is het verschil met 2026?", first.resolved)
    assert diff.method == "table" and "€ 32.418.000" in diff.text and ("hoger" in diff.text or "lager" in diff.text)
    assert "2026" in diff.text and "2027" in diff.text


def test_is_that_more_than_another_row_compares_it_with_the_row_just_given(svc: Any) -> None:
    first = svc.answer("lasten jeugd Veenhoven 2027")
    pair = svc.answer("is dat meer dan werk en inkomen?", first.resolved)
    assert pair.method == "table" and "€ 32.418.000" in pair.text and "€ 68.120.000" in pair.text
    assert "€ 35.702.000" in pair.text  # the gap, computed from the two cited cells


def test_a_programme_named_beside_one_of_its_rows_only_says_where_the_row_is(svc: Any) -> None:
    answer = svc.answer("Wat zijn de lasten van jeugd in programma 4 van Veenhoven in 2027?")
    assert "€ 32.418.000" in answer.text and "€ 144.125.000" not in answer.text


def test_a_hyphenated_part_of_a_partij_gets_no_amount_of_the_whole(svc: Any) -> None:
    part = svc.answer("Hoeveel geld zit er in de preventie-projecten van GGD Veenland?")
    assert not part.answered and "€ 2.047.310" not in part.text
    assert not svc.answer("Wat is de stand van de Reserve jeugdhulp eind 2027?").answered  # a balance


def test_the_whole_municipal_budget_is_not_one_programme(svc: Any) -> None:
    whole = svc.answer("Wat is de begroting van de hele gemeente Veenhoven?")
    assert not whole.answered and "programma 4" in whole.text and "€" not in whole.text
    assert "€ 32.418.000" in svc.answer("wat is het totale budget van jeugd in Veenhoven in 2027?").text
    assert "€ 2.047.310" in svc.answer("What does Veenhoven contribute to GGD Veenland in 2027?").text


def test_a_count_after_an_amount_is_read_from_the_subjects_prose_never_its_amount(svc: Any) -> None:
    first = svc.answer("bijdrage GGD Veenland 2027")
    count = svc.answer("hoeveel gemeenten zitten daarin?", first.resolved)
    assert count.answered and "twaalf gemeenten" in count.text and "€ 2.047.310" not in count.text


def test_a_town_after_a_past_tense_is_no_count(svc: Any) -> None:
    query = svc.understand("Hoeveel betaalde Veenhoven in 2027 aan GGD Veenland?")
    assert query.counted is None and query.measure == "bijdrage"
    assert "€ 2.047.310" in svc.answer("Hoeveel betaalde Veenhoven in 2027 aan GGD Veenland?").text


def test_the_thing_itself_and_its_municipality_are_no_members() -> None:
    from knowledge.checks import names_members

    counted = "De gemeente Veenhoven werkt samen met zes andere gemeenten in de Jeugdzorgregio Veen en Vaart."
    assert names_members(counted, ())  # two names, but
    assert not names_members(counted, (), own=("jeugdzorgregio veen en vaart", "veenhoven"))  # both are its own
    listed = "In de regio werken Veenhoven, Kalverwijk, Bremmerdijk en Rijnwaarde samen. (Zie de paragraaf Verbonden)."
    assert names_members(listed, (), own=("veenhoven",))
    assert not names_members("Dit staat in de begroting. (Zie de paragraaf Verbonden partijen.)", ())


def test_a_term_only_named_at_the_end_of_a_sentence_is_not_explained() -> None:
    from knowledge.checks import explains_term

    money = "Met ingang van 2027 is 90.000 opgenomen ten behoeve van de versterking van de wijkraad."
    assert not explains_term(money, ("wijkraad",))  # what the wijkraad is, the budget does not say
    assert explains_term("De wijkraad is een groep inwoners die het college adviseert.", ("wijkraad",))
    assert explains_term("We werken met een zogenoemd 'wijkbudget'. Dat is geld dat de wijk zelf besteedt.",
                         ("wijkbudget",))
    assert explains_term("Inwoners kunnen meepraten (b.v. Wijkpanel). Zo horen we wat er speelt.", ("wijkpanel",))
    assert explains_term("Hier staat niets over.", ("wijkraad",))  # (no mention: coverage decides)


def test_a_term_followed_by_a_new_clause_is_only_named() -> None:
    from knowledge.checks import explains_term

    named = "Dit jaar geven we vorm aan het buurtrecht en willen we bewoners helpen bij hun plannen."
    assert not explains_term(named, ("buurtrecht",))  # the words after it are another clause
    said = "Het buurtrecht geeft bewoners de kans om een taak van de gemeente over te nemen."
    assert explains_term(said, ("buurtrecht",))
