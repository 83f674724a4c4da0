"""The citation tables: DOIs this portal manages and the query citations it has minted.

A :class:`Doi` row is both the DOI's record and its outbox. The portal decides what the DOI
should be (``state``, ``url`` and the DataCite ``metadata``); each decision bumps ``revision``.
A sync worker sends the latest revision to the registrar and records ``synced_revision`` once
the registrar has accepted it, so a registrar that is down or slow never loses a change: the row
stays pending (with ``last_error`` and ``next_attempt``) until it gets through. A registrar that
refuses the metadata marks it ``failed`` with the registrar's message for the maintainer.

A :class:`QueryCitation` pins a search: the normalised query, the resources searched and each
one's version, with the record counts, creators and licences at that moment. ``key`` (a SHA-256
of the query version, query hash and the pinned versions) is unique: the same search over the
same versions is cited by the same row, and so by the same DOI.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from holotype.catalog.base import CHOICE_MAX, ID_LENGTH, Base, new_id, one_of
from holotype.catalog.timestamps import UTCDateTime, utcnow

DOI_MAX = 255
URL_MAX = 2000
CITATION_KEY_LENGTH = 64
QUERY_VERSION_MAX = 16
QUERY_HASH_MAX = 128


class DoiKind(StrEnum):
    DATASET = "dataset"
    QUERY = "query"


class DoiState(StrEnum):
    """DataCite's states: a draft can be deleted; registered is resolvable but not listed (a
    hidden DOI); findable is resolvable and listed."""

    DRAFT = "draft"
    REGISTERED = "registered"
    FINDABLE = "findable"


class SyncStatus(StrEnum):
    PENDING = "pending"  # a revision waits to be sent (or is being retried)
    SYNCED = "synced"  # the registrar holds the latest revision
    FAILED = "failed"  # the registrar refused the latest revision; see last_error


class QueryCitation(Base):
    """A search pinned to versions, citable by its portal URL and, when DOIs are on, a DOI.

    JSON text columns: ``query`` (the normalised NHM query), ``resources`` (a list of
    ``{id, dataset_id, dataset, slug, name, dataset_title, version, count}``), ``creators``
    (``{name, orcid, affiliation}``, the union of the datasets' creators in order) and
    ``licences`` (SPDX ids).
    """

    __tablename__ = "query_citations"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(CITATION_KEY_LENGTH), unique=True)
    doi: Mapped[str | None] = mapped_column(String(DOI_MAX), unique=True)
    query: Mapped[str] = mapped_column(Text)
    query_version: Mapped[str] = mapped_column(String(QUERY_VERSION_MAX))
    query_hash: Mapped[str] = mapped_column(String(QUERY_HASH_MAX))
    version: Mapped[int | None] = mapped_column(BigInteger)  # as requested; None = latest
    resources: Mapped[str] = mapped_column(Text)
    total: Mapped[int] = mapped_column(BigInteger)
    creators: Mapped[str] = mapped_column(Text)
    licences: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Doi(Base):
    """A DOI under this portal's prefix: what it should be, and what the registrar holds.

    ``doi`` is stored in lower case (DOIs are case-insensitive). A dataset DOI outlives its
    dataset: deleting the dataset sets ``dataset_id`` to NULL and the DOI is hidden with a
    tombstone (``tombstone``), its last metadata kept for the tombstone page.
    """

    __tablename__ = "dois"
    __table_args__ = (
        one_of("kind", DoiKind),
        one_of("state", DoiState),
        one_of("sync_status", SyncStatus),
        Index(None, "dataset_id"),
        Index(None, "sync_status", "next_attempt"),
    )

    doi: Mapped[str] = mapped_column(String(DOI_MAX), primary_key=True)
    kind: Mapped[str] = mapped_column(String(CHOICE_MAX))
    dataset_id: Mapped[str | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"))
    citation_id: Mapped[str | None] = mapped_column(
        ForeignKey("query_citations.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(CHOICE_MAX), default=DoiState.DRAFT.value)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    metadata_json: Mapped[str] = mapped_column("metadata", Text)
    tombstone: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    synced_revision: Mapped[int] = mapped_column(Integer, default=0)
    registrar_state: Mapped[str | None] = mapped_column(String(CHOICE_MAX))
    sync_status: Mapped[str] = mapped_column(String(CHOICE_MAX),
                                             default=SyncStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    synced: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    modified: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
