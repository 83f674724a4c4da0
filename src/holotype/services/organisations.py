"""Organisations and their members: who holds which role, changed only as the policy allows
and every change written to the audit trail.

Roles are member (reads the organisation's private datasets), editor (also creates, changes and
publishes them) and admin (also manages the members). An admin grants at most admin; sysadmin
is no organisation role (``holotype user create --sysadmin``). A directory (LDAP, OIDC) grants
roles too: :func:`apply_directory_roles` replaces only the roles that directory granted, so a
role given by hand survives a sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from holotype.catalog import validation as check
from holotype.catalog.models import Dataset, Membership, Role, User, UserSource
from holotype.catalog.snapshots import DatasetInfo, OrganisationInfo, organisation_info
from holotype.errors import Conflict, Invalid, NotFound
from holotype.services import catalogue, guard, people, policy, visible
from holotype.services.accounts import audit
from holotype.services.identity import Identity

if TYPE_CHECKING:
    from holotype.services.context import Portal


@dataclass(frozen=True)
class MemberInfo:
    user_id: str
    username: str
    display_name: str
    role: str
    source: str  # who granted the role: local, ldap or oidc


@dataclass(frozen=True)
class RoleChange:
    organisation_id: str
    before: str | None  # None: was not a member
    after: str | None  # None: no longer a member


def _choice(value: str, field: str, choices: type[Role] | type[UserSource]) -> str:
    try:
        return check.choice(value, field, choices)
    except check.FieldError as exc:
        raise Invalid(exc.message, field=field) from None


def _role(role: str, field: str = "role") -> str:
    return _choice(role, field, Role)


def _line(value: str, field: str, prose: bool = False) -> str:
    try:
        return check.prose(value, field) if prose else check.line(value, field)
    except check.FieldError as exc:
        raise Invalid(exc.message, field=field) from None


def list_organisations(portal: Portal, identity: Identity) -> list[OrganisationInfo]:
    """Every organisation, by slug (their names are public; their private datasets are not)."""
    del identity  # anyone may list them
    with portal.session() as session:
        return people.list_organisations(session)


def get_organisation(portal: Portal, identity: Identity, ref: str) -> OrganisationInfo:
    del identity
    with portal.session() as session:
        return people.get_organisation(session, ref)


@dataclass(frozen=True)
class OrganisationPage:
    organisation: OrganisationInfo
    datasets: list[DatasetInfo]  # those the identity may read
    role: str | None  # the identity's role in it
    sees_members: bool
    manages_members: bool


def organisation_page(portal: Portal, identity: Identity, ref: str) -> OrganisationPage:
    """An organisation with the datasets ``identity`` may read and what it may do there."""
    found = get_organisation(portal, identity, ref)
    with portal.session() as session:
        datasets = visible.readable_datasets(session, identity, found.id)
    return OrganisationPage(found, datasets, identity.role_in(found.id),
                            policy.may_see_members(identity, found.id),
                            policy.may_manage_members(identity, found.id))


def create_organisation(portal: Portal, identity: Identity, slug: str, name: str,
                        description: str = "") -> OrganisationInfo:
    """A new organisation (sysadmins only)."""
    guard.require(portal, identity, policy.may_manage_organisations(identity),
                  "only a sysadmin may create organisations", target_type="organisation",
                  target_id=slug)
    with portal.write_session() as session:
        made = people.create_organisation(session, slug=slug, name=name, description=description)
        audit.record(session, identity, audit.Event.ORGANISATION_CHANGED,
                     target_type="organisation", target_id=made.id, organisation_id=made.id,
                     detail={"action": "create", "slug": made.slug})
        return made


def update_organisation(portal: Portal, identity: Identity, ref: str, *,
                        name: str | None = None, description: str | None = None
                        ) -> OrganisationInfo:
    """Change an organisation's name or description (its admins, and sysadmins)."""
    found = get_organisation(portal, identity, ref)
    guard.require(portal, identity, policy.may_manage_members(identity, found.id),
                  f"only an admin of {found.slug!r} may change it", target_type="organisation",
                  target_id=found.id, organisation_id=found.id)
    with portal.write_session() as session:
        row = people.find_organisation(session, found.id, NotFound)
        if name is not None:
            row.name = _line(name, "name")
        if description is not None:
            row.description = _line(description, "description", prose=True)
        audit.record(session, identity, audit.Event.ORGANISATION_CHANGED,
                     target_type="organisation", target_id=row.id, organisation_id=row.id,
                     detail={"action": "update"})
        session.flush()
        return organisation_info(row)


def delete_organisation(portal: Portal, identity: Identity, ref: str) -> None:
    """Delete an organisation without datasets (sysadmins only); its memberships go with it."""
    found = get_organisation(portal, identity, ref)
    guard.require(portal, identity, policy.may_manage_organisations(identity),
                  "only a sysadmin may delete organisations", target_type="organisation",
                  target_id=found.id, organisation_id=found.id)
    with portal.write_session() as session:
        held = session.scalar(select(func.count()).select_from(Dataset)
                              .where(Dataset.organisation_id == found.id))
        if held:
            raise Conflict(f"organisation {found.slug!r} still has {held} dataset(s); delete "
                           "them or move them to another organisation first",
                           field="organisation")
        session.delete(people.find_organisation(session, found.id, NotFound))
        audit.record(session, identity, audit.Event.ORGANISATION_CHANGED,
                     target_type="organisation", target_id=found.id,
                     detail={"action": "delete", "slug": found.slug})


