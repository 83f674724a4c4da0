"""Identical requests share one file; every format of one search shares one record set;
every download served is recorded for the statistics."""

from __future__ import annotations

import json

from sqlalchemy import select

from holotype.catalog.downloads import DownloadEvent, DownloadJob
from holotype.services import downloads
from holotype.services.context import Portal
from holotype.services.downloads import parse_request
from holotype.services.identity import ANONYMOUS
from tests.downloads.conftest import MEDIA, drain, queue

QUERY = {"search": "forest"}


def _again(portal: Portal, fmt: str = "csv", **query: object) -> downloads.Queued:
    request = parse_request({"query": QUERY, **query}, {"format": fmt}, None)
    return downloads.queue_download(portal, ANONYMOUS, request)


def test_an_identical_request_returns_the_existing_file_at_once(portal: Portal) -> None:
    first = queue(portal, "csv", QUERY)
    pending = _again(portal)
    assert pending.id == first and pending.reused and pending.status == "queued"
    drain(portal)
    again = _again(portal)
    assert again.id == first and again.reused and again.status == "complete"
    # Equal queries with keys in another order are the same request.
    reordered = parse_request({"query": {"search": "forest"}, "query_version": "v1.0.0"},
                              {"format": "csv", "separate_files": True}, {"type": "none"})
    assert downloads.queue_download(portal, ANONYMOUS, reordered).id == first
    with portal.session() as session:
        assert session.scalars(select(DownloadJob.id)).all() == [first]


def test_different_options_make_a_new_file_from_the_same_record_set(portal: Portal) -> None:
    first = queue(portal, "csv", QUERY)
    drain(portal)
    records = sorted((portal.settings.downloads_dir / "records").glob("*.parquet"))
    assert len(records) == 1
    made = records[0].stat().st_mtime_ns
    others = [queue(portal, fmt, QUERY) for fmt in ("parquet", "dwca")]
    others.append(queue(portal, "csv", QUERY, file={"ignore_empty_fields": False}))
    assert len({first, *others}) == 4
    drain(portal)
    assert sorted((portal.settings.downloads_dir / "records").glob("*.parquet")) == records
    assert records[0].stat().st_mtime_ns == made  # read again, not made again
    # Another version or other resources is another record set.
    queue(portal, "csv", QUERY, resource_ids=[MEDIA])
    drain(portal)
    assert len(list((portal.settings.downloads_dir / "records").glob("*.parquet"))) == 2


def test_a_removed_file_is_made_again(portal: Portal) -> None:
    first = queue(portal, "csv", QUERY)
    drain(portal)
    found = downloads.status(portal, ANONYMOUS, first)
    downloads.file_path(portal, first, found["file_name"]).unlink()
    second = _again(portal)
    assert second.id != first and not second.reused


def test_every_download_served_is_recorded(portal: Portal) -> None:
    first = queue(portal, "csv", QUERY)
    drain(portal)
    _again(portal)
    second = queue(portal, "parquet", {}, resource_ids=[MEDIA])
    drain(portal)
    with portal.session() as session:
        events = session.scalars(select(DownloadEvent).order_by(DownloadEvent.id)).all()
        rows = [(e.job_id, e.format, e.records, e.reused, json.loads(e.resource_ids))
                for e in events]
        seconds = [e.seconds for e in events]
    total = downloads.status(portal, ANONYMOUS, first)["total"]
    assert len(rows) == 3
    # every public resource: the demo's three record resources, its drawers, the media survey
    assert rows[0][:4] == (first, "csv", total, False) and len(rows[0][4]) == 5
    assert rows[1][:4] == (first, "csv", total, True)
    assert rows[2][:4] == (second, "parquet", 3, False)
    assert seconds[0] > 0 and seconds[2] > 0
