"""The image conversion jobs: one row per medium whose pyramid is (to be) made by a worker
rather than by the request asking for it (images over ``image_background_pixels``).

Its ``status`` moves queued -> running -> done, or to failed with the ``reason`` every request
for the image is then told; ``tag`` names the file it converts (its size and modification
time, as the pyramid's name does), so a changed file is queued again. Queue columns:
:class:`holotype.catalog.jobs.LeasedJob`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from holotype.catalog.base import Base, one_of
from holotype.catalog.jobs import LeasedJob

MEDIA_ID_LENGTH = 32
TAG_LENGTH = 12


class ImageJobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImageJob(LeasedJob, Base):
    """The conversion of one medium's file (``tag``, ``pixels``) into its pyramid."""

    __tablename__ = "image_jobs"
    __table_args__ = (one_of("status", ImageJobStatus), Index(None, "status", "created"))
    job_name: ClassVar[str] = "image conversion"
    claimed_status: ClassVar[str] = ImageJobStatus.RUNNING.value
    running_statuses: ClassVar[tuple[str, ...]] = (ImageJobStatus.RUNNING.value,)
    done_status: ClassVar[str] = ImageJobStatus.DONE.value

    id: Mapped[str] = mapped_column(String(MEDIA_ID_LENGTH), primary_key=True)  # the media id
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH))
    pixels: Mapped[int] = mapped_column(BigInteger)
