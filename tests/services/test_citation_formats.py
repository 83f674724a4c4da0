"""Every citation format from one CSL-JSON item, parsed back with real parsers (pybtex for
BibTeX, rispy for RIS, json for CSL-JSON) and formatted through citeproc-py for APA and Harvard."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import rispy
from pybtex.database import parse_string

from holotype.errors import Invalid
from holotype.services.citations import styles
from holotype.services.citations.formats import (
    FORMATS,
    content_type,
    download_name,
    every_format,
    format_for,
    render,
)
from holotype.services.citations.items import csl_item, csl_name, is_organisation

NHM = "Natural History Museum (London)"
HARD_TITLE = r"Birds & bees: 100% {wild} #1 $5 under_score ~tilde ^caret back\slash"


def item(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": "dataset-birds", "type": "dataset", "title": "Bird skins",
        "authors": [{"name": "Smith, Jane", "orcid": "0000-0002-1825-0097"},
                    {"name": "Zoë Müller"}],
        "publisher": NHM, "issued": date(2024, 3, 1), "doi": "10.1234/birds.1",
        "url": "https://portal.example/dataset/birds", "version": None,
        "accessed": date(2026, 12, 5),
    }
    return csl_item(**{**values, **changes})


def bib_entry(text: str) -> Any:
    entries = parse_string(text, "bibtex").entries
    assert len(entries) == 1, text
    return next(iter(entries.values()))


def unescaped(value: str) -> str:
    """What is left of a BibTeX value once its escapes are taken out: no special character
    may be left (an unescaped one breaks LaTeX or the entry)."""
    return re.sub(r"\\(?:textbackslash|textasciitilde|textasciicircum)\{\}|\\[&%$#_{}]", "",
                  value)


# Names ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("Smith, Jane", {"family": "Smith", "given": "Jane"}),
    ("Jane Smith", {"family": "Smith", "given": "Jane"}),
    ("  Jane   Q.  Smith ", {"family": "Smith", "given": "Jane Q."}),
    ("Ludwig van Beethoven", {"family": "van Beethoven", "given": "Ludwig"}),
    ("Zoë Müller", {"family": "Müller", "given": "Zoë"}),
    ("Linnaeus", {"family": "Linnaeus"}),
    (NHM, {"literal": NHM}),
    ("Royal Botanic Gardens, Kew", {"literal": "Royal Botanic Gardens, Kew"}),
    ("Smith & Sons", {"literal": "Smith & Sons"}),
])
def test_person_names_split_and_organisations_stay_whole(name: str,
                                                         expected: dict[str, str]) -> None:
    assert csl_name(name) == expected


def test_an_orcid_or_the_organisation_flag_decides_over_the_words() -> None:
    assert is_organisation("Jane Museum") and not is_organisation("Jane Smith")
    made = item(authors=[{"name": "Jane Museum", "orcid": "0000-0001-0000-0000"},
                         {"name": "Acme", "organisation": True}, {"name": "  "}])
    assert made["author"] == [{"family": "Museum", "given": "Jane"}, {"literal": "Acme"}]


def test_the_item_is_csl_json_without_empty_values() -> None:
    made = item(version="3", note=None, abstract="", issued=datetime(2024, 3, 1, 23, 30,
                                                                    tzinfo=UTC))
    assert made["issued"] == {"date-parts": [[2024, 3, 1]]}
    assert made["accessed"] == {"date-parts": [[2026, 12, 5]]}
    assert made["DOI"] == "10.1234/birds.1" and made["version"] == "3"
    assert "note" not in made and "abstract" not in made and "container-title" not in made
    assert item(issued=2020)["issued"] == {"date-parts": [[2020]]}


# Formatted text: APA and Harvard through citeproc-py ------------------------------------------

def test_apa_and_harvard_are_formatted_by_their_styles() -> None:
    three = item(authors=[{"name": "Smith, Jane"}, {"name": "Zoë Müller"}, {"name": NHM}])
    apa, harvard = render(three, "apa"), render(three, "harvard")
    assert apa == ("Smith, J., Müller, Z., & Natural History Museum (London). (2024). "
                   "Bird skins [Dataset]. Natural History Museum (London). "
                   "https://doi.org/10.1234/birds.1")
    assert harvard == ("Smith, J., Müller, Z. and Natural History Museum (London) (2024) "
                       "‘Bird skins’. Natural History Museum (London). "
                       "Available at: https://doi.org/10.1234/birds.1.")


def test_harvard_gives_the_access_date_of_a_page_without_a_doi_and_apa_does_not() -> None:
    plain = item(doi=None)
    assert render(plain, "harvard").endswith(
        "Available at: https://portal.example/dataset/birds (Accessed: 5 December 2026).")
    assert render(plain, "apa").endswith(". https://portal.example/dataset/birds")
    assert "2026" not in render(plain, "apa")


def test_formatted_text_is_plain_text_whatever_the_title_holds() -> None:
    text = render(item(title="Eggs <b>& nests</b>"), "apa")
    assert "Eggs <b>& nests</b> [Dataset]" in text  # the title as given, nothing added
    assert "<i>" not in text and "&amp;" not in text and "\n" not in text
    assert "<i>" not in render(item(), "apa")  # APA's italic title is not markup here


def test_an_item_without_creators_is_credited_to_its_publisher_and_names_its_title_once() -> None:
    anonymous = item(authors=[])
    assert "author" not in anonymous  # the CSL-JSON says only what is known
    assert render(anonymous, "apa").startswith(f"{NHM}. (2024). Bird skins [Dataset].")
    nobody = item(authors=[], publisher=None)
    for fmt in ("apa", "harvard"):
        assert render(nobody, fmt).startswith("Anonymous") and render(nobody, fmt).count(
            "Bird skins") == 1


def test_a_record_names_its_dataset() -> None:
    record = item(id="record-r1-o1", title="BM1 Parus major", container_title="Bird skins",
                  authors=[{"name": NHM, "organisation": True}], doi=None, issued=2025)
    assert "BM1 Parus major [Dataset]. In Bird skins." in render(record, "apa")
    assert "‘BM1 Parus major’, Bird skins." in render(record, "harvard")


def test_each_style_is_parsed_once() -> None:
    render(item(), "apa")
    assert styles.style("apa", "en-US") is styles.style("apa", "en-US")


# BibTeX --------------------------------------------------------------------------------------

def test_bibtex_is_one_valid_entry_that_reads_back() -> None:
    text = render(item(version="2", note="Data\nnote"), "bibtex")
    assert text.startswith("@misc{dataset-birds,\n")
    entry = bib_entry(text)
    assert entry.key == "dataset-birds" and entry.type == "misc"
    assert [str(p) for p in entry.persons["author"]] == ["Smith, Jane", "Müller, Zoë"]
    assert entry.fields["year"] == "2024" and entry.fields["publisher"] == NHM
    assert entry.fields["doi"] == "10.1234/birds.1"
    assert entry.fields["url"] == "https://portal.example/dataset/birds"
    assert entry.fields["urldate"] == "2026-12-05" and entry.fields["version"] == "2"
    assert entry.fields["note"] == "Data note"


def test_bibtex_escapes_latex_special_characters() -> None:
    entry = bib_entry(render(item(title=HARD_TITLE), "bibtex"))
    raw = entry.fields["title"]
    assert raw.startswith("{") and raw.endswith("}")  # the title's case is kept
    assert not set(unescaped(raw[1:-1])) & set("\\{}&%$#_~^")
    assert unescaped(raw[1:-1]) == re.sub(r"[\\{}&%$#_~^]", "", HARD_TITLE)
    for escaped in (r"\&", r"\%", r"\{wild\}", r"\#", r"\$", r"\_", r"\textasciitilde{}",
                    r"\textasciicircum{}", r"\textbackslash{}"):
        assert escaped in raw, escaped


def test_bibtex_keeps_an_organisation_whole_even_with_and_in_its_name() -> None:
    text = render(item(authors=[{"name": "Smith and Jones Herbarium"},
                                {"name": "Acme & Co", "organisation": True}]), "bibtex")
    persons = bib_entry(text).persons["author"]
    assert len(persons) == 2
    assert "{Smith and Jones Herbarium} and {Acme \\& Co}" in text


def test_bibtex_without_creators_or_dates_is_still_valid() -> None:
    entry = bib_entry(render(item(authors=[], issued=None, accessed=None, doi=None), "bibtex"))
    assert "author" not in entry.persons and "year" not in entry.fields
    assert entry.fields["title"] == "{Bird skins}"


def test_the_bibtex_key_is_stable_and_safe() -> None:
    odd = item(id="record-Zoë's {odd}, id/1")
    key = bib_entry(render(odd, "bibtex")).key
    assert key == "record-Zoe-s-odd-id-1" == bib_entry(render(odd, "bibtex")).key
    assert download_name(odd, "bibtex") == f"{key}.bib"
    assert download_name(odd, "csl-json") == f"{key}.json"


# RIS -----------------------------------------------------------------------------------------

def test_ris_is_a_dataset_record_that_reads_back() -> None:
    text = render(item(title="Eggs\r\nand nests", container_title="Bird skins", version="2"),
                  "ris")
    assert text.startswith("TY  - DATA\r\n") and text.endswith("ER  - \r\n")
    [entry] = rispy.loads(text)
    assert entry["type_of_reference"] == "DATA"
    assert entry["authors"] == ["Smith, Jane", "Müller, Zoë"]
    assert entry["title"] == "Eggs and nests" and entry["secondary_title"] == "Bird skins"
    assert entry["publisher"] == NHM and entry["year"] == "2024"
    assert entry["date"] == "2024/03/01" and entry["access_date"] == "2026/12/05"
    assert entry["doi"] == "10.1234/birds.1" and entry["edition"] == "2"
    assert entry["urls"] == ["https://portal.example/dataset/birds"]


def test_ris_keeps_organisations_and_special_characters_as_they_are() -> None:
    [entry] = rispy.loads(render(item(title=HARD_TITLE, authors=[{"name": NHM}]), "ris"))
    assert entry["authors"] == [NHM] and entry["title"] == HARD_TITLE


# CSL-JSON, the registry and media types ------------------------------------------------------

def test_csl_json_is_the_item() -> None:
    made = item(title=HARD_TITLE)
    assert json.loads(render(made, "csl-json")) == made
    assert every_format(made)["csl-json"] == made
    assert set(every_format(made)) == set(FORMATS) == {"apa", "harvard", "bibtex", "ris",
                                                       "csl-json"}


def test_media_types_name_their_formats() -> None:
    assert format_for("application/x-bibtex") == "bibtex"
    assert format_for("Application/X-Research-Info-Systems") == "ris"
    assert format_for("application/vnd.citationstyles.csl+json") == "csl-json"
    assert format_for("text/x-bibliography") == "apa"
    assert format_for("text/x-bibliography", {"style": "harvard-cite-them-right"}) == "harvard"
    assert format_for("text/x-bibliography", {"style": "harvard"}) == "harvard"
    assert format_for("text/x-bibliography", {"style": "chicago"}) is None
    assert format_for("text/html") is None and format_for("application/json") is None
    assert content_type("harvard") == (
        "text/x-bibliography; style=harvard-cite-them-right; charset=utf-8")
    assert content_type("bibtex") == "application/x-bibtex; charset=utf-8"


def test_an_unknown_format_is_refused_by_name() -> None:
    with pytest.raises(Invalid) as refused:
        render(item(), "chicago")
    assert refused.value.field == "cite" and "bibtex" in refused.value.message
