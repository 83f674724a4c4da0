"""Point reads: the current record that holds one value of a field (e.g. a specimen's
occurrenceID), and one record's whole history.

For a value, resources whose record id is that field are read by id (the index is in id order,
so this is a point read); the others are searched with the same compiled filter as a
``string_equals`` query. A history is read from the index's row file.
"""

from __future__ import annotations

from typing import Any

from holotype.index import OPEN, IndexEngine
from holotype.search import results
from holotype.search.views import View
from holotype.store import RecordVersion, build_history


def find_current(
    indexes: IndexEngine, views: list[View], field: str, value: str
) -> tuple[str, str] | None:
    """(resource id, record id) of the first record whose ``field`` is ``value`` at each
    view's version; None when none is."""
    if not value or "\x00" in value:
        return None
    by_id = [v for v in views if v.resource.id_field == field]
    cur = indexes.cursor()
    try:
        for view in by_id:
            row = cur.execute(
                f"SELECT _id FROM {view.attached.records} WHERE _id = ? "
                f"AND _from <= {view.version} AND _to > {view.version} LIMIT 1",
                [value],
            ).fetchone()
            if row is not None:
                return view.rid, str(row[0])
    finally:
        cur.close()
    others = [v for v in views if v.resource.id_field != field and field in v.attached.columns]
    if not others:
        return None
    query = {"filters": {"string_equals": {"fields": [field], "value": value}}}
    found = results.page(indexes, others, results.SearchRequest(query, size=1, fields=[field]))
    if not found.records:
        return None
    first = found.records[0]
    return str(first["resource"]), str(first["data"]["_id"])


def history(view: View, record_id: str) -> list[RecordVersion]:
    """Every stored version of one record, oldest first, with the fields each changed (a point
    read of the index's row file; the same history the store builds)."""
    found: list[dict[str, Any]] = view.attached.rows.versions(record_id)
    starts = {int(r["_from"]) for r in found}
    ends = [int(r["_to"]) for r in found]
    deletions = [end for end in ends if end != OPEN and end not in starts]
    for row in found:
        row["_to"] = None if int(row["_to"]) == OPEN else int(row["_to"])
    return build_history(found, deletions)
