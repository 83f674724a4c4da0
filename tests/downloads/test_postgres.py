"""The whole download flow with the catalogue on PostgreSQL: queue, run, reuse, statistics."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from holotype.catalog.downloads import DownloadEvent
from holotype.errors import NotFound, ServiceError
from holotype.services import downloads
from holotype.services.context import Portal
from holotype.services.downloads import parse_request
from holotype.services.identity import ANONYMOUS
from tests.downloads.conftest import drain, finished_zip, manifest_of, queue
from tests.fixtures.site import make_site


def test_downloads_with_a_postgresql_catalogue(postgres_database: str, tmp_path: Path) -> None:
    settings = make_site(tmp_path / "site", records=300, database_url=postgres_database,
                         download_workers=0)
    portal = Portal.open(settings)
    try:
        assert portal.engine.dialect.name == "postgresql"
        first = queue(portal, "dwca", {"search": "forest"})
        drain(portal)
        archive = finished_zip(portal, first)
        data = manifest_of(archive)
        assert data["total"] > 0 and "occurrence.txt" in archive.namelist()
        again = downloads.queue_download(
            portal, ANONYMOUS,
            parse_request({"query": {"search": "forest"}}, {"format": "dwc"}, None))
        assert again.id == first and again.reused
        with portal.session() as session:
            events = session.scalars(select(DownloadEvent).order_by(DownloadEvent.id)).all()
            assert [(e.job_id, e.reused, e.records) for e in events] == [
                (first, False, data["total"]), (first, True, data["total"])]
    finally:
        portal.close()


def test_odd_download_ids_are_not_found_on_postgresql(postgres_database: str,
                                                       tmp_path: Path) -> None:
    settings = make_site(tmp_path / "site", records=10, database_url=postgres_database,
                         download_workers=0)
    portal = Portal.open(settings)
    try:
        for odd in ("nul\x00id", "é" * 40, "x" * 65):
            with pytest.raises(NotFound):
                downloads.status(portal, ANONYMOUS, odd)
        with pytest.raises(ServiceError) as raised:
            downloads.queue_download(portal, ANONYMOUS, parse_request(
                {"slug_or_doi": "nul\x00slug"}, {"format": "csv"}, None))
        assert raised.value.field == "query.slug_or_doi"
    finally:
        portal.close()
