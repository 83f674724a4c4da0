"""Temporary work folders for ingests, cleaned up even after a killed process.

Each folder holds a lock file its process keeps locked while it works. A folder whose lock can
be taken belongs to no live process, so it is left over from a crash and removed.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from holotype.locking import Busy, writer_lock

PREFIX = "ingest-"
LOCK = ".lock"


@contextmanager
def work_dir(root: Path) -> Iterator[Path]:
    """A new folder under ``root``, removed when the block ends."""
    path = root / f"{PREFIX}{uuid.uuid4().hex}"
    path.mkdir(parents=True)
    try:
        with writer_lock(path / LOCK, timeout=None):
            yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sweep_work_dirs(root: Path) -> list[Path]:
    """Remove work folders no live process holds; returns what was removed."""
    removed = []
    for path in root.glob(f"{PREFIX}*"):
        try:
            with writer_lock(path / LOCK, timeout=0):
                shutil.rmtree(path, ignore_errors=True)
        except Busy:
            continue  # in use
        except FileNotFoundError:
            continue  # removed meanwhile by its own process
        removed.append(path)
    return removed
