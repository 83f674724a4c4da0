"""Workers: take queued jobs one at a time, keep their lease alive, record how they ended.

A worker is a loop (:meth:`Worker.run`) that any process can run: threads inside
``holotype serve`` (:func:`start_threads`) or a ``holotype worker`` process. The work itself
is a handler passed in, so this module knows nothing about what a job makes; the job table
(downloads by default, or the image conversions) is the worker's ``table``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from holotype.catalog.downloads import DownloadJob
from holotype.jobs import queue
from holotype.jobs.queue import Claim, Table

log = logging.getLogger(__name__)


class Lost(Exception):
    """The job was taken from this worker (its lease ran out); stop working on it."""


class Heartbeat:
    """Keeps a claimed job's lease alive from a background thread, and reports progress."""

    def __init__(self, sessions: sessionmaker[Session], claim: Claim, lease_seconds: float):
        self.sessions = sessions
        self.claim = claim
        self.lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._lost = False
        self._thread = threading.Thread(target=self._beat, daemon=True,
                                        name=f"heartbeat-{claim.job_id}")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.lease_seconds / 3):
            try:
                if not queue.heartbeat(self.sessions, self.claim, self.lease_seconds):
                    self._lost = True
                    return
            except Exception:  # a database hiccup: try again at the next beat
                log.exception("heartbeat of %s %s failed", self.claim.table.job_name,
                              self.claim.job_id)

    def check(self) -> None:
        """Raise :class:`Lost` if the job is no longer this worker's."""
        if self._lost:
            raise Lost(self.claim.job_id)

    def progress(self, **values: Any) -> None:
        """Record progress (``status``, ``written``) now, extending the lease."""
        if not queue.heartbeat(self.sessions, self.claim, self.lease_seconds, **values):
            self._lost = True
        self.check()


Handler = Callable[[Claim, Heartbeat], None]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Worker:
    sessions: sessionmaker[Session]
    handler: Handler
    lease_seconds: float = 60.0
    max_attempts: int = 3
    poll_seconds: float = 1.0
    name: str = field(default_factory=worker_name)
    # told (job id, reason) of every job this worker marks failed, e.g. to notify its owner
    on_failed: Callable[[str, str], None] | None = None
    table: Table = DownloadJob

    def run_once(self) -> bool:
        """Requeue jobs of dead workers, then run one queued job; False when none was queued."""
        gave_up: list[tuple[str, str]] = []
        queue.requeue_expired(self.sessions, self.max_attempts, failed=gave_up, table=self.table)
        for job_id, reason in gave_up:
            self._failed(job_id, reason)
        claim = queue.claim_next(self.sessions, self.name, self.lease_seconds, table=self.table)
        if claim is None:
            return False
        what = self.table.job_name
        with Heartbeat(self.sessions, claim, self.lease_seconds) as beat:
            try:
                self.handler(claim, beat)
            except Lost:
                log.warning("%s %s was taken from worker %s", what, claim.job_id, self.name)
            except Exception as exc:
                message = getattr(exc, "message", None)  # a user-safe reason (ServiceError)
                if message is None:  # details (paths, internals) go to the log, not the public
                    log.exception("%s %s failed", what, claim.job_id)  # status page
                    message = ("something went wrong on the portal while making the file; "
                               "please try again later, and if it fails again tell the "
                               f"portal's operators, quoting {what} {claim.job_id}")
                else:
                    log.warning("%s %s failed: %s", what, claim.job_id, message)
                if queue.fail(self.sessions, claim, str(message)):
                    self._failed(claim.job_id, str(message))
        return True

    def _failed(self, job_id: str, reason: str) -> None:
        if self.on_failed is None:
            return
        try:
            self.on_failed(job_id, reason)
        except Exception:  # telling of a failure must never stop the worker
            log.exception("reporting the failure of job %s failed", job_id)

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set (it is checked between jobs)."""
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the catalogue is unreachable for a moment: wait and retry
                log.exception("%s worker %s could not reach the queue", self.table.job_name,
                              self.name)
                busy = False
            if not busy:
                stop.wait(self.poll_seconds)


@dataclass
class WorkerThreads:
    """Workers running as daemon threads of this process."""

    stop_event: threading.Event
    threads: list[threading.Thread]

    def stop(self, timeout: float | None = None) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout)


def start_threads(workers: list[Worker]) -> WorkerThreads:
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop,), daemon=True,
                                name=f"{w.table.job_name.replace(' ', '-')}-worker-{i}")
               for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    return WorkerThreads(stop, threads)
