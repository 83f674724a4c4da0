"""Field labels: TDWG's labels in sentence case for Darwin Core terms, the same splitting for a
museum's own fields (marked as not terms), and a site's own labels over both."""

from __future__ import annotations

from pathlib import Path

import pytest

from holotype.config import ConfigError, load_settings
from holotype.darwin_core import TERMS
from holotype.field_labels import FieldLabels, default_label, split_words


@pytest.mark.parametrize(("name", "label"), [
    ("scientificNameAuthorship", "Scientific name authorship"),
    ("occurrenceID", "Occurrence ID"),
    ("coordinateUncertaintyInMeters", "Coordinate uncertainty in meters"),
    ("verbatimSRS", "Verbatim SRS"),
    ("footprintWKT", "Footprint WKT"),
    ("countryCode", "Country code"),
    ("decimalLatitude", "Decimal latitude"),
    ("class", "Class"),
    ("recordedByID", "Recorded by ID"),
    ("earliestEonOrLowestEonothem", "Earliest eon or lowest eonothem"),
    ("rightsHolder", "Rights holder"),
])
def test_terms_have_tdwg_labels_in_sentence_case(name: str, label: str) -> None:
    assert name in TERMS
    assert default_label(name) == label


@pytest.mark.parametrize(("name", "label"), [
    ("department", "Department"),
    ("gbifIssue", "GBIF issue"),
    ("_id", "ID"),
    ("IDNumber", "ID number"),
    ("COLLECTOR_NAME", "Collector name"),
    ("field_2", "Field 2"),
    ("Collector name", "Collector name"),
    ("!!", "!!"),
])
def test_other_fields_are_split_the_same_way(name: str, label: str) -> None:
    assert default_label(name) == label


def test_words_split_at_case_changes_separators_and_numbers() -> None:
    assert split_words("coordinateUncertaintyInMeters") == ["coordinate", "Uncertainty", "In",
                                                            "Meters"]
    assert split_words("verbatimSRS") == ["verbatim", "SRS"]
    assert split_words("sample-size_2") == ["sample", "size", "2"]


def test_every_term_has_a_label_of_its_words() -> None:
    for name in TERMS:
        label = default_label(name)
        assert label[0].isupper() and label.replace(" ", "").lower() == name.lower(), name


def test_terms_and_other_fields_say_what_they_are() -> None:
    labels = FieldLabels()
    term = labels.describe("scientificNameAuthorship")
    assert term.label == "Scientific name authorship"
    assert term.term == "http://rs.tdwg.org/dwc/terms/scientificNameAuthorship"
    assert term.hint == "scientificNameAuthorship (Darwin Core term)"
    own = labels.describe("department")
    assert own.term is None and own.hint == "department (not a Darwin Core term)"


def test_a_sites_own_labels_win_and_empty_ones_fall_back() -> None:
    labels = FieldLabels({"department": "Museum department", "country": "Nation",
                          "sex": "  "})
    assert labels.label("department") == "Museum department"
    assert labels.label("country") == "Nation"
    assert labels.describe("country").hint == "country (Darwin Core term)"  # still the term
    assert labels.label("sex") == "Sex"
    assert labels.mapping(["country", "year", "country"]) == {"country": "Nation",
                                                              "year": "Year"}


def test_field_labels_setting_comes_from_toml_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "holotype.toml"
    config.write_text('[field_labels]\ndepartment = "Museum department"\n')
    assert load_settings(config).field_labels == {"department": "Museum department"}
    monkeypatch.setenv("HOLOTYPE_FIELD_LABELS", '{"department": "Section"}')
    assert load_settings(config).field_labels == {"department": "Section"}
    monkeypatch.setenv("HOLOTYPE_FIELD_LABELS", '{"department": 3}')
    with pytest.raises(ConfigError, match="field_labels"):
        load_settings()
