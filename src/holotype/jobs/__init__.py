"""Durable background work: the job queues in the catalogue (downloads, image conversions)
and the workers that drain them.

Other packages use the names below (and the ``queue`` and ``notify`` modules as a whole).
"""

from __future__ import annotations

from holotype.jobs.queue import Claim
from holotype.jobs.worker import Heartbeat, Lost, Worker, WorkerThreads, start_threads

__all__ = ["Claim", "Heartbeat", "Lost", "Worker", "WorkerThreads", "start_threads"]
