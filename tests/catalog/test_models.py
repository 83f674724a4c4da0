"""What the database itself enforces: choices, uniqueness, cascades, ordering, UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from holotype.catalog.models import (
    Creator,
    Dataset,
    Keyword,
    Membership,
    Organisation,
    Resource,
    User,
)


def _dataset(slug: str = "birds", **values: object) -> Dataset:
    return Dataset(slug=slug, title="Birds", licence="CC0-1.0", **values)


def _count(session: Session, model: type[object]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_defaults_ids_and_aware_utc_timestamps(session: Session) -> None:
    dataset = _dataset()
    session.add(dataset)
    session.commit()
    session.expire_all()
    assert len(dataset.id) == 32
    assert int(dataset.id, 16) >= 0
    assert (dataset.category, dataset.visibility, dataset.description) == (
        "collection",
        "public",
        "",
    )
    assert dataset.created.tzinfo is UTC
    assert dataset.modified.tzinfo is UTC
    assert abs(datetime.now(UTC) - dataset.created) < timedelta(minutes=1)


def test_other_time_zones_are_stored_as_utc(session: Session) -> None:
    moment = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    session.add(_dataset(created=moment))
    session.commit()
    session.expire_all()
    stored = session.scalars(select(Dataset)).one().created
    assert stored == moment
    assert stored.tzinfo is UTC
    assert stored.hour == 10


def test_naive_timestamps_are_refused(session: Session) -> None:
    session.add(_dataset(created=datetime(2024, 5, 1, 12, 0)))
    with pytest.raises(StatementError, match="naive"):
        session.commit()


def test_modified_moves_on_update(session: Session) -> None:
    dataset = _dataset(modified=datetime(2020, 1, 1, tzinfo=UTC))
    session.add(dataset)
    session.commit()
    dataset.title = "More birds"
    session.commit()
    assert dataset.modified > datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "row",
    [
        lambda: _dataset(category="museum"),
        lambda: _dataset(visibility="secret"),
        lambda: Resource(dataset=_dataset(), slug="r", name="R", kind="table"),
        lambda: Membership(
            user=User(username="ann", email="a@example.org"),
            organisation=Organisation(slug="nhm", name="NHM"),
            role="owner",
        ),
        lambda: Creator(dataset=_dataset(), position=-1, name="Ann"),
    ],
    ids=["category", "visibility", "kind", "role", "position"],
)
def test_check_constraints_refuse_other_values(session: Session, row: object) -> None:
    session.add(row())  # type: ignore[operator]
    with pytest.raises(IntegrityError):
        session.commit()


def test_slugs_are_unique(session: Session) -> None:
    session.add_all([_dataset("birds"), _dataset("birds")])
    with pytest.raises(IntegrityError):
        session.commit()


def test_keywords_are_unique_per_dataset(session: Session) -> None:
    first, second = _dataset("a"), _dataset("b")
    first.keywords = [Keyword(keyword="birds")]
    second.keywords = [Keyword(keyword="birds")]  # another dataset may use it
    session.add_all([first, second])
    session.commit()
    session.add(Keyword(dataset_id=first.id, keyword="birds"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_resource_slugs_are_unique_within_a_dataset(session: Session) -> None:
    first, second = _dataset("a"), _dataset("b")
    first.resources = [Resource(slug="specimens", name="S")]
    second.resources = [Resource(slug="specimens", name="S")]
    session.add_all([first, second])
    session.commit()
    session.add(Resource(dataset_id=first.id, slug="specimens", name="again"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_creators_come_in_position_order(session: Session) -> None:
    dataset = _dataset()
    dataset.creators = [
        Creator(position=2, name="Cat"),
        Creator(position=0, name="Ann"),
        Creator(position=1, name="Bob"),
    ]
    session.add(dataset)
    session.commit()
    session.expire_all()
    assert [creator.name for creator in dataset.creators] == ["Ann", "Bob", "Cat"]


def _dataset_with_children(session: Session) -> Dataset:
    dataset = _dataset()
    dataset.creators = [Creator(position=0, name="Ann")]
    dataset.keywords = [Keyword(keyword="birds")]
    dataset.resources = [Resource(slug="specimens", name="Specimens")]
    session.add(dataset)
    session.commit()
    return dataset


def test_deleting_a_dataset_through_the_orm_deletes_its_parts(session: Session) -> None:
    session.delete(_dataset_with_children(session))
    session.commit()
    for model in (Dataset, Creator, Keyword, Resource):
        assert _count(session, model) == 0


def test_deleting_a_dataset_in_sql_cascades_too(session: Session, engine: Engine) -> None:
    _dataset_with_children(session)
    session.close()
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM datasets"))
    for model in (Dataset, Creator, Keyword, Resource):
        assert _count(session, model) == 0


def test_an_organisation_with_datasets_cannot_be_deleted(session: Session) -> None:
    organisation = Organisation(slug="nhm", name="NHM")
    session.add(_dataset(organisation=organisation))
    session.commit()
    session.delete(organisation)
    with pytest.raises(IntegrityError):
        session.commit()


def test_deleting_a_user_keeps_their_datasets_ownerless(session: Session) -> None:
    user = User(username="ann", email="ann@example.org")
    session.add(_dataset(owner=user))
    session.commit()
    session.delete(user)
    session.commit()
    session.expire_all()
    assert session.scalars(select(Dataset)).one().owner_id is None


def test_deleting_an_organisation_or_user_deletes_memberships(session: Session) -> None:
    ann = User(username="ann", email="ann@example.org")
    nhm, kew = Organisation(slug="nhm", name="NHM"), Organisation(slug="kew", name="Kew")
    session.add_all(
        [
            Membership(user=ann, organisation=nhm, role="admin"),
            Membership(user=ann, organisation=kew),
        ]
    )
    session.commit()
    assert {m.role for m in ann.memberships} == {"admin", "member"}
    session.delete(nhm)
    session.commit()
    assert _count(session, Membership) == 1
    session.delete(ann)
    session.commit()
    assert _count(session, Membership) == 0
    assert _count(session, Organisation) == 1
