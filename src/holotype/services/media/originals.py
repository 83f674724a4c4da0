"""The file behind a medium, for those who may see it.

A medium is visible to an identity when some resource whose records name it is readable to it
(the registry, :mod:`holotype.services.media.registry`, asks the one policy); any other medium
is not found, in the very words of an unknown one, so a private medium's existence never leaks.
A stored medium is its file under ``<data_dir>/media/stored``; a web one is fetched once, by
the rules of :mod:`holotype.media.fetch`, into ``<data_dir>/media/fetched/<media id>`` and
served from there afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path

from holotype.errors import NotFound, Unavailable
from holotype.media.fetch import allowed_origin, fetch
from holotype.media.stored import stored_path
from holotype.services import disk_cache
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.media.registry import visible_source

_MEDIA_ID = re.compile(r"^[0-9a-f]{32}$")


def fetched_dir(data_dir: Path) -> Path:
    """Where fetched copies of web media are kept."""
    return data_dir / "media" / "fetched"


def local_file(data_dir: Path, media_id: str, source: str) -> Path:
    """Where the file of medium ``media_id`` (from ``source``) is, or would be, kept here: the
    stored file, or the fetched copy of a web medium (which may not be fetched yet)."""
    return stored_path(data_dir, source) or fetched_dir(data_dir) / media_id


def original_for(portal: Portal, identity: Identity, media_id: str) -> Path:
    """The local file of medium ``media_id``, if ``identity`` may see it (NotFound otherwise);
    a web medium is fetched first if no copy is kept yet. Raises Invalid for a web address the
    settings do not allow and Unavailable when its host does not deliver or a stored file is
    missing."""
    source = visible_source(portal, identity, media_id) if _MEDIA_ID.fullmatch(media_id) else None
    if source is None:
        raise NotFound(f"there is no medium {media_id!r}", field="media_id")
    data_dir = portal.settings.data_dir
    stored = stored_path(data_dir, source)
    if stored is not None:
        if not stored.is_file():
            raise Unavailable(f"the stored file of medium {media_id} is missing from "
                              f"{stored.parent}", field="media_id")
        return stored
    settings = portal.settings
    allowed_origin(source, settings.media_allowed_hosts)  # still allowed, even if fetched once
    copy = fetched_dir(data_dir) / media_id
    if copy.is_file():
        return copy
    fetched = fetch(source, copy, allowed_hosts=settings.media_allowed_hosts,
                    max_bytes=settings.media_max_mb * 1024 * 1024)
    prune_fetched(portal, keep=fetched)
    return fetched


def prune_fetched(portal: Portal, keep: Path | None = None) -> int:
    """Keep the fetched copies of web media to ``image_cache_mb``, the longest unused going
    first (never ``keep``, nor a file being fetched); a removed copy is fetched again when
    next needed. Returns how many were removed."""
    folder = fetched_dir(portal.settings.data_dir)
    copies = (p for p in folder.glob("*") if not p.name.startswith("."))
    return disk_cache.prune(copies, portal.settings.image_cache_mb * 1024 * 1024, keep)
