"""Which resources a search may read (services.visible), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from holotype.errors import Invalid, NotFound
from holotype.services import catalogue
from holotype.services.identity import ANONYMOUS
from holotype.services.visible import searchable


@pytest.fixture
def resources(session: Session) -> dict[str, str]:
    catalogue.create_dataset(session, slug="open", title="Open", licence="CC0-1.0")
    catalogue.create_dataset(session, slug="shut", title="Shut", licence="CC0-1.0",
                             visibility="private")
    ids = {}
    for ref in ("open/zeta", "open/alpha", "shut/hidden"):
        dataset, _, slug = ref.partition("/")
        ids[ref] = catalogue.create_resource(session, dataset, slug=slug, name=slug).id
    ids["open/readme"] = catalogue.create_resource(session, "open", slug="readme",
                                                   name="Readme", kind="file").id
    return ids


def test_every_public_record_resource_when_none_are_named(
    session: Session, resources: dict[str, str]
) -> None:
    assert [r.id for r in searchable(session, ANONYMOUS, None)] == [resources["open/alpha"],
                                                         resources["open/zeta"]]
    assert searchable(session, ANONYMOUS, []) == searchable(session, ANONYMOUS, None)


def test_named_resources_once_each_in_the_order_named_by_id_or_slug(
    session: Session, resources: dict[str, str]
) -> None:
    found = searchable(session, ANONYMOUS, ["open/zeta", resources["open/alpha"], "open/zeta",
                                 resources["open/zeta"]])
    assert [r.id for r in found] == [resources["open/zeta"], resources["open/alpha"]]
    assert found[0].dataset_slug == "open" and found[0].slug == "zeta"


@pytest.mark.parametrize("ref", ["shut/hidden", "open/nothing", "nothing", "", "open/\x00"])
def test_private_and_unknown_resources_look_alike(
    session: Session, resources: dict[str, str], ref: str
) -> None:
    refs = [resources["shut/hidden"]] if ref == "shut/hidden" else [ref]
    with pytest.raises(NotFound) as raised:
        searchable(session, ANONYMOUS, ["open/alpha", *refs])
    assert raised.value.message == f"there is no resource {refs[0]!r}"
    assert raised.value.field == "resource_id"


def test_a_file_resource_is_refused(session: Session, resources: dict[str, str]) -> None:
    with pytest.raises(Invalid, match="holds a file, not records"):
        searchable(session, ANONYMOUS, ["open/readme"])
