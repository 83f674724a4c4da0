"""Drafts: a file given for a resource, staged and reviewed in the background before it is
published as the resource's next version (:mod:`holotype.services.drafts`).

One row per draft, which is also its job on the one durable queue
(:class:`holotype.catalog.jobs.LeasedJob`): ``status`` moves queued -> reading -> reviewing ->
ready, or to failed with the ``reason`` (a garbage file, a refused format); ``step`` and
``rows_read`` are the progress the review page shows. The staged file and the review live in
the draft's own folder, never in the record store: nothing of a draft is published.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from holotype.catalog.base import CHOICE_MAX, ID_LENGTH, Base, new_id, one_of
from holotype.catalog.jobs import LeasedJob

NAME_MAX = 255
FIELD_MAX = 200
STEP_MAX = 200


class DraftStatus(StrEnum):
    QUEUED = "queued"
    READING = "reading"
    REVIEWING = "reviewing"
    READY = "ready"
    FAILED = "failed"


class Draft(LeasedJob, Base):
    """A file waiting to become ``resource_id``'s next version (or, with ``resource_name``, a
    new resource's first)."""

    __tablename__ = "drafts"
    __table_args__ = (one_of("status", DraftStatus), Index(None, "status", "created"))
    job_name: ClassVar[str] = "draft review"
    claimed_status: ClassVar[str] = DraftStatus.READING.value
    running_statuses: ClassVar[tuple[str, ...]] = (DraftStatus.READING.value,
                                                   DraftStatus.REVIEWING.value)
    done_status: ClassVar[str] = DraftStatus.READY.value
    reset_on_claim: ClassVar[dict[str, Any]] = {"step": None, "rows_read": 0}

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    resource_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("resources.id", ondelete="CASCADE"))
    resource_name: Mapped[str | None] = mapped_column(String(NAME_MAX))  # a new resource
    file_name: Mapped[str] = mapped_column(String(NAME_MAX))  # as the user knows it
    fmt: Mapped[str | None] = mapped_column(String(CHOICE_MAX))
    id_field: Mapped[str | None] = mapped_column(String(FIELD_MAX))  # as asked for
    mode: Mapped[str] = mapped_column(String(CHOICE_MAX), default="update")
    created_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))  # a user id
    step: Mapped[str | None] = mapped_column(String(STEP_MAX))
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)  # the review's findings
    warnings: Mapped[int] = mapped_column(Integer, default=0)
