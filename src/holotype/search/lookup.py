"""Finding the current record that holds one value of a field, e.g. a specimen's occurrenceID.

Resources whose record id is that field are read by id (the index is in id order, so this is a
point read); the others are searched with the same compiled filter as a ``string_equals``
query.
"""

from __future__ import annotations

from holotype.index import IndexEngine
from holotype.search import results
from holotype.search.views import View


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
