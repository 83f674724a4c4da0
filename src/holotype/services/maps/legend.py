"""The colour scale of a map's grid and heatmap tiles, and the legend that explains it.

One scale per search and zoom, shared by every tile of that zoom, so neighbouring tiles agree
and the legend says what each colour means: its top is the most records in one grid square
(:data:`png.GRID_CELL_PX` pixels) anywhere in the world at that zoom, counted through the
search's own compiled filter, and cached with the tiles.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from holotype.errors import Invalid
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.maps import cache, png
from holotype.services.maps.keys import MapSearch, open_map
from holotype.services.maps.params import STYLES, check_tile
from holotype.services.maps.ramp import Ramp, ramp_for

TITLES = {
    "grid": f"Records per square ({png.GRID_CELL_PX} × {png.GRID_CELL_PX} pixels)",
    "heatmap": "Records nearby (density)",
    "points": "Each dot is one or more records at that place",
}


def ramp_of(portal: Portal, opened: MapSearch, z: int) -> Ramp:
    """The colour scale of ``opened``'s tiles at zoom ``z``."""
    search = opened.search
    key = cache.key_of(search, "legend", z)
    stored = cache.read(portal, key)
    if stored is None:
        top = portal.searcher.densest(search.views, search.query, z, png.GRID_CELL_PX)
        cache.write(portal, key, json.dumps(top).encode())
    else:
        top = int(json.loads(stored))
    return ramp_for(top)


def legend(
    portal: Portal, identity: Identity, key: str | None, version: int | None, style: str | None,
    z: int, pins: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """What the colours of ``style`` tiles at zoom ``z`` mean: ``{"style", "z", "title",
    "max_count", "classes": [{"min", "max", "colour"}, ...]}`` (no classes for points, whose
    dots are all one colour)."""
    if style not in STYLES:
        raise Invalid(f"unknown style {style!r}; use one of {', '.join(STYLES)}", field="style")
    check_tile(z, 0, 0)
    opened = open_map(portal, identity, key, version, pins)
    body: dict[str, Any] = {"style": style, "z": z, "title": TITLES[style]}
    if style == "points":
        return {**body, "max_count": None, "classes": [], "colour": png.POINT_COLOUR}
    ramp = ramp_of(portal, opened, z)
    return {**body, "max_count": ramp.max_count, "classes": ramp.classes()}
