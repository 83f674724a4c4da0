"""The download tables: durable download jobs and the statistics row of every download served.

A job is a row that survives restarts. Its ``status`` moves queued -> generating -> zipping ->
complete, or to failed; a worker owns a running job while its ``lease_until`` lies in the future
(see :mod:`holotype.jobs.queue`). ``request`` holds the normalised request as JSON text.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from holotype.catalog.base import CHOICE_MAX, ID_LENGTH, Base, new_id, one_of
from holotype.catalog.timestamps import UTCDateTime, utcnow

KEY_LENGTH = 64
FORMAT_MAX = 16
WORKER_MAX = 200
FILE_NAME_MAX = 255


class JobStatus(StrEnum):
    QUEUED = "queued"
    GENERATING = "generating"
    ZIPPING = "zipping"
    COMPLETE = "complete"
    FAILED = "failed"


RUNNING = (JobStatus.GENERATING.value, JobStatus.ZIPPING.value)


class DownloadJob(Base):
    """One requested download: what was asked, where it stands, and the file once made.

    ``key`` is a SHA-256 of everything that determines the file (query hash, resources and
    their versions, format and file options): equal keys make equal files, so a second
    request with the same key is answered by the first job. ``records_key`` leaves out the
    file options, naming the record set that every format of the same search shares.
    """

    __tablename__ = "download_jobs"
    __table_args__ = (
        one_of("status", JobStatus),
        Index(None, "status", "created"),
        Index(None, "key"),
        Index(None, "requester_id"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    status: Mapped[str] = mapped_column(String(CHOICE_MAX), default=JobStatus.QUEUED.value)
    request: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    records_key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    format: Mapped[str] = mapped_column(String(FORMAT_MAX))
    # Who asked: the download runs as this user, so a member's private records are packaged;
    # None for anyone not signed in (and when the account is deleted).
    requester_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    written: Mapped[int] = mapped_column(BigInteger, default=0)
    file_name: Mapped[str | None] = mapped_column(String(FILE_NAME_MAX))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(WORKER_MAX))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notified: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DownloadEvent(Base):
    """A download served: made by a worker, or answered at once from an identical earlier one.

    The statistics pages count these: records, resources, format and when.
    """

    __tablename__ = "download_events"
    __table_args__ = (Index(None, "created"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("download_jobs.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(FORMAT_MAX))
    records: Mapped[int] = mapped_column(BigInteger)
    resource_ids: Mapped[str] = mapped_column(Text)
    reused: Mapped[bool] = mapped_column(Boolean, default=False)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
