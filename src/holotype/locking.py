"""Exclusive locks across processes: one writer per resource, one migration at a time.

An exclusive ``flock`` on a lock file. The kernel releases it when the process dies, so a killed
process never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from holotype.errors import Conflict


class Busy(Conflict):
    """Another process is writing to this resource (a 409: try again when it has finished)."""


@contextmanager
def writer_lock(path: Path, timeout: float | None = 0.0) -> Iterator[None]:
    """Hold the lock on ``path``: wait up to ``timeout`` seconds (None: as long as it takes),
    then raise :class:`Busy`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + (timeout or 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if timeout is not None and time.monotonic() >= deadline:
                    raise Busy(f"another ingest is writing to {path.parent.name}") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
