"""Organisations and users in the catalogue (see :mod:`holotype.services.catalogue`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from holotype.catalog import validation as check
from holotype.catalog.models import Organisation, User
from holotype.catalog.snapshots import OrganisationInfo, UserInfo, organisation_info, user_info
from holotype.errors import Conflict, Invalid, NotFound
from holotype.services.catalogue_units import one_by_slug_or_id, unit_of_work


def create_organisation(
    session: Session, *, slug: str, name: str, description: str = ""
) -> OrganisationInfo:
    with unit_of_work(session, Conflict(f"organisation {slug!r} already exists", field="slug")):
        organisation = Organisation(
            slug=check.slug(slug),
            name=check.line(name, "name"),
            description=check.prose(description, "description"),
        )
        if session.scalar(select(Organisation.id).filter_by(slug=organisation.slug)):
            raise Conflict(f"organisation {slug!r} already exists", field="slug")
        session.add(organisation)
        session.flush()
        return organisation_info(organisation)


def get_organisation(session: Session, organisation: str) -> OrganisationInfo:
    """The organisation with this slug or id."""
    return organisation_info(find_organisation(session, organisation, NotFound))


def list_organisations(session: Session) -> list[OrganisationInfo]:
    """All organisations, by slug."""
    found = session.scalars(select(Organisation).order_by(Organisation.slug))
    return [organisation_info(organisation) for organisation in found]


def create_user(session: Session, *, username: str, email: str, display_name: str = "") -> UserInfo:
    with unit_of_work(session, Conflict(f"username {username!r} is taken", field="username")):
        user = User(
            username=check.username(username),
            email=check.email(email),
            display_name=check.optional_line(display_name, "display_name") or "",
        )
        if session.scalar(select(User.id).filter_by(username=user.username)):
            raise Conflict(f"username {username!r} is taken", field="username")
        session.add(user)
        session.flush()
        return user_info(user)


def get_user(session: Session, user: str) -> UserInfo:
    """The user with this username or id."""
    return user_info(find_user(session, user, NotFound))



def find_organisation(
    session: Session, ref: object, error: type[NotFound] | type[Invalid]
) -> Organisation:
    found = one_by_slug_or_id(session, Organisation, Organisation.slug, ref)
    if found is None:
        raise error(f"there is no organisation {ref!r}", field="organisation")
    return found


def find_user(session: Session, ref: object, error: type[NotFound] | type[Invalid]) -> User:
    found = one_by_slug_or_id(session, User, User.username, ref)
    if found is None:
        raise error(f"there is no user {ref!r}", field="owner" if error is Invalid else "user")
    return found
