"""The download-format registry: the built-ins in their order, a clear error for an unknown
name, and a format registered by one module of its own used from request to zip."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from holotype.errors import Invalid
from holotype.registry import UnknownName
from holotype.services.downloads import FORMATS, parse_request
from holotype.services.downloads.formats import DownloadFormat, Output, Written, register
from holotype.services.downloads.formats.rows import select_sql
from holotype.services.downloads.members import Member
from holotype.web.downloads import download_formats, format_title
from tests.downloads.conftest import Download, manifest_of

BUILT_IN = ("csv", "tsv", "jsonl", "parquet", "xlsx", "dwca")


@dataclass(frozen=True)
class IdList(DownloadFormat):
    """A trivial format: each part's record ids, one a line, written here in Python."""

    def write(self, out: Output) -> Written:
        members = []
        for part in out.parts:
            path = out.work / f"{part.name}.{self.extension}"
            rows = out.cursor.execute(select_sql(out.records, part, False, out.names))
            path.write_text("".join(f"{row[0]}\n" for row in rows.fetchall()))
            members.append(Member(path.name, path=path, records=part.count))
        return Written(members, {"README.txt": "one record id a line\n"})


@pytest.fixture
def id_list() -> Iterator[DownloadFormat]:
    fmt = register(IdList("ids", "Record ids", "ids", "text/plain", aliases=("identifiers",)))
    try:
        yield fmt
    finally:
        FORMATS.unregister("ids")


def test_the_built_in_formats_in_their_order() -> None:
    assert FORMATS.names() == BUILT_IN
    assert [f.title for f in FORMATS] == ["CSV", "TSV", "JSON Lines", "Parquet",
                                          "Excel (.xlsx)", "Darwin Core Archive"]


def test_an_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(UnknownName, match=r"unknown download format 'pdf'; known: "
                                          r"csv, tsv, jsonl, parquet, xlsx, dwca"):
        FORMATS.get("pdf")
    with pytest.raises(Invalid, match=r"unknown format 'pdf'; choose one of csv, tsv, jsonl, "
                                      r"parquet, xlsx, dwca") as caught:
        parse_request({}, {"format": "pdf"}, None)
    assert caught.value.field == "file.format"


def test_a_registered_format_is_offered_and_accepted(id_list: DownloadFormat) -> None:
    assert FORMATS.names() == (*BUILT_IN, "ids")
    assert parse_request({}, {"format": "Identifiers"}, None).file.format == "ids"
    assert id_list in download_formats()
    assert format_title("ids") == "Record ids"
    with pytest.raises(Invalid, match=r"unknown option\(s\) x for ids \(allowed: none\)"):
        parse_request({}, {"format": "ids", "format_args": {"x": True}}, None)


def test_a_registered_format_makes_a_download(id_list: DownloadFormat,
                                              download: Download) -> None:
    archive = download("ids")
    manifest = manifest_of(archive)
    data = [name for name in archive.namelist() if name.endswith(".ids")]
    assert len(data) == len(manifest["resources"]) > 1
    ids = [line for name in data for line in archive.read(name).decode().splitlines()]
    assert len(ids) == manifest["total"] > 0
    assert archive.read("README.txt") == b"one record id a line\n"
    assert manifest["file"]["format"] == "ids"
    assert sorted(manifest["files"]) == sorted([*data, "README.txt", "manifest.json"])


def test_after_unregistering_the_format_is_refused_again() -> None:
    with pytest.raises(Invalid, match="unknown format 'ids'"):
        parse_request({}, {"format": "ids"}, None)
