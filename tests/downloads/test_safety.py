"""Spreadsheet safety: formula-like cells made inert in .xlsx, and in CSV when asked."""

from __future__ import annotations

import csv
import io

import openpyxl

from tests.downloads.conftest import MEDIA, Download

HOSTILE = {
    "locality": '=HYPERLINK("http://evil.example/","click")',
    "recordedBy": "+cmd|' /C calc'!A0",
}


def _csv_rows(data: bytes, delimiter: str = ",") -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(data.decode(), newline=""), delimiter=delimiter)
    return {row["_id"]: row for row in reader}


def test_xlsx_neutralises_formulas_but_not_numbers(download: Download) -> None:
    archive = download("xlsx", {}, resource_ids=[MEDIA])
    book = openpyxl.load_workbook(io.BytesIO(archive.read("records.xlsx")))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    records = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert records["m-1"]["locality"] == "'" + HOSTILE["locality"]
    assert records["m-1"]["recordedBy"] == "'" + HOSTILE["recordedBy"]
    assert records["m-2"]["locality"] == "'@SUM(1+1)*cmd"
    assert records["m-2"]["recordedBy"] == "'-2+3"
    assert records["m-1"]["decimalLatitude"] == "-12.5"  # a number is not a formula
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate  # nothing is stored as a formula


def test_csv_keeps_values_exact_unless_asked_to_neutralise(download: Download) -> None:
    plain = _csv_rows(download("csv", {}, resource_ids=[MEDIA])
                      .read("media-survey_records.csv"))
    assert plain["m-1"]["locality"] == HOSTILE["locality"]
    safe_zip = download("csv", {}, resource_ids=[MEDIA],
                        file={"format_args": {"neutralise_formulas": True}})
    safe = _csv_rows(safe_zip.read("media-survey_records.csv"))
    assert safe["m-1"]["locality"] == "'" + HOSTILE["locality"]
    assert safe["m-1"]["recordedBy"] == "'" + HOSTILE["recordedBy"]
    assert safe["m-2"]["recordedBy"] == "'-2+3"
    assert safe["m-1"]["decimalLatitude"] == "-12.5"
    assert safe["m-4"]["locality"] == "River bank"
    tsv_zip = download("tsv", {}, resource_ids=[MEDIA],
                       file={"format_args": {"neutralise_formulas": True}})
    tsv = _csv_rows(tsv_zip.read("media-survey_records.tsv"), "\t")
    assert tsv["m-2"]["locality"] == "'@SUM(1+1)*cmd"
