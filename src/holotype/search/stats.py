"""Counts for statistics: records by the value of fields, by a path of fields, and the records
matching each of several queries, per resource, through the one compiled filter.

A value is counted by its lower-cased form, as ``string_equals`` matches it (``lower(col) =
lower(value)``), with its commonest spelling; an empty cell (NULL) is its own bucket, which
``{"not": [{"exists": ...}]}`` finds. So a count here is exactly the search count of the
filter that names its value: a chart's bar and the search it links to always agree.

Counting is two steps: records by each exact value (over the index, or with the bulk engine on
Spark over the store: :class:`RawCounts`), then those folded by lower-cased value here, in
DuckDB, whichever engine counted: exact values group alike everywhere, lower-casing need not.
Counts of several conditions (:func:`condition_counts`) always run on the index: each
condition is a compiled filter over the index's own columns, and counting its matches there
is one pass that moving to Spark would only lengthen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

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


class RawCounts(Protocol):
    """Where the exact-value counts come from: the search index (:class:`OnIndex`) or the
    bulk engine (:class:`holotype.search.spark.SparkBulk`). Each method is a context giving a
    DuckDB relation; ``ids_sql`` (None: every record) yields the matching records' ``_id``."""

    def value_counts(self, view: View, fields: Sequence[str], ids_sql: str | None,
                     cursor: Any) -> AbstractContextManager[str]: ...

    def path_counts(self, view: View, fields: Sequence[str], ids_sql: str | None,
                    cursor: Any) -> AbstractContextManager[str]: ...


def grouping_label(k: int, grouping: str) -> str:
    """The value of the one key a GROUPING SETS row of ``c0..c{k-1}`` is grouped by.
    ``grouping``(keys) sets a bit for each key a row is NOT grouped by, the first highest
    (DuckDB's ``GROUPING``, Spark's ``grouping_id``)."""
    keys = ", ".join(f"c{i}" for i in range(k))
    return f"CASE {grouping}({keys}) " + " ".join(
        f"WHEN {((1 << k) - 1) - (1 << (k - 1 - i))} THEN c{i}" for i in range(k)) + " END"


class OnIndex:
    """Exact-value counts over the search index, in the same statement as their folding."""

    def __init__(self, query: dict[str, Any]) -> None:
        self.query = query

    def _matching(self, view: View, fields: Sequence[str]) -> str:
        picks = ", ".join(f"{_column(view, n)} AS c{i}" for i, n in enumerate(fields))
        return (f"(SELECT {picks} FROM {view.attached.records} "
                f"WHERE {view.where(self.query)})")

    @contextmanager
    def value_counts(self, view: View, fields: Sequence[str], ids_sql: str | None,
                     cursor: Any) -> Iterator[str]:
        k = len(fields)
        keys = ", ".join(f"c{i}" for i in range(k))
        sets = ", ".join(f"(c{i})" for i in range(k))
        yield (f"(SELECT GROUPING({keys}) AS g, {grouping_label(k, 'GROUPING')} AS v, "
               f"count(*) AS n FROM {self._matching(view, fields)} "
               f"GROUP BY GROUPING SETS ({sets}))")

    @contextmanager
    def path_counts(self, view: View, fields: Sequence[str], ids_sql: str | None,
                    cursor: Any) -> Iterator[str]:
        yield f"(SELECT *, count(*) AS n FROM {self._matching(view, fields)} GROUP BY ALL)"


def _ids_sql(view: View, query: dict[str, Any]) -> str | None:
    """The matching records' ids at the view's version, for an engine reading the store
    (None when the query matches every record)."""
    if not query:
        return None
    return f"SELECT _id FROM {view.attached.records} WHERE {view.where(query)}"


def _fetch(cur: Any, counted: AbstractContextManager[str], sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` with ``{counted}`` replaced by the relation ``counted`` gives."""
    with counted as relation:
        return [tuple(r) for r in cur.execute(sql.replace("{counted}", relation)).fetchall()]


def value_counts(
    indexes: IndexEngine, views: Sequence[View], query: dict[str, Any], fields: Sequence[str],
    raw: RawCounts | None = None,
) -> dict[str, dict[str, list[Count]]]:
    """Per resource id, per field, the matching records by the field's lower-cased value (one
    GROUPING SETS pass per resource), most first. A field the resource lacks is one empty
    bucket of all its matching records. ``raw`` makes the exact-value counts (default: the
    index)."""
    names = list(dict.fromkeys(fields))
    counter = raw or OnIndex(query)
    result: dict[str, dict[str, list[Count]]] = {}
    for view in views:
        held = [n for n in names if n in view.columns]
        found: dict[str, list[Count]] = {n: [] for n in held}
        if held:
            k = len(held)
            index = {((1 << k) - 1) - (1 << (k - 1 - i)): n for i, n in enumerate(held)}
            cur = indexes.cursor()
            try:
                rows = _fetch(cur, counter.value_counts(view, held, _ids_sql(view, query), cur),
                              "SELECT g, lower(v) AS key, first(v ORDER BY n DESC, v) AS "
                              "spelling, sum(n) AS n FROM {counted} GROUP BY g, key")
            finally:
                cur.close()
            for g, key, spelling, n in rows:
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
    indexes: IndexEngine, views: Sequence[View], query: dict[str, Any], fields: Sequence[str],
    raw: RawCounts | None = None,
) -> dict[str, list[PathCount]]:
    """Per resource id, the matching records by the lower-cased values of ``fields`` together
    (kingdom, phylum, order), each value with its commonest spelling on that path."""
    k = len(fields)
    counter = raw or OnIndex(query)
    lowered = ", ".join(f"lower(c{i}) AS k{i}" for i in range(k))
    spelled = ", ".join(f"first(c{i} ORDER BY n DESC, c{i}) AS s{i}" for i in range(k))
    keys = ", ".join(f"k{i}" for i in range(k))
    result: dict[str, list[PathCount]] = {}
    for view in views:
        cur = indexes.cursor()
        try:
            rows = _fetch(cur, counter.path_counts(view, fields, _ids_sql(view, query), cur),
                          f"SELECT {keys}, {spelled}, sum(n) FROM (SELECT *, {lowered} "
                          "FROM {counted}) " + f"GROUP BY {keys}")
        finally:
            cur.close()
        found = [(tuple(row[:k]), tuple(row[k:2 * k]), int(row[2 * k])) for row in rows]
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
