"""Throttling sign-ins: too many failures for one account, or from one address, within the
lockout window refuse further tries until the window has passed.

An attempt is counted *before* the password is checked (:func:`reserve` writes it and commits,
then counts): of any number of attempts made at once, the k-th to be written sees at least k,
so no more than the limit get through, however many run in parallel. An attempt whose
credentials prove right is taken back (:func:`release`), and a successful sign-in clears the
account's count; a wrong one stays, as a failure. :func:`check` only reads.
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
from holotype.services.context import Portal


def user_key(username: str) -> str:
    return f"user:{username.strip().lower()}"[:KEY_MAX]


def address_key(address: str) -> str:
    return f"addr:{address}"[:KEY_MAX]


def _keys(settings: Settings, username: str, address: str) -> tuple[tuple[str, int], ...]:
    return ((user_key(username), settings.sign_in_max_failures_per_user),
            (address_key(address), settings.sign_in_max_failures_per_address))


def _refuse_over(session: Session, settings: Settings, username: str, address: str,
                 allowed: int) -> None:
    """Throttled when either key has more than ``allowed`` attempts in the window."""
    window = timedelta(minutes=settings.sign_in_lockout_minutes)
    since = utcnow() - window
    for key, limit in _keys(settings, username, address):
        count, oldest = session.execute(
            select(func.count(), func.min(SignInFailure.at))
            .where(SignInFailure.key == key, SignInFailure.at > since)
        ).one()
        if count > limit + allowed - 1 and oldest is not None:
            wait = (oldest + window - utcnow()).total_seconds() / 60
            minutes = max(1, math.ceil(wait))
            raise Throttled(f"too many failed sign-ins; try again in {minutes} minute"
                            + ("" if minutes == 1 else "s"))


def check(session: Session, settings: Settings, username: str, address: str) -> None:
    """Refuse (:class:`Throttled`) a sign-in to ``username`` or from ``address`` that has had
    too many recent failures (only reads)."""
    _refuse_over(session, settings, username, address, 0)


def reserve(portal: Portal, username: str, address: str) -> list[int]:
    """Count an attempt on ``username`` from ``address`` (committed at once), then refuse it
    (:class:`Throttled`, taking it back) if it is over the limit; the rows that count it."""
    with portal.write_session() as session:
        ids = record_failure(session, portal.settings, username, address)
    try:
        with portal.session() as session:
            _refuse_over(session, portal.settings, username, address, 1)
    except Throttled:
        with portal.write_session() as session:
            release(session, ids)
        raise
    return ids


def release(session: Session, ids: list[int]) -> None:
    """Take back an attempt :func:`reserve` counted (its credentials were right)."""
    session.execute(delete(SignInFailure).where(SignInFailure.id.in_(ids)))


def record_failure(session: Session, settings: Settings, username: str, address: str
                   ) -> list[int]:
    """Count a failed sign-in against the account and the address (and forget old ones); the
    ids of the rows written."""
    now = utcnow()
    session.execute(delete(SignInFailure).where(
        SignInFailure.at < now - timedelta(minutes=settings.sign_in_lockout_minutes)))
    rows = [SignInFailure(key=user_key(username), at=now),
            SignInFailure(key=address_key(address), at=now)]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def clear(session: Session, username: str) -> None:
    """Forget the account's failures after it signed in."""
    session.execute(delete(SignInFailure).where(SignInFailure.key == user_key(username)))
