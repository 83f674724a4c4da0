"""Throttling sign-ins: too many failures for one account, or from one address, within the
lockout window refuse further tries until the window has passed.

:func:`check` only reads; failures are written by :func:`record_failure` (a sign-in attempt is
a write anyway), and a successful sign-in clears the account's count.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from holotype.catalog.accounts import KEY_MAX, SignInFailure
from holotype.catalog.timestamps import utcnow
from holotype.config import Settings
from holotype.errors import Throttled


def user_key(username: str) -> str:
    return f"user:{username.strip().lower()}"[:KEY_MAX]


def address_key(address: str) -> str:
    return f"addr:{address}"[:KEY_MAX]


def check(session: Session, settings: Settings, username: str, address: str) -> None:
    """Refuse (:class:`Throttled`) a sign-in to ``username`` or from ``address`` that has had
    too many recent failures."""
    window = timedelta(minutes=settings.sign_in_lockout_minutes)
    since = utcnow() - window
    for key, limit in ((user_key(username), settings.sign_in_max_failures_per_user),
                       (address_key(address), settings.sign_in_max_failures_per_address)):
        count, oldest = session.execute(
            select(func.count(), func.min(SignInFailure.at))
            .where(SignInFailure.key == key, SignInFailure.at > since)
        ).one()
        if count >= limit and oldest is not None:
            wait = (oldest + window - utcnow()).total_seconds() / 60
            minutes = max(1, math.ceil(wait))
            raise Throttled(f"too many failed sign-ins; try again in {minutes} minute"
                            + ("" if minutes == 1 else "s"))


def record_failure(session: Session, settings: Settings, username: str, address: str) -> None:
    """Count a failed sign-in against the account and the address (and forget old ones)."""
    now = utcnow()
    session.execute(delete(SignInFailure).where(
        SignInFailure.at < now - timedelta(minutes=settings.sign_in_lockout_minutes)))
    session.add_all([SignInFailure(key=user_key(username), at=now),
                     SignInFailure(key=address_key(address), at=now)])


def clear(session: Session, username: str) -> None:
    """Forget the account's failures after it signed in."""
    session.execute(delete(SignInFailure).where(SignInFailure.key == user_key(username)))
