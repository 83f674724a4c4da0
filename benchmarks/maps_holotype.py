"""The maps benchmark's one point of contact with Holotype's tile engine (issue 14).

Everything the benchmark asks of Holotype goes through these functions, so a change of the
engine's interface is a change here only. The contract: ``holotype.services.maps.tile(portal,
identity, key, version, z, x, y, fmt, style=None, scale=1) -> TileAnswer(body, media_type,
etag)``, where ``key`` is a short link's slug (None: every public resource, unfiltered).

Cache bypass: finished tiles are cached on disk under ``<data_dir>/tiles`` (the engine's
``cache`` module), so an uncached sample removes that folder first, untimed, and the timed call
makes the tile from the search index, encodes it and writes it to the cache, as a first
request does. :func:`cache_seen` tells whether the folder was written, so a moved cache is
noticed rather than silently measured as "uncached".

A filtered search's matches are kept in memory once found (the next tile of a map being panned
reads them): :func:`forget_matches` drops them, for the first tile of a search.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from types import ModuleType

from holotype.search import geo_match
from holotype.services import portal_search
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS

MISSING = (
    "the maps benchmark needs Holotype's tile engine, holotype.services.maps (issue 14), "
    "which this checkout does not have; merge the tile engine first, or measure PostGIS "
    "alone with `python -m benchmarks.run --only maps --maps-engines postgis`"
)


def engine() -> ModuleType:
    """``holotype.services.maps`` with a ``tile`` function, or a clear SystemExit."""
    try:
        maps = importlib.import_module("holotype.services.maps")
    except ModuleNotFoundError as exc:
        if exc.name and "holotype.services.maps".startswith(exc.name):
            raise SystemExit(MISSING) from exc
        raise
    if not callable(getattr(maps, "tile", None)):
        raise SystemExit(MISSING + " (the module has no tile function)")
    return maps


def tile(portal: Portal, key: str | None, version: int | None, z: int, x: int, y: int) -> bytes:
    """Tile z/x/y as Mapbox Vector Tile bytes, for an anonymous visitor."""
    answer = engine().tile(portal, ANONYMOUS, key, version, z, x, y, "mvt")
    body: bytes = answer.body
    return body


def forget_matches(portal: Portal, key: str | None, version: int | None) -> None:
    """Forget which points the search ``key`` names matches (kept in memory for the next tile
    of the same search), so the next tile is the search's first."""
    views = engine().open_map(portal, ANONYMOUS, key, version).search.views
    geo_match.forget(views)


def cache_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "tiles"


def clear_cache(data_dir: Path) -> None:
    """Forget every finished tile of the site at ``data_dir`` (served or not)."""
    shutil.rmtree(cache_dir(data_dir), ignore_errors=True)


def bypass_cache(portal: Portal) -> None:
    """Forget every finished tile, so the next request makes its tile anew."""
    clear_cache(portal.settings.data_dir)


def cache_seen(portal: Portal) -> bool:
    return cache_dir(portal.settings.data_dir).is_dir()


def share_key(portal: Portal, word: str | None) -> str | None:
    """The short link (key) of a free-text search over every public resource; None: no filter."""
    if not word:
        return None
    return portal_search.share(portal, ANONYMOUS, {"search": word}, None, None)
