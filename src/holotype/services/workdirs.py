"""Temporary work folders for ingests, cleaned up even after a killed process.

Each folder holds a lock file its process keeps locked (flock) while it works. A folder whose
lock can be taken belongs to no live process, so it is left over from a crash and removed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "ingest-"


@contextmanager
def work_dir(root: Path) -> Iterator[Path]:
    """A new folder under ``root``, removed when the block ends."""
    path = root / f"{PREFIX}{uuid.uuid4().hex}"
    path.mkdir(parents=True)
    fd = os.open(path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        os.close(fd)
        shutil.rmtree(path, ignore_errors=True)


def sweep_work_dirs(root: Path) -> list[Path]:
    """Remove work folders no live process holds; returns what was removed."""
    removed = []
    for path in root.glob(f"{PREFIX}*"):
        lock = path / ".lock"
        try:
            fd = os.open(lock, os.O_RDWR)
        except OSError:
            fd = -1
        try:
            if fd >= 0:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # in use
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            if fd >= 0:
                os.close(fd)
    return removed
