"""The unfiltered world view, zoom 0 to 6, made after each ingest so the first map anyone opens
is served from the cache.

Tiles are made for the anonymous reader (what the public sees), every tile holding a point (an
empty tile costs nothing to answer later), counted by one query over all zooms
(:meth:`Searcher.pyramid`), in each format of :data:`PRECOMPUTED`, and never for longer than
the time allowed: what is not made in time is made when first asked for.
"""

from __future__ import annotations

import logging
import time

from holotype.errors import Unavailable
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from holotype.services.maps import cache, render
from holotype.services.maps.keys import open_map
from holotype.services.maps.legend import ramp_of

log = logging.getLogger(__name__)
MAX_ZOOM = 6
SECONDS = 20.0  # at most this long after an ingest
#: (format, style) of the tiles made after each ingest: the vector tiles and the grid PNGs (the
#: heatmap and points styles read a margin beyond each tile, so they are made when first asked)
PRECOMPUTED: tuple[tuple[str, str | None], ...] = (("mvt", None), ("png", "grid"))


def after_ingest(portal: Portal) -> None:
    """The post-commit hook: the world view made, then the cache kept to its size."""
    precompute(portal)
    removed = cache.prune(portal, portal.settings.map_cache_mb * 1024 * 1024)
    if removed:
        log.info("map tile cache over %s MB: %s old tiles removed", portal.settings.map_cache_mb,
                 removed)


def precompute(portal: Portal, seconds: float = SECONDS, max_zoom: int = MAX_ZOOM) -> int:
    """Make the world view's tiles not cached yet, zoom 0 first; returns how many were made."""
    deadline = time.monotonic() + seconds
    try:
        opened = open_map(portal, ANONYMOUS, None, None)
    except Unavailable as exc:  # another resource still being indexed: made when asked for
        log.info("world map tiles not made now: %s", exc.message)
        return 0
    search = opened.search
    made = 0
    for data in portal.searcher.pyramid(search.views, {}, max_zoom):
        for fmt, style in PRECOMPUTED:
            if time.monotonic() >= deadline:
                return made
            key = cache.tile_key(search, data.z, data.x, data.y, fmt, style, 1)
            if cache.read(portal, key) is None:
                ramp = ramp_of(portal, opened, data.z) if style else None
                cache.write(portal, key, render(data, fmt, style, 1, ramp))
                made += 1
    return made
