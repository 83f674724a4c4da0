"""Pages of results against the record store: every version, filtered and not, several resources.

Pages are placed by the index and read from its row store (or, unfiltered, from the row store
alone); walking them with ``after`` must give exactly the records the store holds at that
version, in (id, resource) order, with their values.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb
import pytest

from holotype.index.layout import OPEN, index_path, indexed_versions, rows_path
from holotype.index.rows import RowStore
from holotype.search import few, results
from holotype.services import search
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest, versions
from tests.services.two_resources import BOTH, keep_every_index, open_site, write

COUNTRIES = ["Kenya", "kenya", "Peru", "Chile", ""]


def records(seed: int, ids: range, extra: bool = False) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in ids:
        row = {"occurrenceID": f"occ-{i:04d}", "country": rng.choice(COUNTRIES),
               "locality": f"Place {rng.randint(1, 9)}"}
        if extra:  # a column that appears only in the second version
            row["habitat"] = rng.choice(["forest", "", "reef"])
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    tmp = tmp_path_factory.mktemp("pages")
    opened = open_site(tmp / "site")
    # the two resources share ids, so (id, resource) order matters
    with keep_every_index():
        ingest(opened, OPERATOR, "ds/res-a", write(tmp / "a1.csv", records(1, range(0, 150))))
        ingest(opened, OPERATOR, "ds/res-b", write(tmp / "b1.csv", records(2, range(100, 200))))
        changed = records(3, range(20, 170), extra=True)  # 20 removed, 20 added, most changed
        ingest(opened, OPERATOR, "ds/res-a", write(tmp / "a2.csv", changed), mode="replace")
    yield opened
    opened.close()


Row = tuple[str, str, dict[str, Any]]


def expected(portal: Portal, version: int | None, keep: Any) -> list[Row]:
    found = []
    for ref in BOTH:
        resource, _versions = versions(portal, OPERATOR, ref)
        store = portal.store.resource(resource.id)
        at = store.resolve(version)
        if at is None:
            continue
        for row in store.records(at.version, limit=10_000):
            data = {k: v for k, v in row.items() if not k.startswith("_") and v is not None}
            data["_id"] = row["_id"]
            if keep(data):
                found.append((data["_id"], resource.id, data))
    return sorted(found, key=lambda e: (e[0], e[1]))


def walk(portal: Portal, version: int | None, query: dict[str, Any], size: int) -> list[Any]:
    views = search.resource_views(portal, ANONYMOUS, BOTH, version)
    seen = []
    after = None
    while True:
        request = results.SearchRequest(query, size=size, after=after)
        page = results.page(portal.indexes, views, request)
        seen += [(r["data"]["_id"], r["resource"], r["data"]) for r in page.records]
        after = page.after
        if after is None:
            return seen


QUERIES = [
    ({}, lambda d: True),
    ({"filters": {"and": [{"string_equals": {"fields": ["country"], "value": "KENYA"}}]}},
     lambda d: d.get("country", "").lower() == "kenya"),
    ({"search": "place 3"}, lambda d: d.get("locality") == "Place 3"),
    # "not" over two words: the index's SQL once negated only the first of them
    ({"filters": {"not": [{"string_contains": {"fields": [], "value": "Kenya 3"}}]}},
     lambda d: not (d.get("country", "").lower() == "kenya" and d.get("locality") == "Place 3")),
]


@pytest.mark.parametrize("which", ["first", "latest"])
@pytest.mark.parametrize(("query", "keep"), QUERIES,
                         ids=["everything", "filtered", "words", "not-words"])
@pytest.mark.parametrize("size", [1, 7, 1000])
def test_walking_pages_gives_the_store_at_each_version(
    portal: Portal, which: str, query: dict[str, Any], keep: Any, size: int
) -> None:
    _resource, found = versions(portal, OPERATOR, "ds/res-a")
    version = found[0].version if which == "first" else None
    want = expected(portal, version, keep)
    assert want, "the query should match something"
    assert walk(portal, version, query, size) == want


def test_offset_pages_agree_with_cursor_pages(portal: Portal) -> None:
    views = search.resource_views(portal, ANONYMOUS, BOTH, None)
    everything = walk(portal, None, {}, 1000)
    for query in ({}, QUERIES[1][0]):
        page = results.page(portal.indexes, views, results.SearchRequest(query, size=9, offset=95))
        got = [(r["data"]["_id"], r["resource"]) for r in page.records]
        if not query:
            assert got == [(i, r) for i, r, _d in everything[95:104]]
        else:
            matching = walk(portal, None, query, 1000)
            assert got == [(i, r) for i, r, _d in matching[95:104]]


def test_row_file_agrees_with_the_index_after_an_incremental_build(portal: Portal) -> None:
    resource, _found = versions(portal, OPERATOR, "ds/res-a")
    root = portal.index_dir / resource.id
    built = indexed_versions(root)
    assert len(built) == 2  # the second was built from the first
    for version in built:
        with duckdb.connect(str(index_path(root, version)), read_only=True) as index:
            in_index = index.execute(
                "SELECT _rid, _id, _from, _to FROM records ORDER BY _rid"
            ).fetchall()
        rows = RowStore(rows_path(root, version))
        by_rid = rows.by_rid([r[0] for r in in_index] + [len(in_index) + 1])
        assert [(rid, record["_id"]) for rid, record in sorted(by_rid.items())] == [
            (rid, record_id) for rid, record_id, _f, _t in in_index]
        ranges = {record_id: [(v["_from"], v["_to"]) for v in rows.versions(record_id)]
                  for record_id in {r[1] for r in in_index}}
        rows.close()
        assert ranges == {record_id: sorted((f, t) for _r, i, f, t in in_index if i == record_id)
                          for record_id in ranges}
        # the first version's 150 records; then also the second's new and changed ones
        assert len(in_index) == 150 if version == built[0] else len(in_index) > 250
        assert any(t != OPEN for _r, _i, _f, t in in_index) == (version != built[0])


FACETED = [
    {},
    {"search": "place"},
    {"filters": {"or": [{"string_equals": {"fields": ["country"], "value": "kenya"}},
                        {"exists": {"fields": ["habitat"]}}]}},
    {"search": "nowhere"},
]


@pytest.mark.parametrize("query", FACETED, ids=["all", "words", "filters", "none"])
@pytest.mark.parametrize("which", ["first", "latest"])
def test_few_matches_answer_exactly_as_the_grouped_query(
    portal: Portal, query: dict[str, Any], which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path for searches matching few records agrees with the grouped SQL to the last
    count, facet tie and page position."""
    # after the first of res-a, before its second
    _resource, found = versions(portal, OPERATOR, "ds/res-b")
    version = found[0].version if which == "first" else None
    views = search.resource_views(portal, ANONYMOUS, BOTH, version)
    everything = walk(portal, version, query, 1000)
    # a cursor on an id both resources hold, so the resource decides what comes next
    shared = [a for a, b in itertools.pairwise(everything) if a[0] == b[0]]
    assert bool(shared) != (query.get("search") == "nowhere")
    cursor = results.encode_after(*shared[0][:2]) if shared else None
    requests = [
        results.SearchRequest(query, size=7, facets=["country", "locality", "habitat"],
                        facet_limits={"locality": 3}, facet_default=2),
        results.SearchRequest(query, size=4, offset=11, facets=["country"]),
        results.SearchRequest(query, size=6, after=cursor, facets=["habitat"]),
    ]
    for request in requests:
        monkeypatch.setattr(few, "FEW", 10_000)
        answer = results.run(portal.indexes, views, request)
        assert answer.total > 0 or query.get("search") == "nowhere"
        # grouped counts with the page placed by the grouped path, then by the first matches
        for threshold in (0, 8):
            monkeypatch.setattr(few, "FEW", threshold)
            assert results.run(portal.indexes, views, request) == answer, threshold


def test_row_files_are_read_from_many_threads_with_few_connections(portal: Portal) -> None:
    views = search.resource_views(portal, ANONYMOUS, BOTH, None)
    rows = views[0].attached.rows
    expected = rows.in_id_order(views[0].version, 50)
    with ThreadPoolExecutor(16) as pool:
        got = list(pool.map(lambda _i: rows.in_id_order(views[0].version, 50), range(200)))
    assert all(g == expected for g in got)
    assert len(rows._idle) <= rows.KEEP
