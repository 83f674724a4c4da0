"""A worker whose lease ran out while it was still writing (a long pause, a slow disk) must
never spoil the download another worker then made: its file is its own, and it is removed
when the worker finds the job is no longer its."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from holotype.catalog.timestamps import utcnow
from holotype.jobs import Heartbeat, Lost
from holotype.jobs import queue as job_queue
from holotype.services import downloads
from holotype.services.context import Portal
from holotype.services.downloads import run as download_run
from holotype.services.identity import ANONYMOUS
from tests.downloads.conftest import MEDIA, drain, finished_zip, manifest_of, queue


def test_a_stale_worker_never_removes_the_winning_file(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    download_id = queue(portal, "csv", resource_ids=[MEDIA])
    stale = job_queue.claim_next(portal.sessions, "stale-worker", 60)
    assert stale is not None
    real_complete = job_queue.complete

    def late_complete(sessions: Any, claim: job_queue.Claim, **fields: Any) -> bool:
        if claim.worker == "stale-worker":
            # The stale worker has written its zip; meanwhile its lease ran out and another
            # worker took the job again and finished it.
            later = utcnow() + timedelta(seconds=120)
            assert job_queue.requeue_expired(sessions, 3, now=later) == 1
            drain(portal)
            assert downloads.status(portal, ANONYMOUS, download_id)["status"] == "complete"
        return bool(real_complete(sessions, claim, **fields))

    monkeypatch.setattr(download_run.queue, "complete", late_complete)
    with pytest.raises(Lost):
        download_run.run_download(portal, stale, Heartbeat(portal.sessions, stale, 60))
    found = downloads.status(portal, ANONYMOUS, download_id)
    assert found["status"] == "complete" and found["attempts"] == 2
    archive = finished_zip(portal, download_id)  # the winner's file is still there, whole
    assert archive.testzip() is None
    assert manifest_of(archive)["total"] == 3
    folder = downloads.file_path(portal, download_id, found["file_name"]).parent
    assert [p.name for p in folder.iterdir()] == [found["file_name"]]  # the stale one is gone


def test_a_worker_that_lost_its_job_before_starting_clears_nothing(portal: Portal) -> None:
    download_id = queue(portal, "csv", resource_ids=[MEDIA])
    stale = job_queue.claim_next(portal.sessions, "stale-worker", 60)
    assert stale is not None
    later = utcnow() + timedelta(seconds=120)
    assert job_queue.requeue_expired(portal.sessions, 3, now=later) == 1
    drain(portal)
    with pytest.raises(Lost):
        download_run.run_download(portal, stale, Heartbeat(portal.sessions, stale, 60))
    assert finished_zip(portal, download_id).testzip() is None
