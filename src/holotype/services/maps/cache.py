"""Finished tiles on disk, under ``<data_dir>/tiles``, named by what they show.

The name is a hash of the query's normal form, each resource with the version it is read at,
and the tile (z/x/y, format, style, scale): a new version of a resource gives a new name, so a
stale tile is never served, and the name is the tile's ETag. Files are written whole (a
temporary file, then renamed), so a reader never sees half a tile.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from holotype.query.normalise import query_hash
from holotype.services import disk_cache
from holotype.services.context import Portal
from holotype.services.search import Search

FORMAT = 2  # bump when what a tile holds changes, so old files are not served


def key_of(search: Search, *what: str | int | None) -> str:
    """The name of something made from ``search`` (a tile, a legend's scale), ``what`` saying
    which: the query, each resource at its version, and ``what``, hashed."""
    parts = [FORMAT, query_hash(search.query) if search.query else "",
             sorted((v.rid, v.version) for v in search.views), *what]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40]


def tile_key(search: Search, z: int, x: int, y: int, fmt: str, style: str | None,
             scale: int) -> str:
    """The name (and ETag) of a tile of ``search``."""
    return key_of(search, z, x, y, fmt, style or "", scale)


def _path(portal: Portal, key: str) -> Path:
    return portal.settings.data_dir / "tiles" / key[:2] / key


def read(portal: Portal, key: str) -> bytes | None:
    try:
        return _path(portal, key).read_bytes()
    except FileNotFoundError:
        return None


def write(portal: Portal, key: str, body: bytes) -> None:
    disk_cache.write_whole(_path(portal, key), body)


def prune(portal: Portal, max_bytes: int) -> int:
    """Remove the tiles written longest ago until the cache holds under 90% of ``max_bytes``
    (nothing when it holds at most ``max_bytes``); returns how many files were removed. A tile
    removed is made again when next asked for; a tile being written is never touched."""
    root = portal.settings.data_dir / "tiles"
    return disk_cache.prune((p for p in root.glob("*/*") if not p.name.startswith(".tmp-")),
                            max_bytes)
