"""Counts per resource and the top values of each facet, in one grouped pass over the matches.

GROUP BY GROUPING SETS gives every resource's count and every facet's value counts from one
scan. Asked for a page too, the matching rows are materialised once and the page's first
rows placed from them in the same statement: the free-text semi-join, the costly part of a
search for a common word, then runs once instead of twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from holotype.engine import ident, literal
from holotype.search.views import View, matching_sql

FacetValues = tuple[list[tuple[str, int]], int]  # top values (most frequent first), others


@dataclass(frozen=True)
class Grouped:
    counts: dict[str, int]  # matching records per resource id
    facets: dict[str, FacetValues]
    placed: list[tuple[str, int]]  # (resource id, _rid) of the first matches, in page order


def grouped(
    cur: duckdb.DuckDBPyConnection,
    views_: list[View],
    query: dict[str, object],
    facets: Sequence[str],
    limits: dict[str, int],
    default_limit: int,
    *,
    first: int = 0,
    after: tuple[str, str] | None = None,
) -> Grouped:
    """Counts and facets of ``query``; with ``first``, also the first ``first`` matches in
    (id, resource) order after ``after``."""
    names = list(dict.fromkeys(facets))
    k = len(names)
    keys = ["_res", *map(ident, names)]
    # GROUPING(...) sets a bit for every key a row is NOT grouped by, the first key highest:
    # grouped by _res alone gives 2^k - 1; grouped by facet i gives (2^(k+1) - 1) - 2^(k-1-i).
    by_resource = (1 << k) - 1
    by_facet = [((1 << (k + 1)) - 1) - (1 << (k - 1 - i)) for i in range(k)]
    label = " ".join(
        [f"WHEN {by_resource} THEN _res"]
        + [f"WHEN {g} THEN {ident(n)}::VARCHAR" for g, n in zip(by_facet, names, strict=True)]
    )
    tops = " ".join(
        f"WHEN {g} THEN {int(limits.get(n, default_limit))}"
        for g, n in zip(by_facet, names, strict=True)
    )
    sets = ", ".join(f"({key})" for key in keys)
    if first:
        source = f"WITH m AS MATERIALIZED ({matching_sql(views_, query, [*names, '_rid'])}), "
        rows_of = "m"
    else:
        source, rows_of = "WITH ", f"({matching_sql(views_, query, names)})"
    sql = (
        f"{source}grouped AS (SELECT GROUPING({', '.join(keys)}) AS g, {', '.join(keys)}, "
        f"count(*) AS n FROM {rows_of} GROUP BY GROUPING SETS ({sets})), "
        f"labelled AS (SELECT g, CASE g {label} END AS v, n FROM grouped) "
        "SELECT 0 AS part, g, v, n, present, NULL::VARCHAR AS id, NULL::BIGINT AS rid "
        "FROM (SELECT g, v, n, "
        "sum(n) OVER (PARTITION BY g) AS present, "
        "row_number() OVER (PARTITION BY g ORDER BY n DESC, v) AS r FROM labelled "
        f"WHERE v IS NOT NULL) WHERE g = {by_resource}"
        + (f" OR r <= CASE g {tops} ELSE 0 END" if k else "")
    )
    if first:
        where = ""
        if after is not None:
            where = (f"WHERE _id > {literal(after[0])} OR "
                     f"(_id = {literal(after[0])} AND _res > {literal(after[1])})")
        sql += (" UNION ALL SELECT 1, NULL, _res, NULL, NULL, _id, _rid FROM (SELECT _res, _id, "
                f"_rid FROM m {where} ORDER BY _id, _res LIMIT {int(first)})")
    counts = {v.rid: 0 for v in views_}
    found: dict[int, list[tuple[str, int, int]]] = {}
    page: list[tuple[str, str, int]] = []
    for part, g, value, n, present, record_id, rid in cur.execute(sql).fetchall():
        if part == 1:  # a match: its resource, id and _rid
            page.append((str(value), str(record_id), int(rid)))
        elif int(g) == by_resource:
            counts[str(value)] = int(n)
        else:
            found.setdefault(int(g), []).append((str(value), int(n), int(present)))
    result = {}
    for g, name in zip(by_facet, names, strict=True):
        entries = sorted(found.get(g, []), key=lambda e: (-e[1], e[0]))
        values = [(v, n) for v, n, _p in entries]
        present_total = entries[0][2] if entries else 0
        result[name] = (values, present_total - sum(n for _v, n in values))
    page.sort(key=lambda e: (e[1], e[0]))
    return Grouped(counts, result, [(res, rid) for res, _id, rid in page])
