"""Download workers wired to a portal: for `holotype serve` (threads) and `holotype worker`."""

from __future__ import annotations

import threading
from functools import partial

from holotype.jobs import Worker, WorkerThreads, start_threads
from holotype.services.context import Portal
from holotype.services.downloads.notify import notify_failed
from holotype.services.downloads.run import run_download


def make_worker(portal: Portal, poll_seconds: float = 1.0) -> Worker:
    s = portal.settings
    return Worker(portal.write_sessions, partial(run_download, portal),
                  lease_seconds=float(s.download_lease_seconds),
                  max_attempts=s.download_max_attempts, poll_seconds=poll_seconds,
                  on_failed=partial(notify_failed, portal))


def start_in_process(portal: Portal, count: int | None = None) -> WorkerThreads | None:
    """``download_workers`` (or ``count``) worker threads; None when there are to be none."""
    count = portal.settings.download_workers if count is None else count
    if count <= 0:
        return None
    return start_threads([make_worker(portal) for _ in range(count)])


def run_until(portal: Portal, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Run one worker in this thread until ``stop`` is set."""
    make_worker(portal, poll_seconds).run(stop)
