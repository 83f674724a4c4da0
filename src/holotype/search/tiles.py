"""Map tiles of a search: the matching records' points in one Web Mercator tile, counted per
cell of a pixel grid (low zoom) or one by one (high zoom), and the records inside a bounding box.

The rows are the search's own (:func:`views.matching_sql`, the one compiled filter), so a map
always agrees with the search's counts. One query per tile reads every resource (UNION ALL): a
bounding-box predicate on ``_lat``/``_lon`` first, then the Mercator pixel of each point,
computed in DuckDB. A tile is 256 px square; pixel (0, 0) is its north-west corner, and a point
belongs to the pixel whose half-open square holds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from holotype.engine import ident
from holotype.index import IndexEngine
from holotype.search.views import View, matching_sql

TILE = 256  # pixels a side
MAX_LAT = 85.0511287798066  # Web Mercator's limit: points beyond it are on no tile
POINTS_ZOOM = 12  # from this zoom on a tile answers single records, when few enough
MAX_POINTS = 10_000  # more points than this in a tile: cells of one pixel instead
MAX_MARGIN = 64  # widest margin a tile may read beyond its edges, in pixels


@dataclass(frozen=True)
class TileData:
    """What one tile holds. ``cells`` are (pixel x, pixel y, count) of the north-west corner of
    each occupied ``cell``-px square; ``points`` (pixel x, pixel y, resource id, record id),
    when the tile answers single records, else None."""

    z: int
    x: int
    y: int
    cell: int
    cells: list[tuple[int, int, int]]
    points: list[tuple[int, int, str, str]] | None

    @property
    def total(self) -> int:
        return sum(c for _, _, c in self.cells)


@dataclass(frozen=True)
class BoxRecords:
    """The records with a point inside a bounding box: how many, and the first (resource id,
    record id, fields asked for) by resource and id."""

    count: int
    records: list[tuple[str, str, dict[str, str]]]


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of tile ``z/x/y``."""
    n = 2**z
    west = x / n * 360.0 - 180.0
    east = (x + 1) / n * 360.0 - 180.0
    north = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    south = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1) / n))))
    return west, south, east, north


def cell_size(z: int) -> int:
    """The side in pixels of a counting cell at zoom ``z``: coarse far out, fine close in."""
    return 8 if z < 4 else 4 if z < 8 else 2 if z < POINTS_ZOOM else 1


def _world_pixels(z: int) -> tuple[str, str]:
    """SQL of a point's pixel (x, y) in the whole world at zoom ``z``. The fraction of the
    world is computed first and then scaled by a power of two (exact in floating point), so
    the pixel at one zoom is the pixel at a deeper one shifted right: tiles and the pyramid of
    :func:`pyramid` agree to the pixel."""
    size = float(TILE * 2**z)
    lat = "LEAST(GREATEST(_lat, -85.0511287798066), 85.0511287798066)"
    px = f"CAST(floor((_lon + 180.0) / 360.0 * {size!r}) AS BIGINT)"
    py = (f"CAST(floor((1.0 - ln(tan(radians({lat})) + 1.0 / cos(radians({lat}))) / pi()) "
          f"/ 2.0 * {size!r}) AS BIGINT)")
    return px, py


def _pixels_sql(rows_sql: str, z: int, x: int, y: int, margin: int = 0) -> str:
    """The rows' points inside tile z/x/y, widened by ``margin`` pixels on every side, with
    their pixel (px, py) in the tile (negative or past 255 in the margin)."""
    west, south, east, north = tile_bounds(z, x, y)
    world = TILE * 2**z
    # a little more than a pixel beyond the margin, so the bbox never drops a point the pixel
    # arithmetic keeps; the pixel test below is the exact one
    pad = 360.0 / world * (2 + margin)
    px, py = _world_pixels(z)
    return (
        f"SELECT * FROM (SELECT _res, _id, {px} - {x * TILE} AS px, {py} - {y * TILE} AS py "
        f"FROM ({rows_sql}) WHERE _lat BETWEEN {max(south - 2 * pad, -MAX_LAT)!r} "
        f"AND {min(north + 2 * pad, MAX_LAT)!r} "
        f"AND _lon BETWEEN {west - pad!r} AND {east + pad!r}"
        f") WHERE px >= {-margin} AND px < {TILE + margin} "
        f"AND py >= {-margin} AND py < {TILE + margin}"
    )


