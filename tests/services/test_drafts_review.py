"""A draft's review: types, the id field, Darwin Core suggestions, and every validation check
naming its rows (spreadsheet-style) and column; files that cannot be read fail the draft."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.errors import Invalid
from holotype.services import catalogue, drafts
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from tests.services.drafts_helpers import reviewed, write_csv


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site", max_upload_bytes=5_000_000))
    with opened.write_session() as session:
        catalogue.create_dataset(session, slug="nhm", title="NHM", licence="CC-BY-4.0")
    yield opened
    opened.close()


def test_types_id_field_first_rows_and_suggestions(portal: Portal, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "beetles.csv",
                     ["occurrenceID", "Lat", "Decimal Longitude", "collector", "count",
                      "eventDate", "catalogue_number", "notes"],
                     [[f"b-{i}", f"{50 + i / 10}", "-1.5", "Ann", str(i), "2001-02-03",
                       f"C{i}", "true" if i % 2 else "false"] for i in range(30)])
    draft = reviewed(portal, OPERATOR, "nhm", "Beetles", path)
    assert draft.status == "ready", draft.reason
    assert draft.rows_read == 30 and draft.errors == 0
    review = draft.review
    assert review is not None
    assert review.types == {"occurrenceID": "string", "Lat": "number",
                            "Decimal Longitude": "number", "collector": "string",
                            "count": "integer", "eventDate": "date",
                            "catalogue_number": "string", "notes": "boolean"}
    assert review.id_field == "occurrenceID" and not review.id_field_fixed
    assert len(review.first_rows) == 20
    assert review.first_rows[0]["_row"] == 2 and review.first_rows[0]["occurrenceID"] == "b-0"
    assert review.suggestions == {"Lat": "decimalLatitude",
                                  "Decimal Longitude": "decimalLongitude",
                                  "collector": "recordedBy", "count": "individualCount",
                                  "catalogue_number": "catalogNumber",
                                  "notes": "occurrenceRemarks"}


def _finding(review: drafts.Review, check: str, column: str) -> tuple[str, list[int], int]:
    matches = [f for f in review.findings if f.check == check and f.column == column]
    assert len(matches) == 1, (check, column, review.findings)
    return matches[0].severity, matches[0].rows, matches[0].count


def test_every_check_names_its_rows_and_column(portal: Portal, tmp_path: Path) -> None:
    future = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    good = ["12.5", "-3.25", "2001-02-03", "5", "1999", ""]
    rows = [
        ["a", *good],                                  # row 2
        ["b", "north", *good[1:]],                     # row 3: latitude not a number
        ["c", "95", "200", *good[2:]],                 # row 4: both out of range
        ["d", good[0], good[1], "2020-13-01", *good[3:]],  # row 5: month 13
        ["e", good[0], good[1], future, *good[3:]],    # row 6: in the future
        ["f", *good[:3], "13", *good[4:]],             # row 7: month 13 in its own column
        ["a", *good],                                  # row 8: id of row 2 again
        ["", *good],                                   # row 9: no id
        ["g", good[0], good[1], "1990-01-01/1991-02-02", *good[3:]],  # row 10: an interval
        ["h", good[0], good[1], "3rd May", "5", "2999", ""],  # row 11: not ISO; future year
    ]
    path = write_csv(tmp_path / "checks.csv", ["occurrenceID", "decimalLatitude",
                                               "decimalLongitude", "eventDate", "month",
                                               "year", "blank"], rows)
    draft = reviewed(portal, OPERATOR, "nhm", "Checked", path)
    review = draft.review
    assert review is not None
    assert _finding(review, "duplicate_id", "occurrenceID") == ("error", [8], 1)
    assert _finding(review, "missing_id", "occurrenceID") == ("error", [9], 1)
    assert _finding(review, "bad_coordinate", "decimalLatitude") == ("warning", [3], 1)
    assert _finding(review, "coordinate_out_of_range", "decimalLatitude") == ("warning", [4], 1)
    assert _finding(review, "coordinate_out_of_range", "decimalLongitude") == ("warning", [4], 1)
    assert _finding(review, "bad_date", "eventDate") == ("warning", [5, 11], 2)
    assert _finding(review, "future_date", "eventDate") == ("warning", [6], 1)
    assert _finding(review, "impossible_date", "month") == ("warning", [7], 1)
    assert _finding(review, "impossible_date", "year") == ("warning", [11], 1)
    assert _finding(review, "empty_column", "blank") == ("warning", [], 0)
    assert {f.check for f in review.findings} == {
        "duplicate_id", "missing_id", "bad_coordinate", "coordinate_out_of_range", "bad_date",
        "future_date", "impossible_date", "empty_column"}
    assert (draft.errors, draft.warnings) == (2, 8)
    assert [f.severity for f in review.findings][:2] == ["error", "error"]  # errors first


def test_a_clean_file_has_no_findings(portal: Portal, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "clean.csv", ["occurrenceID", "decimalLatitude", "eventDate"],
                     [["x1", "-89.9", "1850"], ["x2", "0", "1850-06"], ["x3", "", ""]])
    draft = reviewed(portal, OPERATOR, "nhm", "Clean", path)
    assert draft.review is not None and draft.review.findings == []


@pytest.mark.parametrize(("name", "content", "says"), [
    ("garbage.csv", b"\x00\x01\x02\xff\xfe" * 200, "garbage.csv"),
    ("program.exe", b"MZ\x90\x00" * 50, "cannot tell the file's format"),
    ("sheet.xlsx", b"not a zip at all", "not a valid .xlsx workbook"),
    ("header-only.csv", b"occurrenceID,locality\n", "holds no records"),
])
def test_a_file_that_cannot_be_read_fails_the_draft_with_a_clear_reason(
        portal: Portal, tmp_path: Path, name: str, content: bytes, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    draft = reviewed(portal, OPERATOR, "nhm", "Broken", path)
    assert draft.status == "failed"
    assert draft.reason is not None and says in draft.reason and name in draft.reason
    assert draft.review is None
    with pytest.raises(Invalid, match="could not be read"):
        drafts.publish(portal, OPERATOR, draft.id)
    with portal.session() as session:
        assert catalogue.list_resources(session, "nhm") == []


def test_an_empty_file_and_a_missing_one_are_refused_at_once(portal: Portal,
                                                              tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    draft = reviewed(portal, OPERATOR, "nhm", "Empty", empty)
    assert draft.status == "failed" and "the file is empty" in (draft.reason or "")
    with pytest.raises(Invalid, match=r"absent\.csv: no such file"):
        drafts.start(portal, OPERATOR, "nhm", "X", tmp_path / "absent.csv", "absent.csv",
                     new_resource=True)
