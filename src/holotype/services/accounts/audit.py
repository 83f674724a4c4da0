"""The audit trail: sign-ins, refusals and every change of rights, for administrators.

:func:`record` is the one way every service writes to it, in the caller's own transaction (so
an event is kept exactly when what it records is). Reads are never audited: a row written on a
read would invalidate the search cache (see :mod:`holotype.services.visible`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from holotype.catalog.accounts import ADDRESS_MAX, AuditEvent, Outcome, Via
from holotype.services.context import Portal
from holotype.services.identity import Identity, Kind


class Event(StrEnum):
    SIGNIN = "signin"
    SIGNIN_FAILED = "signin_failed"
    SIGNOUT = "signout"
    REGISTERED = "registered"
    EMAIL_VERIFIED = "email_verified"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    PROFILE_CHANGED = "profile_changed"
    USER_CREATED = "user_created"
    ROLE_CHANGED = "role_changed"
    ORGANISATION_CHANGED = "organisation_changed"
    VISIBILITY_CHANGED = "visibility_changed"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    TOKEN_WRITE = "token_write"
    WRITE_REFUSED = "write_refused"


@dataclass(frozen=True)
class AuditInfo:
    at: datetime
    actor_id: str | None
    actor_name: str
    via: str
    event: str
    target_type: str
    target_id: str
    organisation_id: str | None
    outcome: str
    address: str
    detail: dict[str, Any]


def via_of(identity: Identity) -> Via:
    """How ``identity`` came to ask: by an API token, a session, the command line, or not
    signed in at all."""
    if identity.token_id is not None:
        return Via.TOKEN
    if identity.kind == Kind.OPERATOR:
        return Via.CLI
    if identity.kind == Kind.ANONYMOUS:
        return Via.ANONYMOUS
    return Via.SESSION


def record(
    session: Session,
    identity: Identity,
    event: Event | str,
    *,
    target_type: str = "",
    target_id: str = "",
    organisation_id: str | None = None,
    outcome: Outcome | str = Outcome.OK,
    address: str | None = None,
    detail: Mapping[str, Any] | None = None,
    via: Via | None = None,
) -> None:
    """Add one event to ``session`` (committed with the caller's transaction)."""
    session.add(AuditEvent(
        actor_id=identity.user_id,
        actor_name=identity.name or str(identity.kind),
        via=str(via or via_of(identity)),
        event=str(Event(event)),
        target_type=target_type,
        target_id=target_id[:300],
        organisation_id=organisation_id,
        outcome=str(Outcome(outcome)),
        address=(address or "")[:ADDRESS_MAX],
        detail=json.dumps(dict(detail or {}), sort_keys=True, default=str),
    ))


def recent(session: Session, limit: int = 100, event: Event | str | None = None
           ) -> list[AuditInfo]:
    """The newest events first (``event``: only those)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id).limit(limit)
    if event is not None:
        query = query.where(AuditEvent.event == str(Event(event)))
    return [
        AuditInfo(row.at, row.actor_id, row.actor_name, row.via, row.event, row.target_type,
                  row.target_id, row.organisation_id, row.outcome, row.address,
                  json.loads(row.detail))
        for row in session.scalars(query)
    ]


def record_refusal(portal: Portal, identity: Identity, *, target_type: str, target_id: str,
                   reason: str, address: str = "") -> None:
    """A refused write (a forged or stale form, a write without the right) in its own
    transaction: the refusal is kept although nothing else happens."""
    with portal.write_session() as session:
        record(session, identity, Event.WRITE_REFUSED, target_type=target_type,
               target_id=target_id, outcome=Outcome.REFUSED, address=address,
               detail={"reason": reason})
