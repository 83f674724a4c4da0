"""Counts per resource from one statement over every resource equal each resource's own count.

``results.counted`` asks DuckDB once for the matching records of all the resources searched
(grouped by resource), where it used to ask once per resource; the reference here is that
per-resource statement, over resources with different fields, at the current version and at
an earlier one, for queries that match everywhere, somewhere and nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from holotype.engine import literal
from holotype.query import validate
from holotype.search import results
from holotype.search.views import View, matching_sql
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest, versions
from holotype.services.visible import visible_resources
from tests.services.two_resources import open_site, write

QUERIES: list[dict[str, Any]] = [
    {},
    {"search": "forest"},
    {"search": "nowhere"},
    {"filters": {"and": [{"string_equals": {"fields": ["habitat"], "value": "reef"}}]}},
    {"filters": {"and": [{"number_range": {"fields": ["year"], "greater_than": 1950}}]}},
    {"search": "kenya", "filters": {"and": [{"exists": {"fields": ["year"]}}]}},
]


def _rows(prefix: str, n: int, habitat: bool, revision: str = "",
          year: bool = True) -> list[dict[str, str]]:
    places = ["Mount Kenya forest", "Lac Leman", "Reef point"]
    rows = []
    for i in range(n):
        row = {"occurrenceID": f"{prefix}-{i:03d}", "locality": places[i % 3] + revision}
        if year:
            row["year"] = str(1900 + 7 * i % 120)
        if habitat:
            row["habitat"] = ["forest", "reef"][i % 2]
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    tmp = tmp_path_factory.mktemp("counted")
    opened = open_site(tmp / "site")
    with opened.session() as session:
        catalogue.create_resource(session, "ds", slug="res-c", name="C")
    ingest(opened, OPERATOR, "ds/res-b", write(tmp / "b1.csv", _rows("b", 45, True)))
    ingest(opened, OPERATOR, "ds/res-c", write(tmp / "c1.csv", _rows("c", 7, True, year=False)))
    ingest(opened, OPERATOR, "ds/res-a", write(tmp / "a1.csv", _rows("a", 60, False)))
    ingest(opened, OPERATOR, "ds/res-a", write(tmp / "a2.csv", _rows("a", 40, True, " forest")),
           mode="replace")
    yield opened
    opened.close()


def _one_by_one(portal: Portal, views: list[View], query: dict[str, Any]) -> dict[str, int]:
    cur = portal.searcher.indexes.cursor()
    try:
        return {v.rid: int(cur.execute(f"SELECT count(*) FROM {v.attached.records} "
                                       f"WHERE {v.where(query)}").fetchone()[0])
                for v in views}
    finally:
        cur.close()


@pytest.mark.parametrize("query", QUERIES, ids=[str(q) for q in QUERIES])
@pytest.mark.parametrize("first", [False, True], ids=["current", "first"])
def test_one_statement_counts_every_resource_as_alone(
    portal: Portal, query: dict[str, Any], first: bool
) -> None:
    version = versions(portal, OPERATOR, "ds/res-a")[1][0].version if first else None
    resources = visible_resources(portal, OPERATOR, ["ds/res-a", "ds/res-b", "ds/res-c"])
    views = portal.searcher.views(resources, version)
    assert len(views) == 3
    valid = dict(validate(query, portal.areas))
    counted = results.counted(portal.searcher.indexes, views, valid)
    assert counted == _one_by_one(portal, views, valid)
    assert set(counted) == {v.rid for v in views}  # a resource without matches counts 0
    # a resource lacking a field the filters name compiles to FALSE and is not scanned
    left_out = [v for v in views if v.condition(valid) == "FALSE"]
    for view in left_out:
        assert counted[view.rid] == 0 and literal(view.rid) not in matching_sql(views, valid, [])
    if "year" in str(query.get("filters")):
        assert [v.resource.slug for v in left_out] == ["res-c"]  # it has no year


def test_counts_differ_between_versions_and_nothing_counts_nothing(portal: Portal) -> None:
    resources = visible_resources(portal, OPERATOR, ["ds/res-a"])
    first = versions(portal, OPERATOR, "ds/res-a")[1][0].version
    indexes = portal.searcher.indexes
    then = results.counted(indexes, portal.searcher.views(resources, first), {})
    now = results.counted(indexes, portal.searcher.views(resources, None), {})
    assert list(then.values()) == [60] and list(now.values()) == [40]
    assert results.counted(indexes, [], {}) == {}
