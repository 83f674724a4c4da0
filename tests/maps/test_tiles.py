"""Map tiles against the search's own counts: every cell count, the points at high zoom, the
privacy rule, versions and the cache."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from holotype.config import Settings
from holotype.errors import Invalid
from holotype.search import tile_bounds
from holotype.services import maps
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR, Identity
from holotype.services.maps import cache
from holotype.services.maps.precompute import precompute
from holotype.services.portal_search import share
from holotype.services.records import ingest
from holotype.services.search import checked_query, open_search
from tests.maps.conftest import (
    FIRST,
    HIDDEN,
    SECOND,
    MapSite,
    bbox_area,
    counted,
    decode,
    points_csv,
    tile_of,
)


@pytest.fixture()
def portal(map_site: MapSite) -> Iterator[Portal]:
    opened = Portal.open(map_site.settings)
    try:
        yield opened
    finally:
        opened.close()


def mvt(portal: Portal, z: int, x: int, y: int, key: str | None = None,
        version: int | None = None, identity: Identity = ANONYMOUS) -> bytes:
    return maps.tile(portal, identity, key, version, z, x, y, "mvt").body


def test_world_tile_counts_every_record_with_a_point(portal: Portal) -> None:
    extent = open_search(portal, ANONYMOUS, {}, None, None).extent()
    assert extent.with_point > 50  # the demo's points and the public points dataset
    assert counted(mvt(portal, 0, 0, 0)) == extent.with_point


@pytest.mark.parametrize("z", [2, 5])
def test_each_tile_counts_what_the_search_finds_in_its_box(portal: Portal, z: int) -> None:
    drawn = 0
    n = 2**z
    for x in range(n):
        for y in range(n):
            body = mvt(portal, z, x, y)
            west, south, east, north = tile_bounds(z, x, y)
            query = bbox_area(west, south, east, north)
            expected = sum(open_search(portal, ANONYMOUS, query, None, None).count().values())
            assert counted(body) == expected, (z, x, y)
            drawn += expected
    assert drawn == open_search(portal, ANONYMOUS, {}, None, None).extent().with_point


def test_a_filtered_map_counts_what_its_search_counts(portal: Portal) -> None:
    query = {"search": "Pointus"}
    key = share(portal, ANONYMOUS, query, None, None)
    extent = open_search(portal, ANONYMOUS, query, None, None).extent()
    assert extent.with_point == len(SECOND)  # the points dataset's latest records
    assert counted(mvt(portal, 0, 0, 0, key)) == extent.with_point


def test_high_zoom_tiles_carry_each_record_with_its_resource(
    portal: Portal, map_site: MapSite
) -> None:
    record, lat, lon = SECOND[1]
    x, y, px, py = tile_of(lat, lon, 15)
    features = decode(mvt(portal, 15, x, y))
    mine = [f for f in features if f["properties"].get("id") == record]
    assert len(mine) == 1
    assert mine[0]["properties"]["resource"] == map_site.points
    fx, fy = mine[0]["geometry"]["coordinates"]
    assert abs(fx / 16 - px) <= 1 and abs(fy / 16 - py) <= 1  # extent 4096 = 16 per pixel


def test_private_points_are_never_drawn_for_the_public(portal: Portal) -> None:
    _, lat, lon = HIDDEN[0]
    x, y, _, _ = tile_of(lat, lon, 14)
    assert decode(mvt(portal, 14, x, y)) == []
    as_operator = decode(mvt(portal, 14, x, y, identity=OPERATOR))
    assert {f["properties"]["id"] for f in as_operator} == {i for i, _, _ in HIDDEN}
    box = (lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)
    assert maps.records_in(portal, ANONYMOUS, None, None, box).count == 0
    assert maps.records_in(portal, OPERATOR, None, None, box).count == len(HIDDEN)


def test_a_tile_at_an_old_version_matches_the_search_then(
    portal: Portal, map_site: MapSite
) -> None:
    then = open_search(portal, ANONYMOUS, {}, None, map_site.first).extent().with_point
    now = open_search(portal, ANONYMOUS, {}, None, None).extent().with_point
    assert now - then == len(SECOND) - len(FIRST)
    assert counted(mvt(portal, 0, 0, 0, version=map_site.first)) == then
    _, lat, lon = FIRST[1]  # gone in the second version
    x, y, _, _ = tile_of(lat, lon, 13)
    assert [f["properties"]["id"] for f in decode(mvt(portal, 13, x, y, None, map_site.first))] \
        == [FIRST[1][0]]
    assert decode(mvt(portal, 13, x, y)) == []


def test_records_in_a_box_agree_with_the_narrowed_search(portal: Portal) -> None:
    box = (-10.0, 35.0, 10.0, 60.0)
    found = maps.records_in(portal, ANONYMOUS, None, None, box, size=5)
    expected = open_search(portal, ANONYMOUS, found.query, None, None).count()
    assert found.count == sum(expected.values()) > 5
    assert len(found.records) == 5
    assert all(r.title for r in found.records)


def test_a_cached_tile_is_the_same_and_a_new_version_changes_it(small_site: Settings) -> None:
    portal = Portal.open(small_site)
    try:
        first = maps.tile(portal, ANONYMOUS, None, None, 0, 0, 0, "mvt")
        again = maps.tile(portal, ANONYMOUS, None, None, 0, 0, 0, "mvt")
        assert again == first
        assert counted(first.body) == len(FIRST)
        path = points_csv(small_site.data_dir / "second.csv", SECOND)
        ingest(portal, OPERATOR, "pts/records", path, mode="replace")
        after = maps.tile(portal, ANONYMOUS, None, None, 0, 0, 0, "mvt")
        assert after.etag != first.etag
        assert counted(after.body) == len(SECOND)
    finally:
        portal.close()


def test_the_world_view_is_made_after_an_ingest(small_site: Settings) -> None:
    portal = Portal.open(small_site)
    try:
        # the ingest's hook made every tile with a point down to zoom 6, as a vector tile and
        # a grid PNG, with each zoom's colour scale: none is left to make
        assert precompute(portal) == 0
        tiles = list((small_site.data_dir / "tiles").rglob("*"))
        holding = {(z, *tile_of(lat, lon, z)[:2]) for z in range(7) for _, lat, lon in FIRST}
        assert len([t for t in tiles if t.is_file()]) == 2 * len(holding) + 7
        first = maps.tile(portal, ANONYMOUS, None, None, 3, *tile_of(*FIRST[0][1:], 3)[:2],
                          "png", "grid")
        assert first.body.startswith(b"\x89PNG")
        assert len([t for t in tiles if t.is_file()]) == 2 * len(holding) + 7  # from the cache
    finally:
        portal.close()


def test_polygons_over_the_vertex_limit_are_refused(portal: Portal) -> None:
    limit = portal.settings.map_max_vertices
    ring = [[i / (limit * 2), (i % 2) / 10] for i in range(limit)] + [[0.0, 0.0]]
    query = {"filters": {"and": [{"geo_custom_area": [[ring]]}]}}
    with pytest.raises(Invalid) as raised:
        checked_query(portal, query, "filters")
    assert raised.value.field == "filters"
    assert f"at most {limit}" in raised.value.message
    assert "$.filters.and[0].geo_custom_area" in raised.value.message
    at_limit = [*ring[: limit - 1], [0.0, 0.0]]  # exactly the limit: allowed
    assert checked_query(portal, {"filters": {"and": [{"geo_custom_area": [[at_limit]]}]}})


def test_the_pyramid_holds_the_cells_each_tile_gives(portal: Portal) -> None:
    search = open_search(portal, ANONYMOUS, {}, None, None)
    made = {(t.z, t.x, t.y): t.cells for t in portal.searcher.pyramid(search.views, {}, 6)}
    for z in range(7):
        for x in range(2**z):
            for y in range(2**z):
                asked = portal.searcher.tile(search.views, {}, z, x, y)
                assert made.get((z, x, y), []) == asked.cells, (z, x, y)


@pytest.mark.parametrize("query", [
    {"filters": {"and": [{"string_equals": {"fields": ["country"], "value": "Kenya"}}]}},
    {"search": "Pointus", "filters": {"and": [
        {"string_equals": {"fields": ["catalogNumber"], "value": "C-pt-c"}}]}},
], ids=["filters-in-duckdb", "posted-word-and-filter"])
def test_a_filtered_tile_counts_what_the_search_finds_in_its_box(
    portal: Portal, query: dict
) -> None:
    key = share(portal, ANONYMOUS, query, None, None)
    total = open_search(portal, ANONYMOUS, query, None, None).extent().with_point
    assert total >= 1
    drawn = 0
    for x in range(4):
        for y in range(4):
            west, south, east, north = tile_bounds(2, x, y)
            box = bbox_area(west, south, east, north)["filters"]["and"]
            both = {**query, "filters": {"and": [*query["filters"]["and"], *box]}}
            expected = sum(open_search(portal, ANONYMOUS, both, None, None).count().values())
            assert counted(mvt(portal, 2, x, y, key)) == expected, (x, y)
            drawn += expected
    assert drawn == total


def test_the_cache_is_kept_to_its_size_oldest_tiles_first(small_site: Settings) -> None:
    portal = Portal.open(small_site)
    try:
        root = small_site.data_dir / "tiles"
        files = sorted(p for p in root.glob("*/*") if p.is_file())
        assert len(files) > 4
        for age, path in enumerate(files):  # the first written longest ago
            os.utime(path, (1_000_000 + age, 1_000_000 + age))
        sizes = [p.stat().st_size for p in files]
        total = sum(sizes)
        writing = files[0].parent / ".tmp-being-written"  # a tile another request is writing
        writing.write_bytes(b"x" * 10 * total)
        os.utime(writing, (1, 1))
        assert cache.prune(portal, total) == 0  # at its size: nothing removed
        cap = total - sizes[0] - sizes[1] + 1  # over by the two oldest, less a byte
        removed = cache.prune(portal, cap)
        left = sorted(p for p in root.glob("*/*") if p.is_file() and p != writing)
        assert left == files[removed:]  # the oldest went, in order
        assert writing.exists()  # never a tile being written
        assert sum(p.stat().st_size for p in left) < 0.9 * cap
        # a removed tile is made again when asked for
        assert counted(maps.tile(portal, ANONYMOUS, None, None, 0, 0, 0, "mvt").body) == 2
    finally:
        portal.close()


@pytest.mark.parametrize("query", [{"search": "Pointus"}, {"search": "pointus pt-b"},
                                   {"search": "Pointus", "filters": {"and": [
                                       {"exists": {"geo_field": True}}]}}],
                         ids=["one-word", "two-words", "word-and-filter"])
def test_a_word_search_maps_the_records_current_at_each_version(
    portal: Portal, map_site: MapSite, query: dict
) -> None:
    key = share(portal, ANONYMOUS, query, None, None)
    for version in (map_site.first, map_site.second):
        expected = open_search(portal, ANONYMOUS, query, None, version).extent().with_point
        assert counted(mvt(portal, 0, 0, 0, key, version)) == expected, version
    then = open_search(portal, ANONYMOUS, query, None, map_site.first).extent().with_point
    now = open_search(portal, ANONYMOUS, query, None, map_site.second).extent().with_point
    assert then != now  # the versions differ, so the check above can tell them apart
