"""Every format read back and compared with what search gives for the same query."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from holotype.services.context import Portal
from tests.downloads.conftest import MEDIA, Download, Site, manifest_of
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


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "parquet"])
def test_a_format_holds_exactly_what_search_gives(
    fmt: str, download: Download, portal: Portal
) -> None:
    archive = download(fmt, QUERY)
    expected = searched(portal, QUERY)
    assert len(expected) > 50
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
