"""The catalogue's tables as typed SQLAlchemy declarative models.

Choice columns are plain strings guarded by CHECK constraints (portable on SQLite and
PostgreSQL); their allowed values are the :class:`~enum.StrEnum` classes below. The schema is
created by the Alembic migrations in ``migrations/``, never by ``metadata.create_all``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from holotype.catalog.base import CHOICE_MAX, ID_LENGTH, Base, new_id, one_of
from holotype.catalog.timestamps import UTCDateTime, utcnow

SLUG_MAX = 100
NAME_MAX = 300
USERNAME_MAX = 64
EMAIL_MAX = 320
KEYWORD_MAX = 100
DOI_MAX = 255
ORCID_LENGTH = 19
LICENCE_MAX = 32
FIELD_NAME_MAX = 200
PASSWORD_HASH_MAX = 255


class Role(StrEnum):
    MEMBER = "member"
    EDITOR = "editor"
    ADMIN = "admin"


class UserState(StrEnum):
    ACTIVE = "active"  # may sign in
    PENDING = "pending"  # registered, email not yet verified
    DISABLED = "disabled"  # may not sign in


class UserSource(StrEnum):
    """Where an account comes from (and so who may change its password and roles)."""

    LOCAL = "local"
    LDAP = "ldap"
    OIDC = "oidc"


class Category(StrEnum):
    COLLECTION = "collection"
    RESEARCH = "research"


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class ResourceKind(StrEnum):
    RECORDS = "records"
    FILE = "file"


class Organisation(Base):
    """A publisher of datasets: a museum, herbarium, department or project."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True
    )


class User(Base):
    """A person who owns datasets, belongs to organisations and may sign in."""

    __tablename__ = "users"
    __table_args__ = (one_of("state", UserState), one_of("source", UserSource))

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX), unique=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    display_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The account (see catalog/accounts.py for its sessions, tokens and audit trail).
    password_hash: Mapped[str | None] = mapped_column(String(PASSWORD_HASH_MAX), default=None)
    email_verified: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    sysadmin: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(CHOICE_MAX), default=UserState.ACTIVE.value)
    source: Mapped[str] = mapped_column(String(CHOICE_MAX), default=UserSource.LOCAL.value)
    last_sign_in: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Membership(Base):
    """A user's role in an organisation."""

    __tablename__ = "memberships"
    __table_args__ = (
        one_of("role", Role),
        one_of("source", UserSource),
        Index(None, "organisation_id"),
    )

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(CHOICE_MAX), default=Role.MEMBER.value)
    source: Mapped[str] = mapped_column(
        String(CHOICE_MAX), default=UserSource.LOCAL.value, server_default=UserSource.LOCAL.value
    )
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Dataset(Base):
    """A published body of data: a collection export or the data behind a paper.

    An organisation with datasets cannot be deleted (RESTRICT); deleting the owning user leaves
    the dataset ownerless (SET NULL). Deleting a dataset deletes its creators, keywords and
    resources.
    """

    __tablename__ = "datasets"
    __table_args__ = (
        one_of("category", Category),
        one_of("visibility", Visibility),
        Index(None, "organisation_id"),
        Index(None, "owner_id"),
        Index(None, "visibility", "organisation_id"),  # what a member may read, by the policy
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    title: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(String(LICENCE_MAX))
    category: Mapped[str] = mapped_column(String(CHOICE_MAX), default=Category.COLLECTION.value)
    visibility: Mapped[str] = mapped_column(String(CHOICE_MAX), default=Visibility.PUBLIC.value)
    doi: Mapped[str | None] = mapped_column(String(DOI_MAX), unique=True)
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    modified: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    owner: Mapped[User | None] = relationship()
    creators: Mapped[list[Creator]] = relationship(
        back_populates="dataset",
        order_by="Creator.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    keywords: Mapped[list[Keyword]] = relationship(
        back_populates="dataset",
        order_by="Keyword.keyword",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    resources: Mapped[list[Resource]] = relationship(
        back_populates="dataset",
        order_by="Resource.slug",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Creator(Base):
    """A person or body credited for a dataset, in citation order (``position`` from 0)."""

    __tablename__ = "dataset_creators"
    __table_args__ = (
        UniqueConstraint("dataset_id", "position"),
        CheckConstraint("position >= 0", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    orcid: Mapped[str | None] = mapped_column(String(ORCID_LENGTH))
    affiliation: Mapped[str | None] = mapped_column(String(NAME_MAX))

    dataset: Mapped[Dataset] = relationship(back_populates="creators")


class Keyword(Base):
    """A free-text keyword of a dataset; each keyword appears once per dataset."""

    __tablename__ = "dataset_keywords"

    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    keyword: Mapped[str] = mapped_column(String(KEYWORD_MAX), primary_key=True)

    dataset: Mapped[Dataset] = relationship(back_populates="keywords")


class Resource(Base):
    """A part of a dataset: a table of records (ingested into the store) or a plain file.

    ``id_field`` names the column that identifies a record across versions, chosen at ingest.
    """

    __tablename__ = "resources"
    __table_args__ = (
        UniqueConstraint("dataset_id", "slug"),
        one_of("kind", ResourceKind),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(SLUG_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(CHOICE_MAX), default=ResourceKind.RECORDS.value)
    id_field: Mapped[str | None] = mapped_column(String(FIELD_NAME_MAX))
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    modified: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    dataset: Mapped[Dataset] = relationship(back_populates="resources")


QUERY_VERSION_MAX = 16
QUERY_HASH_MAX = 128
SLUG_KEY_LENGTH = 64


class QuerySlug(Base):
    """A short link: a readable name for a query over some resources at a version.

    ``query`` and ``resource_ids`` hold JSON text; ``resource_ids`` NULL means every resource
    the reader may see, and ``version`` NULL means the latest data. ``key`` (a SHA-256 of
    the query version, query hash, resource ids and version) is unique, so asking twice for
    the same search gives the same slug.
    """

    __tablename__ = "query_slugs"

    slug: Mapped[str] = mapped_column(String(SLUG_MAX), primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    query_version: Mapped[str] = mapped_column(String(QUERY_VERSION_MAX))
    query_hash: Mapped[str] = mapped_column(String(QUERY_HASH_MAX))
    resource_ids: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(SLUG_KEY_LENGTH), unique=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

