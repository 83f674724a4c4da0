"""The download totals equal an aggregate made straight from the events, after events written
live and after migration 0007's back-fill, on both backends; concurrent writers on PostgreSQL
lose no increment."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from holotype.catalog import db
from holotype.catalog.download_rollup import Cell, DownloadRollup, Key
from holotype.catalog.downloads import (
    DownloadEvent,
    DownloadEventResource,
    DownloadJob,
    DownloadTotal,
)
from holotype.catalog.models import Dataset, Resource
from holotype.services.downloads.events import record_event

GONE = "f" * 32  # a resource a job pinned that is not in the catalogue
# Each job's pins (resource slug -> records): one resource, two, one with none, one gone.
JOBS = {
    "one": ("csv", {"oaks": 10}),
    "two": ("csv", {"oaks": 3, "elms": 4}),
    "two-dwca": ("dwca", {"oaks": 1, "elms": 2}),
    "empty": ("parquet", {"elms": 0, "ashes": 7}),
    "gone": ("csv", {"oaks": 5, GONE: 9}),
    "only-gone": ("json", {GONE: 2}),
}


def _site(session: Session) -> dict[str, str]:
    """Two datasets, three resources and the jobs of :data:`JOBS`; job name -> job id."""
    trees = Dataset(slug="trees", title="Trees", licence="CC0-1.0")
    shrubs = Dataset(slug="shrubs", title="Shrubs", licence="CC0-1.0", category="research")
    trees.resources = [Resource(slug="oaks", name="Oaks"), Resource(slug="elms", name="Elms")]
    shrubs.resources = [Resource(slug="ashes", name="Ashes")]
    session.add_all([trees, shrubs])
    session.flush()
    ids = {r.slug: r.id for r in session.scalars(select(Resource))}
    jobs = {}
    for name, (fmt, pins) in JOBS.items():
        request = {"resources": [{"id": ids.get(slug, slug), "count": n}
                                 for slug, n in pins.items()]}
        job = DownloadJob(request=json.dumps(request), key=name, records_key=name, format=fmt)
        session.add(job)
        session.flush()
        jobs[name] = job.id
    return jobs


def _serve(session: Session, job_id: str) -> None:
    """The event of serving a job, as the download services write it."""
    job = session.get(DownloadJob, job_id)
    assert job is not None
    counts = {p["id"]: p["count"] for p in json.loads(job.request)["resources"]}
    record_event(session, job.id, job.format, counts, reused=False)


def _direct(session: Session) -> dict[Key, Cell]:
    """The roll-up's cells counted from the events and their resources, one event at a time."""
    rows: dict[int, tuple[int, int, str, dict[str, int]]] = {}
    for event, resource in session.execute(select(DownloadEvent, DownloadEventResource).join(
            DownloadEventResource, DownloadEventResource.event_id == DownloadEvent.id)):
        when = event.created.astimezone(UTC)
        got = rows.setdefault(event.id, (when.year, when.month, event.format, {}))
        got[3][resource.resource_id] = resource.records
    cells: dict[Key, Cell] = {}
    for year, month, fmt, records in rows.values():
        key = (year, month, fmt, tuple(sorted(records)))
        old = cells.get(key, Cell(0, (0,) * len(records)))
        cells[key] = Cell(old.events + 1, tuple(
            n + records[rid] for n, rid in zip(old.records, key[3], strict=True)))
    return cells


