"""A small site for the map tests: the demo data, a private dataset with points, and a public
dataset ingested twice (two versions with different points)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import pytest

from holotype.config import Settings, load_settings
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.fixtures.site import AREAS, make_site

HEADER = "occurrenceID,catalogNumber,scientificName,decimalLatitude,decimalLongitude\n"
# (id, latitude, longitude)
FIRST = [("pt-a", 51.4967, -0.1764), ("pt-b", -33.8568, 151.2153)]
SECOND = [("pt-a", 51.4967, -0.1764), ("pt-c", 40.7794, -73.9632), ("pt-d", 48.8443, 2.3562)]
HIDDEN = [("hid-1", 10.1234, 20.5678), ("hid-2", 10.1236, 20.5671)]


@dataclass(frozen=True)
class MapSite:
    settings: Settings
    points: str  # the public resource ingested twice
    first: int  # its versions
    second: int
    hidden: str  # a private dataset's resource


def points_csv(path: Path, rows: list[tuple[str, float, float]]) -> Path:
    path.write_text(HEADER + "".join(f"{i},C-{i},Pointus {i},{lat},{lon}\n"
                                     for i, lat, lon in rows))
    return path


def add_points(portal: Portal, slug: str, visibility: str = "public") -> str:
    with portal.session() as session:
        catalogue.create_dataset(session, slug=slug, title=f"{slug} points", licence="CC0-1.0",
                                 category="research", visibility=visibility)
        return catalogue.create_resource(session, slug, slug="records", name="Records",
                                         id_field="occurrenceID").id


@pytest.fixture(scope="session")
def map_site(tmp_path_factory: pytest.TempPathFactory) -> MapSite:
    folder = tmp_path_factory.mktemp("map-site")
    settings = make_site(folder / "site", records=300, rate_limit_per_minute=0)
    portal = Portal.open(settings)
    try:
        hidden = add_points(portal, "hidden", "private")
        ingest(portal, OPERATOR, "hidden/records", points_csv(folder / "hidden.csv", HIDDEN))
        points = add_points(portal, "pts")
        first = ingest(portal, OPERATOR, "pts/records",
                       points_csv(folder / "first.csv", FIRST)).result.version
        second = ingest(portal, OPERATOR, "pts/records", points_csv(folder / "second.csv", SECOND),
                        mode="replace").result.version
        return MapSite(settings, points, first, second, hidden)
    finally:
        portal.close()


@pytest.fixture()
def small_site(tmp_path: Path) -> Settings:
    """A site with one public dataset of points and no demo data (for tests that change it)."""
    settings = load_settings(data_dir=tmp_path / "site", geo_areas_dir=AREAS,
                             rate_limit_per_minute=0)
    portal = Portal.open(settings)
    try:
        add_points(portal, "pts")
        ingest(portal, OPERATOR, "pts/records", points_csv(tmp_path / "first.csv", FIRST))
    finally:
        portal.close()
    return settings


def decode(body: bytes) -> list[dict[str, Any]]:
    """The features of an MVT's ``records`` layer (y downwards, extent 4096)."""
    layers = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})
    assert set(layers) <= {"records"}
    features: list[dict[str, Any]] = layers.get("records", {}).get("features", [])
    return features


def counted(body: bytes) -> int:
    return sum(int(f["properties"]["count"]) for f in decode(body))


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int, float, float]:
    """The tile holding a point, and its position (0..256) in that tile (spherical Mercator,
    written out here independently of the code under test)."""
    n = 2**z
    fx = (lon + 180.0) / 360.0 * n
    rad = math.radians(lat)
    fy = (1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n
    return int(fx), int(fy), (fx - int(fx)) * 256, (fy - int(fy)) * 256


def bbox_area(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"filters": {"and": [{"geo_custom_area": [[ring]]}]}}
