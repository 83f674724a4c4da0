"""What every durable job table shares: the columns the queue (:mod:`holotype.jobs.queue`)
claims, leases and finishes by, and what the queue needs to know of a table's statuses.

A job table is a model mixing in :class:`LeasedJob` (the download jobs, the image
conversions): one queue serves them all.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from holotype.catalog.base import CHOICE_MAX
from holotype.catalog.timestamps import UTCDateTime, utcnow

WORKER_MAX = 200
QUEUED = "queued"
FAILED = "failed"


class LeasedJob:
    """A job's queue columns: its ``status`` (:data:`QUEUED`, one of ``running_statuses`` while
    a ``worker`` holds it until ``lease_until``, ``done_status`` or :data:`FAILED` with the
    ``reason``) and how many ``attempts`` were made. The class variables say what the table's
    statuses are called and name the job in messages and logs."""

    if TYPE_CHECKING:  # each table declares its own key
        id: Mapped[str]
    job_name: ClassVar[str]  # "download", "image conversion"
    claimed_status: ClassVar[str]  # a job's status once a worker takes it
    running_statuses: ClassVar[tuple[str, ...]]  # a worker holds the job in these
    done_status: ClassVar[str]
    reset_on_claim: ClassVar[dict[str, Any]] = {}  # progress columns a new attempt starts from
    gave_up_advice: ClassVar[str] = ""  # after "it gave up after N attempts"

    status: Mapped[str] = mapped_column(String(CHOICE_MAX), default=QUEUED)
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(WORKER_MAX))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished: Mapped[datetime | None] = mapped_column(UTCDateTime())
