"""Spreadsheet safety: formula-like cells made inert in .xlsx, and in CSV when asked."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.downloads.conftest import MEDIA, Download, drain, finished_zip, queue

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


def test_record_ids_and_column_names_are_neutralised_too(portal: Portal, tmp_path: Path) -> None:
    with portal.session() as session:
        catalogue.create_dataset(session, slug="ids", title="Ids", licence="CC0-1.0")
        catalogue.create_resource(session, "ids", slug="records", name="Records",
                                  id_field="code")
    upload = tmp_path / "ids.csv"
    upload.write_text('code,=cmd,plain\n"=HYPERLINK(""http://evil.example/"")",@x,-1\n',
                      encoding="utf-8")
    ingest(portal, OPERATOR, "ids/records", upload, mode="replace")
    xlsx_id = queue(portal, "xlsx", resource_ids=["ids/records"])
    csv_id = queue(portal, "csv", resource_ids=["ids/records"],
                   file={"format_args": {"neutralise_formulas": True}})
    drain(portal)
    book = openpyxl.load_workbook(io.BytesIO(finished_zip(portal, xlsx_id).read("records.xlsx")))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == ["_id", "code", "'=cmd", "plain"]
    assert rows[1] == ["'=HYPERLINK(\"http://evil.example/\")"] * 2 + ["'@x", "-1"]
    data = finished_zip(portal, csv_id).read("ids_records.csv").decode()
    parsed = list(csv.reader(io.StringIO(data, newline="")))
    assert parsed == [rows[0], rows[1]]
