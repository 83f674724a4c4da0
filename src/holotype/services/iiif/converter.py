"""Image conversion workers: they take the queued conversions of large images
(:mod:`holotype.services.iiif.conversions`) and make their pyramids, with the very code a
request converts with (:func:`holotype.services.iiif.images.make`: one conversion of a file at
a time, across processes, written whole or not at all).

They are workers of the one durable queue (:mod:`holotype.jobs`) on the image jobs table, in
threads of their own (a long conversion never holds up a download): ``image_workers`` of them
in ``holotype serve``, and one beside the download worker in every ``holotype worker``. A
worker that dies mid-conversion stops renewing its lease and another converts the image again.
"""

from __future__ import annotations

import threading

from holotype.catalog.image_jobs import ImageJob
from holotype.catalog.media import Medium
from holotype.images import ImageError
from holotype.jobs import Claim, Heartbeat, Worker, WorkerThreads, queue, start_threads
from holotype.services.context import Portal
from holotype.services.iiif import images
from holotype.services.iiif.pyramid_files import file_tag, pyramid_path
from holotype.services.media.originals import local_file

LEASE_SECONDS = 60.0
MAX_ATTEMPTS = 3


def convert(portal: Portal, claim: Claim, beat: Heartbeat) -> None:
    """Make the pyramid of the claimed medium's file as it is now, and mark the job done with
    the file's tag (a request for a file changed since queues it again)."""
    media_id = claim.job_id
    with portal.session() as session:
        medium = session.get(Medium, media_id)
        source = medium.source if medium is not None else None
    data_dir = portal.settings.data_dir
    original = local_file(data_dir, media_id, source) if source is not None else None
    if original is None or not original.is_file():
        raise ImageError(f"the file of medium {media_id} is no longer on the portal")
    tag = file_tag(original)
    images.make(portal, original, pyramid_path(data_dir, media_id, tag))
    beat.check()
    queue.complete(portal.write_sessions, claim, tag=tag)


def make_worker(portal: Portal, poll_seconds: float = 1.0) -> Worker:
    return Worker(portal.write_sessions, lambda claim, beat: convert(portal, claim, beat),
                  lease_seconds=LEASE_SECONDS, max_attempts=MAX_ATTEMPTS,
                  poll_seconds=poll_seconds, table=ImageJob)


def start_in_process(portal: Portal, count: int | None = None) -> WorkerThreads | None:
    """``image_workers`` (or ``count``) worker threads; None when there are to be none."""
    count = portal.settings.image_workers if count is None else count
    if count <= 0:
        return None
    return start_threads([make_worker(portal) for _ in range(count)])


def run_until(portal: Portal, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Run one worker in this thread until ``stop`` is set."""
    make_worker(portal, poll_seconds).run(stop)
