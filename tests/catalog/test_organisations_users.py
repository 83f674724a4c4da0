"""Service functions for organisations and users."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy.orm import Session

from holotype.errors import Conflict, Invalid, NotFound
from holotype.services import catalogue

Unchanged = Callable[[], AbstractContextManager[None]]


def test_create_get_and_list_organisations(session: Session) -> None:
    nhm = catalogue.create_organisation(
        session, slug="nhm", name="  Natural History Museum ", description="London\n"
    )
    catalogue.create_organisation(session, slug="kew", name="Royal Botanic Gardens, Kew")
    assert (nhm.slug, nhm.name, nhm.description) == ("nhm", "Natural History Museum", "London")
    assert nhm.created.tzinfo is not None
    assert catalogue.get_organisation(session, "nhm") == nhm
    assert catalogue.get_organisation(session, nhm.id) == nhm
    assert [o.slug for o in catalogue.list_organisations(session)] == ["kew", "nhm"]


def test_results_are_frozen(session: Session) -> None:
    nhm = catalogue.create_organisation(session, slug="nhm", name="NHM")
    with pytest.raises(AttributeError):
        nhm.name = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("ref", ["nope", "", "nhm\x00", "a" * 500])
def test_unknown_organisation(session: Session, ref: str) -> None:
    catalogue.create_organisation(session, slug="nhm", name="NHM")
    with pytest.raises(NotFound) as info:
        catalogue.get_organisation(session, ref)
    assert info.value.field == "organisation"


BAD_SLUGS: list[Any] = [
    "a",
    "-ab",
    "Ab",
    "ab_c",
    "ab c",
    "ab.c",
    "ab\n",
    "é-a",
    "a" * 101,
    "",
    5,
    None,
]


@pytest.mark.parametrize("slug", BAD_SLUGS)
def test_organisation_slug_must_be_valid(session: Session, unchanged: Unchanged, slug: Any) -> None:
    with unchanged(), pytest.raises(Invalid) as info:
        catalogue.create_organisation(session, slug=slug, name="NHM")
    assert info.value.field == "slug"
    assert info.value.status == 400


def test_longest_and_shortest_slugs_are_fine(session: Session) -> None:
    catalogue.create_organisation(session, slug="a" * 100, name="Long")
    catalogue.create_organisation(session, slug="0-", name="Short")
    assert len(catalogue.list_organisations(session)) == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 301}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"name": 7}, "name"),
        ({"description": "nul\x00"}, "description"),
        ({"description": None}, "description"),
    ],
)
def test_organisation_fields_are_checked(
    session: Session, unchanged: Unchanged, values: dict[str, Any], field: str
) -> None:
    with unchanged(), pytest.raises(Invalid) as info:
        catalogue.create_organisation(session, **{"slug": "nhm", "name": "NHM", **values})
    assert info.value.field == field


def test_duplicate_organisation_slug(session: Session, unchanged: Unchanged) -> None:
    catalogue.create_organisation(session, slug="nhm", name="NHM")
    with unchanged(), pytest.raises(Conflict) as info:
        catalogue.create_organisation(session, slug="nhm", name="Another")
    assert (info.value.field, info.value.status) == ("slug", 409)
    # The session is still usable after the error.
    catalogue.create_organisation(session, slug="kew", name="Kew")


def test_a_race_caught_by_the_database_is_a_conflict(
    session: Session, unchanged: Unchanged, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue.create_organisation(session, slug="nhm", name="NHM")
    # Pretend another writer committed between our check and our insert.
    monkeypatch.setattr(session, "scalar", lambda *args, **kwargs: None)
    with unchanged(), pytest.raises(Conflict) as info:
        catalogue.create_organisation(session, slug="nhm", name="Another")
    assert info.value.field == "slug"


def test_create_and_get_users(session: Session) -> None:
    ann = catalogue.create_user(
        session, username="ann_lee-1", email=" ann@example.org ", display_name="Ann Lee"
    )
    assert (ann.username, ann.email, ann.display_name) == (
        "ann_lee-1",
        "ann@example.org",
        "Ann Lee",
    )
    assert catalogue.get_user(session, "ann_lee-1") == ann
    assert catalogue.get_user(session, ann.id) == ann
    bob = catalogue.create_user(session, username="bob", email="bob@example.org")
    assert bob.display_name == ""


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"username": "A"}, "username"),
        ({"username": "Ann"}, "username"),
        ({"username": "_ann"}, "username"),
        ({"username": "a" * 65}, "username"),
        ({"username": "ann lee"}, "username"),
        ({"username": None}, "username"),
        ({"email": "ann"}, "email"),
        ({"email": "ann@localhost"}, "email"),
        ({"email": "ann @example.org"}, "email"),
        ({"email": "a@" + "b" * 320 + ".org"}, "email"),
        ({"email": ""}, "email"),
        ({"display_name": "x" * 301}, "display_name"),
        ({"display_name": "tab\there"}, "display_name"),
    ],
)
def test_user_fields_are_checked(
    session: Session, unchanged: Unchanged, values: dict[str, Any], field: str
) -> None:
    with unchanged(), pytest.raises(Invalid) as info:
        catalogue.create_user(session, **{"username": "ann", "email": "a@example.org", **values})
    assert info.value.field == field


def test_duplicate_username(session: Session, unchanged: Unchanged) -> None:
    catalogue.create_user(session, username="ann", email="ann@example.org")
    with unchanged(), pytest.raises(Conflict) as info:
        catalogue.create_user(session, username="ann", email="other@example.org")
    assert info.value.field == "username"


def test_unknown_user(session: Session) -> None:
    with pytest.raises(NotFound) as info:
        catalogue.get_user(session, "nobody")
    assert info.value.field == "user"
