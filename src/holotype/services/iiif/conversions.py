"""Large images are converted in the background: the image conversion queue's requests side.

An image with more pixels than ``image_background_pixels`` (read from its file's header) is
not converted within the request that first needs its pyramid: a job is queued (one per
medium, :class:`holotype.catalog.image_jobs.ImageJob`) and the request is told
:class:`holotype.errors.Preparing` (503, ``Retry-After`` estimated from the pixels), as is
every request until a worker (:mod:`holotype.services.iiif.converter`) has made it. A job that
failed (a corrupt file) gives every request its reason as the synchronous conversion would
(400), and is not tried again until its file changes (a new tag). Ingests queue their large
stored images at once (:func:`queue_stored`), so they are ready before anyone asks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from holotype.catalog.image_jobs import ImageJob, ImageJobStatus
from holotype.errors import Preparing
from holotype.images import ImageError, probe
from holotype.media.refs import STORED
from holotype.media.stored import stored_path
from holotype.services.context import Portal
from holotype.services.iiif.pyramid_files import file_tag, pyramid_path

PIXELS_PER_SECOND = 50_000_000  # about what a worker converts (a 315-megapixel drawer: ~6 s)
MIN_RETRY_SECONDS = 2
WAITING = (ImageJobStatus.QUEUED.value, ImageJobStatus.RUNNING.value)


def retry_after(pixels: int) -> int:
    """Seconds after which to ask again for an image of ``pixels`` being converted."""
    return max(MIN_RETRY_SECONDS, math.ceil(pixels / PIXELS_PER_SECOND))


def preparing(pixels: int) -> Preparing:
    seconds = retry_after(pixels)
    return Preparing(f"this image is being prepared (a large image is converted in the "
                     f"background); ask again in about {seconds} seconds",
                     retry_after=seconds)


def background(portal: Portal, media_id: str, original: Path, tag: str) -> None:
    """Called when a request needs the pyramid of ``original`` (its file, ``tag``) and it is
    not made: returns when the request is to convert it itself (a small image); raises
    Preparing when a worker is to (queuing the job if it is not queued), or the failed job's
    error (ImageError, 400) when its conversion failed."""
    with portal.session() as session:
        job = session.get(ImageJob, media_id)
        known = (job.status, job.tag, job.pixels, job.reason) if job is not None else None
    if known is not None and known[1] == tag:
        status, _, pixels, reason = known
        if status in WAITING:
            raise preparing(pixels)
        if status == ImageJobStatus.FAILED.value:
            raise ImageError(reason or "the image could not be converted")
    # not queued for this file, or done and its pyramid pruned since: asked anew
    found = probe(original, portal.settings.image_max_pixels)  # the header only
    pixels = found.width * found.height
    if pixels <= portal.settings.image_background_pixels:
        return
    enqueue(portal, media_id, tag, pixels)
    raise preparing(pixels)


def enqueue(portal: Portal, media_id: str, tag: str, pixels: int) -> bool:
    """Queue the conversion of medium ``media_id``'s file ``tag``; False when it is queued,
    running or failed for that file already (nothing changes). A job done before, or for
    another file, is queued again."""
    try:
        with portal.write_session() as session:
            job = session.get(ImageJob, media_id)
            if job is None:
                session.add(ImageJob(id=media_id, tag=tag, pixels=pixels, attempts=0,
                                     status=ImageJobStatus.QUEUED.value))
                return True
            if job.status == ImageJobStatus.RUNNING.value or (
                    job.tag == tag and job.status != ImageJobStatus.DONE.value):
                return False
            job.tag, job.pixels, job.attempts = tag, pixels, 0
            job.status = ImageJobStatus.QUEUED.value
            job.reason = job.worker = job.lease_until = job.started = job.finished = None
            return True
    except IntegrityError:  # another request queued it meanwhile
        return False


def queue_stored(portal: Portal, media: Iterable[tuple[str, str]]) -> int:
    """Queue the conversion of every stored image of ``media`` (``(media id, source)``, e.g.
    those an ingest registered) whose header says it is over ``image_background_pixels`` and
    whose pyramid is not made; how many were queued. Files missing or unreadable are left for
    the request that asks for them to report."""
    settings = portal.settings
    queued = 0
    for key, source in media:
        if not source.startswith(STORED):  # millions of web addresses cost nothing here
            continue
        path = stored_path(settings.data_dir, source)
        if path is None:
            continue
        try:
            tag = file_tag(path)
            if pyramid_path(settings.data_dir, key, tag).is_file():
                continue
            found = probe(path, settings.image_max_pixels)
        except (ImageError, OSError):
            continue
        pixels = found.width * found.height
        if pixels > settings.image_background_pixels:
            queued += enqueue(portal, key, tag, pixels)
    return queued
