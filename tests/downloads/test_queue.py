"""The durable queue on SQLite and PostgreSQL: claims, leases, heartbeats, requeues."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from holotype.catalog.db import make_engine, make_session_factory, upgrade
from holotype.catalog.downloads import DownloadJob
from holotype.catalog.timestamps import utcnow
from holotype.jobs import Worker, queue


@pytest.fixture
def sessions(catalogue_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(catalogue_url)
    upgrade(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def _add(sessions: sessionmaker[Session], n: int) -> list[str]:
    start = utcnow()
    with sessions() as session:
        jobs = [DownloadJob(request="{}", key=f"k{i}", records_key="r", format="csv",
                            total=0, written=0, attempts=0,
                            created=start + timedelta(milliseconds=i)) for i in range(n)]
        session.add_all(jobs)
        session.commit()
        return [j.id for j in jobs]


def _job(sessions: sessionmaker[Session], job_id: str) -> DownloadJob:
    with sessions() as session:
        found = session.get(DownloadJob, job_id)
        assert found is not None
        session.expunge(found)
        return found


def test_jobs_are_claimed_oldest_first_and_once(sessions: sessionmaker[Session]) -> None:
    first, second = _add(sessions, 2)
    a = queue.claim_next(sessions, "worker-a", 60)
    b = queue.claim_next(sessions, "worker-b", 60)
    assert a is not None and b is not None
    assert (a.job_id, b.job_id) == (first, second)
    assert queue.claim_next(sessions, "worker-c", 60) is None
    job = _job(sessions, first)
    assert (job.status, job.worker, job.attempts) == ("generating", "worker-a", 1)
    assert job.lease_until is not None and job.lease_until > utcnow()


def test_concurrent_workers_never_claim_a_job_twice(sessions: sessionmaker[Session]) -> None:
    ids = _add(sessions, 40)
    claimed: list[tuple[str, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def work(name: str) -> None:
        barrier.wait()
        while (claim := queue.claim_next(sessions, name, 60)) is not None:
            with lock:
                claimed.append((claim.job_id, name))

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(job for job, _ in claimed) == sorted(ids)  # every job, each once
    for job_id, name in claimed:
        assert _job(sessions, job_id).worker == name


def test_only_the_holder_reports_progress_or_finishes(sessions: sessionmaker[Session]) -> None:
    _add(sessions, 1)
    claim = queue.claim_next(sessions, "worker-a", 60)
    assert claim is not None
    impostor = queue.Claim(claim.job_id, "worker-b", 1)
    assert not queue.heartbeat(sessions, impostor, 60, written=5)
    assert not queue.complete(sessions, impostor, file_name="x.zip")
    assert queue.heartbeat(sessions, claim, 60, status="zipping", written=7)
    job = _job(sessions, claim.job_id)
    assert (job.status, job.written) == ("zipping", 7)
    assert queue.complete(sessions, claim, file_name="x.zip", file_size=3)
    assert not queue.heartbeat(sessions, claim, 60)  # complete: nothing more to report
    assert not queue.fail(sessions, claim, "too late")
    assert _job(sessions, claim.job_id).status == "complete"


def test_a_dead_workers_job_is_queued_again_then_failed(
    sessions: sessionmaker[Session],
) -> None:
    (job_id,) = _add(sessions, 1)
    claim = queue.claim_next(sessions, "dead-worker", 30)
    assert claim is not None
    assert queue.requeue_expired(sessions, max_attempts=2) == 0  # the lease still runs
    later = utcnow() + timedelta(seconds=31)
    assert queue.requeue_expired(sessions, max_attempts=2, now=later) == 1
    job = _job(sessions, job_id)
    assert job.status == "queued" and job.worker is None
    assert job.reason is not None and "the portal stopped" in job.reason
    assert "dead-worker" not in job.reason  # the worker's name (host, process) is for the log
    assert "attempt 2 of 2" in job.reason
    assert not queue.heartbeat(sessions, claim, 30)  # the dead worker lost it
    second = queue.claim_next(sessions, "worker-2", 30)
    assert second is not None and second.attempt == 2
    assert queue.requeue_expired(sessions, max_attempts=2,
                                 now=utcnow() + timedelta(seconds=31)) == 1
    job = _job(sessions, job_id)
    assert job.status == "failed"
    assert job.reason is not None and "gave up after 2 attempts" in job.reason
    assert queue.retry(sessions, job_id)
    assert _job(sessions, job_id).status == "queued"


def test_an_unexpected_error_fails_the_job_without_telling_its_insides(
    sessions: sessionmaker[Session],
) -> None:
    (job_id,) = _add(sessions, 1)

    def broken(_claim: queue.Claim, _beat: object) -> None:
        raise OSError("cannot open /srv/secret/path/records.parquet")

    assert Worker(sessions, broken).run_once()
    job = _job(sessions, job_id)
    assert job.status == "failed"
    assert "went wrong on the portal" in (job.reason or "")
    assert "/srv/secret" not in (job.reason or "") and job_id in (job.reason or "")
    assert "OSError" not in (job.reason or "")  # the exception's name is for the log


def test_the_worker_reports_every_job_it_marks_failed(sessions: sessionmaker[Session]) -> None:
    """Failed by its handler, or given up after its worker died: both are reported, and a
    report that raises does not stop the worker."""
    abandoned_id, broken_id = _add(sessions, 2)
    assert queue.claim_next(sessions, "dead-worker", 30) is not None  # takes the first job
    told: list[tuple[str, str]] = []

    def report(job_id: str, reason: str) -> None:
        told.append((job_id, reason))
        raise RuntimeError("the mail server is down")

    def broken(_claim: queue.Claim, _beat: object) -> None:
        raise OSError("disk full")

    worker = Worker(sessions, broken, max_attempts=1, on_failed=report)
    assert worker.run_once()  # runs the second job, which fails
    assert told == [(broken_id, _job(sessions, broken_id).reason)]
    with sessions() as session:  # the dead worker's lease runs out
        job = session.get(DownloadJob, abandoned_id)
        assert job is not None
        job.lease_until = utcnow() - timedelta(seconds=1)
        session.commit()
    assert not worker.run_once()  # nothing queued; the expired job is given up on
    assert told[1] == (abandoned_id, _job(sessions, abandoned_id).reason)
    assert "gave up after 1 attempts" in told[1][1]
    assert _job(sessions, abandoned_id).status == _job(sessions, broken_id).status == "failed"