def _totals(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return sorted(tuple(row) for row in connection.execute(select(DownloadTotal)))


@pytest.fixture
def writes(engine: Engine) -> sessionmaker[Session]:
    return db.make_session_factory(engine, write=True)


@pytest.fixture
def jobs(writes: sessionmaker[Session]) -> dict[str, str]:
    with writes.begin() as session:
        return _site(session)


def test_totals_equal_the_events_after_live_writes_and_after_the_back_fill(
        engine: Engine, writes: sessionmaker[Session], jobs: dict[str, str]) -> None:
    rollup = DownloadRollup()
    for round_ in range(3):
        with writes.begin() as session:
            for name in list(JOBS)[round_:]:
                _serve(session, jobs[name])
        with writes() as session:
            assert rollup.cells(session)[1] == _direct(session), round_
    with writes() as session:
        cells = _direct(session)
    assert sum(c.events for c in cells.values()) == 12  # "only-gone" gives no resource: 15 - 3
    # "one" (once) and "gone" (three times) gave records from the oaks alone: one cell.
    assert cells[(*_month(cells), "csv", (_id(engine, "oaks"),))] == Cell(1 + 3, (10 + 15,))
    live = _totals(engine)
    db.downgrade(engine, "0006")
    db.upgrade(engine)
    assert _totals(engine) == live  # the back-fill names each set as the writes do
    # Events moved to other months (as if served then) are back-filled into those months.
    with writes.begin() as session:
        session.execute(text("UPDATE download_events SET created = :when WHERE id % 3 = 0"),
                        {"when": "2024-02-29 23:30:00+00:00"})
        session.execute(text("UPDATE download_events SET created = :when WHERE id % 3 = 1"),
                        {"when": "2025-12-31 23:59:59+00:00"})
    db.downgrade(engine, "0006")
    db.upgrade(engine)
    with writes() as session:
        moved = _direct(session)
        assert {key[:2] for key in moved} >= {(2024, 2), (2025, 12)}
        assert DownloadRollup().cells(session)[1] == moved


def _month(cells: dict[Key, Cell]) -> tuple[int, int]:
    (month,) = {key[:2] for key in cells}
    return month


def _id(engine: Engine, slug: str) -> str:
    with engine.connect() as connection:
        found = connection.scalar(select(Resource.id).where(Resource.slug == slug))
    assert isinstance(found, str)
    return found


def test_an_event_rolled_back_is_not_counted(
        engine: Engine, writes: sessionmaker[Session], jobs: dict[str, str]) -> None:
    with writes.begin() as session:
        _serve(session, jobs["two"])
    with writes() as session:
        _serve(session, jobs["two"])
        session.rollback()
    with writes() as session:
        assert DownloadRollup().cells(session)[1] == _direct(session)
        assert sum(c.events for c in _direct(session).values()) == 1


@pytest.fixture
def postgres_engine(postgres_database: str) -> Iterator[Engine]:
    engine = db.make_engine(postgres_database)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_concurrent_writers_on_postgresql_lose_no_increment(postgres_engine: Engine) -> None:
    writes = db.make_session_factory(postgres_engine, write=True)
    with writes.begin() as session:
        jobs = _site(session)
    # A first writer adds a new total's rows and holds them uncommitted while a second writes
    # the same rows (it must wait, then add to them, not fail or overwrite them).
    first, second = writes(), writes()
    _serve(first, jobs["two"])
    waiting = threading.Thread(target=lambda: (_serve(second, jobs["two"]), second.commit()))
    waiting.start()
    with postgres_engine.connect() as watch:
        blocked = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
        deadline = time.monotonic() + 30
        while not watch.scalar(blocked) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert watch.scalar(blocked), "the second writer was not waiting for the first"
    assert waiting.is_alive()
    first.commit()
    waiting.join(30)
    assert not waiting.is_alive()
    first.close()
    second.close()
    # Then many writers at once, each committing event by event.
    start = threading.Barrier(4)
    failed: list[BaseException] = []

    def serve(name: str) -> None:
        try:
            start.wait()
            for _ in range(25):
                with writes.begin() as session:
                    _serve(session, jobs[name])
        except Exception as exc:  # reported below
            failed.append(exc)

    threads = [threading.Thread(target=serve, args=(name,))
               for name in ("two", "two", "one", "gone")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failed
    with writes() as session:
        cells = DownloadRollup().cells(session)[1]
        assert cells == _direct(session)
    oaks, elms = _id(postgres_engine, "oaks"), _id(postgres_engine, "elms")
    both = [cell for key, cell in cells.items() if key[3] == tuple(sorted((oaks, elms)))]
    assert both == [Cell(52, ((3 * 52, 4 * 52) if oaks < elms else (4 * 52, 3 * 52)))]
    assert [c.events for k, c in cells.items() if k[3] == (oaks,)] == [50]
