"""The /map routes over HTTP: tiles with ETag, Cache-Control and 304, the click-through, and a
400 naming the parameter for every bad input (never a 500)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from holotype.config import Settings
from holotype.web.app import create_app
from tests.fixtures.forms import with_token
from tests.maps.conftest import FIRST, SECOND, MapSite, counted, decode, tile_of


@pytest.fixture(scope="module")
def client(map_site: MapSite) -> Iterator[TestClient]:
    with TestClient(create_app(map_site.settings)) as test_client:
        yield test_client


def test_a_vector_tile_with_its_cache_headers(client: TestClient, map_site: MapSite) -> None:
    answer = client.get("/map/0/0/0.mvt")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert answer.headers["cache-control"] == "public, max-age=300"
    totals = client.get("/search.json", params={"preset": "everything"}).json()
    assert 0 < counted(answer.content) <= totals["total"]
    etag = answer.headers["etag"]
    again = client.get("/map/0/0/0.mvt", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/map/0/0/0.mvt", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == answer.content
    past = map_site.first - 3_600_000  # an hour before: a version no commit can still change
    pinned = client.get("/map/0/0/0.mvt", params={"version": past})
    assert pinned.headers["cache-control"] == "public, max-age=86400, immutable"
    assert pinned.headers["etag"] != etag
    assert "Cookie" in pinned.headers["vary"]
    future = client.get("/map/0/0/0.mvt", params={"version": 2**62})  # the latest data for now
    assert future.headers["cache-control"] == "public, max-age=300"


def test_a_shared_search_maps_through_its_key(client: TestClient) -> None:
    shared = client.post("/search/share",
                         data=with_token(client, {"query": json.dumps({"search": "Pointus"})}),
                         follow_redirects=False)
    key = shared.headers["location"].split("/search/", 1)[1].split("?")[0]
    record, lat, lon = SECOND[0]
    assert counted(client.get("/map/0/0/0.mvt", params={"key": key}).content) == len(SECOND)
    x, y, _, _ = tile_of(lat, lon, 16)
    features = decode(client.get(f"/map/16/{x}/{y}.mvt", params={"key": key}).content)
    assert [f["properties"]["id"] for f in features] == [record]


def test_records_under_a_click_lead_to_the_narrowed_search(client: TestClient) -> None:
    _, lat, lon = SECOND[2]
    bbox = f"{lon - 0.5},{lat - 0.5},{lon + 0.5},{lat + 0.5}"
    answer = client.get("/map/records.json", params={"bbox": bbox})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == len(body["records"]) >= 1
    assert SECOND[2][0] in {r["id"] for r in body["records"]}
    first = body["records"][0]
    assert client.get(first["url"]).status_code == 200
    assert first["title"]
    url = urlsplit(body["search_url"])
    assert url.path == "/search"
    filters = json.loads(parse_qs(url.query)["filters"][0])
    assert "geo_custom_area" in json.dumps(filters)
    narrowed = client.get("/search.json?" + url.query).json()
    assert narrowed["total"] == body["count"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/map/23/0/0.mvt", {}, "z"),
        ("/map/-1/0/0.mvt", {}, "z"),
        ("/map/a/0/0.mvt", {}, "z"),
        ("/map/2/4/0.mvt", {}, "x"),
        ("/map/2/0/4.mvt", {}, "y"),
        ("/map/2/0/1.5.mvt", {}, "y"),
        ("/map/2/-1/0.mvt", {}, "x"),
        ("/map/1/0/0.mvt", {"version": "yesterday"}, "version"),
        ("/map/1/0/0.mvt", {"version": "-5"}, "version"),
        ("/map/1/0/0.mvt", {"key": "no such key!"}, "key"),
        ("/map/sparkles/1/0/0.png", {}, "style"),
        ("/map/grid/1/0/0@3x.png", {}, "scale"),
        ("/map/grid/30/0/0.png", {}, "z"),
        ("/map/records.json", {}, "bbox"),
        ("/map/records.json", {"bbox": "1,2,3"}, "bbox"),
        ("/map/records.json", {"bbox": "a,b,c,d"}, "bbox"),
        ("/map/records.json", {"bbox": "10,0,5,1"}, "bbox"),
        ("/map/records.json", {"bbox": "0,0,1,91"}, "bbox"),
        ("/map/records.json", {"bbox": "0,0,1,nan"}, "bbox"),
        ("/map/records.json", {"bbox": "0,0,1,1", "version": "x"}, "version"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(
    client: TestClient, path: str, params: dict[str, str], field: str
) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["field"] == field
    assert error["message"]


def test_an_unknown_key_is_a_404(client: TestClient) -> None:
    answer = client.get("/map/0/0/0.mvt", params={"key": "nosuchslug"})
    assert answer.status_code == 404
    assert answer.json()["error"]["field"] == "key"


def test_an_empty_preset_draws_nothing_not_everything(small_site: Settings) -> None:
    # the small site has no demo datasets: the specimens and index lots presets read nothing
    with TestClient(create_app(small_site)) as fresh:
        assert counted(fresh.get("/map/0/0/0.mvt").content) == len(FIRST)
        for preset in ("indexlots", "specimens"):
            assert decode(fresh.get("/map/0/0/0.mvt", params={"key": preset}).content) == []
            found = fresh.get("/map/records.json",
                              params={"key": preset, "bbox": "-180,-90,180,90"})
            assert found.json()["count"] == 0
        page = fresh.get("/search", params={"preset": "indexlots", "view": "map"}).text
        assert 'data-empty="true"' in page
        everything = fresh.get("/search", params={"preset": "everything", "view": "map"}).text
        assert 'data-empty="true"' not in everything


def test_pinned_resources_are_drawn_at_their_own_version(
    client: TestClient, map_site: MapSite
) -> None:
    pinned = {"pins": f"{map_site.points}@{map_site.first}"}
    then = client.get("/map/0/0/0.mvt", params={"version": map_site.first}).content
    assert counted(client.get("/map/0/0/0.mvt", params=pinned).content) == counted(then)
    assert counted(client.get("/map/0/0/0.mvt").content) == counted(then) + len(SECOND) - 2
    for bad in ("x", f"{map_site.points}@soon", "@5", "a b@5"):
        answer = client.get("/map/0/0/0.mvt", params={"pins": bad})
        assert answer.status_code == 400 and answer.json()["error"]["field"] == "pins", bad
