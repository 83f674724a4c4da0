"""Counts for statistics: records by the value of fields, by a path of fields, and the records
matching each of several queries, per resource, through the one compiled filter.

A value is counted by its lower-cased form, as ``string_equals`` matches it (``lower(col) =
lower(value)``), with its commonest spelling; an empty cell (NULL) is its own bucket, which
``{"not": [{"exists": ...}]}`` finds. So a count here is exactly the search count of the
filter that names its value: a chart's bar and the search it links to always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from holotype.engine import ident
from holotype.index import IndexEngine
from holotype.search.views import View

#: (lower-cased value or None for empty, commonest spelling or None, records)
Count = tuple[str | None, str | None, int]
#: (lower-cased values, their commonest spellings, records), one per distinct path
PathCount = tuple[tuple[str | None, ...], tuple[str | None, ...], int]


def _rows(indexes: IndexEngine, sql: str) -> list[tuple[Any, ...]]:
    cur = indexes.cursor()
    try:
        return [tuple(row) for row in cur.execute(sql).fetchall()]
    finally:
        cur.close()


def _column(view: View, name: str) -> str:
    return f"{ident(name)}::VARCHAR" if name in view.columns else "NULL::VARCHAR"


def value_counts(
    indexes: IndexEngine, views: Sequence[View], query: dict[str, Any], fields: Sequence[str]
) -> dict[str, dict[str, list[Count]]]:
    """Per resource id, per field, the matching records by the field's lower-cased value (one
    GROUPING SETS pass per resource), most first. A field the resource lacks is one empty
    bucket of all its matching records."""
    names = list(dict.fromkeys(fields))
    result: dict[str, dict[str, list[Count]]] = {}
    for view in views:
        held = [n for n in names if n in view.columns]
        found: dict[str, list[Count]] = {n: [] for n in held}
        if held:
            k = len(held)
            picks = ", ".join(f"{_column(view, n)} AS c{i}" for i, n in enumerate(held))
            keys = ", ".join(f"c{i}" for i in range(k))
            sets = ", ".join(f"(c{i})" for i in range(k))
            # GROUPING(...) sets a bit for each key a row is NOT grouped by, the first highest
            label = " ".join(f"WHEN {((1 << k) - 1) - (1 << (k - 1 - i))} THEN c{i}"
                             for i in range(k))
            sql = (
                f"WITH m AS (SELECT {picks} FROM {view.attached.records} "
                f"WHERE {view.where(query)}), "
                f"raw AS (SELECT GROUPING({keys}) AS g, CASE GROUPING({keys}) {label} END AS v, "
                f"count(*) AS n FROM m GROUP BY GROUPING SETS ({sets})) "
                "SELECT g, lower(v) AS key, first(v ORDER BY n DESC, v) AS spelling, "
                "sum(n) AS n FROM raw GROUP BY g, key"
            )
            index = {((1 << k) - 1) - (1 << (k - 1 - i)): n for i, n in enumerate(held)}
            for g, key, spelling, n in _rows(indexes, sql):
                found[index[int(g)]].append((key, spelling, int(n)))
        missing = [n for n in names if n not in view.columns]
        if missing:
            total = sum(c[2] for c in found[held[0]]) if held else _count(indexes, view, query)
            for name in missing:
                found[name] = [(None, None, total)] if total else []
        for counts in found.values():
            counts.sort(key=lambda c: (-c[2], c[0] is None, c[0] or ""))
        result[view.rid] = found
    return result


def _count(indexes: IndexEngine, view: View, query: dict[str, Any]) -> int:
    rows = _rows(indexes, f"SELECT count(*) FROM {view.attached.records} WHERE {view.where(query)}")
    return int(rows[0][0])


def path_counts(
    indexes: IndexEngine, views: Sequence[View], query: dict[str, Any], fields: Sequence[str]
) -> dict[str, list[PathCount]]:
    """Per resource id, the matching records by the lower-cased values of ``fields`` together
    (kingdom, phylum, order), each value with its commonest spelling on that path."""
    k = len(fields)
    result: dict[str, list[PathCount]] = {}
    for view in views:
        picks = ", ".join(f"{_column(view, n)} AS c{i}" for i, n in enumerate(fields))
        raw = ", ".join(f"c{i}" for i in range(k))
        lowered = ", ".join(f"lower(c{i}) AS k{i}" for i in range(k))
        spelled = ", ".join(f"first(c{i} ORDER BY n DESC, c{i}) AS s{i}" for i in range(k))
        keys = ", ".join(f"k{i}" for i in range(k))
        sql = (
            f"WITH m AS (SELECT {picks} FROM {view.attached.records} WHERE {view.where(query)}), "
            f"raw AS (SELECT {raw}, count(*) AS n FROM m GROUP BY ALL) "
            f"SELECT {keys}, {spelled}, sum(n) FROM (SELECT *, {lowered} FROM raw) "
            f"GROUP BY {keys}"
        )
        found = [(tuple(row[:k]), tuple(row[k:2 * k]), int(row[2 * k]))
                 for row in _rows(indexes, sql)]
        found.sort(key=lambda c: (-c[2], [(v is None, v or "") for v in c[0]]))
        result[view.rid] = found
    return result


def condition_counts(
    indexes: IndexEngine, views: Sequence[View], queries: Mapping[str, dict[str, Any]]
) -> dict[str, dict[str, int]]:
    """Per resource id, the records matching each of ``queries`` (by name; ``{}`` counts every
    record), all from one pass: ``count(*) FILTER (WHERE ...)`` each."""
    names = list(queries)
    result: dict[str, dict[str, int]] = {}
    for view in views:
        if not names:
            result[view.rid] = {}
            continue
        counts = ", ".join(f"count(*) FILTER (WHERE {view.condition(queries[n])})"
                           for n in names)
        sql = f"SELECT {counts} FROM {view.attached.records} WHERE {view.where({})}"
        row = _rows(indexes, sql)[0]
        result[view.rid] = {n: int(v) for n, v in zip(names, row, strict=True)}
    return result
