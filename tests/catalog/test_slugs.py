"""Short links: word lists, creating, deduplicating and resolving slugs, and the presets."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from holotype.catalog import db
from holotype.catalog.models import QuerySlug
from holotype.catalog.slugwords import ADJECTIVES, ANIMALS, random_slug
from holotype.errors import Conflict, Invalid, NotFound
from holotype.services import catalogue, slugs

Unchanged = Callable[[], AbstractContextManager[None]]
SLUG = re.compile(r"^[a-z]+-[a-z]+-[a-z]+$")
HASH = "0" * 40
QUERY = {"filters": {"and": [{"string_equals": {"fields": ["genus"], "value": "Vulpes"}}]}}


class StuckRandom(random.Random):
    """Draws the same words every time, so every slug after the first collides."""

    def sample(self, *args: Any, **kwargs: Any) -> Any:
        self.seed(0)
        return super().sample(*args, **kwargs)


def make(session: Session, **values: Any) -> slugs.SlugInfo:
    """A slug for ``QUERY`` over everything at the latest version, unless told otherwise; a
    different query gets a different (stand-in) hash."""
    query = values.get("query", QUERY)
    arguments: dict[str, Any] = {
        "query": query,
        "query_hash": HASH if query == QUERY else hashlib.sha1(repr(query).encode()).hexdigest(),
        "resource_ids": None,
        "version": None,
        **values,
    }
    return slugs.create_slug(session, **arguments)


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(QuerySlug)) or 0)


# --- word lists --------------------------------------------------------------------------------


@pytest.mark.parametrize("words", [ADJECTIVES, ANIMALS], ids=["adjectives", "animals"])
def test_word_lists(words: tuple[str, ...]) -> None:
    assert len(words) >= 150
    assert len(set(words)) == len(words)
    assert all(re.fullmatch(r"[a-z]+", word) for word in words)
    assert not set(words) & slugs.RESERVED


def test_word_lists_share_no_word() -> None:
    assert not set(ADJECTIVES) & set(ANIMALS)


def test_random_slugs_are_readable_and_repeatable() -> None:
    drawn = [random_slug(random.Random(7)) for _ in range(2)]
    assert drawn[0] == drawn[1]
    first, second, animal = drawn[0].split("-")
    assert first != second and {first, second} <= set(ADJECTIVES) and animal in ANIMALS
    assert len({random_slug(random.Random(seed)) for seed in range(100)}) == 100


# --- creating and resolving --------------------------------------------------------------------


@pytest.fixture
def birds(session: Session) -> catalogue.ResourceInfo:
    catalogue.create_dataset(session, slug="birds", title="Birds", licence="CC0-1.0")
    return catalogue.create_resource(session, "birds", slug="specimens", name="Specimens")


@pytest.fixture
def eggs(session: Session) -> catalogue.ResourceInfo:
    catalogue.create_dataset(session, slug="eggs", title="Eggs", licence="CC0-1.0")
    return catalogue.create_resource(session, "eggs", slug="records", name="Eggs")


def test_create_and_resolve(
    session: Session, birds: catalogue.ResourceInfo, eggs: catalogue.ResourceInfo
) -> None:
    info = make(session, resource_ids=[eggs.id, birds.id], version=1_700_000_000_000)
    assert SLUG.match(info.slug)
    assert info.query == QUERY and info.query_hash == HASH and info.query_version == "v1.0.0"
    assert info.resource_ids == tuple(sorted([birds.id, eggs.id]))
    assert info.version == 1_700_000_000_000 and not info.reserved
    assert info.created is not None and info.created.tzinfo == UTC
    presets = slugs.Presets(empty_query_hash=HASH, collections=(), specimens=(), indexlots=())
    assert slugs.resolve_slug(session, info.slug, presets=presets) == info


def test_the_same_search_gets_the_same_slug(
    session: Session, birds: catalogue.ResourceInfo, eggs: catalogue.ResourceInfo
) -> None:
    first = make(session, resource_ids=[birds.id, eggs.id], version=5)
    again = make(session, resource_ids=[eggs.id, birds.id, eggs.id], version=5, rng=StuckRandom())
    assert again == first
    others = [
        make(session, resource_ids=[birds.id], version=5),
        make(session, resource_ids=[birds.id, eggs.id], version=6),
        make(session, resource_ids=[birds.id, eggs.id], version=None),
        make(session, resource_ids=None, version=5),
        make(session, resource_ids=[birds.id, eggs.id], version=5, query_hash="1" * 40),
        make(session, resource_ids=[birds.id, eggs.id], version=5, query_version="v1.1.0"),
    ]
    assert len({info.slug for info in [first, *others]}) == 7
    assert stored(session) == 7


def test_large_versions_fit(session: Session) -> None:
    info = make(session, version=2**62)
    presets = slugs.Presets(empty_query_hash=HASH, collections=(), specimens=(), indexlots=())
    assert slugs.resolve_slug(session, info.slug, presets=presets).version == 2**62


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"search": "Æsculus hippocastanum — 马栗 🌰"},
        {"search": "نخيل", "filters": {"and": [{"string_equals": {"value": "Ñandú"}}]}},
        {"search": "nul \x00 and \n newline", "quote": "\"'\\"},
        {"search": "lone surrogate \ud800"},
        {"numbers": [0, -1, 1.5, 10**30], "flags": [True, False, None]},
    ],
)
def test_queries_round_trip_as_json(session: Session, query: dict[str, Any]) -> None:
    info = make(session, query=query)
    presets = slugs.Presets(empty_query_hash=HASH, collections=(), specimens=(), indexlots=())
    session.expire_all()
    assert info.query == query
    assert slugs.resolve_slug(session, info.slug, presets=presets).query == query


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"query": ["not", "an", "object"]}, "query"),
        ({"query": {"x": float("nan")}}, "query"),
        ({"query": {"x": {1, 2}}}, "query"),
        ({"query_hash": ""}, "query_hash"),
        ({"query_hash": "a b"}, "query_hash"),
        ({"query_hash": "a" * 129}, "query_hash"),
        ({"query_hash": None}, "query_hash"),
        ({"query_version": "1.0.0"}, "query_version"),
        ({"query_version": "v1"}, "query_version"),
        ({"resource_ids": []}, "resource_ids"),
        ({"resource_ids": "abc"}, "resource_ids"),
        ({"resource_ids": [3]}, "resource_ids"),
        ({"resource_ids": [["x"]]}, "resource_ids"),
        ({"resource_ids": ["a\x00"]}, "resource_ids"),
        ({"resource_ids": ["0" * 32]}, "resource_ids"),
        ({"version": -1}, "version"),
        ({"version": 2**63}, "version"),
        ({"version": True}, "version"),
        ({"version": "5"}, "version"),
        ({"version": 1.5}, "version"),
    ],
)
def test_invalid_requests_change_nothing(
    session: Session, unchanged: Unchanged, values: dict[str, Any], field: str
) -> None:
    with unchanged(), pytest.raises(Invalid) as info:
        make(session, **values)
    assert info.value.field == field


@pytest.mark.parametrize("slug", ["gentle-mossy-otter", "", "a\x00b", "x" * 500, "Everything"])
def test_unknown_slug(session: Session, slug: str) -> None:
    presets = slugs.Presets(empty_query_hash=HASH, collections=(), specimens=(), indexlots=())
    with pytest.raises(NotFound) as info:
        slugs.resolve_slug(session, slug, presets=presets)
    assert info.value.field == "slug"


# --- collisions --------------------------------------------------------------------------------


def test_a_taken_slug_is_skipped(session: Session) -> None:
    first = make(session, rng=random.Random(3))
    second = make(session, query={"search": "other"}, rng=random.Random(3))
    expected = random.Random(3)
    random_slug(expected)
    assert first.slug == random_slug(random.Random(3))
    assert second.slug == random_slug(expected)


def test_after_the_retries_a_number_is_added(session: Session) -> None:
    base = make(session, query={"n": 1}, rng=StuckRandom()).slug
    assert make(session, query={"n": 2}, rng=StuckRandom()).slug == f"{base}-2"
    assert make(session, query={"n": 3}, rng=StuckRandom()).slug == f"{base}-3"
    assert SLUG.match(base)


def test_giving_up_is_a_conflict(
    session: Session, unchanged: Unchanged, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slugs, "SUFFIX_ATTEMPTS", 1)
    make(session, query={"n": 1}, rng=StuckRandom())
    make(session, query={"n": 2}, rng=StuckRandom())
    with unchanged(), pytest.raises(Conflict) as info:
        make(session, query={"n": 3}, rng=StuckRandom())
    assert info.value.field == "slug"


def test_reserved_names_are_never_stored(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = iter(["everything", "specimens", "calm-quiet-otter"])
    monkeypatch.setattr(slugs, "random_slug", lambda _rng: next(drawn))
    assert make(session).slug == "calm-quiet-otter"


# PostgreSQL only: SQLite writers take the lock up front (BEGIN IMMEDIATE), so they cannot
# interleave this way.
@pytest.mark.parametrize("catalogue_url", ["postgresql"], indirect=True)
def test_a_concurrent_identical_request_wins(session: Session, engine: Engine) -> None:

    class RacingRandom(random.Random):
        """Another writer stores the same search just before this one inserts."""

        def sample(self, *args: Any, **kwargs: Any) -> Any:
            with db.make_session_factory(engine)() as other:
                winner.append(make(other, rng=random.Random(99)))
            return super().sample(*args, **kwargs)

    winner: list[slugs.SlugInfo] = []
    assert make(session, rng=RacingRandom(1)) == winner[0]
    assert stored(session) == 1


# --- reserved slugs ----------------------------------------------------------------------------


@pytest.fixture
def catalogue_with_presets(session: Session) -> dict[str, str]:
    """Datasets of each kind; returns resource ids by ``dataset/resource``."""
    for slug, category, visibility in [
        ("birds", "collection", "public"),
        ("demo-specimens", "collection", "public"),
        ("demo-index-lots", "collection", "public"),
        ("paper", "research", "public"),
        ("hidden", "collection", "private"),
    ]:
        catalogue.create_dataset(
            session,
            slug=slug,
            title=slug,
            licence="CC0-1.0",
            category=category,
            visibility=visibility,
        )
    ids = {}
    for ref, kind in [
        ("birds/specimens", "records"),
        ("birds/about", "file"),
        ("demo-specimens/records", "records"),
        ("demo-index-lots/records", "records"),
        ("paper/table", "records"),
        ("hidden/records", "records"),
    ]:
        dataset, _, resource = ref.partition("/")
        created = catalogue.create_resource(session, dataset, slug=resource, name=ref, kind=kind)
        ids[ref] = created.id
    return ids


def test_presets(session: Session, catalogue_with_presets: dict[str, str]) -> None:
    ids = catalogue_with_presets
    presets = slugs.presets_from(
        session,
        ["demo-specimens/records", "nope/records", "birds/about", "hidden/records", "paper/table"],
        ["demo-index-lots/records", "demo-index-lots/records"],
        empty_query_hash=HASH,
    )
    resolved = {
        name: slugs.resolve_slug(session, name, presets=presets) for name in sorted(slugs.RESERVED)
    }
    assert resolved["everything"].resource_ids is None
    collections = ["birds/specimens", "demo-specimens/records", "demo-index-lots/records"]
    assert resolved["collections"].resource_ids == tuple(sorted(ids[ref] for ref in collections))
    assert resolved["specimens"].resource_ids == tuple(
        sorted([ids["demo-specimens/records"], ids["paper/table"]])
    )
    assert resolved["indexlots"].resource_ids == (ids["demo-index-lots/records"],)
    for name, info in resolved.items():
        assert (info.slug, info.query, info.query_hash) == (name, {}, HASH)
        assert (info.version, info.created, info.reserved) == (None, None, True)
    assert stored(session) == 0


def test_empty_presets_match_nothing_rather_than_everything(session: Session) -> None:
    presets = slugs.presets_from(session, ["nope/records"], [], empty_query_hash=HASH)
    for name in ("collections", "specimens", "indexlots"):
        assert slugs.resolve_slug(session, name, presets=presets).resource_ids == ()


def test_presets_need_a_query_hash(session: Session) -> None:
    with pytest.raises(Invalid) as info:
        slugs.presets_from(session, [], [], empty_query_hash="")
    assert info.value.field == "query_hash"
