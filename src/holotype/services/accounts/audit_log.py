"""Reading the audit trail (sysadmins only): the events matching some filters, newest first.

Reading it writes nothing (a read must not end the search cache's validity, see
:mod:`holotype.services.visible`), so looking at the trail is not itself audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from holotype.catalog.accounts import AuditEvent, Outcome, Via
from holotype.errors import Invalid, SignInRequired
from holotype.services import policy
from holotype.services.accounts.audit import AuditInfo, Event
from holotype.services.context import Portal
from holotype.services.identity import Identity, Kind

MAX_LIMIT = 10_000


@dataclass(frozen=True, kw_only=True)
class AuditFilters:
    event: str | None = None
    actor: str | None = None  # the actor's name
    outcome: str | None = None
    via: str | None = None
    target: str | None = None  # the target's id (or name)
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200


def _choice(value: str | None, allowed: type[Event] | type[Outcome] | type[Via],
            field: str) -> str | None:
    if not value:
        return None
    if value not in {str(v) for v in allowed}:
        raise Invalid(f"{value[:40]!r} is not one of {', '.join(str(v) for v in allowed)}",
                      field=field)
    return value


def search_audit(portal: Portal, identity: Identity, filters: AuditFilters) -> list[AuditInfo]:
    """The events matching ``filters``, newest first (at most ``filters.limit``)."""
    if identity.kind == Kind.ANONYMOUS:
        raise SignInRequired("sign in as a sysadmin to see the audit trail")
    policy.require(policy.may_view_audit(identity), "only sysadmins may see the audit trail")
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise Invalid(f"must be from 1 to {MAX_LIMIT}", field="limit")
    query = select(AuditEvent)
    for column, value in (
        (AuditEvent.event, _choice(filters.event, Event, "event")),
        (AuditEvent.outcome, _choice(filters.outcome, Outcome, "outcome")),
        (AuditEvent.via, _choice(filters.via, Via, "via")),
        (AuditEvent.actor_name, filters.actor or None),
        (AuditEvent.target_id, filters.target or None),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at < filters.until)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id).limit(filters.limit)
    with portal.session() as session:
        return [
            AuditInfo(row.at, row.actor_id, row.actor_name, row.via, row.event,
                      row.target_type, row.target_id, row.organisation_id, row.outcome,
                      row.address, json.loads(row.detail))
            for row in session.scalars(query)
        ]
