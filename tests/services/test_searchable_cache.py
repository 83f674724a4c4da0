"""Which resources a search may read is cached until the catalogue changes, and never longer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.errors import NotFound
from holotype.services import catalogue, visible
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site"))
    with opened.session() as session:
        catalogue.create_dataset(session, slug="birds", title="Birds", licence="CC0-1.0")
        catalogue.create_resource(session, "birds", slug="skins", name="Skins")
    yield opened
    opened.close()


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = visible.searchable

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(visible, "searchable", counted)
    return calls


def test_answers_are_kept_until_a_commit(portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    first = visible.visible_resources(portal, ANONYMOUS, ["birds/skins"])
    assert visible.visible_resources(portal, ANONYMOUS, ["birds/skins"]) == first
    assert visible.visible_resources(portal, ANONYMOUS, None) == first
    assert len(calls) == 2  # one per distinct request
    with portal.session() as session:
        catalogue.update_dataset(session, "birds", title="Birds of the world")
    visible.visible_resources(portal, ANONYMOUS, ["birds/skins"])
    assert len(calls) == 3


@pytest.mark.parametrize("elsewhere", [False, True], ids=["same-process", "other-portal"])
def test_a_dataset_made_private_is_invisible_at_once(
    portal: Portal, tmp_path: Path, elsewhere: bool
) -> None:
    assert [r.slug for r in visible.visible_resources(portal, ANONYMOUS, None)] == ["skins"]
    other = Portal.open(portal.settings) if elsewhere else portal
    try:
        with other.session() as session:
            catalogue.update_dataset(session, "birds", visibility="private")
    finally:
        if elsewhere:
            other.close()
    assert visible.visible_resources(portal, ANONYMOUS, None) == []
    with pytest.raises(NotFound):
        visible.visible_resources(portal, ANONYMOUS, ["birds/skins"])


def test_without_a_change_counter_nothing_is_kept(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = visible.SearchableCache(None)  # as on PostgreSQL
    calls = counting(monkeypatch)
    for _ in range(3):
        cache.get(portal.session, ANONYMOUS, ["birds/skins"])
    assert len(calls) == 3


def test_errors_are_not_kept(portal: Portal) -> None:
    with pytest.raises(NotFound):
        visible.visible_resources(portal, ANONYMOUS, ["birds/none"])
    with portal.session() as session:
        catalogue.create_resource(session, "birds", slug="none", name="Now it exists")
    found = visible.visible_resources(portal, ANONYMOUS, ["birds/none"])
    assert [r.slug for r in found] == ["none"]


def test_a_short_link_is_read_once_and_its_private_resources_hidden_at_once(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from holotype.services import portal_search, slugs

    rid = visible.visible_resources(portal, ANONYMOUS, None)[0].id
    slug = portal_search.share(portal, ANONYMOUS, {"search": "owl"}, [rid], None)
    reads: list[str] = []
    real = slugs.resolve_slug
    monkeypatch.setattr(slugs, "resolve_slug",
                        lambda *a, **k: reads.append(a[1]) or real(*a, **k))
    first = portal_search.restore(portal, ANONYMOUS, slug)
    first.query["search"] = "changed by a caller"  # a caller's copy: what is kept is not
    again = portal_search.restore(portal, ANONYMOUS, slug)
    assert again.query == {"search": "owl"} and again.resource_ids == (rid,)
    assert reads == [slug]
    with portal.session() as session:
        catalogue.update_dataset(session, "birds", visibility="private")
    with pytest.raises(NotFound):
        portal_search.restore(portal, ANONYMOUS, slug)
