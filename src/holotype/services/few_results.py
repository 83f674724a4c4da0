"""Answering a search that matches few records: one narrow pass, then the row store.

Counting and faceting in DuckDB reads each facet column for every record the cheap filters
let through before the free-text semi-join narrows them down: ~15 ms at 2,000,000 records even
when five records match. When at most ``FEW`` records match, one narrow query (which stops
after ``FEW + 1`` matches) finds them all; counts come from its rows, the records from the row
store, and facets and the page from those records, with the same meaning as the grouped SQL
(values as text, most frequent first, ties by value; pages in (id, resource) order).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from holotype.services.search import View, matching_sql

FEW = 1_000

Placed = list[tuple[str, dict[str, Any]]]  # (resource id, record) in page order


@dataclass(frozen=True)
class Few:
    counts: dict[str, int]
    facets: dict[str, tuple[list[tuple[str, int]], int]]  # top values, others
    page: Placed


def answer_few(
    cur: duckdb.DuckDBPyConnection,
    views_: list[View],
    query: dict[str, Any],
    *,
    facets: Sequence[str],
    limits: dict[str, int],
    default_limit: int,
    after: tuple[str, str] | None,
    offset: int,
    size: int,
) -> Few | None:
    """Counts, facets and the page (id order) of ``query``; None when more than FEW match."""
    rows = cur.execute(
        f"SELECT _res, _rid FROM ({matching_sql(views_, query, ['_rid'])}) LIMIT {FEW + 1}"
    ).fetchall()
    if len(rows) > FEW:
        return None
    counts = {v.rid: 0 for v in views_}
    wanted: dict[str, list[int]] = {}
    for res, rid in rows:
        counts[str(res)] += 1
        wanted.setdefault(str(res), []).append(int(rid))
    matched = [
        (str(record["_id"]), view.rid, record)
        for view in views_ if view.rid in wanted
        for record in view.attached.rows.by_rid(wanted[view.rid]).values()
    ]
    found = {}
    for name in dict.fromkeys(facets):
        tally = Counter(str(r[name]) for _i, _res, r in matched if r.get(name) is not None)
        ranked = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
        top = ranked[: limits.get(name, default_limit)]
        found[name] = (top, sum(tally.values()) - sum(n for _v, n in top))
    matched.sort(key=lambda entry: (entry[0], entry[1]))
    if after is not None:
        matched = [m for m in matched if (m[0], m[1]) > after]
    page = [(res, record) for _id, res, record in matched[offset:offset + size]]
    return Few(counts, found, page)