def tile(
    indexes: IndexEngine, views: list[View], query: dict[str, Any], z: int, x: int, y: int,
    margin: int = 0,
) -> TileData:
    """The matching records of ``views`` in tile ``z/x/y``: cells, and single records from
    :data:`POINTS_ZOOM` on when the tile holds at most :data:`MAX_POINTS`. With a ``margin``
    (pixels, at most :data:`MAX_MARGIN`), cells only, including those up to ``margin`` pixels
    beyond the edges (for drawing that spills over them, such as a heatmap's blur)."""
    if not 0 <= margin <= MAX_MARGIN:
        raise ValueError(f"a tile's margin must be 0 to {MAX_MARGIN} pixels, not {margin}")
    cell = cell_size(z)
    singles = z >= POINTS_ZOOM and not margin
    if not views:
        return TileData(z, x, y, cell, [], [] if singles else None)
    pixels = _pixels_sql(matching_sql(views, query, ["_lat", "_lon"]), z, x, y, margin)
    cur = indexes.cursor()
    try:
        points = None
        if singles:
            rows = cur.execute(
                f"SELECT px, py, _res, _id FROM ({pixels}) ORDER BY _res, _id "
                f"LIMIT {MAX_POINTS + 1}"
            ).fetchall()
            if len(rows) <= MAX_POINTS:
                points = [(int(px), int(py), str(r), str(i)) for px, py, r, i in rows]
        if points is not None:
            counted: dict[tuple[int, int], int] = {}
            for px, py, _, _ in points:
                key = (px // cell * cell, py // cell * cell)
                counted[key] = counted.get(key, 0) + 1
            cells = sorted((cx, cy, n) for (cx, cy), n in counted.items())
        else:
            # shifted by MAX_MARGIN (a multiple of every cell size) so cells in a margin are
            # floored like the rest, not truncated towards zero
            shift = MAX_MARGIN
            found = cur.execute(
                f"SELECT (px + {shift}) // {cell} * {cell} - {shift} AS cx, "
                f"(py + {shift}) // {cell} * {cell} - {shift} AS cy, count(*) "
                f"FROM ({pixels}) GROUP BY cx, cy ORDER BY cx, cy"
            ).fetchall()
            cells = [(int(cx), int(cy), int(n)) for cx, cy, n in found]
    finally:
        cur.close()
    return TileData(z, x, y, cell, cells, points)


def in_box(
    indexes: IndexEngine, views: list[View], query: dict[str, Any],
    bbox: tuple[float, float, float, float], size: int, columns: list[str],
) -> BoxRecords:
    """The matching records whose point lies in ``bbox`` (west, south, east, north, edges
    included): their count and the first ``size`` with ``columns``."""
    if not views:
        return BoxRecords(0, [])
    west, south, east, north = bbox
    rows_sql = matching_sql(views, query, ["_lat", "_lon", *columns])
    inside = (f"SELECT * FROM ({rows_sql}) WHERE _lat BETWEEN {south!r} AND {north!r} "
              f"AND _lon BETWEEN {west!r} AND {east!r}")
    selected = ", ".join(ident(c) for c in columns)
    cur = indexes.cursor()
    try:
        row = cur.execute(f"SELECT count(*) FROM ({inside})").fetchone()
        first = cur.execute(
            f"SELECT _res, _id{', ' + selected if selected else ''} FROM ({inside}) "
            f"ORDER BY _res, _id LIMIT {int(size)}"
        ).fetchall()
    finally:
        cur.close()
    count = int(row[0]) if row else 0
    records = [
        (str(r[0]), str(r[1]),
         {c: str(v) for c, v in zip(columns, r[2:], strict=True) if v is not None})
        for r in first
    ]
    return BoxRecords(count, records)


def densest(
    indexes: IndexEngine, views: list[View], query: dict[str, Any], z: int, square: int,
) -> int:
    """The most matching records in one ``square``-pixel square of the world at zoom ``z``
    (squares aligned to the tiles): the top of the colour scale that every tile of the zoom
    shares, so the tiles agree with each other and with their legend."""
    if not views:
        return 0
    px, py = _world_pixels(z)
    rows_sql = matching_sql(views, query, ["_lat", "_lon"])
    cur = indexes.cursor()
    try:
        row = cur.execute(
            f"SELECT max(n) FROM (SELECT count(*) AS n FROM ({rows_sql}) "
            f"WHERE _lat BETWEEN {-MAX_LAT!r} AND {MAX_LAT!r} AND _lon BETWEEN -180.0 AND 180.0 "
            f"GROUP BY {px} // {int(square)}, {py} // {int(square)})"
        ).fetchone()
    finally:
        cur.close()
    return int(row[0]) if row and row[0] is not None else 0


def pyramid(
    indexes: IndexEngine, views: list[View], query: dict[str, Any], max_zoom: int,
) -> list[TileData]:
    """Every tile holding a matching point from zoom 0 to ``max_zoom`` (below
    :data:`POINTS_ZOOM`), from one query: the points counted in the finest cells of
    ``max_zoom``, which add up into the cells of every zoom above (each zoom's cell, in world
    pixels, is a whole number of finest cells). The same cells as :func:`tile` gives."""
    if max_zoom >= POINTS_ZOOM:
        raise ValueError("a pyramid stops before the zoom of single records")
    if not views:
        return []
    finest = cell_size(max_zoom)
    px, py = _world_pixels(max_zoom)
    rows_sql = matching_sql(views, query, ["_lat", "_lon"])
    cur = indexes.cursor()
    try:
        found = cur.execute(
            f"SELECT {px} // {finest} AS cx, {py} // {finest} AS cy, count(*) FROM ({rows_sql}) "
            f"WHERE _lat BETWEEN {-MAX_LAT!r} AND {MAX_LAT!r} AND _lon BETWEEN -180.0 AND 180.0 "
            "GROUP BY cx, cy"
        ).fetchall()
    finally:
        cur.close()
    size_max = TILE * 2**max_zoom
    tiles: list[TileData] = []
    for z in range(max_zoom + 1):
        cell = cell_size(z)
        ratio = cell * 2 ** (max_zoom - z) // finest  # finest cells to one cell of zoom z
        counted: dict[tuple[int, int, int, int], int] = {}
        for cx, cy, n in found:
            if not (0 <= cx * finest < size_max and 0 <= cy * finest < size_max):
                continue  # lon 180 exactly: past the last pixel, on no tile (as in tile())
            wx, wy = int(cx) // ratio * cell, int(cy) // ratio * cell  # world pixels at z
            key = (wx // TILE, wy // TILE, wx % TILE, wy % TILE)
            counted[key] = counted.get(key, 0) + int(n)
        by_tile: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for (tx, ty, cx_, cy_), n in counted.items():
            by_tile.setdefault((tx, ty), []).append((cx_, cy_, n))
        tiles += [TileData(z, tx, ty, cell, sorted(cells), None)
                  for (tx, ty), cells in sorted(by_tile.items())]
    return tiles
