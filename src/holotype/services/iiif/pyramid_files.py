"""Where a medium's pyramid is kept: ``<data_dir>/iiif/<id[:2]>/<media id>-<tag>.tif``, the
tag naming its file by size and modification time, so a changed file gets a new pyramid
(libvips caches opened files by name) and an old one is never read."""

from __future__ import annotations

import hashlib
from pathlib import Path

FOLDER = "iiif"


def file_tag(original: Path) -> str:
    """12 hex digits naming ``original``'s current content (its size and modification time)."""
    stat = original.stat()
    return hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]


def pyramid_path(data_dir: Path, media_id: str, tag: str) -> Path:
    return data_dir / FOLDER / media_id[:2] / f"{media_id}-{tag}.tif"
