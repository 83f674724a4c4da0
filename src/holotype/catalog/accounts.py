"""The account tables: sign-in sessions, failed sign-ins (for throttling), the one-use tokens
sent by email, identities at outside providers (LDAP, OpenID Connect) and the audit trail.

Secrets are never stored: a session id and an email token are kept as their SHA-256, so a
copy of the catalogue signs no one in. The users themselves are in :mod:`.models`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from holotype.catalog.base import CHOICE_MAX, ID_LENGTH, Base, new_id, one_of
from holotype.catalog.timestamps import UTCDateTime, utcnow

HASH_LENGTH = 64  # a SHA-256 in hex
ADDRESS_MAX = 64
KEY_MAX = 128
SUBJECT_MAX = 255
NAME_MAX = 300
EVENT_MAX = 32


class EmailPurpose(StrEnum):
    VERIFY = "verify"
    RESET = "reset"


class Via(StrEnum):
    """How the actor of an audited event was signed in."""

    SESSION = "session"
    TOKEN = "token"
    CLI = "cli"
    LDAP = "ldap"
    OIDC = "oidc"
    ANONYMOUS = "anonymous"


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"


class UserSession(Base):
    """A signed-in browser: the cookie holds a signed random id, this row its SHA-256."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index(None, "user_id"), Index(None, "expires"))

    id_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    csrf_secret: Mapped[str] = mapped_column(String(HASH_LENGTH))
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires: Mapped[datetime] = mapped_column(UTCDateTime())
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX), default="")


class SignInFailure(Base):
    """One failed sign-in, counted under ``user:<name>`` and ``addr:<address>``."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index(None, "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EmailToken(Base):
    """A one-use link sent by email (verify an address, reset a password): its SHA-256."""

    __tablename__ = "email_tokens"
    __table_args__ = (one_of("purpose", EmailPurpose), Index(None, "user_id"))

    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(CHOICE_MAX))
    expires: Mapped[datetime] = mapped_column(UTCDateTime())
    used: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ExternalIdentity(Base):
    """Who a user is at an outside provider (an LDAP DN, an OpenID Connect subject)."""

    __tablename__ = "external_identities"
    __table_args__ = (Index(None, "user_id"),)

    provider: Mapped[str] = mapped_column(String(CHOICE_MAX), primary_key=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))


class AuditEvent(Base):
    """Something done, or refused, that an administrator may need to look back on.

    The actor's name is copied so the trail still reads after the account is deleted;
    ``detail`` is JSON text."""

    __tablename__ = "audit_events"
    __table_args__ = (one_of("via", Via), one_of("outcome", Outcome), Index(None, "at"))

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    actor_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    via: Mapped[str] = mapped_column(String(CHOICE_MAX))
    event: Mapped[str] = mapped_column(String(EVENT_MAX))
    target_type: Mapped[str] = mapped_column(String(EVENT_MAX), default="")
    target_id: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    organisation_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    outcome: Mapped[str] = mapped_column(String(CHOICE_MAX), default=Outcome.OK.value)
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
