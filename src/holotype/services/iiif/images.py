"""The IIIF Image API 3.0 over the portal's media: who may see an image, its pyramid, its
information document and any region, size, rotation, quality and format of it.

A medium's file comes from the media registry, through the one policy
(:func:`holotype.services.media.originals.original_for`: not found for those who may not see
it). It is converted once into a pyramidal TIFF (:func:`holotype.images.make_pyramid`) kept in
``<data_dir>/iiif`` (:mod:`holotype.services.iiif.pyramid_files`): within the request that
first needs it, or, for an image over ``image_background_pixels``, by a background worker while
requests are told it is being prepared (:mod:`holotype.services.iiif.conversions`).
The folder is kept to ``image_cache_mb``: after each conversion the pyramids used longest
ago are removed (a use marks a pyramid at most once a minute).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holotype.images import (
    ImageError,
    ImageInfo,
    info_json,
    make_pyramid,
    parse_request,
    probe,
    render,
)
from holotype.services import disk_cache
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.iiif import conversions
from holotype.services.iiif.pyramid_files import FOLDER, file_tag, pyramid_path
from holotype.services.media.originals import local_file, original_for
from holotype.services.media.registry import visible_source

TOUCH_SECONDS = 60.0  # a pyramid's use is recorded (its mtime) at most this often
EXTRA_FEATURES = ["canonicalLinkHeader", "profileLinkHeader"]


@dataclass(frozen=True)
class ImageAnswer:
    body: bytes
    media_type: str
    canonical: str  # the request's canonical form: <region>/<size>/<rotation>/<quality>.<fmt>
    etag: str  # quoted
    modified: bool = True  # False: the asker's copy (If-None-Match) is this one; no body


def _pyramid(portal: Portal, media_id: str, original: Path) -> tuple[Path, ImageInfo]:
    """The pyramid of ``original`` (made now if it is not yet, and not too large to make
    within a request: Preparing then) and what it holds."""
    settings = portal.settings
    tag = file_tag(original)
    path = pyramid_path(settings.data_dir, media_id, tag)
    try:
        if time.time() - path.stat().st_mtime > TOUCH_SECONDS:
            os.utime(path)
        kept = portal.kept_images
        found = kept.get(("info", path))
        if found is None:
            found = probe(path, settings.image_max_pixels)
            kept.put(("info", path), found, 256)
        known: ImageInfo = found
        return path, known
    except (FileNotFoundError, ImageError):
        pass  # not made yet, or pruned meanwhile by another request: made (again) now
    conversions.background(portal, media_id, original, tag)  # raises for a worker's image
    return path, make(portal, original, path)


def make(portal: Portal, original: Path, path: Path) -> ImageInfo:
    """Make the pyramid ``path`` of ``original`` (once, whoever asks at the same time) and keep
    the folder to ``image_cache_mb``."""
    settings = portal.settings
    info = _convert(original, path, settings.image_max_pixels)
    prune(portal, settings.image_cache_mb * 1024 * 1024, keep=path)
    return info


def _convert(original: Path, path: Path, max_pixels: int) -> ImageInfo:
    """Make the pyramid ``path`` of ``original`` under a lock file, so requests (in any
    process) asking for a new image at once convert it once: the others wait, then read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.is_file():
                return probe(path, max_pixels)  # made while this request waited
            return make_pyramid(original, path, max_pixels)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def prune(portal: Portal, max_bytes: int, keep: Path | None = None) -> int:
    """Remove the pyramids used longest ago until the folder holds under 90% of ``max_bytes``
    (nothing when it holds at most that); never ``keep``, nor one used in the last
    :data:`TOUCH_SECONDS` (another request may be reading it). Returns how many were removed:
    they are made again when next asked for."""
    folder = portal.settings.data_dir / FOLDER
    recent = time.time() - TOUCH_SECONDS
    return disk_cache.prune((p for p in folder.glob("*/*.tif") if _older(p, recent)), max_bytes,
                            keep)


def _older(path: Path, than: float) -> bool:
    try:
        return path.stat().st_mtime < than
    except FileNotFoundError:
        return False


def known_size(portal: Portal, identity: Identity, media_id: str) -> tuple[int, int] | None:
    """The size of medium ``media_id`` as shown (EXIF orientation applied) when ``identity``
    may see it and its file is here: its pyramid's, or its stored or fetched file's header.
    None otherwise: nothing is converted or fetched here."""
    if not re.fullmatch(r"[0-9a-f]{32}", media_id):
        return None
    settings = portal.settings
    made = sorted((settings.data_dir / FOLDER / media_id[:2]).glob(f"{media_id}-*.tif"))
    source = visible_source(portal, identity, media_id)
    if source is None:
        return None
    original = local_file(settings.data_dir, media_id, source)
    for path in [*made, original]:
        try:
            found = probe(path, settings.image_max_pixels)
        except (ImageError, OSError):
            continue
        return found.width, found.height
    return None


def info(portal: Portal, identity: Identity, media_id: str, base_url: str) -> dict[str, Any]:
    """The image information document (``info.json``) of medium ``media_id``, whose Image API
    address is ``base_url`` (``…/iiif/3/<media id>``)."""
    _, found = _pyramid(portal, media_id, original_for(portal, identity, media_id))
    settings = portal.settings
    return info_json(base_url, found.width, found.height, settings.iiif_max_width,
                     settings.iiif_max_area, color=found.bands - int(found.has_alpha) > 1,
                     extra_features=EXTRA_FEATURES)


def image(
    portal: Portal, identity: Identity, media_id: str, region: str, size: str, rotation: str,
    quality_format: str, if_none_match: str = "",
) -> ImageAnswer:
    """The image answering a IIIF request for medium ``media_id``; IIIFError (400) naming the
    parameter for a request the specification refuses. When ``if_none_match`` (the header)
    names the answer's ETag, the answer has no body and ``modified`` is False: nothing is
    rendered."""
    path, found = _pyramid(portal, media_id, original_for(portal, identity, media_id))
    settings = portal.settings
    request = parse_request(region, size, rotation, quality_format, found.width, found.height,
                            settings.iiif_max_width, settings.iiif_max_area)
    etag = '"' + hashlib.sha256(f"{path.name}/{request.canonical}".encode()).hexdigest()[:32] + '"'
    if etag in (tag.strip() for tag in if_none_match.split(",")):
        return ImageAnswer(b"", request.media_type, request.canonical, etag, modified=False)
    key = ("image", path.name, request.canonical)
    body = portal.kept_images.get(key)
    if body is None:
        body = render(path, request)
        portal.kept_images.put(key, body, len(body))
    return ImageAnswer(body, request.media_type, request.canonical, etag)
