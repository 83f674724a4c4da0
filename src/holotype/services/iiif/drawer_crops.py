"""The reverse of a drawer's hotspots: the drawers a specimen is pinned in, and its region of
each drawer image, for the specimen's record page.

A drawer names its specimens by occurrenceID in ``drawerHotspots`` (:mod:`.hotspots`), and
that field is searchable, so the drawers holding a specimen are a search for its occurrenceID
among records that have hotspots, through the same policy and compiled filter as any search
(a private drawer is never shown): every word of the
occurrenceID in the hotspots field. Each found drawer's hotspots are then read for the ones
that name this specimen exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from holotype.media.refs import record_media
from holotype.search import SearchRequest
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.iiif.hotspots import FIELD, hotspots
from holotype.services.iiif.served import served
from holotype.services.record_view import record_title
from holotype.services.search import open_search

MOST = 5  # drawers shown for one specimen
READ = 50  # drawers read to find them
COLUMNS = ["scientificName", "catalogNumber", "title", "Multimedia", "associatedMedia", FIELD]


@dataclass(frozen=True)
class DrawerCrop:
    resource: str  # the drawer record's resource and id
    record: str
    title: str
    media_id: str  # the drawer image
    xywh: str  # the specimen's region of it, in its pixels


def drawer_crops(portal: Portal, identity: Identity, occurrence_id: str | None,
                 version: int | None = None) -> list[DrawerCrop]:
    """Where the specimen ``occurrence_id`` is pinned, in the drawers ``identity`` may see at
    ``version``: at most :data:`MOST`, each with its region of the drawer image."""
    if not occurrence_id or not occurrence_id.strip():
        return []
    # Every word of the id in the hotspots field: a drawer naming a specimen whose id shares
    # only some words (NHMUK 1 and NHMUK 2) may still match, so more are read than shown.
    query = {"filters": {"and": [{"string_contains": {"fields": [FIELD],
                                                      "value": occurrence_id}}]}}
    found = open_search(portal, identity, query, None, version).page(
        SearchRequest(query=query, size=READ, fields=COLUMNS))
    crops: list[DrawerCrop] = []
    allowed = portal.settings.media_allowed_hosts
    for entry in found.records:
        if len(crops) == MOST:
            break
        data = entry["data"]
        images = [ref for ref in record_media(data) if served(ref, allowed)]
        spots = [s for s in hotspots(data) if s.record == occurrence_id]
        if images and spots:
            record_id = str(data.get("_id", ""))
            crops.append(DrawerCrop(entry["resource"], record_id,
                                    str(data.get("title") or record_title(data, record_id)),
                                    images[0].id,
                                    spots[0].xywh))
    return crops
