"""Every format read back and compared with what search gives for the same query."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.downloads.conftest import (
    MEDIA,
    Download,
    Site,
    drain,
    finished_zip,
    manifest_of,
    queue,
)
from tests.downloads.helpers import Records, neutral, searched, without_empty

QUERY = {"search": "forest"}


def _resource_of(archive: zipfile.ZipFile) -> dict[str, str]:
    """File stem -> resource id, from the manifest."""
    return {r["name"].replace("/", "_"): r["id"] for r in manifest_of(archive)["resources"]}


def _rows(archive: zipfile.ZipFile, fmt: str) -> Records:
    stems = _resource_of(archive)
    found: Records = {}
    for name in archive.namelist():
        stem, _, ext = name.rpartition(".")
        if stem not in stems:
            continue
        data = archive.read(name)
        rows: list[dict[str, Any]]
        if fmt in ("csv", "tsv"):
            text = io.StringIO(data.decode("utf-8"), newline="")
            rows = list(csv.DictReader(text, delimiter="," if fmt == "csv" else "\t"))
        elif fmt == "jsonl":
            rows = [json.loads(line) for line in data.decode().splitlines()]
        else:
            rows = pq.read_table(io.BytesIO(data)).to_pylist()
        assert ext == fmt
        for row in rows:
            record_id = row.pop("_id")
            found[(stems[stem], record_id)] = without_empty(row)
    return found


def _rows_of_one_file(archive: zipfile.ZipFile, fmt: str) -> dict[str, dict[str, Any]]:
    data = archive.read(f"records.{fmt}")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in data.decode().splitlines()]
    else:
        rows = pq.read_table(io.BytesIO(data)).to_pylist()
    return {row["_id"]: row for row in rows}


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "parquet"])
def test_a_format_holds_exactly_what_search_gives(
    fmt: str, download: Download, portal: Portal
) -> None:
    archive = download(fmt, QUERY)
    expected = searched(portal, QUERY)
    assert len(expected) > 40  # enough records to compare (the demo has ~50 "forest" records)
    assert _rows(archive, fmt) == expected


def test_xlsx_has_one_sheet_per_resource_with_the_search_results(
    download: Download, portal: Portal
) -> None:
    archive = download("xlsx", QUERY)
    expected = searched(portal, QUERY)
    book = openpyxl.load_workbook(io.BytesIO(archive.read("records.xlsx")), read_only=True)
    resources = manifest_of(archive)["resources"]
    assert len(book.sheetnames) == len(resources)
    found: Records = {}
    for sheet, resource in zip(book.worksheets, resources, strict=True):
        assert sheet.title == resource["name"].replace("/", "_")[:31]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        assert header[0] == "_id"
        for values in rows[1:]:
            row = dict(zip(header, values, strict=True))
            record_id = str(row.pop("_id"))
            found[(resource["id"], record_id)] = without_empty(row)
    assert found == {k: {f: neutral(v) for f, v in d.items()} for k, d in expected.items()}


def test_a_past_version_downloads_what_search_gave_then(
    download: Download, portal: Portal, site: Site
) -> None:
    archive = download("csv", {}, resource_ids=[MEDIA], version=site.media_first)
    expected = searched(portal, {}, [site.media_id], site.media_first)
    assert {k[1] for k in expected} == {"m-1", "m-2", "m-3"}
    assert _rows(archive, "csv") == expected
    assert manifest_of(archive)["resources"][0]["version"] == site.media_first
    latest = _rows(download("csv", {}, resource_ids=[MEDIA]), "csv")
    assert {k[1] for k in latest} == {"m-1", "m-2", "m-4"}
    assert latest[(site.media_id, "m-1")]["scientificName"] == "Quercus petraea"


def test_one_file_for_all_resources_names_the_resource(download: Download,
                                                       portal: Portal) -> None:
    archive = download("csv", QUERY, file={"separate_files": False})
    rows = list(csv.DictReader(io.StringIO(archive.read("records.csv").decode())))
    expected = searched(portal, QUERY)
    assert len(rows) == len(expected)
    assert list(rows[0])[:2] == ["_id", "_resource"]
    counted = {r["name"] for r in manifest_of(archive)["resources"] if r["records"]}
    assert {r["_resource"] for r in rows} == counted
    assert len(counted) >= 2


def test_empty_fields_are_left_out_unless_asked_for(download: Download) -> None:
    query = {"filters": {"and": [{"string_equals": {"fields": ["occurrenceID"],
                                                    "value": "m-2"}}]}}
    lean = download("csv", query, resource_ids=[MEDIA])
    header = lean.read("media-survey_records.csv").decode().splitlines()[0].split(",")
    assert "fieldNotes" not in header and "associatedMedia" not in header
    full = download("csv", query, resource_ids=[MEDIA], file={"ignore_empty_fields": False})
    header = full.read("media-survey_records.csv").decode().splitlines()[0].split(",")
    assert "fieldNotes" in header and "associatedMedia" in header


def test_a_query_matching_nothing_gives_an_empty_but_valid_download(
    download: Download,
) -> None:
    archive = download("csv", {"search": "nothingmatchesthiswordatall"})
    data = manifest_of(archive)
    assert data["total"] == 0
    assert all(r["records"] == 0 for r in data["resources"])


def test_xlsx_keeps_one_sheet_per_resource_even_when_one_file_is_asked(
    download: Download,
) -> None:
    archive = download("xlsx", QUERY, file={"separate_files": False})
    book = openpyxl.load_workbook(io.BytesIO(archive.read("records.xlsx")), read_only=True)
    resources = manifest_of(archive)["resources"]
    assert len(resources) > 1
    assert book.sheetnames == [r["name"].replace("/", "_")[:31] for r in resources]


def test_fields_named_with_an_underscore_are_downloaded_like_any_other(
    portal: Portal, tmp_path: Path
) -> None:
    with portal.session() as session:
        catalogue.create_dataset(session, slug="under", title="Under", licence="CC0-1.0")
        catalogue.create_resource(session, "under", slug="records", name="Records",
                                  id_field="occurrenceID")
    upload = tmp_path / "under.csv"
    upload.write_text("occurrenceID,_notes,_resource\no-1,kept,mine\n", encoding="utf-8")
    ingest(portal, OPERATOR, "under/records", upload, mode="replace")
    expected = searched(portal, {}, ["under/records"])
    assert expected[next(iter(expected))]["_notes"] == "kept"  # search shows it
    for fmt in ("csv", "jsonl", "parquet", "dwca"):
        download_id = queue(portal, fmt, resource_ids=["under/records", MEDIA],
                            file={"separate_files": False} if fmt != "dwca" else {})
        drain(portal)
        archive = finished_zip(portal, download_id)
        if fmt == "dwca":
            assert "_notes" in archive.read("meta.xml").decode()
            assert "\tkept\tmine" in archive.read("occurrence.txt").decode()
            continue
        rows = _rows_of_one_file(archive, fmt)
        assert rows["o-1"]["_notes"] == "kept" and rows["o-1"]["_resource"] == "mine"
        assert rows["o-1"]["__resource"] == "under/records"
        assert rows["m-1"]["__resource"] == MEDIA
