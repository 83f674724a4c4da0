"""Summaries of the records a query matches: extent, value statistics, autocomplete values, and
the fields the resources hold.

Each reads the matching rows through the one compiled filter (:func:`views.matching_sql` and
:meth:`views.View.where`), so a summary always agrees with the search's count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from holotype.engine import ident, literal
from holotype.errors import Invalid
from holotype.index import IndexEngine
from holotype.search.views import View, matching_sql
from holotype.store.stats import field_type


@dataclass(frozen=True)
class Extent:
    total: int  # matching records
    with_point: int  # those with a point
    bounds: list[list[float]] | None  # [[min lat, min lon], [max lat, max lon]]


@dataclass(frozen=True)
class FieldSummary:
    """A field across the resources searched: how many hold it, its types, and which ones."""

    field: str
    count: int
    types: dict[str, int]
    resources: list[str]


def _one(indexes: IndexEngine, sql: str) -> tuple[Any, ...]:
    cur = indexes.cursor()
    try:
        row = cur.execute(sql).fetchone()
    finally:
        cur.close()
    assert row is not None  # an aggregate without GROUP BY always gives one row
    return tuple(row)


def extent(indexes: IndexEngine, views: list[View], query: dict[str, Any]) -> Extent:
    """How many records match, how many of them have a point, and the points' bounding box."""
    rows_sql = matching_sql(views, query, ["_lat", "_lon"])
    row = _one(indexes, "SELECT count(*), count(_lat), min(_lat), min(_lon), max(_lat), "
                        f"max(_lon) FROM ({rows_sql})")
    total, with_point = int(row[0]), int(row[1])
    bounds = [[row[2], row[3]], [row[4], row[5]]] if with_point else None
    return Extent(total, with_point, bounds)


def value_stats(
    indexes: IndexEngine, views: list[View], query: dict[str, Any], field: str
) -> dict[str, Any]:
    """count, min, max, mean and sum of a numeric field over the matching records."""
    parts = []
    for view in views:
        number = view.attached.number(field)
        if number is not None:
            parts.append(
                f"SELECT {number} AS x FROM {view.attached.records} WHERE {view.where(query)}"
            )
    if not parts:
        raise Invalid(f"{field!r} holds no numbers in these resources", field="field")
    row = _one(indexes, "SELECT count(x), min(x), max(x), avg(x), sum(x) "
                        f"FROM ({' UNION ALL '.join(parts)})")
    return dict(zip(("count", "min", "max", "mean", "sum"), row, strict=True))


def autocomplete_values(
    indexes: IndexEngine, views: list[View], query: dict[str, Any], field: str, prefix: str,
    size: int,
) -> list[tuple[str, int]]:
    """(value, matching records) of ``field`` starting with ``prefix`` (case-insensitive), most
    frequent first."""
    if not field:
        raise Invalid("name a field", field="field")
    exists = {"exists": {"fields": [field]}}
    filters = [query["filters"]] if query.get("filters") else []
    narrowed = {**query, "filters": {"and": [*filters, exists]}}
    rows_sql = matching_sql(views, narrowed, [field])
    column = ident(field)
    cur = indexes.cursor()
    try:
        values = cur.execute(
            f"SELECT {column} AS v, count(*) AS n FROM ({rows_sql}) "
            f"WHERE starts_with(lower({column}), {literal(prefix.lower())}) GROUP BY v "
            f"ORDER BY n DESC, v LIMIT {int(size)}"
        ).fetchall()
    finally:
        cur.close()
    return [(str(v), int(n)) for v, n in values]


def fields(views: Sequence[View]) -> list[FieldSummary]:
    """Fields holding data in the resources' versions (from their statistics, not per matching
    record), most widely held first."""
    holders: dict[str, list[str]] = {}
    types: dict[str, dict[str, int]] = {}
    for view in views:
        for name in view.columns:
            if name not in view.stats:
                continue
            holders.setdefault(name, []).append(view.rid)
            kinds = types.setdefault(name, {})
            kind = field_type(view.stats[name])
            kinds[kind] = kinds.get(kind, 0) + 1
    found = [FieldSummary(name, len(rids), types[name], rids) for name, rids in holders.items()]
    return sorted(found, key=lambda e: (-e.count, e.field.lower()))


def field_types(view: View) -> list[dict[str, str]]:
    """The fields of the version searched with their types, ``_id`` first (computed once per
    version: versions never change). Callers must not change the entries."""
    key = ("field_types", view.version)
    found: list[dict[str, str]] | None = view.attached.memo.get(key)
    if found is None:
        stats = view.stats
        found = view.attached.memo[key] = [{"id": "_id", "type": "string"}] + [
            {"id": name, "type": field_type(stats.get(name, {}))}
            for name in view.attached.columns
            if name in stats
        ]
    return found


def field_names(views: Sequence[View], text: str) -> dict[str, list[str]]:
    """Field names containing ``text`` (case-insensitive), with the resources holding each."""
    wanted = text.lower()
    names: dict[str, list[str]] = {}
    for view in views:
        for name in view.attached.columns:
            if wanted in name.lower():
                names.setdefault(name, []).append(view.rid)
    return dict(sorted(names.items()))
