"""Answering one search: counts, facets and a page, from a single pass over the index.

The matching rows (their ids and the columns facets and sorting need) are gathered once per
request into a temporary table; counts, facets and the page are read from it, and only the
page's rows are then read in full. Deep paging uses an opaque ``after`` cursor.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from holotype.engine import ident, literal
from holotype.services.context import Portal
from holotype.services.errors import Invalid
from holotype.services.search import View, matching_sql

MAX_OFFSET = 10_000


@dataclass
class Page:
    records: list[dict[str, Any]]  # {"resource": id, "data": {...}}
    after: str | None


@dataclass(frozen=True)
class Facet:
    values: list[tuple[str, int]]  # top values, most frequent first
    others: int  # matching records whose value is not among ``values``


@dataclass
class Request:
    """What one search asks for."""

    query: dict[str, Any]
    size: int = 100
    after: str | None = None
    offset: int = 0
    sort: Sequence[tuple[str, bool]] = ()
    fields: Sequence[str] | None = None
    facets: Sequence[str] = ()
    facet_limits: dict[str, int] = field(default_factory=dict)
    facet_default: int = 10


@dataclass
class Result:
    counts: dict[str, int]  # matching records per resource id
    page: Page
    facets: dict[str, Facet]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def encode_after(record_id: str, resource_id: str) -> str:
    raw = json.dumps([record_id, resource_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_after(token: str) -> tuple[str, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if (isinstance(value, list) and len(value) == 2
                and all(isinstance(v, str) for v in value)):
            return value[0], value[1]
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise Invalid("not a cursor this portal issued; pass back the 'after' value of a previous "
                  "page unchanged", field="after")


def _check(views_: list[View], request: Request) -> None:
    if request.offset < 0 or request.size < 0:
        raise Invalid("offset and limit cannot be negative", field="offset")
    if request.offset + request.size > MAX_OFFSET:
        raise Invalid(
            f"offset + limit may not exceed {MAX_OFFSET:,}; to walk further, use the 'after' "
            "cursor returned with each page", field="offset",
        )
    if request.after is not None and request.sort:
        raise Invalid("'after' pages in id order only; do not combine it with 'sort'",
                      field="after")
    for name, _descending in request.sort:
        if not any(name in v.attached.columns for v in views_):
            raise Invalid(f"cannot sort on unknown field {name!r}", field="sort")


def run(portal: Portal, views_: list[View], request: Request) -> Result:
    """Counts per resource, facets and one page for ``request``, in one pass over the index."""
    _check(views_, request)
    sort_columns = [name for name, _descending in request.sort]
    extra = list(dict.fromkeys([*request.facets, *sort_columns]))
    cur = portal.search_engine.cursor()
    try:
        cur.execute(
            "CREATE TEMP TABLE hits AS "
            + matching_sql(views_, request.query, ["_rid", *extra])
        )
        counts = {v.rid: 0 for v in views_}
        counts.update({str(r): int(n) for r, n in cur.execute(
            "SELECT _res, count(*) FROM hits GROUP BY _res").fetchall()})
        found = _facets(cur, "hits", request)
        page = _page(cur, "hits", views_, request)
    finally:
        cur.close()
    return Result(counts, page, found)


def page(portal: Portal, views_: list[View], request: Request) -> Page:
    """Only a page (no counts or facets): found straight from the index."""
    _check(views_, request)
    sort_columns = [name for name, _descending in request.sort]
    rows_sql = matching_sql(views_, request.query, ["_rid", *dict.fromkeys(sort_columns)])
    cur = portal.search_engine.cursor()
    try:
        return _page(cur, f"({rows_sql})", views_, request)
    finally:
        cur.close()


def _page(cur: duckdb.DuckDBPyConnection, source: str, views_: list[View],
          request: Request) -> Page:
    conditions = ""
    if request.after is not None:
        last_id, last_res = decode_after(request.after)
        conditions = (f"WHERE _id > {literal(last_id)} OR "
                      f"(_id = {literal(last_id)} AND _res > {literal(last_res)})")
    order = ", ".join(f"{ident(n)} {'DESC' if d else 'ASC'} NULLS LAST" for n, d in request.sort)
    order = (order + ", " if order else "") + "_id, _res"
    hits = cur.execute(
        f"SELECT _res, _rid FROM {source} {conditions} ORDER BY {order} "
        f"LIMIT {int(request.size)} OFFSET {int(request.offset)}"
    ).fetchall()
    rows = _fetch(cur, views_, hits, _columns(views_, request.fields))
    records = [{"resource": res, "data": rows[(res, int(rid))]} for res, rid in hits]
    after = None
    if records and len(records) == request.size:
        after = encode_after(records[-1]["data"]["_id"], records[-1]["resource"])
    return Page(records, after)


def _fetch(
    cur: duckdb.DuckDBPyConnection, views_: list[View], hits: list[tuple[str, int]],
    wanted: list[str],
) -> dict[tuple[str, int], dict[str, Any]]:
    """The full rows of the page's hits, by (resource, _rid)."""
    by_resource: dict[str, list[int]] = {}
    for res, rid in hits:
        by_resource.setdefault(res, []).append(int(rid))
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for view in views_:
        rids = by_resource.get(view.rid)
        if not rids:
            continue
        columns = [c for c in wanted if c in set(view.attached.columns)]
        select = ", ".join(["_rid", "_id", *map(ident, columns)])
        cursor = cur.execute(
            f"SELECT {select} FROM {view.attached.records} "
            f"WHERE _rid IN ({', '.join(map(str, rids))})"
        )
        names = [d[0] for d in cursor.description or []]
        for row in cursor.fetchall():
            values = dict(zip(names, row, strict=True))
            data = {k: values[k] for k in columns if values.get(k) is not None}
            rows[(view.rid, int(values["_rid"]))] = {"_id": values["_id"], **data}
    return rows


def _columns(views_: list[View], fields: Sequence[str] | None) -> list[str]:
    if fields:
        return list(dict.fromkeys(fields))
    seen: dict[str, None] = {}
    for view in views_:
        seen.update(dict.fromkeys(view.attached.columns))
    return list(seen)


def _facets(cur: duckdb.DuckDBPyConnection, source: str, request: Request) -> dict[str, Facet]:
    """Top values (with counts) of each facet field among the rows of ``source``."""
    names = list(dict.fromkeys(request.facets))
    if not names:
        return {}
    parts = []
    for position, name in enumerate(names):
        limit = int(request.facet_limits.get(name, request.facet_default))
        column = ident(name)
        parts.append(
            f"SELECT * FROM (SELECT {position} AS k, {column}::VARCHAR AS v, count(*) AS n, "
            f"sum(count(*)) OVER () AS present FROM {source} WHERE {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY n DESC, v LIMIT {limit})"
        )
    found: dict[int, list[tuple[str, int, int]]] = {}
    for k, v, n, present in cur.execute(" UNION ALL ".join(parts)).fetchall():
        found.setdefault(int(k), []).append((str(v), int(n), int(present)))
    result = {}
    for position, name in enumerate(names):
        entries = sorted(found.get(position, []), key=lambda e: (-e[1], e[0]))
        values = [(v, n) for v, n, _p in entries]
        present = entries[0][2] if entries else 0
        result[name] = Facet(values, present - sum(n for _v, n in values))
    return result
