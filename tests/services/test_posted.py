"""Searches answered from the row files' postings agree with DuckDB's answer, exactly.

The resources are indexed with ``POSTED`` lowered to 40 so that some words are listed and some
are not, and the second version of one resource is indexed incrementally from the first.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any
from unittest import mock

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from holotype.config import load_settings
from holotype.errors import Invalid
from holotype.index import postings
from holotype.index.layout import index_path, indexed_versions
from holotype.query import validate
from holotype.query.evaluate import kinds
from holotype.search import posted, results
from holotype.services import catalogue, search
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest, versions
from tests.index.words_truth import check_words
from tests.query.strategies import Vocabulary, groups
from tests.services.two_resources import BOTH, keep_every_index, open_site, write

LISTED = 40
PLACES = ["Mount Kenya", "Lac Léman", "Straße 9", "Ærø", "Place 3", "place 7", "Москва"]
HABITATS = ["forest", "reef", "Forest edge", ""]
YEARS = ["1890", "1901", "1950", " 2 ", "abc", "2001.5", "", "1e3"]
WORDS = ["mount", "kenya", "leman", "léman", "strasse", "straße", "9", "ærø", "place", "3", "7",
         "москва", "forest", "reef", "edge", "occ", "nowhere", "kenya forest", "place 3",
         "0042", "0120", "0160", "0042 kenya", "0120 place"]  # fmt: skip


def records(seed: int, ids: range, extra: bool = False) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in ids:
        row = {"occurrenceID": f"occ-{i:04d}", "locality": rng.choice(PLACES),
               "year": rng.choice(YEARS), "decimalLatitude": str(rng.choice([0, 0.5, 1, 51.5])),
               "decimalLongitude": rng.choice(["0", "1", "-0.12", "x"])}
        if extra:  # a column that appears only in the second version
            row["habitat"] = rng.choice(HABITATS)
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    tmp = tmp_path_factory.mktemp("posted")
    opened = open_site(tmp / "site")
    with mock.patch.object(postings, "POSTED", LISTED), keep_every_index():
        ingest(opened, OPERATOR, "ds/res-a", write(tmp / "a1.csv", records(1, range(0, 150))))
        ingest(opened, OPERATOR, "ds/res-b", write(tmp / "b1.csv", records(2, range(100, 200))))
        changed = records(3, range(20, 170), extra=True)
        ingest(opened, OPERATOR, "ds/res-a", write(tmp / "a2.csv", changed), mode="replace")
    yield opened
    opened.close()


def test_postings_and_words_are_the_records_tokens(portal: Portal) -> None:
    """Fresh and incremental builds: every token with its count, listed when few hold it;
    the others with an id and their rows in the index file."""
    resource, _found = versions(portal, OPERATOR, "ds/res-a")
    root = portal.index_dir / resource.id
    built = indexed_versions(root)
    assert len(built) == 2
    listed = unlisted = 0
    for version in built:
        few, many = check_words(root, version, LISTED)
        listed, unlisted = listed + few, unlisted + many
    assert listed and unlisted


def test_index_tokens_are_stored_sorted_by_word_and_row(portal: Portal) -> None:
    """Each build appends its token rows sorted by (word id, _rid), which is what lets DuckDB
    bit-pack the row ids as small deltas: one ascending run per build, in storage order."""
    resource, _found = versions(portal, OPERATOR, "ds/res-a")
    root = portal.index_dir / resource.id
    for builds, version in enumerate(indexed_versions(root), start=1):
        with duckdb.connect(str(index_path(root, version)), read_only=True) as index:
            rows = index.execute("SELECT tid, _rid FROM tokens ORDER BY rowid").fetchall()
        descents = sum(a > b for a, b in pairwise(rows))
        assert len(rows) > 100 and descents == builds - 1, (version, descents)


VOCABULARY = Vocabulary(
    fields=st.sampled_from(["locality", "year", "habitat", "decimalLatitude", "occurrenceID",
                            "nofield"]),
    texts=st.sampled_from([*WORDS, *PLACES, *HABITATS]),
    numbers=st.sampled_from([0, 1, 2, 1890, 1901, 1950, 2001.5, 1000, 0.5]),
    points=st.sampled_from([(0, 0), (51.5, -0.12), (1, 1), (0.5, 0)]),
    radii=st.sampled_from([0, 1, 100, 100_000]),
    coordinates=st.sampled_from([-1, 0, 0.5, 1, 2]),
)
QUERIES = st.fixed_dictionaries(
    {"search": st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(" ".join)},
    optional={"filters": groups(VOCABULARY, max_leaves=4)},
).filter(lambda q: "filters" not in q or "geo_named_area" not in set(kinds(q["filters"])))


def both_ways(portal: Portal, version: int | None, request: results.SearchRequest,
              resources: list[str] = BOTH) -> tuple[Any, Any]:
    views = search.resource_views(portal, ANONYMOUS, resources, version)
    fast = results.run(portal.indexes, views, request)
    # DuckDB alone, with the probe for the first matches and a separate page query
    with mock.patch.object(posted, "matches", return_value=None), \
            mock.patch.object(posted, "common", return_value=False):
        slow = results.run(portal.indexes, views, request)
    assert results.count(portal.indexes, views, request.query) == results.counted(
        portal.indexes, views, request.query) == slow.counts
    return fast, slow


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES, first=st.booleans(), size=st.sampled_from([1, 5, 50]),
       offset=st.sampled_from([0, 3]))
# "not" over several words once negated only the first of them in the index's SQL
@example(query={"search": "0042", "filters": {"not": [{"string_contains": {
    "fields": [], "value": "0042 kenya"}}]}}, first=False, size=1, offset=0)
def test_posted_answers_equal_duckdb_answers(
    portal: Portal, query: dict[str, Any], first: bool, size: int, offset: int
) -> None:
    valid = dict(validate(query, portal.areas))
    version = versions(portal, OPERATOR, "ds/res-b")[1][0].version if first else None
    request = results.SearchRequest(valid, size=size, offset=offset,
                              facets=["locality", "habitat", "year"], facet_default=3)
    fast, slow = both_ways(portal, version, request)
    assert fast == slow


def _box(x0: float, y0: float, x1: float, y1: float, *extra: float) -> list[list[float]]:
    return [[x0, y0, *extra], [x1, y0, *extra], [x1, y1, *extra], [x0, y1, *extra],
            [x0, y0, *extra]]


AREAS = {
    # positions may carry more numbers than longitude and latitude: they are ignored
    "extra numbers": [[_box(-1, -1, 2, 2, 5, 7)]],
    "mixed lengths": [[[[-1, -1], [2, -1, 5], [2, 2], [-1, 2], [-1, -1]]]],
    # (lon 1, lat 1) is on the first hole's edge and strictly inside the second: out
    "overlapping holes": [[_box(-1, -1, 2, 2), _box(0.5, 0.5, 1, 1), _box(0.8, 0.8, 1.5, 1.5)]],
    # (1, 1) is on the outline and strictly inside a hole that crosses it: out
    "hole across the outline": [[_box(-1, -1, 1, 1), _box(0.5, 0.5, 2, 2)]],
    "bow tie": [[[[-1, -1], [2, 2], [2, -1], [-1, 2], [-1, -1]]]],
}


@pytest.mark.parametrize("area", list(AREAS), ids=list(AREAS))
def test_custom_areas_of_every_shape_agree(portal: Portal, area: str) -> None:
    query = {"search": "kenya", "filters": {"and": [{"geo_custom_area": AREAS[area]}]}}
    valid = dict(validate(query, portal.areas))
    # res-b alone: there "kenya" is listed (held by fewer than LISTED record versions)
    fast, slow = both_ways(portal, None, results.SearchRequest(valid, size=100), ["ds/res-b"])
    assert fast == slow
    views = search.resource_views(portal, ANONYMOUS, ["ds/res-b"], None)
    assert posted.matches(views, valid) is not None  # the postings path answered


@pytest.mark.parametrize(("facets", "limits"), [
    (["_id"], {}), (["_lat"], {}), (["_rid"], {}),
    (["year"], {"year": -1}), (["year"], {"year": 2.0}), (["year"], {"year": "2"}),
])
def test_internal_facets_and_bad_limits_are_refused_on_every_path(
    portal: Portal, facets: list[str], limits: dict[str, Any]
) -> None:
    views = search.resource_views(portal, ANONYMOUS, BOTH, None)
    for query in ({"search": "0120"}, {"search": "place"}, {}):
        request = results.SearchRequest(query, facets=facets, facet_limits=limits)
        with pytest.raises(Invalid) as caught:
            results.run(portal.indexes, views, request)
        assert caught.value.field in ("facets", "facet_limits")


@pytest.mark.parametrize("size", [1, 7])
def test_common_words_page_with_cursors_in_the_grouped_statement(
    portal: Portal, size: int
) -> None:
    """A search for words no resource lists places its page in the grouped statement."""
    query = {"search": "occ", "filters": {"not": [{"string_equals": {
        "fields": ["locality"], "value": "Place 3"}}]}}
    views = search.resource_views(portal, ANONYMOUS, BOTH, None)
    assert posted.common(views, query)
    request = results.SearchRequest(query, size=size, facets=["locality"])
    seen, after = [], None
    while True:
        answer = results.run(portal.indexes, views, results.SearchRequest(
            query, size=size, after=after, facets=["locality"]))
        fast, slow = both_ways(portal, None, results.SearchRequest(
            query, size=size, after=after, facets=["locality"]))
        assert answer == fast == slow
        seen += [(r["data"]["_id"], r["resource"]) for r in answer.page.records]
        if answer.page.after is None or len(seen) > 60:
            break
        after = answer.page.after
    _fast, everything = both_ways(portal, None, results.SearchRequest(query, size=1000))
    assert seen == [(r["data"]["_id"], r["resource"])
                    for r in everything.page.records][:len(seen)]
    assert len(seen) > size and request.facets


def test_the_path_is_taken_when_a_word_is_listed(portal: Portal) -> None:
    views = search.resource_views(portal, ANONYMOUS, BOTH, None)
    # "place" and "occ" are held by more than LISTED record versions, ids by one to three
    assert posted.matches(views, {"search": "place"}) is None
    assert posted.matches(views, {"search": "place occ"}) is None
    # a listed word's candidates are checked for the unlisted one
    assert posted.matches(views, {"search": "occ 0120"}) == posted.matches(
        views, {"search": "0120"})
    with_place = posted.matches(views, {"search": "place 0120"})
    assert with_place is not None
    assert all("place" in r["locality"].lower() for _res, r in with_place)
    few = posted.matches(views, {"search": "0120"})
    assert few is not None and sorted(res for res, _r in few) == sorted(
        v.rid for v in views)  # the id is current in both resources
    assert all(r["_id"] == "occ-0120" for _res, r in few)
    assert posted.matches(views, {"search": "nowhere"}) == []  # no record holds it
    assert posted.matches(views, {}) is None
    area = {"geo_named_area": {"country": "Kenya"}}
    assert posted.matches(views, {"search": "kenya", "filters": {"and": [area]}}) is None


def test_a_cursor_walk_over_posted_matches(portal: Portal) -> None:
    query = {"search": "kenya", "filters": {"and": [{"exists": {"fields": ["year"]}}]}}
    views = search.resource_views(portal, ANONYMOUS, BOTH, None)
    seen, after = [], None
    while True:
        request = results.SearchRequest(query, size=4, after=after)
        page = results.page(portal.indexes, views, request)
        seen += [(r["data"]["_id"], r["resource"]) for r in page.records]
        if page.after is None:
            break
        after = page.after
    fast, slow = both_ways(portal, None, results.SearchRequest(query, size=1000))
    assert seen == [(r["data"]["_id"], r["resource"]) for r in slow.page.records]
    assert fast == slow and len(seen) > 4


def test_changing_the_geo_fields_rebuilds_the_index_from_scratch(tmp_path: Path) -> None:
    """An index extended from one built with other geo fields would mix both in its points
    (and the postings path would read points from the new fields only)."""
    rows = [{"occurrenceID": f"occ-{i}", "locality": "kenya", "decimalLatitude": "1",
             "decimalLongitude": "1", "lat": "50", "lon": "8"} for i in range(10)]
    first = Portal.open(load_settings(data_dir=tmp_path / "site"))
    with first.session() as session:
        catalogue.create_dataset(session, slug="ds", title="Data", licence="CC-BY-4.0")
        catalogue.create_resource(session, "ds", slug="res", name="R")
    ingest(first, OPERATOR, "ds/res", write(tmp_path / "a.csv", rows))
    first.close()
    other = Portal.open(load_settings(data_dir=tmp_path / "site", geo_fields=("lat", "lon")))
    try:
        more = [*rows, {**rows[0], "occurrenceID": "x"}]
        ingest(other, OPERATOR, "ds/res", write(tmp_path / "b.csv", more))
        resource, _found = versions(other, OPERATOR, "ds/res")
        latest = indexed_versions(other.index_dir / resource.id)[-1]
        with duckdb.connect(str(index_path(other.index_dir / resource.id, latest)),
                            read_only=True) as index:
            points = index.execute("SELECT DISTINCT _lat, _lon FROM records").fetchall()
        assert points == [(50.0, 8.0)]
        near = {"search": "kenya", "filters": {"and": [{"geo_point": {
            "latitude": 50, "longitude": 8, "radius": 1, "radius_unit": "km"}}]}}
        views = search.resource_views(other, ANONYMOUS, ["ds/res"], None)
        fast = results.run(other.indexes, views, results.SearchRequest(near))
        with mock.patch.object(posted, "matches", return_value=None):
            assert results.run(other.indexes, views, results.SearchRequest(near)) == fast
        assert fast.total == 11
    finally:
        other.close()
