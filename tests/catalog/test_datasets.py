"""Service functions for datasets: create, read, list, update, delete, and every bad input."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from holotype.catalog.models import Creator, Keyword, Resource
from holotype.errors import Conflict, Invalid, NotFound
from holotype.services import catalogue

Unchanged = Callable[[], AbstractContextManager[None]]

ORCID = "0000-0002-1825-0097"


@pytest.fixture
def people(session: Session) -> None:
    catalogue.create_organisation(session, slug="nhm", name="Natural History Museum")
    catalogue.create_organisation(session, slug="kew", name="Kew")
    catalogue.create_user(session, username="ann", email="ann@example.org")
    catalogue.create_user(session, username="bob", email="bob@example.org")


def _create(session: Session, **values: Any) -> catalogue.DatasetInfo:
    return catalogue.create_dataset(
        session, **{"slug": "birds", "title": "Birds", "licence": "CC-BY-4.0", **values}
    )


def _count(session: Session, model: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.usefixtures("people")
def test_create_with_everything(session: Session) -> None:
    dataset = _create(
        session,
        title=" Bird skins ",
        description="Skins\nand eggs",
        category="research",
        visibility="private",
        organisation="nhm",
        owner="ann",
        creators=[
            {"name": "Josiah Carberry", "orcid": f"https://orcid.org/{ORCID}"},
            {"name": "Ann Lee", "affiliation": "NHM", "orcid": None},
            {"name": "Bob", "orcid": "", "affiliation": " "},
        ],
        keywords=[" Aves ", "birds", "Aves"],
        doi="https://doi.org/10.5519/QD.ABC123",
    )
    assert dataset.slug == "birds"
    assert dataset.title == "Bird skins"
    assert dataset.description == "Skins\nand eggs"
    assert dataset.licence.id == "CC-BY-4.0"
    assert dataset.licence.url == "https://creativecommons.org/licenses/by/4.0/"
    assert (dataset.category, dataset.visibility) == ("research", "private")
    assert not dataset.is_public
    assert (dataset.organisation, dataset.owner) == ("nhm", "ann")
    assert dataset.creators == (
        catalogue.CreatorInfo("Josiah Carberry", ORCID, None),
        catalogue.CreatorInfo("Ann Lee", None, "NHM"),
        catalogue.CreatorInfo("Bob", None, None),
    )
    assert dataset.keywords == ("Aves", "birds")
    assert dataset.doi == "10.5519/QD.ABC123"
    assert dataset.created.tzinfo is not None
    assert dataset.modified >= dataset.created
    assert catalogue.get_dataset(session, "birds") == dataset
    assert catalogue.get_dataset(session, dataset.id) == dataset


def test_create_with_defaults(session: Session) -> None:
    dataset = _create(session)
    assert (dataset.category, dataset.visibility, dataset.description) == (
        "collection",
        "public",
        "",
    )
    assert dataset.is_public
    assert (dataset.organisation, dataset.owner, dataset.doi) == (None, None, None)
    assert (dataset.creators, dataset.keywords) == ((), ())


@pytest.mark.parametrize("licence", ["CC0-1.0", "ODbL-1.0", "OGL-UK-3.0"])
def test_any_listed_licence(session: Session, licence: str) -> None:
    assert _create(session, licence=licence).licence.id == licence


@pytest.mark.parametrize("doi", ["10.1234/a", "doi:10.123456789/x.y-z", "http://doi.org/10.1000/1"])
def test_doi_forms(session: Session, doi: str) -> None:
    assert _create(session, doi=doi).doi == doi.split("doi:")[-1].split("doi.org/")[-1]


INVALID: list[tuple[dict[str, Any], str, str]] = [
    ({"slug": "Birds"}, "slug", "not a valid name"),
    ({"slug": "b"}, "slug", "not a valid name"),
    ({"slug": "birds/eggs"}, "slug", "not a valid name"),
    ({"title": ""}, "title", "required"),
    ({"title": "x" * 301}, "title", "at most 300"),
    ({"title": "a\rb"}, "title", "single line"),
    ({"title": None}, "title", "required"),
    ({"description": "\x00"}, "description", "NUL"),
    ({"description": "x" * 100_001}, "description", "at most"),
    ({"licence": "MIT"}, "licence", "CC0-1.0, CC-BY-4.0"),
    ({"licence": "cc-by-4.0"}, "licence", "choose one of"),
    ({"licence": None}, "licence", "text"),
    ({"category": "specimens"}, "category", "collection, research"),
    ({"category": "Collection"}, "category", "collection, research"),
    ({"visibility": "hidden"}, "visibility", "public, private"),
    ({"visibility": None}, "visibility", "public, private"),
    ({"doi": "10.12/abc"}, "doi", "not a DOI"),
    ({"doi": "11.1234/abc"}, "doi", "not a DOI"),
    ({"doi": "10.1234/"}, "doi", "not a DOI"),
    ({"doi": "10.1234/a b"}, "doi", "not a DOI"),
    ({"doi": "10.1234/" + "x" * 250}, "doi", "not a DOI"),
    ({"doi": 10.1234}, "doi", "text"),
    ({"organisation": "nope"}, "organisation", "no organisation"),
    ({"owner": "nobody"}, "owner", "no user"),
    ({"creators": "Ann"}, "creators", "list"),
    ({"creators": ["Ann"]}, "creators[0]", "object"),
    ({"creators": [{"orcid": ORCID}]}, "creators[0].name", "required"),
    ({"creators": [{"name": "Ann"}, {"name": " "}]}, "creators[1].name", "required"),
    ({"creators": [{"name": "Ann", "email": "a@b.c"}]}, "creators[0]", "unknown field"),
    (
        {"creators": [{"name": "Ann"}, {"name": "Bob", "orcid": "0000-0002-1825-0098"}]},
        "creators[1].orcid",
        "check digit",
    ),
    ({"creators": [{"name": "Ann", "orcid": "orcid"}]}, "creators[0].orcid", "not an ORCID"),
    ({"creators": [{"name": "Ann", "affiliation": "x" * 301}]}, "creators[0].affiliation", "300"),
    ({"keywords": "birds"}, "keywords", "list"),
    ({"keywords": ["birds", ""]}, "keywords[1]", "required"),
    ({"keywords": ["x" * 101]}, "keywords[0]", "at most 100"),
    ({"keywords": [3]}, "keywords[0]", "text"),
    ({"keywords": ["two\nlines"]}, "keywords[0]", "single line"),
]


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(("values", "field", "message"), INVALID)
def test_invalid_input_names_the_field_and_changes_nothing(
    session: Session, unchanged: Unchanged, values: dict[str, Any], field: str, message: str
) -> None:
    with unchanged(), pytest.raises(Invalid) as info:
        _create(session, **values)
    assert info.value.field == field
    assert message in info.value.message


def test_duplicate_slug(session: Session, unchanged: Unchanged) -> None:
    _create(session)
    with unchanged(), pytest.raises(Conflict) as info:
        _create(session, title="Other birds")
    assert info.value.field == "slug"


def test_duplicate_doi_ignoring_case(session: Session, unchanged: Unchanged) -> None:
    _create(session, doi="10.5519/qd.abc")
    with unchanged(), pytest.raises(Conflict) as info:
        _create(session, slug="eggs", doi="10.5519/QD.ABC")
    assert info.value.field == "doi"
    assert "birds" not in info.value.message  # the holder may be private: never named


@pytest.mark.parametrize("ref", ["nope", "", "birds\x00"])
def test_unknown_dataset(session: Session, ref: str) -> None:
    _create(session)
    with pytest.raises(NotFound) as info:
        catalogue.get_dataset(session, ref)
    assert (info.value.field, info.value.status) == ("dataset", 404)


def test_an_id_wins_over_a_slug_that_looks_like_one(session: Session) -> None:
    first = _create(session)
    impostor = _create(session, slug=first.id, title="Impostor")
    assert catalogue.get_dataset(session, first.id) == first
    assert catalogue.get_dataset(session, impostor.id) == impostor


@pytest.mark.usefixtures("people")
def test_list_hides_private_datasets_unless_asked(session: Session) -> None:
    _create(session, slug="c-public", organisation="nhm")
    _create(session, slug="a-private", visibility="private", organisation="nhm")
    _create(session, slug="b-public", organisation="kew")
    assert [d.slug for d in catalogue.list_datasets(session)] == ["b-public", "c-public"]
    everything = catalogue.list_datasets(session, true())
    assert [d.slug for d in everything] == ["a-private", "b-public", "c-public"]
    assert [d.slug for d in catalogue.list_datasets(session, organisation="nhm")] == ["c-public"]
    nhm_all = catalogue.list_datasets(session, true(), organisation="nhm")
    assert [d.slug for d in nhm_all] == ["a-private", "c-public"]
    with pytest.raises(NotFound):
        catalogue.list_datasets(session, organisation="nope")


def test_list_carries_creators_and_keywords(session: Session) -> None:
    made = _create(session, creators=[{"name": "Ann"}, {"name": "Bob"}], keywords=["b", "a"])
    assert catalogue.list_datasets(session) == [made]


@pytest.mark.usefixtures("people")
def test_update_every_field(session: Session) -> None:
    before = _create(
        session,
        organisation="nhm",
        owner="ann",
        creators=[{"name": "Ann"}, {"name": "Bob"}],
        keywords=["birds"],
        doi="10.1234/old",
    )
    after = catalogue.update_dataset(
        session,
        "birds",
        title="Eggs",
        description="All the eggs",
        licence="CC0-1.0",
        category="research",
        visibility="private",
        organisation="kew",
        owner="bob",
        creators=[{"name": "Cat", "orcid": ORCID}, {"name": "Ann"}],
        keywords=["eggs", "oology"],
        doi="10.1234/new",
    )
    assert (after.id, after.slug, after.created) == (before.id, before.slug, before.created)
    assert (after.title, after.description, after.licence.id) == ("Eggs", "All the eggs", "CC0-1.0")
    assert (after.category, after.visibility) == ("research", "private")
    assert (after.organisation, after.owner, after.doi) == ("kew", "bob", "10.1234/new")
    assert [c.name for c in after.creators] == ["Cat", "Ann"]
    assert after.creators[0].orcid == ORCID
    assert after.keywords == ("eggs", "oology")
    assert after.modified > before.modified
    assert catalogue.get_dataset(session, before.id) == after
    assert _count(session, Creator) == 2
    assert _count(session, Keyword) == 2


@pytest.mark.usefixtures("people")
def test_update_clears_optional_links(session: Session) -> None:
    _create(session, organisation="nhm", owner="ann", doi="10.1234/x", keywords=["a"])
    after = catalogue.update_dataset(
        session, "birds", organisation=None, owner=None, doi=None, creators=[], keywords=[]
    )
    assert (after.organisation, after.owner, after.doi) == (None, None, None)
    assert (after.creators, after.keywords) == ((), ())


def test_update_leaves_unmentioned_fields_alone(session: Session) -> None:
    before = _create(session, description="d", creators=[{"name": "Ann"}], keywords=["k"])
    after = catalogue.update_dataset(session, before.id, title="New title")
    assert after.title == "New title"
    assert (after.description, after.creators, after.keywords) == ("d", before.creators, ("k",))


def test_update_may_keep_its_own_doi(session: Session) -> None:
    _create(session, doi="10.1234/x")
    assert catalogue.update_dataset(session, "birds", doi="10.1234/X").doi == "10.1234/X"


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [case for case in INVALID if not case[1].startswith("slug")],
)
def test_invalid_updates_change_nothing(
    session: Session, unchanged: Unchanged, values: dict[str, Any], field: str, message: str
) -> None:
    _create(session, creators=[{"name": "Ann"}], keywords=["k"])
    # A valid change in the same call is not kept either.
    with unchanged(), pytest.raises(Invalid) as info:
        catalogue.update_dataset(session, "birds", **{"description": "changed", **values})
    assert info.value.field == field
    assert message in info.value.message


def test_update_to_a_taken_doi(session: Session, unchanged: Unchanged) -> None:
    _create(session, doi="10.1234/x")
    _create(session, slug="eggs")
    with unchanged(), pytest.raises(Conflict) as info:
        catalogue.update_dataset(session, "eggs", title="Eggs!", doi="10.1234/X")
    assert info.value.field == "doi"
    assert "birds" not in info.value.message  # the holder may be private: never named


def test_update_unknown_dataset(session: Session, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(NotFound):
        catalogue.update_dataset(session, "nope", title="x")


def test_delete_removes_creators_keywords_and_resources(session: Session) -> None:
    _create(session, creators=[{"name": "Ann"}], keywords=["k"])
    catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")
    kept = _create(session, slug="eggs", creators=[{"name": "Bob"}], keywords=["k"])
    catalogue.create_resource(session, "eggs", slug="specimens", name="Specimens")
    catalogue.delete_dataset(session, "birds")
    with pytest.raises(NotFound):
        catalogue.get_dataset(session, "birds")
    assert catalogue.list_datasets(session) == [catalogue.get_dataset(session, kept.id)]
    assert (_count(session, Creator), _count(session, Keyword), _count(session, Resource)) == (
        1,
        1,
        1,
    )


def test_delete_unknown_dataset(session: Session, unchanged: Unchanged) -> None:
    _create(session)
    with unchanged(), pytest.raises(NotFound):
        catalogue.delete_dataset(session, "nope")
