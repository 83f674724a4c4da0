"""The durable job queue: claiming, leases, heartbeats and finishing, as conditional UPDATEs.

Every state change is one ``UPDATE ... WHERE`` whose condition says what the row must still be
(``status = 'queued'`` to claim; ``worker = me`` to report progress or finish). Its row count
says whether this worker won: on SQLite writers are serialised, and on PostgreSQL a second
concurrent UPDATE of the same row re-checks the condition once the first commits, so two
workers in any number of processes never both claim one job.

A claimed job carries a lease. The worker's heartbeat extends it; a worker that dies stops
extending it, and :func:`requeue_expired` (run by every worker) puts the job back in the queue
with the reason, or fails it after ``max_attempts``.

One queue serves every job table (a model mixing in
:class:`holotype.catalog.jobs.LeasedJob`: the downloads, the image conversions), named by the
``table`` argument, downloads by default; a :class:`Claim` remembers its table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from holotype.catalog.downloads import DownloadJob
from holotype.catalog.jobs import FAILED, QUEUED, LeasedJob
from holotype.catalog.timestamps import utcnow

log = logging.getLogger(__name__)
CANDIDATES = 8  # queued jobs looked at per claim attempt (others may win the first ones)


@dataclass(frozen=True)
class Claim:
    """A job this worker holds: valid while the lease is kept."""

    job_id: str
    worker: str
    attempt: int
    table: type[LeasedJob] = field(default=DownloadJob, compare=False)


Table = type[LeasedJob]


def _update(
    sessions: sessionmaker[Session], table: Table, condition: Any, values: dict[str, Any]
) -> int:
    with sessions() as session:
        result = session.execute(update(table).where(condition).values(**values))
        session.commit()
        return int(getattr(result, "rowcount", 0) or 0)


def claim_next(
    sessions: sessionmaker[Session], worker: str, lease_seconds: float,
    now: datetime | None = None, table: Table = DownloadJob,
) -> Claim | None:
    """Take the oldest queued job, or None when there is none (or others took them all)."""
    now = now or utcnow()
    with sessions() as session:
        rows = session.execute(
            select(table.id, table.attempts)
            .where(table.status == QUEUED)
            .order_by(table.created, table.id)
            .limit(CANDIDATES)
        ).all()
    for job_id, attempts in rows:
        won = _update(
            sessions, table, (table.id == job_id) & (table.status == QUEUED),
            {"status": table.claimed_status, "worker": worker,
             "lease_until": now + timedelta(seconds=lease_seconds),
             "attempts": table.attempts + 1, "started": now, **table.reset_on_claim},
        )
        if won:
            return Claim(job_id, worker, int(attempts) + 1, table)
    return None


def _mine(claim: Claim) -> Any:
    table = claim.table
    return (
        (table.id == claim.job_id)
        & (table.worker == claim.worker)
        & table.status.in_(table.running_statuses)
    )


def heartbeat(
    sessions: sessionmaker[Session], claim: Claim, lease_seconds: float, **progress: Any
) -> bool:
    """Extend the lease (and record ``status``/``written``); False when the job was lost."""
    values = {"lease_until": utcnow() + timedelta(seconds=lease_seconds), **progress}
    return _update(sessions, claim.table, _mine(claim), values) == 1


def complete(sessions: sessionmaker[Session], claim: Claim, **fields: Any) -> bool:
    """Mark the job done (setting ``fields``, e.g. its file); False when this worker no longer
    holds it."""
    values = {"status": claim.table.done_status, "lease_until": None, "finished": utcnow(),
              "reason": None, **fields}
    return _update(sessions, claim.table, _mine(claim), values) == 1


def fail(sessions: sessionmaker[Session], claim: Claim, reason: str) -> bool:
    """Mark the job failed with a reason the user may read."""
    values = {"status": FAILED, "lease_until": None, "finished": utcnow(), "reason": reason}
    return _update(sessions, claim.table, _mine(claim), values) == 1


def requeue_expired(
    sessions: sessionmaker[Session], max_attempts: int, now: datetime | None = None,
    failed: list[tuple[str, str]] | None = None, table: Table = DownloadJob,
) -> int:
    """Jobs whose worker stopped sending heartbeats: queued again, or failed after the last try
    (each of those added to ``failed`` as (job id, reason))."""
    now = now or utcnow()
    with sessions() as session:
        rows = session.execute(
            select(table.id, table.worker, table.attempts, table.status)
            .where(table.status.in_(table.running_statuses) & (table.lease_until < now))
        ).all()
    changed = 0
    for job_id, worker, attempts, status in rows:
        condition = (
            (table.id == job_id) & (table.worker == worker)
            & table.status.in_(table.running_statuses) & (table.lease_until < now)
        )
        # The reason is shown on the public status page: the worker's name (host, process)
        # goes to the log only.
        stopped = f"the portal stopped while the {table.job_name} was {status}"
        if attempts >= max_attempts:
            values = {"status": FAILED, "finished": now, "lease_until": None,
                      "reason": f"{stopped}; it gave up after {attempts} "
                                f"attempts{table.gave_up_advice}"}
        else:
            values = {"status": QUEUED, "worker": None, "lease_until": None,
                      **table.reset_on_claim,
                      "reason": f"{stopped}; it will try again (attempt {attempts + 1} of "
                                f"{max_attempts} next)"}
        done = _update(sessions, table, condition, values)
        if done:
            log.warning("%s %s: worker %s stopped sending heartbeats while %s (attempt %d "
                        "of %d)", table.job_name, job_id, worker, status, attempts, max_attempts)
        if done and failed is not None and values["status"] == FAILED:
            failed.append((job_id, str(values["reason"])))
        changed += done
    return changed


def retry(sessions: sessionmaker[Session], job_id: str, table: Table = DownloadJob) -> bool:
    """Queue a failed job again (keeping its reason until a worker takes it)."""
    return _update(
        sessions, table, (table.id == job_id) & (table.status == FAILED),
        {"status": QUEUED, "worker": None, "attempts": 0, "finished": None},
    ) == 1