def list_members(portal: Portal, identity: Identity, ref: str) -> list[MemberInfo]:
    """An organisation's members by username (for its members and sysadmins; to others the
    list is not found)."""
    found = get_organisation(portal, identity, ref)
    if not policy.may_see_members(identity, found.id):
        raise NotFound(f"organisation {found.slug!r} shows its members only to its members",
                       field="organisation")
    with portal.session() as session:
        rows = session.execute(
            select(User.id, User.username, User.display_name, Membership.role,
                   Membership.source)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == found.id).order_by(User.username)
        ).all()
    return [MemberInfo(*row) for row in rows]


def _member_row(session: Session, organisation_id: str, user_id: str) -> Membership | None:
    return session.get(Membership, (user_id, organisation_id))


def set_role(portal: Portal, identity: Identity, ref: str, username: str, role: str | None,
             source: str = UserSource.LOCAL.value) -> RoleChange:
    """Give ``username`` ``role`` in the organisation (adding them when not a member), or with
    None remove them. Only its admins and sysadmins may; nobody grants more than admin."""
    found = get_organisation(portal, identity, ref)
    if role is not None:
        role = _role(role)
    source = _choice(source, "source", UserSource)
    guard.require(portal, identity, policy.may_manage_members(identity, found.id),
                  f"only an admin of {found.slug!r} may change its members",
                  field="organisation", target_type="organisation", target_id=found.id,
                  organisation_id=found.id)
    if role is not None:
        guard.require(portal, identity, policy.may_set_role(identity, found.id, role),
                      f"you may not grant the role {role!r}", field="role",
                      target_type="user", target_id=username, organisation_id=found.id)
    with portal.write_session() as session:
        user = people.find_user(session, username, Invalid)
        row = _member_row(session, found.id, user.id)
        before = row.role if row is not None else None
        if role is None and row is not None:
            session.delete(row)
        elif role is not None and row is None:
            session.add(Membership(user_id=user.id, organisation_id=found.id, role=role,
                                   source=source))
        elif role is not None and row is not None:
            row.role, row.source = role, source
        change = RoleChange(found.id, before, role)
        if before != role:
            audit.record(session, identity, audit.Event.ROLE_CHANGED, target_type="user",
                         target_id=user.id, organisation_id=found.id,
                         detail={"username": user.username, "before": before, "after": role,
                                 "source": source})
        return change


def add_member(portal: Portal, identity: Identity, ref: str, username: str,
               role: str = Role.MEMBER.value) -> RoleChange:
    """Add ``username`` to the organisation; one already a member is refused (use
    :func:`set_role` to change a role)."""
    found = get_organisation(portal, identity, ref)
    with portal.session() as session:
        user = people.find_user(session, username, Invalid)
        if _member_row(session, found.id, user.id) is not None:
            raise Conflict(f"{user.username!r} is already a member of {found.slug!r}",
                           field="username")
    return set_role(portal, identity, ref, username, role)


def remove_member(portal: Portal, identity: Identity, ref: str, username: str) -> RoleChange:
    return set_role(portal, identity, ref, username, None)


def apply_directory_roles(session: Session, identity: Identity, user_id: str,
                          roles: Mapping[str, str], source: str) -> list[RoleChange]:
    """Make ``user_id``'s roles granted by the directory ``source`` (ldap, oidc) exactly
    ``roles`` (organisation slug or id → role), in the caller's transaction (the sign-in's).
    Roles granted otherwise are left alone; an unknown organisation is skipped (a directory
    may name groups this portal does not hold). ``identity`` is the sign-in doing it."""
    source = _choice(source, "source", UserSource)
    wanted: dict[str, str] = {}
    for ref, role in roles.items():
        try:
            organisation = people.find_organisation(session, ref, NotFound)
        except NotFound:
            continue
        wanted[organisation.id] = _role(role)
    held = {row.organisation_id: row for row in session.scalars(
        select(Membership).where(Membership.user_id == user_id))}
    changes: list[RoleChange] = []
    for organisation_id, row in held.items():
        if row.source == source and organisation_id not in wanted:
            changes.append(RoleChange(organisation_id, row.role, None))
            session.delete(row)
    for organisation_id, role in wanted.items():
        kept = held.get(organisation_id)
        if kept is None:
            session.add(Membership(user_id=user_id, organisation_id=organisation_id, role=role,
                                   source=source))
            changes.append(RoleChange(organisation_id, None, role))
        elif kept.source == source and kept.role != role:
            changes.append(RoleChange(organisation_id, kept.role, role))
            kept.role = role
    for change in changes:
        audit.record(session, identity, audit.Event.ROLE_CHANGED, target_type="user",
                     target_id=user_id, organisation_id=change.organisation_id,
                     detail={"before": change.before, "after": change.after, "source": source})
    session.flush()
    return changes


def set_visibility(portal: Portal, identity: Identity, dataset: str, visibility: str
                   ) -> DatasetInfo:
    """Make a dataset public or private (its organisation's editors and admins, sysadmins)."""
    with portal.session() as session:
        found = visible.readable_dataset(session, identity, dataset)
    guard.require(portal, identity, policy.may_change_visibility(identity, found),
                  f"only an editor or admin of {found.slug!r}'s organisation may change its "
                  "visibility", field="visibility", target_type="dataset", target_id=found.id,
                  organisation_id=found.organisation_id)
    with portal.write_session() as session:
        changed = catalogue.update_dataset(session, found.id, visibility=visibility)
        if changed.visibility != found.visibility:
            audit.record(session, identity, audit.Event.VISIBILITY_CHANGED,
                         target_type="dataset", target_id=found.id,
                         organisation_id=found.organisation_id,
                         detail={"before": found.visibility, "after": changed.visibility})
        return changed
