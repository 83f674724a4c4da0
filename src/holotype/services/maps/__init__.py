"""Distribution maps of any search at any version: tiles (Mapbox Vector Tiles and PNG) and the
records under a click.

A map reads the search a short link (``key``) names, at ``version``, through the same policy and
compiled filter as search (:mod:`holotype.services.search`), so a map, its counts and the
search always agree and private data is never drawn. Finished tiles are cached on disk by what
they show (:mod:`.cache`); the unfiltered world view is made after each ingest
(:mod:`.precompute`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from holotype.search import TileData
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.maps import cache, mvt, png
from holotype.services.maps.keys import MapSearch, open_map
from holotype.services.maps.legend import legend, ramp_of
from holotype.services.maps.params import (
    FORMATS,
    STYLES,
    bbox_of,
    check_format,
    check_tile,
    pins_of,
    version_of,
    whole_number,
)
from holotype.services.maps.ramp import Ramp
from holotype.services.record_view import record_title

MEDIA_TYPES = {"mvt": mvt.MEDIA_TYPE, "png": "image/png"}
TITLE_FIELDS = ["scientificName", "catalogNumber"]


@dataclass(frozen=True)
class TileAnswer:
    body: bytes
    media_type: str
    etag: str  # quoted, as the header carries it


@dataclass(frozen=True)
class BoxRecord:
    resource: str
    id: str
    title: str


@dataclass(frozen=True)
class BoxAnswer:
    """The records under a click: how many, the first ones, and the search narrowed to the box
    (its query, resources and version, for a link to the search page)."""

    count: int
    records: list[BoxRecord]
    query: dict[str, Any]
    resource_ids: tuple[str, ...] | None
    version: int | None


#: pixels beyond a raster tile's edges whose records it draws (a heatmap's blur and a dot's
#: disc reach over the edge), so neighbouring tiles join without seams
MARGINS = {"heatmap": png.HEATMAP_MARGIN, "points": png.POINT_MARGIN, "grid": 0}


def render(data: TileData, fmt: str, style: str | None, scale: int,
           ramp: Ramp | None = None) -> bytes:
    """A tile's bytes in ``fmt``; a raster's cells drawn at their centres, coloured by
    ``ramp`` (the zoom's shared scale)."""
    if fmt == "mvt":
        return mvt.encode(data)
    half = data.cell / 2
    cells = [(cx + half, cy + half, n) for cx, cy, n in data.cells]
    return png.draw(cells, style or "grid", scale, ramp)


def tile(
    portal: Portal, identity: Identity, key: str | None, version: int | None, z: int, x: int,
    y: int, fmt: str, style: str | None = None, scale: int = 1,
    pins: Mapping[str, int] | None = None,
) -> TileAnswer:
    """Tile ``z/x/y`` in ``fmt`` (``mvt`` or ``png`` with a ``style``) of the search ``key``
    names at ``version`` (resources in ``pins`` at their own), over what ``identity`` may
    see; from the cache when it was made before."""
    check_tile(z, x, y)
    check_format(fmt, style, scale)
    opened = open_map(portal, identity, key, version, pins)
    style = style if fmt == "png" else None
    name = cache.tile_key(opened.search, z, x, y, fmt, style, scale)
    body = cache.read(portal, name)
    if body is None:
        search = opened.search
        margin = MARGINS[style] if style else 0
        data = portal.searcher.tile(search.views, search.query, z, x, y, margin)
        ramp = ramp_of(portal, opened, z) if style in ("grid", "heatmap") else None
        body = render(data, fmt, style, scale, ramp)
        cache.write(portal, name, body)
    return TileAnswer(body, MEDIA_TYPES[fmt], f'"{name}"')


def box_query(query: dict[str, Any], bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    """``query`` narrowed to the records inside ``bbox`` (a ``geo_custom_area`` polygon)."""
    west, south, east, north = bbox
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    area = {"geo_custom_area": [[ring]]}
    filters = [query["filters"]] if query.get("filters") else []
    return {**query, "filters": {"and": [*filters, area]}}


def records_in(
    portal: Portal, identity: Identity, key: str | None, version: int | None,
    bbox: tuple[float, float, float, float], size: int = 20,
    pins: Mapping[str, int] | None = None,
) -> BoxAnswer:
    """The records of the search ``key`` names at ``version`` (resources in ``pins`` at their
    own) with a point in ``bbox``."""
    opened = open_map(portal, identity, key, version, pins)
    search = opened.search
    found = portal.searcher.in_box(search.views, search.query, bbox, size, TITLE_FIELDS)
    records = [BoxRecord(res, rid, record_title(data, rid)) for res, rid, data in found.records]
    return BoxAnswer(found.count, records, box_query(search.query, bbox), opened.resource_ids,
                     opened.version)


__all__ = [
    "FORMATS",
    "STYLES",
    "BoxAnswer",
    "BoxRecord",
    "MapSearch",
    "TileAnswer",
    "bbox_of",
    "legend",
    "open_map",
    "pins_of",
    "records_in",
    "tile",
    "version_of",
    "whole_number",
]
