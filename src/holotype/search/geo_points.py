"""Each index's points in Z-order, in memory: the spatial index the map tiles read.

For every record version with a point on the Web Mercator map, its world pixel at zoom 24
(``2**32`` pixels a side, so one unsigned 32-bit number an axis) and the Morton code of the two
(bits interleaved), sorted by that code, beside its ``_rid`` and the versions it is current in
(``_from``/``_to``). Every Web Mercator tile is one run of Morton codes, so the points of a tile
at any zoom are one slice found by two binary searches, and their pixel at that zoom is a shift
of the zoom-24 pixel: no trigonometry and no scan per tile. A tile of a filtered search keeps
only the positions of the records the search matches (:mod:`.geo_match`), found through each
``_rid``'s position.

Built once per attached index (index files never change) from one DuckDB read, and kept in the
index's memo: 40 bytes a point (80 MB at 2,000,000 points).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from holotype.index import Attached, IndexEngine

MAX_LAT = 85.0511287798066  # Web Mercator's limit: points beyond it are on no tile
FINE = 24  # the zoom of the stored pixels: 256 * 2**24 = 2**32 pixels a side
TILE_BITS = 8  # 256 pixels a tile side

U64 = NDArray[np.uint64]
I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Points:
    """Points sorted by Morton code: code, zoom-24 pixel, ``_rid``, ``_from``, ``_to``; and,
    for the whole index, ``at``: each ``_rid``'s position in that order (-1: no point)."""

    code: U64
    mx: U64
    my: U64
    rid: I64
    since: I64
    until: I64
    at: I64 | None = None

    def __len__(self) -> int:
        return len(self.code)

    def take(self, keep: NDArray[np.bool_] | NDArray[np.intp] | slice) -> Points:
        return Points(self.code[keep], self.mx[keep], self.my[keep], self.rid[keep],
                      self.since[keep], self.until[keep])


def spread(v: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The bits of 32-bit ``v`` moved to the even bit positions of 64."""
    v = v.astype(np.uint64)
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF),
                        (4, 0x0F0F0F0F0F0F0F0F), (2, 0x3333333333333333),
                        (1, 0x5555555555555555)):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def world_pixels(lat: NDArray[np.float64], lon: NDArray[np.float64],
                 zoom: int = FINE) -> tuple[U64, U64]:
    """The world pixel (x, y) at ``zoom`` of points inside the map (spherical Mercator). The
    fraction of the world is scaled by a power of two (exact in floating point), so the
    pixel at one zoom is the pixel at a deeper one shifted right."""
    size = float(2 ** (zoom + TILE_BITS))
    fx = (lon + 180.0) / 360.0
    rad = np.radians(np.clip(lat, -MAX_LAT, MAX_LAT))
    fy = (1.0 - np.log(np.tan(rad) + 1.0 / np.cos(rad)) / math.pi) / 2.0
    top = size - 1
    px = np.clip(np.floor(fx * size), 0, top).astype(np.uint64)
    py = np.clip(np.floor(fy * size), 0, top).astype(np.uint64)
    return px, py


def build(indexes: IndexEngine, attached: Attached) -> Points:
    """The points of every record version in ``attached``, sorted by Morton code."""
    cur = indexes.cursor()
    try:
        cols = cur.execute(
            f"SELECT _rid, _lat, _lon, _from, _to FROM {attached.records} "
            f"WHERE _lat BETWEEN {-MAX_LAT!r} AND {MAX_LAT!r} AND _lon >= -180.0 "
            "AND _lon < 180.0"  # 180 exactly is past the last pixel: on no tile
        ).fetchnumpy()
    finally:
        cur.close()
    lat = np.asarray(cols["_lat"], dtype=np.float64)
    lon = np.asarray(cols["_lon"], dtype=np.float64)
    mx, my = world_pixels(lat, lon)
    code = spread(mx) | (spread(my) << np.uint64(1))
    order = np.argsort(code, kind="stable")
    rid = np.asarray(cols["_rid"], dtype=np.int64)[order]
    at = np.full(int(rid.max(initial=-1)) + 1, -1, dtype=np.int64)
    at[rid] = np.arange(len(rid), dtype=np.int64)
    return Points(code[order], mx[order], my[order], rid,
                  np.asarray(cols["_from"], dtype=np.int64)[order],
                  np.asarray(cols["_to"], dtype=np.int64)[order], at)


def points_of(indexes: IndexEngine, attached: Attached) -> Points:
    """The points of ``attached``, built on first use and kept with it."""
    found = attached.memo.get("geo-points")
    if found is None:
        lock = attached.memo.setdefault("geo-points-lock", threading.Lock())
        with lock:
            found = attached.memo.get("geo-points")
            if found is None:
                found = attached.memo["geo-points"] = build(indexes, attached)
    points: Points = found
    return points


def span(points: Points, z: int, x: int, y: int) -> tuple[int, int]:
    """The positions ``[start, end)`` of the points in tile ``z/x/y``."""
    shift = 2 * (FINE + TILE_BITS - z)
    first = int(spread(np.array([x], dtype=np.uint64))[0]
                | (spread(np.array([y], dtype=np.uint64))[0] << np.uint64(1)))
    lo = first << shift
    hi = (first + 1) << shift  # may be 2**64: past every code
    start = int(np.searchsorted(points.code, np.uint64(lo), side="left"))
    end = (len(points) if hi >= 2**64
           else int(np.searchsorted(points.code, np.uint64(hi), side="left")))
    return start, end


def in_tile(points: Points, z: int, x: int, y: int, version: int,
            positions: NDArray[np.int64] | None = None) -> Points:
    """The points of tile ``z/x/y`` current at ``version``; only those at the sorted
    ``positions`` when given (a search's matches)."""
    start, end = span(points, z, x, y)
    if positions is None:
        part = points.take(slice(start, end))
    else:
        lo, hi = np.searchsorted(positions, [start, end])
        part = points.take(positions[lo:hi])
    return part.take((part.since <= version) & (part.until > version))


def current(points: Points, version: int,
            positions: NDArray[np.int64] | None = None) -> Points:
    """Every point current at ``version`` (of those at ``positions``, when given)."""
    part = points if positions is None else points.take(positions)
    return part.take((part.since <= version) & (part.until > version))


def positions_of(points: Points, rids: NDArray[np.int64]) -> NDArray[np.int64]:
    """The sorted positions of the points of ``rids`` (those without one left out)."""
    assert points.at is not None
    inside = rids[(rids >= 0) & (rids < len(points.at))]
    found = points.at[inside]
    return np.sort(found[found >= 0])


def pixels(points: Points, z: int) -> tuple[U64, U64]:
    """The points' world pixel at zoom ``z``."""
    shift = np.uint64(FINE - z)
    return points.mx >> shift, points.my >> shift
