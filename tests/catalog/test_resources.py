"""Service functions for resources."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy.orm import Session

from holotype.errors import Conflict, Invalid, NotFound
from holotype.services import catalogue

Unchanged = Callable[[], AbstractContextManager[None]]


@pytest.fixture
def birds(session: Session) -> catalogue.DatasetInfo:
    return catalogue.create_dataset(session, slug="birds", title="Birds", licence="CC0-1.0")


def test_create_get_and_list(session: Session, birds: catalogue.DatasetInfo) -> None:
    specimens = catalogue.create_resource(
        session, "birds", slug="specimens", name=" Specimens ", id_field="occurrenceID"
    )
    readme = catalogue.create_resource(
        session, birds.id, slug="about", name="Read me", kind="file", description="How to"
    )
    assert (specimens.kind, specimens.id_field, specimens.description) == (
        "records",
        "occurrenceID",
        "",
    )
    assert specimens.name == "Specimens"
    assert (specimens.dataset_id, specimens.dataset_slug) == (birds.id, "birds")
    assert (readme.kind, readme.id_field, readme.description) == ("file", None, "How to")
    assert len(specimens.id) == 32
    assert specimens.created.tzinfo is not None
    assert catalogue.get_resource(session, specimens.id) == specimens
    assert catalogue.get_resource(session, "birds/specimens") == specimens
    assert catalogue.list_resources(session, "birds") == [readme, specimens]
    assert catalogue.list_resources(session, birds.id) == [readme, specimens]


def test_adding_a_resource_marks_the_dataset_modified(
    session: Session, birds: catalogue.DatasetInfo
) -> None:
    catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")
    assert catalogue.get_dataset(session, "birds").modified > birds.modified


def test_same_slug_in_another_dataset_is_fine(
    session: Session, birds: catalogue.DatasetInfo
) -> None:
    catalogue.create_dataset(session, slug="eggs", title="Eggs", licence="CC0-1.0")
    catalogue.create_resource(session, "birds", slug="specimens", name="Bird specimens")
    catalogue.create_resource(session, "eggs", slug="specimens", name="Egg specimens")
    assert catalogue.get_resource(session, "eggs/specimens").name == "Egg specimens"


@pytest.mark.usefixtures("birds")
def test_duplicate_slug_in_a_dataset(session: Session, unchanged: Unchanged) -> None:
    catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")
    with unchanged(), pytest.raises(Conflict) as info:
        catalogue.create_resource(session, "birds", slug="specimens", name="Again")
    assert info.value.field == "slug"


@pytest.mark.usefixtures("birds")
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"slug": "Specimens"}, "slug"),
        ({"slug": "s"}, "slug"),
        ({"slug": "a/b"}, "slug"),
        ({"name": ""}, "name"),
        ({"name": "x" * 301}, "name"),
        ({"kind": "table"}, "kind"),
        ({"kind": None}, "kind"),
        ({"description": "\x00"}, "description"),
        ({"id_field": "x" * 201}, "id_field"),
        ({"id_field": "a\nb"}, "id_field"),
        ({"id_field": 3}, "id_field"),
    ],
)
def test_invalid_input(
    session: Session, unchanged: Unchanged, values: dict[str, Any], field: str
) -> None:
    with unchanged(), pytest.raises(Invalid) as info:
        catalogue.create_resource(
            session, "birds", **{"slug": "specimens", "name": "Specimens", **values}
        )
    assert info.value.field == field


def test_resource_of_unknown_dataset(session: Session, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(NotFound) as info:
        catalogue.create_resource(session, "nope", slug="specimens", name="Specimens")
    assert info.value.field == "dataset"
    with pytest.raises(NotFound):
        catalogue.list_resources(session, "nope")


@pytest.mark.usefixtures("birds")
@pytest.mark.parametrize(
    "ref", ["nope", "birds/nope", "nope/specimens", "birds/specimens/x", "/", "", "a\x00/b", "\x00"]
)
def test_unknown_resource(session: Session, ref: str) -> None:
    catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")
    with pytest.raises(NotFound) as info:
        catalogue.get_resource(session, ref)
    assert info.value.field == "resource"


@pytest.mark.usefixtures("birds")
def test_update_resource(session: Session) -> None:
    before = catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")
    after = catalogue.update_resource(
        session, "birds/specimens", name="All specimens", description="d", id_field="catalogNumber"
    )
    assert (after.name, after.description, after.id_field) == (
        "All specimens",
        "d",
        "catalogNumber",
    )
    assert (after.slug, after.kind, after.created) == (before.slug, before.kind, before.created)
    assert after.modified > before.modified
    cleared = catalogue.update_resource(session, before.id, id_field=None)
    assert (cleared.id_field, cleared.name) == (None, "All specimens")


@pytest.mark.usefixtures("birds")
@pytest.mark.parametrize(
    ("values", "field"),
    [({"name": " "}, "name"), ({"description": "\x00"}, "description"), ({"id_field": "\t"}, None)],
)
def test_invalid_resource_updates_change_nothing(
    session: Session, unchanged: Unchanged, values: dict[str, Any], field: str | None
) -> None:
    catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")
    if field is None:  # a blank id_field clears it: valid
        assert catalogue.update_resource(session, "birds/specimens", **values).id_field is None
        return
    with unchanged(), pytest.raises(Invalid) as info:
        catalogue.update_resource(session, "birds/specimens", **{"name": "Changed", **values})
    assert info.value.field == field


@pytest.mark.usefixtures("birds")
def test_delete_resource(session: Session, unchanged: Unchanged) -> None:
    catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")
    catalogue.create_resource(session, "birds", slug="about", name="About", kind="file")
    catalogue.delete_resource(session, "birds/specimens")
    assert [r.slug for r in catalogue.list_resources(session, "birds")] == ["about"]
    with unchanged(), pytest.raises(NotFound):
        catalogue.delete_resource(session, "birds/specimens")
    with pytest.raises(NotFound):
        catalogue.update_resource(session, "birds/specimens", name="x")
