"""Accepted corrections: which record a maintainer corrected, how, when, and from what.

One row per accepted correction that committed a version: the resource, the record, the
version it made, each field it changed with its value before and after (``fields``: JSON text,
a list of ``{"field", "old", "new"}``, null for an absent value), the error report it came
from (a plain id, nullable: a correction may be made without one), who accepted it and when.
A later ingest whose file undoes a corrected field, when the maintainer takes the source's word,
marks that field superseded by its version (in ``fields``), and the whole correction
(``superseded_version``) once every field of it is; a superseded field is no longer guarded.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from holotype.catalog.base import ID_LENGTH, Base, new_id
from holotype.catalog.timestamps import UTCDateTime, utcnow


class CorrectionRow(Base):
    __tablename__ = "corrections"
    __table_args__ = (Index(None, "resource_id", "record_id"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    resource_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("resources.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(BigInteger)
    fields: Mapped[str] = mapped_column(Text)  # JSON: [{"field", "old", "new"}, ...]
    report_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    accepted_by: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL"), default=None)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    superseded_version: Mapped[int | None] = mapped_column(BigInteger, default=None)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


def field_entries(row: CorrectionRow) -> list[dict[str, str | int | None]]:
    """The row's fields: ``{"field", "old", "new"}``, with ``"superseded_version"`` once a
    later ingest took the source's value of that field instead."""
    entries: list[dict[str, str | int | None]] = json.loads(row.fields)
    return entries
