"""A tile as a Mapbox Vector Tile: layer ``records`` of Point features, extent 4096.

A tile answering single records has one feature per record, with ``id`` and ``resource``; else
one feature per occupied cell, at the cell's centre, with ``count``.
"""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile
import numpy as np
import shapely

from holotype.search import TileData

LAYER = "records"
EXTENT = 4096
MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
_PER_PIXEL = EXTENT // 256


def _points(pixels: list[tuple[int, int]], half: int) -> list[Any]:
    """Shapely points at the tile coordinates of ``pixels`` plus ``half`` (made all at once:
    the encoder reads a geometry object far faster than it parses text)."""
    if not pixels:
        return []
    at = np.asarray(pixels, dtype=np.float64) * _PER_PIXEL + half
    return list(shapely.points(at))


def encode(data: TileData) -> bytes:
    """The MVT bytes of ``data`` (y grows downwards, as in the tile's pixels)."""
    features: list[dict[str, Any]]
    if data.points is not None:
        at = _points([(px, py) for px, py, _, _ in data.points], _PER_PIXEL // 2)
        features = [
            {"geometry": point, "properties": {"id": record, "resource": resource}}
            for point, (_, _, resource, record) in zip(at, data.points, strict=True)
        ]
    else:
        at = _points([(cx, cy) for cx, cy, _ in data.cells], data.cell * _PER_PIXEL // 2)
        features = [
            {"geometry": point, "properties": {"count": count}}
            for point, (_, _, count) in zip(at, data.cells, strict=True)
        ]
    body: bytes = mapbox_vector_tile.encode(
        [{"name": LAYER, "features": features}],
        default_options={"extents": EXTENT, "y_coord_down": True},
    )
    return body
