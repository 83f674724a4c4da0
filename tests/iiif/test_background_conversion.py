"""Large images converted in the background: a request for one not made yet is told 503 with
Retry-After while a worker (real threads, a real SQLite catalogue) makes it, then served; the
queue (one job per medium, claimed once, requeued when its worker dies) and a corrupt file that
fails once and stays failed with its reason."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import pyvips
from fastapi.testclient import TestClient
from sqlalchemy import select

from holotype.catalog.image_jobs import ImageJob
from holotype.catalog.media import Medium
from holotype.catalog.timestamps import utcnow
from holotype.config import Settings, load_settings
from holotype.jobs import queue
from holotype.media.refs import media_id
from holotype.media.stored import store_file, stored_path
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.iiif import conversions, converter
from holotype.services.iiif.pyramid_files import file_tag
from holotype.services.records import ingest
from holotype.web.app import create_app

BACKGROUND = 1_000_000  # pixels: over this, a worker converts


@dataclass(frozen=True)
class Site:
    settings: Settings
    big: str  # media ids
    small: str
    corrupt: str


def _jpeg(path: Path, width: int, height: int, keep: float = 1.0) -> Path:
    x = pyvips.Image.xyz(width, height)
    image = (x[0] * 255 / width).bandjoin([x[1] * 255 / height, x[0] * 0 + 90]).cast("uchar")
    image.write_to_file(str(path))
    if keep < 1.0:  # cut short: the header still says its size, the pixels are missing
        data = path.read_bytes()
        path.write_bytes(data[:int(len(data) * keep)])
    return path


@pytest.fixture
def site(tmp_path: Path) -> Site:
    settings = load_settings(data_dir=tmp_path / "site", rate_limit_per_minute=0,
                             map_tile_url="", image_background_pixels=BACKGROUND,
                             image_workers=0)
    data = settings.data_dir
    big = store_file(data, _jpeg(tmp_path / "big.jpg", 1400, 1000))
    small = store_file(data, _jpeg(tmp_path / "small.jpg", 400, 300))
    corrupt = store_file(data, _jpeg(tmp_path / "cut.jpg", 1500, 1000, keep=0.3))
    portal = Portal.open(settings)
    try:
        with portal.session() as session:
            catalogue.create_dataset(session, slug="drawers", title="Drawers",
                                     licence="CC0-1.0")
            catalogue.create_resource(session, "drawers", slug="records", name="Records",
                                      id_field="occurrenceID")
        csv = tmp_path / "drawers.csv"
        csv.write_text("occurrenceID,associatedMedia\n" + "".join(
            f"d-{i},{source}\n" for i, source in enumerate([big, small, corrupt])))
        ingest(portal, OPERATOR, "drawers/records", csv)
    finally:
        portal.close()
    return Site(settings, media_id(big), media_id(small), media_id(corrupt))


@pytest.fixture
def portal(site: Site) -> Iterator[Portal]:
    opened = Portal.open(site.settings)
    try:
        yield opened
    finally:
        opened.close()


def _jobs(portal: Portal) -> dict[str, tuple[str, int, str | None]]:
    with portal.session() as session:
        return {job.id: (job.status, job.attempts, job.reason)
                for job in session.execute(select(ImageJob)).scalars()}


def _drain(portal: Portal) -> None:
    worker = converter.make_worker(portal)
    while worker.run_once():
        pass


def test_an_ingest_queues_its_large_stored_images_only(site: Site, portal: Portal) -> None:
    jobs = _jobs(portal)
    assert set(jobs) == {site.big, site.corrupt}  # the small one is made when first asked for
    assert {status for status, _, _ in jobs.values()} == {"queued"}


def test_queuing_is_idempotent(site: Site, portal: Portal) -> None:
    path = stored_path(site.settings.data_dir, _source(portal, site.big))
    assert path is not None
    tag = file_tag(path)
    assert not conversions.enqueue(portal, site.big, tag, 1_400_000)  # queued at ingest
    assert not conversions.enqueue(portal, site.big, tag, 1_400_000)
    assert len(_jobs(portal)) == 2
    conversions.queue_stored(portal, [(site.big, _source(portal, site.big))])
    assert len(_jobs(portal)) == 2


def _source(portal: Portal, key: str) -> str:
    with portal.session() as session:
        medium = session.get(Medium, key)
        assert medium is not None
        return medium.source


def test_a_large_image_is_prepared_then_served(site: Site, portal: Portal) -> None:
    with TestClient(create_app(site.settings)) as client:
        small = client.get(f"/iiif/3/{site.small}/info.json")
        assert small.status_code == 200  # converted within the request
        for path in (f"/iiif/3/{site.big}/info.json", f"/iiif/3/{site.big}/full/max/0/default.jpg"):
            answer = client.get(path)
            assert answer.status_code == 503, path
            assert int(answer.headers["retry-after"]) >= 2
            assert answer.json()["error"]["message"].startswith("this image is being prepared")
        workers = converter.start_in_process(portal, 2)
        assert workers is not None
        try:
            deadline = time.monotonic() + 20
            while (answer := client.get(f"/iiif/3/{site.big}/info.json")).status_code == 503:
                assert time.monotonic() < deadline, "the workers never made the pyramid"
                time.sleep(0.1)
        finally:
            workers.stop(timeout=30)
        assert answer.status_code == 200
        assert (answer.json()["width"], answer.json()["height"]) == (1400, 1000)
        tile = client.get(f"/iiif/3/{site.big}/0,0,512,512/256,/0/default.jpg")
        assert tile.status_code == 200 and tile.headers["content-type"] == "image/jpeg"
    assert _jobs(portal)[site.big][0] == "done"


def test_a_corrupt_large_image_fails_once_and_stays_failed(site: Site, portal: Portal) -> None:
    _drain(portal)
    status, attempts, reason = _jobs(portal)[site.corrupt]
    assert (status, attempts) == ("failed", 1)
    assert reason is not None and "truncated" in reason.lower(), reason
    with TestClient(create_app(site.settings)) as client:
        for _ in range(2):
            answer = client.get(f"/iiif/3/{site.corrupt}/info.json")
            assert answer.status_code == 400
            assert answer.json()["error"]["message"] == reason
            assert "retry-after" not in answer.headers
        _drain(portal)  # nothing queued again
        assert _jobs(portal)[site.corrupt] == (status, attempts, reason)
        # a new file (a re-ingest replacing it, an operator's repair) is queued again
        path = stored_path(site.settings.data_dir, _source(portal, site.corrupt))
        assert path is not None
        _jpeg(path, 1500, 1000)
        assert client.get(f"/iiif/3/{site.corrupt}/info.json").status_code == 503
        assert _jobs(portal)[site.corrupt][:2] == ("queued", 0)
        _drain(portal)
        assert client.get(f"/iiif/3/{site.corrupt}/info.json").status_code == 200


def test_two_workers_never_both_claim_one_job(site: Site, portal: Portal) -> None:
    sessions = portal.write_sessions
    claims: list[queue.Claim | None] = []
    start = threading.Barrier(8)

    def claim(name: str) -> None:
        start.wait()
        claims.append(queue.claim_next(sessions, name, 60, table=ImageJob))

    threads = [threading.Thread(target=claim, args=(f"worker-{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [c.job_id for c in claims if c is not None]
    assert sorted(won) == sorted([site.big, site.corrupt])  # each once, the rest got none
    assert {status for status, _, _ in _jobs(portal).values()} == {"running"}


def test_a_dead_workers_job_is_queued_again_and_done_by_another(
    site: Site, portal: Portal
) -> None:
    dead = queue.claim_next(portal.write_sessions, "dead-worker", 30, table=ImageJob)
    assert dead is not None and dead.job_id == site.big  # the oldest first
    assert queue.requeue_expired(portal.write_sessions, 3, table=ImageJob) == 0  # lease runs
    later = utcnow() + timedelta(seconds=31)
    assert queue.requeue_expired(portal.write_sessions, 3, now=later, table=ImageJob) == 1
    status, attempts, reason = _jobs(portal)[site.big]
    assert (status, attempts) == ("queued", 1)
    assert reason is not None and "image conversion" in reason
    assert not queue.complete(portal.write_sessions, dead, tag="x")  # it lost the job
    _drain(portal)
    assert _jobs(portal)[site.big][:2] == ("done", 2)
    with TestClient(create_app(site.settings)) as client:
        assert client.get(f"/iiif/3/{site.big}/info.json").status_code == 200
