"""One-use links sent by email (verify an address, reset a password): a random token, of
which the catalogue keeps only the SHA-256, valid for ``email_token_hours``."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from holotype.catalog.accounts import EmailPurpose, EmailToken
from holotype.catalog.timestamps import utcnow
from holotype.errors import Invalid

INVALID = "this link does not work: it was used already, has expired or was mistyped"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(session: Session, user_id: str, purpose: EmailPurpose, hours: int) -> str:
    """A new link token for the user (added to ``session``); the raw token to send."""
    raw = secrets.token_urlsafe(32)
    session.add(EmailToken(token_hash=_hash(raw), user_id=user_id, purpose=purpose.value,
                           expires=utcnow() + timedelta(hours=hours)))
    return raw


def find(session: Session, raw: str, purpose: EmailPurpose) -> EmailToken:
    """The unused, unexpired token ``raw`` for ``purpose``; :class:`Invalid` otherwise."""
    row = session.get(EmailToken, _hash(raw)) if 0 < len(raw) <= 200 else None
    if row is None or row.purpose != purpose.value or row.used is not None \
            or row.expires <= utcnow():
        raise Invalid(INVALID, field="token")
    return row


def take(session: Session, raw: str, purpose: EmailPurpose) -> str:
    """Use the token up (it works once): the user it belongs to."""
    row = find(session, raw, purpose)
    row.used = utcnow()
    return row.user_id
