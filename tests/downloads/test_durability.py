"""Queued downloads survive restarts; a killed worker leaves a retryable job and no file;
several worker processes share one queue and run each job once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from holotype.catalog.downloads import DownloadEvent, DownloadJob
from holotype.catalog.timestamps import utcnow
from holotype.jobs import queue as job_queue
from holotype.services import catalogue, downloads
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from holotype.web.app import create_app
from tests.downloads.conftest import MEDIA, Site, drain, finished_zip, queue
from tests.fixtures.site import AREAS

ROOT = Path(__file__).resolve().parents[2]
HOLOTYPE = Path(sys.executable).with_name("holotype")


def _wait(predicate: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_queued_download_survives_a_restart(site: Site) -> None:
    portal = site.portal()
    download_id = queue(portal, "csv", {"search": "forest"})
    portal.close()
    reopened = site.portal()
    try:
        assert downloads.status(reopened, ANONYMOUS, download_id)["status"] == "queued"
        drain(reopened)
        assert "manifest.json" in finished_zip(reopened, download_id).namelist()
    finally:
        reopened.close()


def test_a_killed_worker_leaves_the_job_retryable_and_no_file(site: Site, tmp_path: Path) -> None:
    portal = site.portal()
    try:
        download_id = queue(portal, "csv", {}, resource_ids=[MEDIA])
        marker = tmp_path / "stalled"
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.downloads.stalling_worker",
             str(site.settings.data_dir), str(marker)], cwd=ROOT)
        try:
            _wait(lambda: marker.exists() or worker.poll() is not None)
            assert worker.poll() is None, "the worker ended before it was killed"
            final = Path(marker.read_text())
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        found = downloads.status(portal, ANONYMOUS, download_id)
        assert found["status"] == "zipping" and found["url"] is None
        assert not final.exists()  # only the half-written .part file is there
        assert list(final.parent.glob("*.part"))
        # When its lease has run out, any worker puts the job back with the reason.
        later = utcnow() + timedelta(seconds=portal.settings.download_lease_seconds + 1)
        assert job_queue.requeue_expired(portal.sessions, 3, now=later) == 1
        found = downloads.status(portal, ANONYMOUS, download_id)
        assert found["status"] == "queued"
        assert "stopped while the download was zipping" in found["reason"]
        drain(portal)
        archive = finished_zip(portal, download_id)
        assert archive.testzip() is None
        assert downloads.status(portal, ANONYMOUS, download_id)["attempts"] == 2
        assert not list(final.parent.glob("*.part"))  # the retry cleared the leftovers
    finally:
        portal.close()


def _announced(worker: subprocess.Popen[str]) -> str:
    """What ``worker`` wrote up to saying it waits for jobs (or until it ended)."""
    assert worker.stderr is not None
    lines = []
    while line := worker.stderr.readline():
        lines.append(line)
        if "waiting for jobs" in line:
            break
    return "".join(lines)


def test_several_worker_processes_share_the_queue(site: Site) -> None:
    portal = site.portal()
    try:
        ids = [queue(portal, fmt, {"search": word}) for fmt in ("csv", "parquet", "jsonl")
               for word in ("forest", "river")]
        env = {**os.environ, "HOLOTYPE_DATA_DIR": str(site.settings.data_dir),
               "HOLOTYPE_GEO_AREAS_DIR": str(AREAS)}
        workers = [subprocess.Popen([str(HOLOTYPE), "worker", "--poll", "0.2"], env=env,
                                    stderr=subprocess.PIPE, text=True) for _ in range(3)]
        try:
            def done() -> bool:
                return all(downloads.status(portal, ANONYMOUS, i)["status"] == "complete"
                           for i in ids)
            _wait(done, timeout=120)
        finally:
            # A worker still starting (under load the others may finish every job first) has
            # not yet taken SIGTERM as "stop": wait for each to say it is waiting for jobs.
            started = [_announced(worker) for worker in workers]
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            outputs = [before + worker.communicate(timeout=30)[1]
                       for before, worker in zip(started, workers, strict=True)]
        assert [w.returncode for w in workers] == [0, 0, 0], outputs
        assert all("Download worker stopped." in out for out in outputs)
        with portal.session() as session:
            jobs = session.scalars(select(DownloadJob)).all()
            assert {j.id for j in jobs} == set(ids)
            assert all(j.attempts == 1 for j in jobs)  # each job ran once
            events = session.scalars(select(DownloadEvent.job_id)).all()
        assert sorted(events) == sorted(ids)
        for download_id in ids:
            with zipfile.ZipFile(downloads.file_path(
                    portal, download_id,
                    downloads.status(portal, ANONYMOUS, download_id)["file_name"])) as archive:
                assert archive.testzip() is None
    finally:
        portal.close()


def test_a_failing_job_is_marked_failed_with_its_reason(site: Site, portal: Portal) -> None:
    download_id = queue(portal, "csv", {}, resource_ids=[MEDIA])
    with portal.session() as session:  # the dataset goes private before the worker runs
        catalogue.update_dataset(session, "media-survey", visibility="private")
    drain(portal)
    found = downloads.status(portal, ANONYMOUS, download_id)
    assert found["status"] == "failed"
    assert site.media_id in found["reason"]  # "there is no resource <id>": not visible now
    assert found["url"] is None
    with TestClient(create_app(site.settings)) as client:
        page = client.get(f"/status/download/{download_id}")
    assert page.status_code == 200
    assert 'role="alert"' in page.text and "Failed" in page.text
    assert site.media_id in page.text and "refresh" not in page.text
    # the status is public to anyone with the id: a private dataset is no longer named
    ((pin),) = found["resources"]
    assert pin["id"] == site.media_id and pin["private"] and "count" not in pin
    assert "media-survey" not in page.text and "no longer public" in page.text
