"""Map tiles of a search: the matching records' points in one Web Mercator tile, counted per
cell of a pixel grid (low zoom) or one by one (high zoom), and the records inside a bounding box.

The points are the search's own: those of the index's spatial index (:mod:`.geo_points`, one
slice a tile) whose record versions the search's compiled filter matches (:mod:`.geo_match`),
so a map always agrees with the search's counts. A tile is 256 px square; pixel (0, 0) is its
north-west corner, and a point belongs to the pixel whose half-open square holds it. The
records in a bounding box (a click) are read through the compiled filter in DuckDB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from holotype.engine import ident
from holotype.index import IndexEngine
from holotype.search import geo_match, geo_points
from holotype.search.views import View, matching_sql

TILE = 256  # pixels a side
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


@dataclass(frozen=True)
class _Near:
    """The matching points of a tile (and of its neighbours within a margin): per resource, the
    points' pixel in the tile and their ``_rid``."""

    px: NDArray[np.int64]
    py: NDArray[np.int64]
    res: list[tuple[str, NDArray[np.int64]]]  # (resource id, _rids), in the points' order


def _near(indexes: IndexEngine, views: list[View], query: dict[str, Any], z: int, x: int,
          y: int, margin: int) -> _Near:
    """The matching points in tile ``z/x/y`` and up to ``margin`` pixels beyond it (across the
    antimeridian too), with their pixel in the tile."""
    matched = geo_match.matching(indexes, views, query)
    n = 2**z
    around = [(0, 0)] if not margin else [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                                          if 0 <= y + dy < n and (n > 1 or dx == 0)]
    xs: list[NDArray[np.int64]] = []
    ys: list[NDArray[np.int64]] = []
    res: list[tuple[str, NDArray[np.int64]]] = []
    for view in views:
        points = geo_points.points_of(indexes, view.attached)
        for dx, dy in around:
            part = geo_points.in_tile(points, z, (x + dx) % n, y + dy, view.version,
                                      matched[view.rid])
            wx, wy = geo_points.pixels(part, z)
            px = (wx & np.uint64(TILE - 1)).astype(np.int64) + dx * TILE
            py = (wy & np.uint64(TILE - 1)).astype(np.int64) + dy * TILE
            keep = (px >= -margin) & (px < TILE + margin) & (py >= -margin) & (py < TILE + margin)
            xs.append(px[keep])
            ys.append(py[keep])
            res.append((view.rid, part.rid[keep]))
    empty = np.zeros(0, dtype=np.int64)
    return _Near(np.concatenate(xs) if xs else empty, np.concatenate(ys) if ys else empty, res)


def _counted(px: NDArray[np.int64], py: NDArray[np.int64],
             cell: int) -> list[tuple[int, int, int]]:
    """(x, y, count) of each occupied ``cell``-px square (floored, so a margin's cells too),
    by x then y."""
    if not len(px):
        return []
    shift = MAX_MARGIN  # a multiple of every cell size: floors cells in the margin alike
    cx = (px + shift) // cell
    cy = (py + shift) // cell
    keys, counts = np.unique(cx * (1 << 20) + cy, return_counts=True)
    return [(int(k >> 20) * cell - shift, int(k & ((1 << 20) - 1)) * cell - shift, int(c))
            for k, c in zip(keys, counts, strict=True)]


def _ids(indexes: IndexEngine, views: list[View], near: _Near) -> list[tuple[str, str]]:
    """(resource id, record id) of each point of ``near``, in its order."""
    attached = {view.rid: view.attached for view in views}
    cur = indexes.cursor()
    try:
        out: list[tuple[str, str]] = []
        for res, rids in near.res:
            if not len(rids):
                continue
            found = dict(cur.execute(
                f"SELECT _rid, _id FROM {attached[res].records} "
                "WHERE _rid IN (SELECT unnest($rids))", {"rids": rids.tolist()}
            ).fetchall())
            out += [(res, str(found[int(r)])) for r in rids]
    finally:
        cur.close()
    return out


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
    near = _near(indexes, views, query, z, x, y, margin)
    points = None
    if singles and len(near.px) <= MAX_POINTS:
        ids = _ids(indexes, views, near)
        points = sorted(
            ((int(px), int(py), res, rid)
             for px, py, (res, rid) in zip(near.px, near.py, ids, strict=True)),
            key=lambda p: (p[2], p[3]),
        )
    return TileData(z, x, y, cell, _counted(near.px, near.py, cell), points)


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


def _world(indexes: IndexEngine, views: list[View], query: dict[str, Any],
           z: int) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """The world pixel at zoom ``z`` of every matching point."""
    matched = geo_match.matching(indexes, views, query)
    xs, ys = [], []
    for view in views:
        points = geo_points.current(geo_points.points_of(indexes, view.attached), view.version,
                                    matched[view.rid])
        wx, wy = geo_points.pixels(points, z)
        xs.append(wx)
        ys.append(wy)
    empty = np.zeros(0, dtype=np.uint64)
    return (np.concatenate(xs) if xs else empty), (np.concatenate(ys) if ys else empty)


def densest(
    indexes: IndexEngine, views: list[View], query: dict[str, Any], z: int, square: int,
) -> int:
    """The most matching records in one ``square``-pixel square of the world at zoom ``z``
    (squares aligned to the tiles): the top of the colour scale that every tile of the zoom
    shares, so the tiles agree with each other and with their legend."""
    wx, wy = _world(indexes, views, query, z)
    if not len(wx):
        return 0
    sq = np.uint64(square)
    _, counts = np.unique((wx // sq) << np.uint64(32) | (wy // sq), return_counts=True)
    return int(counts.max())


def pyramid(
    indexes: IndexEngine, views: list[View], query: dict[str, Any], max_zoom: int,
) -> list[TileData]:
    """Every tile holding a matching point from zoom 0 to ``max_zoom`` (below
    :data:`POINTS_ZOOM`), with the cells :func:`tile` gives, from one pass over the points."""
    if max_zoom >= POINTS_ZOOM:
        raise ValueError("a pyramid stops before the zoom of single records")
    fine_x, fine_y = _world(indexes, views, query, max_zoom)
    tiles: list[TileData] = []
    for z in range(max_zoom + 1):
        cell = cell_size(z)
        shift = np.uint64(max_zoom - z)
        cx = (fine_x >> shift) // np.uint64(cell)
        cy = (fine_y >> shift) // np.uint64(cell)
        keys, counts = np.unique(cx << np.uint64(32) | cy, return_counts=True)
        by_tile: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for key, n in zip(keys.tolist(), counts.tolist(), strict=True):
            wx, wy = (key >> 32) * cell, (key & 0xFFFFFFFF) * cell  # world pixels at z
            by_tile.setdefault((wx // TILE, wy // TILE), []).append(
                (wx % TILE, wy % TILE, n))
        tiles += [TileData(z, tx, ty, cell, sorted(cells), None)
                  for (tx, ty), cells in sorted(by_tile.items())]
    return tiles
