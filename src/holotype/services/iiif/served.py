"""Which media the portal's IIIF image server (``/iiif/3/<media id>``) serves, and the
addresses and sizes the manifests, the viewer and the galleries give them.

A medium is served when the portal holds its file (``stored:``) or its web address is on a
host of the ``media_allowed_hosts`` setting (exact names, or ``*.example.org`` for its
subdomains); the image server itself refuses private addresses whatever the setting says.

An image's pixel size comes from an injected ``dimensions(media_id) -> (width, height) | None``
(the image lane's ``probe`` of the converted file, plugged in by :func:`dimensions_for`); when
it is not known, :data:`DEFAULT_SIZE` stands in, and the viewer scales drawer hotspots from the
canvas to the image's real size once the image's ``info.json`` is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from holotype.media.fetch import host_allowed
from holotype.media.refs import MediaRef
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.iiif import images

Dimensions = Callable[[str], "tuple[int, int] | None"]
DEFAULT_SIZE = (1000, 1000)  # a canvas's size when the image's own is not known yet
IMAGE_API = "/iiif/3/"
THUMBNAIL_BOX = 400  # manifests' thumbnails: /full/^!400,400/
GALLERY_BOX = 300  # the search gallery's: /full/^!300,300/


def unknown_dimensions(_media_id: str) -> tuple[int, int] | None:
    return None


def dimensions_for(portal: Portal, identity: Identity) -> Dimensions:
    """How big the portal's images are, for ``identity``: read from the file's header when the
    portal holds it (a stored file, or a web image fetched before), else None and canvases use
    :data:`DEFAULT_SIZE` (building a manifest never converts or fetches an image)."""
    return lambda media_id: images.known_size(portal, identity, media_id)


def served(ref: MediaRef, allowed_hosts: Sequence[str]) -> bool:
    """Whether the image server can serve ``ref``: an image the portal stores or may fetch."""
    if not ref.is_image:
        return False
    if ref.stored:
        return True
    host = urlsplit(ref.source).hostname
    return host is not None and host_allowed(host, allowed_hosts)


def served_images(media: Sequence[MediaRef], portal: Portal) -> list[MediaRef]:
    return [ref for ref in media if served(ref, portal.settings.media_allowed_hosts)]


def image_service(base: str, media_id: str) -> str:
    """The IIIF Image API base of a medium (its ``info.json`` is under it)."""
    return f"{base}{IMAGE_API}{media_id}"


def thumbnail_url(base: str, media_id: str, box: int = THUMBNAIL_BOX) -> str:
    # ^!: fitted to the box, enlarged when smaller (plain !w,h may not enlarge: a 400 then)
    return f"{image_service(base, media_id)}/full/^!{box},{box}/0/default.jpg"


def fitted(size: tuple[int, int] | None, box: int) -> tuple[int, int]:
    """The size of an image of ``size`` fitted to a ``box``-pixel square, as ``^!box,box``
    answers it (enlarged when smaller); a square box when the size is unknown."""
    if size is None:
        return box, box
    width, height = size
    scale = box / max(width, height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))
