"""A user's identity, built from the catalogue: whether a sysadmin, and the role in each
organisation (from the memberships), so the policy decides without asking again."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from holotype.catalog.models import Membership, User, UserState
from holotype.services.identity import ALL_SCOPES, ANONYMOUS, Identity, Kind, Scope


def identity_for_user(
    session: Session,
    user_id: str,
    scopes: Iterable[Scope] = ALL_SCOPES,
    token_id: str | None = None,
) -> Identity:
    """The identity of the user ``user_id``; anonymous when there is no such active user."""
    user = session.get(User, user_id)
    if user is None or user.state != UserState.ACTIVE.value:
        return ANONYMOUS
    roles = session.execute(
        select(Membership.organisation_id, Membership.role)
        .where(Membership.user_id == user_id)
        .order_by(Membership.organisation_id)
    ).all()
    return Identity(
        Kind.USER,
        name=user.username,
        user_id=user.id,
        sysadmin=user.sysadmin,
        roles=tuple((org, role) for org, role in roles),
        scopes=frozenset(scopes),
        token_id=token_id,
    )
