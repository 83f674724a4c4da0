"""The Map view of the search page and the record page's mini map (the front end of the maps;
the tiles themselves are tests/maps'): the page's data, the short link its tiles are asked
for by, the results' extent, and the base-map setting."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from holotype.query.words import describe
from holotype.web.app import create_app
from tests.fixtures.pages_site import PagesSite

KENYA = {"and": [{"string_equals": {"fields": ["country"], "value": "Kenya"}}]}
HAS_POINT = {"exists": {"geo_field": True}}


def test_map_view_carries_the_extent_and_a_key_for_the_same_search(web: TestClient) -> None:
    twin = web.get("/search.json", params={"view": "map", "filters": json.dumps(KENYA)}).json()
    shown = twin["map"]
    assert shown["key"] and shown["version"] is None
    # the key is the short link of this very search: it restores the same records
    restored = web.get(f"/search/{shown['key']}.json").json()
    assert restored["total"] == twin["total"] > 0
    assert restored["query"] == twin["query"]
    # the extent is that of the matching records' points
    points = web.get("/search.json", params={
        "filters": json.dumps({"and": [*KENYA["and"], HAS_POINT]}), "size": "100",
        "cols": "decimalLatitude,decimalLongitude"}).json()
    assert shown["with_point"] == points["total"] > 0
    lats = [float(r["data"]["decimalLatitude"]) for r in points["records"]]
    lons = [float(r["data"]["decimalLongitude"]) for r in points["records"]]
    assert points["total"] <= 100
    assert shown["bounds"] == [[min(lats), min(lons)], [max(lats), max(lons)]]
    # the same search asks for the same key (sharing is idempotent); other views have no map
    assert web.get("/search.json", params={"view": "map", "filters": json.dumps(KENYA)}
                   ).json()["map"]["key"] == shown["key"]
    assert "map" not in web.get("/search.json", params={"filters": json.dumps(KENYA)}).json()


def test_map_view_page_has_the_map_its_controls_and_no_base_map_note(web: TestClient) -> None:
    html = web.get("/search", params={"view": "map", "q": "forest"}).text
    key = re.search(r'data-key="([^"]+)"', html)
    assert key and key.group(1)
    assert 'id="search-map"' in html and "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/map.js" in html and 'id="map-legend"' in html
    for control in ("Draw a polygon", "Draw a circle", "List the records in view",
                    "Grid of counts", "Heat map"):
        assert control in html
    assert "No base map on this portal" in html and 'data-tile-url=""' in html
    switch = '<a href="/search?preset=specimens&amp;q=forest&amp;view=map" aria-current="page">'
    assert switch + "Map</a>" in html
    table = web.get("/search", params={"q": "forest"}).text
    assert "leaflet" not in table and 'id="search-map"' not in table


def test_a_base_map_is_drawn_from_the_setting(pages_site: PagesSite) -> None:
    settings = pages_site.settings.model_copy(
        update={"map_tile_url": "https://tiles.example.org/{z}/{x}/{y}.png",
                "map_attribution": "© Example maps"})
    with TestClient(create_app(settings)) as web:
        html = web.get("/search", params={"view": "map"}).text
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "Base map: © Example maps" in html and "No base map" not in html


def test_record_page_has_a_mini_map_only_with_a_point(web: TestClient) -> None:
    with_point = web.get("/search.json", params={
        "filters": json.dumps({"and": [HAS_POINT]}), "size": "1",
        "cols": "decimalLatitude,decimalLongitude"}).json()["records"][0]
    html = web.get(with_point["url"]).text
    lat, lon = (float(with_point["data"][f]) for f in ("decimalLatitude", "decimalLongitude"))
    assert 'id="record-map"' in html and f'data-lat="{lat}"' in html
    assert f'data-lon="{lon}"' in html and "/static/map.js" in html
    twin = web.get(with_point["url"] + ".json").json()
    assert twin["point"] == {"latitude": lat, "longitude": lon}
    without = web.get("/search.json", params={
        "filters": json.dumps({"not": [HAS_POINT]}), "size": "1"}).json()["records"][0]
    html = web.get(without["url"]).text
    assert 'id="record-map"' not in html and "leaflet" not in html
    assert web.get(without["url"] + ".json").json()["point"] is None


def test_a_drawn_area_reads_as_words_in_the_filters() -> None:
    ring = [[1.0, 2.0], [3.0, 2.0], [3.0, 4.0], [1.0, 2.0]]
    assert describe({"geo_custom_area": [[ring]]}) == "inside a drawn area (1 polygon, 3 corners)"


def test_a_pinned_search_passes_its_pins_to_the_map(
    web: TestClient, pages_site: PagesSite
) -> None:
    rid = pages_site.history_resource
    pinned = web.get("/search.json", params={
        "view": "map", "resource_ids": f"{rid}@{pages_site.first}"}).json()
    assert pinned["map"]["pins"] == f"{rid}@{pages_site.first}"
    # (that the tiles draw pins at their versions: tests/maps/test_routes.py, on points)
    page = web.get("/search", params={"view": "map", "resource_ids": f"{rid}@{pages_site.first}"})
    assert f'data-pins="{rid}@{pages_site.first}"' in page.text
