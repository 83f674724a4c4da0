"""Stable specimen URIs: find the record an occurrenceID names (CETAF ``/object/<id>``)."""

from __future__ import annotations

from dataclasses import dataclass

from holotype.services import results
from holotype.services.context import Portal
from holotype.services.search import searchable_resources, views

FIELD = "occurrenceID"


@dataclass(frozen=True)
class Located:
    resource_id: str
    record_id: str


def find_object(portal: Portal, occurrence_id: str) -> Located | None:
    """The current record whose occurrenceID is ``occurrence_id`` in any public resource.

    Resources whose record id is the occurrenceID are looked up by id (the index is in id
    order, so this is a point read); the others are searched with the same compiled filter as
    a ``string_equals`` query.
    """
    if not occurrence_id or "\x00" in occurrence_id:
        return None
    current = views(portal, searchable_resources(portal, None), None)
    by_id = [v for v in current if v.resource.id_field == FIELD]
    cur = portal.search_engine.cursor()
    try:
        for view in by_id:
            row = cur.execute(
                f"SELECT _id FROM {view.attached.records} WHERE _id = ? "
                f"AND _from <= {view.version} AND _to > {view.version} LIMIT 1",
                [occurrence_id],
            ).fetchone()
            if row is not None:
                return Located(view.rid, str(row[0]))
    finally:
        cur.close()
    others = [v for v in current if v.resource.id_field != FIELD and FIELD in v.attached.columns]
    if not others:
        return None
    query = {"filters": {"string_equals": {"fields": [FIELD], "value": occurrence_id}}}
    found = results.page(portal, others, results.Request(query, size=1, fields=[FIELD]))
    if not found.records:
        return None
    first = found.records[0]
    return Located(str(first["resource"]), str(first["data"]["_id"]))
