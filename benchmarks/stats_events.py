"""Download events for the statistics benchmark, made from a seed and written straight into
the catalogue with SQLAlchemy bulk inserts (no download is run).

2,000 finished download jobs, each over one to four of the bench datasets' resources (the
private one too) in a format of the six built-in ones, then ``n`` events (ids 1..n), each the
answer of a job: the first event of a job made its file, the others reused it. Events are
spread over the 36 months before :data:`END`, more of them in later months (use grows), and
popular jobs are asked for more often. Each event's per-resource records go to
``download_event_resources`` (issue 16) when the catalogue has that table; a catalogue
migrated later is filled then, with the same rows (the generator is replayed from its seed).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import MetaData, Table, delete, func, insert, inspect, select

from benchmarks.reference import SEED
from benchmarks.stats_site import DATASETS
from holotype.catalog.downloads import DownloadEvent, DownloadJob
from holotype.services import catalogue
from holotype.services.context import Portal

END = datetime(2026, 12, 1, tzinfo=UTC)
START = datetime(2023, 12, 1, tzinfo=UTC)  # 36 months before END
JOBS = 2_000
BATCH = 50_000
FORMATS = {"csv": 40, "dwca": 20, "tsv": 10, "jsonl": 10, "parquet": 12, "xlsx": 8}
WEIGHTS = {"stats-a": 40, "stats-b": 25, "stats-c": 20, "stats-private": 15}
RESOURCE_TABLE = "download_event_resources"

Part = tuple[str, str, int]  # resource id, dataset id, records


def _jobs(rng: random.Random, resources: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    slugs, weights = list(WEIGHTS), list(WEIGHTS.values())
    jobs = []
    for number in range(JOBS):
        width = rng.choices((1, 2, 3, 4), (80, 14, 4, 2))[0]
        chosen: list[str] = []
        while len(chosen) < width:
            slug = rng.choices(slugs, weights)[0]
            if slug not in chosen:
                chosen.append(slug)
        parts = [(resources[s][0], resources[s][1], int(10 ** rng.uniform(0, 5.7)))
                 for s in sorted(chosen)]
        fmt = rng.choices(list(FORMATS), list(FORMATS.values()))[0]
        jobs.append({"id": f"bench-stats-job-{number:05d}", "format": fmt, "parts": parts,
                     "slugs": sorted(chosen)})
    return jobs


def _events(n: int, jobs: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any], datetime]]:
    """(event id, job, created) for events 1..n, always the same for the same ``n``."""
    rng = random.Random(SEED + 16)
    span = (END - START).total_seconds()
    for event_id in range(1, n + 1):
        job = jobs[int(len(jobs) * rng.random() ** 2.5)]  # a few popular searches
        created = START + timedelta(seconds=span * rng.random() ** 0.7)  # growing use
        yield event_id, job, created


def _resource_ids(portal: Portal) -> dict[str, tuple[str, str]]:
    with portal.session() as session:
        found = {d.slug: catalogue.get_resource(session, d.resource) for d in DATASETS}
    return {slug: (r.id, r.dataset_id) for slug, r in found.items()}


def _resource_table(portal: Portal) -> Table | None:
    if not inspect(portal.engine).has_table(RESOURCE_TABLE):
        return None
    return Table(RESOURCE_TABLE, MetaData(), autoload_with=portal.engine)


def seed(portal: Portal, n: int) -> dict[str, Any]:
    """Write the jobs and ``n`` events (and their per-resource rows), or whatever of them is
    missing; returns counts and seconds. ``complete`` is false while the catalogue has no
    per-resource table to fill."""
    began = time.perf_counter()
    rng = random.Random(SEED)
    resources = _resource_ids(portal)
    jobs = _jobs(rng, resources)
    parts_table = _resource_table(portal)
    with portal.engine.begin() as conn:
        have = conn.execute(select(func.count()).select_from(DownloadEvent)).scalar_one()
        parts_have = (conn.execute(select(func.count()).select_from(parts_table)).scalar_one()
                      if parts_table is not None else 0)
    write_events = have != n
    write_parts = parts_table is not None and (write_events or parts_have == 0)
    if write_events:
        with portal.engine.begin() as conn:
            if parts_table is not None:
                conn.execute(delete(parts_table))
            conn.execute(delete(DownloadEvent))
            conn.execute(delete(DownloadJob))
            conn.execute(insert(DownloadJob), [_job_row(job) for job in jobs])
    elif write_parts:
        with portal.engine.begin() as conn:
            conn.execute(delete(parts_table))  # type: ignore[arg-type]
    seen: set[str] = set()
    events: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    written = parts_written = 0
    for event_id, job, created in _events(n, jobs):
        if write_events:
            events.append({"id": event_id, "job_id": job["id"], "format": job["format"],
                           "records": sum(p[2] for p in job["parts"]),
                           "resource_ids": json.dumps(sorted(p[0] for p in job["parts"])),
                           "reused": job["id"] in seen, "seconds": 0.5, "created": created})
            seen.add(job["id"])
        if write_parts:
            parts.extend({"event_id": event_id, "resource_id": rid, "dataset_id": did,
                          "records": records} for rid, did, records in job["parts"])
        if len(events) >= BATCH or len(parts) >= BATCH:
            written, parts_written = _flush(portal, events, parts, parts_table, written,
                                            parts_written)
    written, parts_written = _flush(portal, events, parts, parts_table, written, parts_written)
    return {"events": n, "jobs": len(jobs), "events_written": written,
            "event_resources_written": parts_written, "complete": parts_table is not None,
            "seconds": time.perf_counter() - began, "from": START.isoformat(),
            "until": END.isoformat()}


def _flush(portal: Portal, events: list[dict[str, Any]], parts: list[dict[str, Any]],
           parts_table: Table | None, written: int, parts_written: int) -> tuple[int, int]:
    with portal.engine.begin() as conn:
        if events:
            conn.execute(insert(DownloadEvent), events)
        if parts and parts_table is not None:
            conn.execute(insert(parts_table), parts)
    written, parts_written = written + len(events), parts_written + len(parts)
    events.clear()
    parts.clear()
    return written, parts_written


def _job_row(job: dict[str, Any]) -> dict[str, Any]:
    total = sum(p[2] for p in job["parts"])
    request = {"resources": [{"id": rid, "dataset": slug, "slug": "records", "count": records}
                             for (rid, _, records), slug in zip(job["parts"], job["slugs"],
                                                                strict=True)],
               "file": {"format": job["format"]}}
    return {"id": job["id"], "status": "complete", "request": json.dumps(request),
            "key": job["id"].ljust(64, "0")[:64], "records_key": job["id"].ljust(64, "1")[:64],
            "format": job["format"], "total": total, "written": total,
            "file_name": f"{job['id']}.zip", "file_size": total * 200, "attempts": 1,
            "created": START, "started": START, "finished": START}
