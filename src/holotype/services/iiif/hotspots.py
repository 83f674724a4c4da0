"""A drawer's hotspots: the specimens pinned in a drawer image, each a region of the image
linked to the specimen's record, as W3C Web Annotations on the drawer's canvas.

A drawer record's ``drawerHotspots`` field holds a JSON array of
``{"record": "<occurrenceID>", "xywh": "x,y,w,h"}`` in the pixels of the drawer image (the
record's first medium). Each becomes an annotation with the motivation ``linking`` (the Web
Annotation Data Model's motivation for "a link to a resource related to the target"): the
target is the canvas region ``<canvas>#xywh=x,y,w,h`` and the body the specimen's stable page
``/object/<occurrenceID>``. Entries that are not of this shape are left out (the field is
published data; a bad entry must not break the drawer's manifest).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iiif_prezi3 import Annotation, AnnotationBody, AnnotationPage

from holotype.services.record_view import object_path

FIELD = "drawerHotspots"
_XYWH = re.compile(r"^\d{1,9},\d{1,9},\d{1,9},\d{1,9}$")


@dataclass(frozen=True)
class Hotspot:
    record: str  # the specimen's occurrenceID
    x: int
    y: int
    w: int
    h: int

    @property
    def xywh(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"


def hotspots(data: Mapping[str, Any]) -> list[Hotspot]:
    """The well-formed hotspots of a record (none when it has no ``drawerHotspots``)."""
    value = data.get(FIELD)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    found = []
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        record = str(entry.get("record") or "").strip()
        xywh = str(entry.get("xywh") or "").replace(" ", "")
        if not record or not _XYWH.match(xywh):
            continue
        x, y, w, h = (int(n) for n in xywh.split(","))
        if w > 0 and h > 0:
            found.append(Hotspot(record, x, y, w, h))
    return found


def hotspot_page(page_id: str, canvas_id: str, base: str,
                 spots: list[Hotspot]) -> AnnotationPage:
    """The canvas's AnnotationPage of ``linking`` annotations, one per hotspot."""
    page = AnnotationPage(id=page_id)
    for n, spot in enumerate(spots, 1):
        body = AnnotationBody(id=base + object_path(spot.record), type="Text",
                              format="text/html", label={"en": [f"Specimen {spot.record}"]})
        page.add_item(Annotation(id=f"{page_id}/{n}", motivation="linking", body=body,
                                 target=f"{canvas_id}#xywh={spot.xywh}"))
    return page
