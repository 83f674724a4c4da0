"""Raster tiles and their legend over HTTP: decode each style's PNG and check its pixels against
the vector tile's cells (themselves checked against the search's counts in test_tiles), the
legend's scale against the densest square, the privacy rule and bad input."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from holotype.services import maps
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.maps.ramp import Ramp, rgb
from holotype.web.app import create_app
from tests.maps.conftest import HIDDEN, SECOND, MapSite, decode, tile_of

SQUARE = 8  # the grid style's square, in tile pixels


@pytest.fixture(scope="module")
def client(map_site: MapSite) -> Iterator[TestClient]:
    with TestClient(create_app(map_site.settings)) as test_client:
        yield test_client


def pixels(body: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG" and image.mode == "RGBA"
    return np.asarray(image)


def squares(client: TestClient, z: int, x: int, y: int) -> Counter[tuple[int, int]]:
    """Records per 8-pixel square of a tile, summed from its vector tile's cells (extent 4096:
    16 units a pixel; a cell's feature is at its centre)."""
    counts: Counter[tuple[int, int]] = Counter()
    for feature in decode(client.get(f"/map/{z}/{x}/{y}.mvt").content):
        px, py = (int(v) // 16 for v in feature["geometry"]["coordinates"])
        counts[(px // SQUARE, py // SQUARE)] += int(feature["properties"]["count"])
    return counts


def ramp_of(legend: dict) -> Ramp:
    classes = legend["classes"]
    return Ramp(tuple(c["max"] for c in classes), tuple(c["colour"] for c in classes))


@pytest.mark.parametrize("z", [1, 5])
def test_grid_squares_are_coloured_by_their_count_on_the_zooms_legend(
    client: TestClient, z: int
) -> None:
    legend = client.get("/map/legend.json", params={"style": "grid", "z": z}).json()
    assert legend["style"] == "grid" and legend["z"] == z and legend["title"]
    ramp = ramp_of(legend)
    assert legend["classes"][0]["min"] == 1
    densest = 0
    for x, y in [(x, y) for x in range(2**z) for y in range(2**z)] if z == 1 else [(15, 10)]:
        counts = squares(client, z, x, y)
        image = pixels(client.get(f"/map/grid/{z}/{x}/{y}.png").content)
        assert image.shape == (256, 256, 4)
        for sy in range(256 // SQUARE):
            for sx in range(256 // SQUARE):
                pixel = image[sy * SQUARE + 4, sx * SQUARE + 4]
                n = counts.get((sx, sy), 0)
                if n == 0:
                    assert pixel[3] == 0, (x, y, sx, sy)
                else:
                    colour = ramp.colours[int(ramp.class_of(np.array([n]))[0])]
                    assert tuple(pixel[:3]) == rgb(colour), (x, y, sx, sy, n)
                    assert pixel[3] > 0
        densest = max(densest, max(counts.values(), default=0))
    if z == 1:  # every tile of the zoom read: the legend's top is the densest square
        assert legend["max_count"] == densest > 1


def test_points_are_dots_where_the_records_are(client: TestClient) -> None:
    _, lat, lon = SECOND[1]
    x, y, px, py = tile_of(lat, lon, 16)
    image = pixels(client.get(f"/map/points/16/{x}/{y}.png").content)
    assert image[int(py), int(px), 3] == 255
    legend = client.get("/map/legend.json", params={"style": "points", "z": 16}).json()
    assert tuple(image[int(py), int(px), :3]) == rgb(legend["colour"])
    assert legend["classes"] == []
    drawn = np.argwhere(image[:, :, 3] > 0)
    assert np.abs(drawn - [py, px]).max() <= 4  # one small dot, nothing else
    double = pixels(client.get(f"/map/points/16/{x}/{y}@2x.png").content)
    assert double.shape == (512, 512, 4)
    assert double[int(2 * py), int(2 * px), 3] == 255


def test_a_heatmap_glows_around_records_and_across_tile_edges(client: TestClient) -> None:
    _, lat, lon = SECOND[2]
    x, y, px, py = tile_of(lat, lon, 9)
    image = pixels(client.get(f"/map/heatmap/9/{x}/{y}.png").content)
    assert image[int(py), int(px), 3] > 0
    far = (int(py) + 128) % 256, (int(px) + 128) % 256
    assert image[far[0], far[1], 3] == 0
    # a zoom where the record is within 12 pixels of its tile's edge: the neighbouring tile
    # draws the blur spilling over that edge, and nothing at its far side
    for (_, lat, lon), z in [(r, z) for r in SECOND for z in range(10, 23)]:
        x, y, px, py = tile_of(lat, lon, z)
        near = [(dx, dy) for dx, dy, close in
                [(-1, 0, px < 12), (1, 0, px > 244), (0, -1, py < 12), (0, 1, py > 244)] if close]
        if near:
            break
    else:
        pytest.fail("no zoom puts the record near a tile edge")
    dx, dy = near[0]
    other = pixels(client.get(f"/map/heatmap/{z}/{x + dx}/{y + dy}.png").content)
    # the neighbour's pixel beside the record, across the edge, and the one at its far side
    row, col = (int(py), 255 if dx < 0 else 0) if dx else (255 if dy < 0 else 0, int(px))
    far_row, far_col = (row, 255 - col) if dx else (255 - row, col)
    assert other[row, col, 3] > 0
    assert other[far_row, far_col, 3] == 0


def test_private_points_are_not_drawn_for_the_public(map_site: MapSite) -> None:
    portal = Portal.open(map_site.settings)
    try:
        _, lat, lon = HIDDEN[0]
        x, y, _, _ = tile_of(lat, lon, 14)
        for style in ("points", "grid", "heatmap"):
            public = maps.tile(portal, ANONYMOUS, None, None, 14, x, y, "png", style)
            seen = maps.tile(portal, OPERATOR, None, None, 14, x, y, "png", style)
            assert pixels(public.body)[:, :, 3].max() == 0, style
            assert pixels(seen.body)[:, :, 3].max() > 0, style
            assert public.etag != seen.etag
    finally:
        portal.close()


def test_an_old_versions_tile_draws_its_records_then(client: TestClient, map_site: MapSite) -> None:
    _, lat, lon = SECOND[1]  # added by the second version
    x, y, px, py = tile_of(lat, lon, 12)
    now = pixels(client.get(f"/map/points/12/{x}/{y}.png").content)
    then = pixels(client.get(f"/map/points/12/{x}/{y}.png",
                             params={"version": map_site.first}).content)
    assert now[int(py), int(px), 3] == 255
    assert then[int(py), int(px), 3] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [({"style": "grid"}, "z"), ({"style": "grid", "z": "99"}, "z"),
     ({"style": "sparkles", "z": "1"}, "style"), ({"z": "1"}, "style"),
     ({"style": "grid", "z": "1", "key": "not a key"}, "key"),
     ({"style": "grid", "z": "1", "version": "soon"}, "version")],
)
def test_a_bad_legend_request_is_a_400_naming_the_parameter(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    answer = client.get("/map/legend.json", params=params)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["field"] == field
