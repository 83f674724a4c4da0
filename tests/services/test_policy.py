"""One policy decides what an identity sees: anonymous callers never see a private dataset
through any service, the operator sees everything, and only the operator changes data.

Counts are checked against an independent count: the store's own row count of each resource,
read without the search engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.errors import Forbidden, NotFound
from holotype.services import dataset_view, policy, search, versions, visible
from holotype.services.context import Portal
from holotype.services.dataset_view import DatasetFilters
from holotype.services.identity import ANONYMOUS, OPERATOR, Identity, Kind
from holotype.services.objects import find_object
from holotype.services.record_view import load_record
from holotype.services.records import dataset_summaries, delete_resource, ingest
from tests.fixtures.pages_site import SECRET, add_private_and_odd
from tests.fixtures.site import make_site


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    folder = tmp_path_factory.mktemp("policy-site")
    settings = make_site(folder / "site", records=60, rate_limit_per_minute=0)
    add_private_and_odd(settings, folder)
    opened = Portal.open(settings)
    yield opened
    opened.close()


def _store_total(portal: Portal, resource_id: str) -> int:
    latest = portal.store.resource(resource_id).resolve(None)
    return latest.total if latest else 0


def test_anonymous_searches_count_only_public_records(portal: Portal) -> None:
    seen = visible.visible_resources(portal, ANONYMOUS, None)
    every = visible.visible_resources(portal, OPERATOR, None)
    hidden = {r.id for r in every} - {r.id for r in seen}
    assert len(hidden) == 1  # the private dataset's one resource
    views = search.resource_views(portal, ANONYMOUS, None, None)
    counts = portal.searcher.count(views, {})
    assert counts == {r.id: _store_total(portal, r.id) for r in seen}
    words = {"search": SECRET}
    assert sum(portal.searcher.count(views, words).values()) == 0
    all_views = search.resource_views(portal, OPERATOR, None, None)
    assert sum(portal.searcher.count(all_views, words).values()) == 2


def test_a_private_resource_is_not_found_for_anonymous(portal: Portal) -> None:
    (secret,) = {r.id for r in visible.visible_resources(portal, OPERATOR, None)} - {
        r.id for r in visible.visible_resources(portal, ANONYMOUS, None)}
    for call in (
        lambda who: search.resource_views(portal, who, ["secret/records"], None),
        lambda who: load_record(portal, who, "secret/records", "sec-1"),
        lambda who: versions.resource_versions(portal, who, secret),
        lambda who: versions.record_history(portal, who, secret, "sec-1"),
        lambda who: dataset_view.dataset_page(portal, who, "secret"),
    ):
        with pytest.raises(NotFound):
            call(ANONYMOUS)
        assert call(OPERATOR)  # the operator sees it
    assert find_object(portal, ANONYMOUS, "sec-1") is None
    assert find_object(portal, OPERATOR, "sec-1") is not None


def test_listings_follow_the_policy(portal: Portal) -> None:
    public = {s.dataset.slug for s in dataset_summaries(portal, ANONYMOUS)}
    everything = {s.dataset.slug for s in dataset_summaries(portal, OPERATOR)}
    assert everything - public == {"secret"}
    listed = dataset_view.list_datasets(portal, ANONYMOUS, DatasetFilters())
    assert "secret" not in {s.dataset.slug for s in listed.datasets}


def test_only_the_operator_changes_data(portal: Portal, tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    data.write_text("occurrenceID,country\nx-1,Kenya\n")
    for who in (ANONYMOUS, Identity(Kind.ANONYMOUS, "someone")):
        with pytest.raises(Forbidden):
            ingest(portal, who, "odd/records", data)
        with pytest.raises(Forbidden):
            delete_resource(portal, who, "odd/records")
    assert visible.visible_resources(portal, ANONYMOUS, ["odd/records"])  # still there


def test_the_policy_in_one_table() -> None:
    assert policy.may_read(ANONYMOUS, "public") and not policy.may_read(ANONYMOUS, "private")
    assert policy.may_read(OPERATOR, "private")
    assert policy.scope(ANONYMOUS) != policy.scope(OPERATOR)
    policy.require_manage(OPERATOR)
    with pytest.raises(Forbidden):
        policy.require_manage(ANONYMOUS)


def test_a_short_link_never_shows_a_private_resource(portal: Portal) -> None:
    from holotype.services import portal_search

    (secret,) = {r.id for r in visible.visible_resources(portal, OPERATOR, None)} - {
        r.id for r in visible.visible_resources(portal, ANONYMOUS, None)}
    public = sorted(r.id for r in visible.visible_resources(portal, ANONYMOUS, None))[0]
    both = portal_search.share(portal, OPERATOR, {"search": "a"}, [public, secret], None)
    only_secret = portal_search.share(portal, OPERATOR, {"search": "b"}, [secret], None)
    assert portal_search.restore(portal, OPERATOR, both).resource_ids == tuple(
        sorted([public, secret]))
    assert portal_search.restore(portal, ANONYMOUS, both).resource_ids == (public,)
    with pytest.raises(NotFound) as unknown:
        portal_search.restore(portal, ANONYMOUS, only_secret)
    with pytest.raises(NotFound) as never_made:
        portal_search.restore(portal, ANONYMOUS, "no-such-link")
    assert unknown.value.message.replace(only_secret, "x") == \
        never_made.value.message.replace("no-such-link", "x")
