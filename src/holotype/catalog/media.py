"""The media registry: every medium the records name, and which resources' records name it.

A :class:`Medium` row is one source (a web address or a stored file) by its media id (the
IIIF identifier, :func:`holotype.media.refs.media_id`), with when it was first seen. A
:class:`MediumUse` row says that some version of a resource's records names the medium: whoever
may read that resource may see the medium (see :mod:`holotype.services.media.originals`).
Versions never change, so a use, once registered, stays (a record page can show any version).
:class:`MediaScan` says up to which version a resource's records have been registered, so each
new version reads only the records it wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from holotype.catalog.base import ID_LENGTH, Base
from holotype.catalog.timestamps import UTCDateTime, utcnow

MEDIA_ID_LENGTH = 32


class Medium(Base):
    """One medium, by its id: where it comes from and when the portal first saw it."""

    __tablename__ = "media"
    __table_args__ = ({"sqlite_with_rowid": False},)  # one b-tree, by id

    id: Mapped[str] = mapped_column(String(MEDIA_ID_LENGTH), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MediumUse(Base):
    """Some version of the resource's records names the medium."""

    __tablename__ = "media_uses"
    __table_args__ = (Index(None, "resource_id"), {"sqlite_with_rowid": False})

    media_id: Mapped[str] = mapped_column(
        ForeignKey("media.id", ondelete="CASCADE"), primary_key=True
    )
    resource_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )


class MediaScan(Base):
    """The latest version of the resource whose records' media are registered."""

    __tablename__ = "media_scans"

    resource_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger)


BATCH = 10_000


def add_media(session: Session, resource_id: str, media: Iterable[tuple[str, str]]) -> None:
    """Register ``(media id, source)`` pairs as named by the resource, keeping what is there
    (the first seen stays first). Millions of rows go straight to the driver in batches: the
    ORM would take minutes for what this does in seconds."""
    connection = session.connection()
    dialect = connection.dialect
    now = utcnow()
    if dialect.name == "sqlite":
        ignore, conflict, mark = "OR IGNORE ", "", "?"
        seen: object = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    else:
        ignore, conflict, mark, seen = "", " ON CONFLICT DO NOTHING", "%s", now
    add_medium = (f"INSERT {ignore}INTO media (id, source, first_seen) "
                  f"VALUES ({mark}, {mark}, {mark}){conflict}")
    add_use = (f"INSERT {ignore}INTO media_uses (media_id, resource_id) "
               f"VALUES ({mark}, {mark}){conflict}")
    pairs = iter(media)
    while batch := list(islice(pairs, BATCH)):
        connection.exec_driver_sql(add_medium, [(key, source, seen) for key, source in batch])
        connection.exec_driver_sql(add_use, [(key, resource_id) for key, _ in batch])
