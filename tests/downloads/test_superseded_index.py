"""A download that found its records in an index file a build then replaced (a build keeps only
the newest file) finds them again in the newest one and writes the same file."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from unittest import mock

from holotype.index import indexed_versions
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.downloads.conftest import MEDIA, MEDIA_SECOND, Site, _csv, drain, finished_zip, queue


def test_a_download_whose_index_a_build_replaced_midway_reads_the_newest(
    portal: Portal, site: Site, tmp_path: Path
) -> None:
    download_id = queue(portal, "csv", {}, resource_ids=[MEDIA], version=site.media_first)
    root = portal.indexes.resource_dir(site.media_id)
    before = indexed_versions(root)
    searcher = type(portal.searcher)
    real = searcher.record_set
    calls: list[int] = []

    def then_a_build(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:  # a new version is committed and indexed before the file is written
            third = tmp_path / "media-3.csv"
            third.write_text(_csv([{**MEDIA_SECOND[2], "country": "Chad"}]), encoding="utf-8")
            ingest(portal, OPERATOR, MEDIA, third, mode="replace")
        return found

    with mock.patch.object(searcher, "record_set", then_a_build):
        drain(portal)
    after = indexed_versions(root)
    assert len(after) == 1 and after[0] > before[-1]  # the file the first try read is gone
    assert len(calls) == 2  # found again, in the newest file
    archive = finished_zip(portal, download_id)
    [member] = [n for n in archive.namelist() if n.endswith(".csv")]
    rows = list(csv.DictReader(io.StringIO(archive.read(member).decode("utf-8"), newline="")))
    assert {r["_id"]: r["scientificName"] for r in rows} == {
        "m-1": "Quercus robur", "m-2": "Fagus sylvatica", "m-3": "Betula pendula"}
