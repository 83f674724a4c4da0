"""Error reports: a reader's word that some fields of a record are wrong, and what they should
be, with the report's history of statuses.

A report holds, per field, the field's name, the value the reporter saw (at the record version
reported) and the value proposed (:class:`ErrorReportField`); its status moves new ->
acknowledged -> fixed or rejected, each change an :class:`ErrorReportEvent` (who, when, an
optional note). The reporter is a user, or anyone with an optional name and email.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from holotype.catalog.base import CHOICE_MAX, ID_LENGTH, Base, new_id, one_of
from holotype.catalog.timestamps import UTCDateTime, utcnow

RECORD_ID_MAX = 512
FIELD_MAX = 255
REPORTER_NAME_MAX = 300
EMAIL_MAX = 320


class ReportStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    FIXED = "fixed"
    REJECTED = "rejected"


CLIENT_HASH_LENGTH = 64


class ErrorReport(Base):
    """One report on one record of a resource, as of the record version the reporter saw."""

    __tablename__ = "error_reports"
    __table_args__ = (one_of("status", ReportStatus), Index(None, "dataset_id", "status"),
                      Index(None, "resource_id", "record_id"), Index(None, "reporter_id"),
                      Index(None, "client_hash", "created"))  # the per-client hourly limit

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("datasets.id", ondelete="CASCADE"))
    resource_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("resources.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(String(RECORD_ID_MAX))
    version: Mapped[int] = mapped_column(BigInteger)  # the record version the reporter saw
    explanation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(CHOICE_MAX), default=ReportStatus.NEW.value)
    reporter_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"), default=None)
    reporter_name: Mapped[str] = mapped_column(String(REPORTER_NAME_MAX), default="")
    reporter_email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    notify: Mapped[bool] = mapped_column(Boolean, default=False)  # tell the reporter of changes
    # HMAC-SHA256 of the sender's address with the site's key (services/error_reports/flood.py)
    client_hash: Mapped[str | None] = mapped_column(String(CLIENT_HASH_LENGTH), default=None)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fields: Mapped[list[ErrorReportField]] = relationship(
        order_by="ErrorReportField.position", cascade="all, delete-orphan",
        passive_deletes=True)
    events: Mapped[list[ErrorReportEvent]] = relationship(
        order_by="ErrorReportEvent.id", cascade="all, delete-orphan", passive_deletes=True)


class ErrorReportField(Base):
    """One field said to be wrong: its name ("" for "other"), the value seen, the value
    proposed."""

    __tablename__ = "error_report_fields"
    __table_args__ = (Index(None, "report_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("error_reports.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(FIELD_MAX), default="")
    seen: Mapped[str] = mapped_column(Text, default="")
    proposed: Mapped[str] = mapped_column(Text, default="")


class ErrorReportEvent(Base):
    """A change of a report's status (the first: its creation, from none to new)."""

    __tablename__ = "error_report_events"
    __table_args__ = (one_of("status", ReportStatus), Index(None, "report_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("error_reports.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"), default=None)
    actor_name: Mapped[str] = mapped_column(String(REPORTER_NAME_MAX), default="")
    status: Mapped[str] = mapped_column(String(CHOICE_MAX))
    note: Mapped[str] = mapped_column(Text, default="")
