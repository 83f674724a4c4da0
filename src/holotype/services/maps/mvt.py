"""A tile as a Mapbox Vector Tile: layer ``records`` of Point features, extent 4096.

A tile answering single records has one feature per record, with ``id`` and ``resource``; else
one feature per occupied cell, at the cell's centre, with ``count``.
"""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile

from holotype.search import TileData

LAYER = "records"
EXTENT = 4096
MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
_PER_PIXEL = EXTENT // 256


def encode(data: TileData) -> bytes:
    """The MVT bytes of ``data`` (y grows downwards, as in the tile's pixels)."""
    features: list[dict[str, Any]]
    if data.points is not None:
        half = _PER_PIXEL // 2
        features = [
            {"geometry": f"POINT({px * _PER_PIXEL + half} {py * _PER_PIXEL + half})",
             "properties": {"id": record, "resource": resource}}
            for px, py, resource, record in data.points
        ]
    else:
        half = data.cell * _PER_PIXEL // 2
        features = [
            {"geometry": f"POINT({cx * _PER_PIXEL + half} {cy * _PER_PIXEL + half})",
             "properties": {"count": count}}
            for cx, cy, count in data.cells
        ]
    body: bytes = mapbox_vector_tile.encode(
        [{"name": LAYER, "features": features}],
        default_options={"extents": EXTENT, "y_coord_down": True},
    )
    return body
