"""Accounts that come from an outside directory (LDAP, OpenID Connect): the local user kept in
step with the directory at every sign-in.

The person is found by who they are at the provider (``external_identities``: an LDAP DN, an
OpenID Connect subject), else created; their name and email address are copied again, and the
organisation roles the directory gives replace those it gave before (roles given in the portal
are left alone: see :func:`holotype.services.organisations.apply_directory_roles`). A local
account with the same user name is never taken over.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from holotype.catalog import validation as check
from holotype.catalog.accounts import ExternalIdentity, Via
from holotype.catalog.models import Role, User, UserSource, UserState
from holotype.catalog.timestamps import utcnow
from holotype.errors import Conflict, Forbidden, Invalid
from holotype.services import organisations
from holotype.services.accounts import audit
from holotype.services.accounts.identities import identity_for_user
from holotype.services.context import Portal
from holotype.services.identity import Identity

log = logging.getLogger(__name__)

_RANK = {role.value: rank for rank, role in enumerate(Role)}  # member < editor < admin


@dataclass(frozen=True)
class ExternalPerson:
    """Who the directory says signed in, and the organisation roles it gives them."""

    provider: UserSource
    subject: str  # the LDAP DN, or the OpenID Connect subject
    username: str
    email: str
    display_name: str = ""
    roles: Mapping[str, str] = field(default_factory=dict)  # organisation slug -> role


def grants(values: Iterable[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """The organisation roles that the directory's ``values`` (group DNs, claim values) give
    through ``mapping`` (value -> "slug:role"); the highest role wins when several give one
    organisation. ``mapping``'s keys and the values are compared case-insensitively."""
    table = {key.casefold(): grant for key, grant in mapping.items()}
    roles: dict[str, str] = {}
    for value in values:
        grant = table.get(value.casefold())
        if grant is None:
            continue
        slug, _, role = grant.partition(":")
        if slug not in roles or _RANK[role] > _RANK[roles[slug]]:
            roles[slug] = role
    return roles


def _existing(session: Session, person: ExternalPerson) -> User | None:
    user_id = session.scalar(select(ExternalIdentity.user_id).where(
        ExternalIdentity.provider == person.provider.value,
        ExternalIdentity.subject == person.subject))
    if user_id is not None:
        return session.get(User, user_id)
    same_name = session.scalar(select(User).where(User.username == person.username))
    if same_name is not None:
        # Never take over an account of another origin (a local password, another provider).
        raise Conflict(f"the user name {person.username!r} belongs to another account on this "
                       "portal: ask its administrators to rename one of them",
                       field="username")
    return None


def provision(portal: Portal, person: ExternalPerson, address: str = "") -> Identity:
    """The local account for ``person``, created or brought up to date (name, email,
    directory roles), as an identity; audited. A disabled account is refused."""
    username = check.username(person.username)
    try:
        email = check.email(person.email)
    except ValueError:
        raise Invalid(f"the {person.provider} directory gives no usable email address for "
                      f"{username!r}", field="username") from None
    display_name = (check.optional_line(person.display_name, "display_name") or "")
    via = Via(person.provider.value)
    with portal.write_session() as session:
        user = _existing(session, person)
        if user is None:
            user = User(username=username, email=email, display_name=display_name,
                        source=person.provider.value, state=UserState.ACTIVE.value,
                        email_verified=utcnow())
            session.add(user)
            session.flush()
            session.add(ExternalIdentity(provider=person.provider.value,
                                         subject=person.subject, user_id=user.id))
            audit.record(session, identity_for_user(session, user.id),
                         audit.Event.USER_CREATED, target_type="user", target_id=username,
                         address=address, via=via,
                         detail={"provider": person.provider.value, "subject": person.subject})
        elif user.state != UserState.ACTIVE.value:
            raise Forbidden("this account is disabled", field="username")
        else:
            user.email, user.email_verified = email, utcnow()
            user.display_name = display_name or user.display_name
        changes = organisations.apply_directory_roles(
            session, identity_for_user(session, user.id), user.id, dict(person.roles),
            source=person.provider.value)
        if changes:
            log.info("%s roles of %s changed: %s", person.provider, username, changes)
        return identity_for_user(session, user.id)
