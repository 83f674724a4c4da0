"""What a record page's image viewer shows: the record's images the portal serves (each with
its ``info.json`` and a thumbnail for the strip), its manifest (the viewer reads the canvases
and a drawer's hotspots from it; external viewers get it by the IIIF drag-and-drop link), the
hotspots as plain links too, and the record's other images (addresses the image server does
not serve, shown as they are)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from holotype.media.refs import record_media
from holotype.services.context import Portal
from holotype.services.iiif.hotspots import hotspots
from holotype.services.iiif.manifests import manifest_path
from holotype.services.iiif.served import (
    Dimensions,
    fitted,
    image_service,
    served_images,
    thumbnail_url,
)
from holotype.services.record_view import RecordPage, object_path

STRIP_BOX = 120  # the thumbnail strip's images: /full/^!120,120/


def record_viewer(page: RecordPage, portal: Portal, dimensions: Dimensions,
                  base: str) -> dict[str, Any]:
    """The viewer's data; ``manifest`` is a path (the page's script reads it from the portal
    it came from), ``drag_and_drop`` the community's link for external viewers: the manifest's
    full address with ``?manifest=<that address>``."""
    images = served_images(record_media(page.data), portal)
    manifest = manifest_path(page.resource.id, page.record_id)
    if not page.latest:
        manifest += f"?version={page.version}"
    shown = []
    for n, ref in enumerate(images, 1):
        width, height = fitted(dimensions(ref.id), STRIP_BOX)
        shown.append({"id": ref.id, "info": image_service("", ref.id) + "/info.json",
                      "thumbnail": thumbnail_url("", ref.id, STRIP_BOX),
                      "label": ref.title or f"Image {n} of {len(images)}",
                      "width": width, "height": height})
    sources = {ref.source for ref in images}
    return {
        "manifest": manifest,
        "drag_and_drop": f"{base}{manifest}{'&' if '?' in manifest else '?'}manifest="
                         + quote(base + manifest, safe=""),
        "manifest_url": base + manifest,
        "images": shown,
        "hotspots": [{"record": s.record, "url": object_path(s.record), "xywh": s.xywh}
                     for s in hotspots(page.data)] if images else [],
        "others": [url for url in page.images if url not in sources],
    }
