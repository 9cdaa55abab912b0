"""The section tree of the real budget: structure, ids, quirks and line ranges."""

from __future__ import annotations

import pytest

from knowledge.parse import ParseError, parse_budget
from knowledge.types import Section, Table
from tests.conftest import DOC


def test_tree_has_every_level_and_named_part(sections: dict[str, Section]) -> None:
    programme = sections["programma"]
    assert programme.code == "3.1.1" and programme.title == "Bestuur en dienstverlening"
    assert "Programmanummer: 1" in programme.text
    assert "Commissie: Leefbaarheid en Bereikbaarheid" in programme.text
    assert "Klimaat, Bereikbaarheid en Financiën" in programme.text
    assert "missie" in programme.text
    assert sections["1a"].title == "Bestuur" and sections["1b"].title == "Dienstverlening"
    assert sections["1a2"].kind == "doel" and sections["1a2"].parent_id == f"{DOC}:1a"
    assert sections["1a2-3"].kind == "prestatie" and sections["1a2-3"].parent_id == f"{DOC}:1a2"
    for slug in ("inleiding", "inleiding-bestuur", "inleiding-dienstverlening", "1a-verbonden-partijen",
                 "holland-rijnland", "1a-effectindicatoren", "1b-effectindicatoren", "1b-verbonden-partijen",
                 "belastingsamenwerking-gouwe-rijnland", "kaderstellende-beleidsstukken", "programmakosten",
                 "budgettaire-ontwikkelingen", "reserves", "investeringen", "subsidies"):
        assert slug in sections, slug
    prestaties = sorted(s.code or "" for s in sections.values() if s.kind == "prestatie")
    assert prestaties == ["1A1.1", "1A1.2", "1A1.3", "1A2.1", "1A2.2", "1A2.3", "1A2.4", "1A2.5", "1A3.1", "1A3.2",
                          "1B1.1", "1B1.2", "1B1.3", "1B1.4"]


def test_prestatie_body_is_the_section_not_the_overview_list(sections: dict[str, Section]) -> None:
    body = sections["1a2-3"]
    assert body.text.startswith("In maart 2026 vinden na vier jaar weer de gemeenteraadsverkiezingen plaats.")
    assert body.line_start == 138


def test_trailing_dot_code_is_parsed(sections: dict[str, Section]) -> None:
    assert sections["1a1-2"].code == "1A1.2"
    assert sections["1a1-2"].title == "Burgers actief informeren over rol en werkzaamheden van de gemeenteraad"


def test_differing_list_and_body_titles_are_both_kept(sections: dict[str, Section]) -> None:
    assert sections["1b1-2"].title.startswith("Zorgen voor persoonlijke, betrouwbare, toegankelijke en efficiënte")
    assert sections["1b1-2"].alt_titles[0].startswith("Zorgen voor persoonlijke, betrouwbare en toegankelijke")
    assert "inwoners, ondernemers en instellingen" in sections["1a2-2"].title
    assert "burgers, bedrijven en instellingen" in sections["1a2-2"].alt_titles[0]


def test_repeated_party_headings_make_one_party_with_its_parts(sections: dict[str, Section]) -> None:
    parties = [s for s in sections.values() if s.kind == "partij"]
    assert sorted(p.title for p in parties) == ["Belastingsamenwerking Gouwe-Rijnland", "Holland Rijnland"]
    bsgr = sections["belastingsamenwerking-gouwe-rijnland"]
    assert "WOZ-waarde" in bsgr.text
    parts = [s.slug.removeprefix(bsgr.slug + "-") for s in sections.values() if s.parent_id == bsgr.id]
    assert parts == ["motieven", "kansen", "risicos", "doelstellingen", "mijlpalen", "bijdrage"]
    assert "kwijtscheldingsverzoek" in sections["belastingsamenwerking-gouwe-rijnland-risicos"].text


def test_bullet_lists_belong_to_the_paragraph_before(sections: dict[str, Section]) -> None:
    paragraphs = sections["inleiding-dienstverlening"].text.split("\n\n")
    speerpunten = next(p for p in paragraphs if p.startswith("Speerpunten in 2026 zijn:"))
    assert "ICT-vernieuwing en Common Ground" in speerpunten
    assert "•" not in speerpunten


def test_reserves_have_their_explanations(sections: dict[str, Section]) -> None:
    children = [s.title for s in sections.values() if s.parent_id == sections["reserves"].id]
    assert children == ["Reserve Raad", "Reserve Holland Rijnland", "Egalisatiereserve verkiezingen",
                        "Reserve rekenkamer"]
    assert "25.000" in sections["reserves-egalisatiereserve-verkiezingen"].text


def test_line_ranges_point_at_the_source(budget_text: str, sections: dict[str, Section]) -> None:
    lines = budget_text.splitlines()
    for section in sections.values():
        assert 1 <= section.line_start <= section.line_end <= len(lines)
        if section.kind in ("prestatie", "beleidsterrein", "partij", "part"):
            assert section.title in lines[section.line_start - 1], section.slug


def test_ids_are_stable_and_unique(budget_text: str, parsed: tuple[str, list[Section], list[Table]]) -> None:
    again = parse_budget(DOC, budget_text)
    assert [s.id for s in again[1]] == [s.id for s in parsed[1]]
    assert len({s.id for s in parsed[1]}) == len(parsed[1])
    assert all(s.id.startswith(f"{DOC}:") for s in parsed[1])


def test_paths_lead_from_the_programme(sections: dict[str, Section]) -> None:
    assert sections["1b1-4"].path == (
        "Bestuur en dienstverlening", "1B Dienstverlening",
        "1B1 Burgers, bedrijven en instellingen zijn tevreden over de publieke dienstverlening",
        "1B1.4 Beantwoorden van eerstelijns vragen, verstrekken van informatie en leveren van eerstelijns producten",
    )


@pytest.mark.parametrize("text", ["", "Dit is een boodschappenlijst.\n\nMelk\n\nBrood\n", "Hoofdstuk 1\n\nTekst."])
def test_text_that_is_not_a_budget_is_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_budget("x", text)
