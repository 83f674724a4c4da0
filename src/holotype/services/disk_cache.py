"""Folders of derived files (map tiles, image pyramids, statistics, chart images): each file
written whole or not at all, and a folder kept to a size, the files whose modification time is
oldest going first. Derived files are made again when next asked for, so removing them is
always safe."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_whole(path: Path, body: bytes) -> None:
    """Write ``body`` to ``path`` so that a reader sees the old file, the new one or none,
    never a part (a temporary file beside it, then renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(body)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def prune(files: Iterable[Path], max_bytes: int, keep: Path | None = None) -> int:
    """Remove the oldest of ``files`` (never ``keep``, which still counts) until they hold
    under 90% of ``max_bytes``; nothing when they hold at most ``max_bytes``. Returns how many
    were removed. A file that vanishes meanwhile (another pruner) is skipped."""
    found = []
    total = 0
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        total += stat.st_size
        if path != keep:
            found.append((stat.st_mtime, stat.st_size, path))
    if total <= max_bytes:
        return 0
    removed = 0
    for _, size, path in sorted(found, key=lambda f: f[0]):
        if total < 0.9 * max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += 1
    return removed
