"""API tokens: a user's keys for scripts and clients such as ckanapi.

The raw token is shown once, when it is made; only its SHA-256 is kept (a copy of the
catalogue lets no one in), with its first characters so a user can tell tokens apart.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from holotype.catalog.base import ID_LENGTH, Base, new_id, one_of
from holotype.catalog.timestamps import UTCDateTime, utcnow

TOKEN_HASH_LENGTH = 64  # a SHA-256 in hex
TOKEN_NAME_MAX = 100
PREFIX_LENGTH = 8
SCOPES_MAX = 16


class TokenScopes(StrEnum):
    """What a token may do: read only, or read and write (as far as its user may)."""

    READ = "read"
    READ_WRITE = "read write"


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (one_of("scopes", TokenScopes), Index(None, "user_id"))

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    prefix: Mapped[str] = mapped_column(String(PREFIX_LENGTH))
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    scopes: Mapped[str] = mapped_column(String(SCOPES_MAX))
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_used: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
