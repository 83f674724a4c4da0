"""What interrupted index builds leave in the index folders, and sweeping it away.

A build writes its files under temporary names starting with a dot (the DuckDB file
``.<version>-<random>.duckdb.tmp`` with its ``.wal`` and its spill folder ``….tmp.tmp``, and
the row file ``.<version>.rows.sqlite-<random>.tmp``) and renames them into place when they are
complete, the row file first. A build that fails removes its own; one whose process is killed
cannot, and leaves them (gigabytes at scale), or a row file without its index file.

Builds of a resource run under its writer lock (``<resource folder>/lock``, taken by the
portal), so a sweep holding that lock never removes a file a running build is writing, whatever
process runs it. Readers open only index files (``<version>.duckdb``) with their row file, never
a temporary name or a row file alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from holotype.index.layout import INDEX_SUFFIX, ROWS_SUFFIX
from holotype.locking import Busy, writer_lock

LOCK = "lock"  # the writer lock of a resource's index folder


def leftovers(root: Path) -> list[Path]:
    """What interrupted builds left in the resource index folder ``root``."""
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        name = path.name
        version = name[: -len(ROWS_SUFFIX)] if name.endswith(ROWS_SUFFIX) else ""
        if name.startswith("."):  # only temporary files are named so
            found.append(path)
        elif version.isdigit() and not (root / (version + INDEX_SUFFIX)).exists():
            found.append(path)  # a row file renamed into place, but not its index file
    return sorted(found)


def sweep_leftovers(root: Path) -> list[Path]:
    """Remove what interrupted builds left in ``root``; the caller holds its writer lock."""
    removed = leftovers(root)
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return removed


def sweep_all_leftovers(index_root: Path) -> list[Path]:
    """Sweep every resource folder under ``index_root`` whose lock is free; a folder whose
    build is running is left alone (its next build sweeps it)."""
    if not index_root.is_dir():
        return []
    removed = []
    for root in sorted(index_root.iterdir()):
        if not (root / LOCK).is_file():
            continue  # never built under a lock (builds take it first), or being removed
        try:
            with writer_lock(root / LOCK, timeout=0):
                removed += sweep_leftovers(root)
        except Busy:
            continue
    return removed
