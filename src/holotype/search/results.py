"""Answering one search: counts, facets and a page.

A search whose words are rare is answered from the row files' postings (``posted``). Counts
per resource and every facet come from one grouped pass (``grouped``) over the matching rows;
for a search of common words the same statement places the page. Otherwise the page is placed
by one id-ordered query over the matching rows that reads only the columns that place it, and
a search that matches few records is answered from its first matches (``few``). The
page's records are read whole from the row store; a page of an unfiltered search in id order
comes from the row store alone. Deep paging uses an opaque ``after`` cursor.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import orjson

from holotype.engine import ident, literal
from holotype.errors import Invalid
from holotype.index import IndexEngine
from holotype.search import few, posted
from holotype.search.few import Placed, answer_few, read
from holotype.search.grouped import grouped
from holotype.search.views import INTERNAL, View, matching_sql

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
class SearchRequest:
    """What one search asks for."""

    query: dict[str, Any] = field(default_factory=dict)
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
    raw = orjson.dumps([record_id, resource_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_after(token: str) -> tuple[str, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        value = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        if (isinstance(value, list) and len(value) == 2
                and all(isinstance(v, str) for v in value)):
            return value[0], value[1]
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise Invalid("not a cursor this portal issued; pass back the 'after' value of a previous "
                  "page unchanged", field="after")


def _check(views_: list[View], request: SearchRequest) -> None:
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
    for name in request.facets:
        if name == "_id" or name in INTERNAL:
            raise Invalid(f"cannot facet on {name!r}: it is not a field of the records",
                          field="facets")
    for name, limit in request.facet_limits.items():
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise Invalid(f"the facet limit of {name!r} must be a whole number from 0, not "
                          f"{limit!r}", field="facet_limits")


def run(indexes: IndexEngine, views_: list[View], request: SearchRequest) -> Result:
    """Counts per resource, facets and one page for ``request``."""
    _check(views_, request)
    if not request.sort:
        matched = posted.matches(views_, request.query)  # rare words: no DuckDB at all
        if matched is not None:
            return _few(views_, request, matched)
    cur = indexes.cursor()
    try:
        filtered = not _unfiltered(views_, request)
        # a common word: the probe would cost what the grouped pass does, and find many
        common = filtered and not request.sort and posted.common(views_, request.query)
        if not request.sort and filtered and not common:
            # any FEW + 1 matches: all of them when there are few (then put in page order)
            probed = _probe(cur, views_, request.query)
            if len(probed) <= few.FEW:
                return _few(views_, request, read(views_, probed))
        end = request.offset + request.size
        if common and end:  # the page placed in the grouped statement
            counts, found, placed = _grouped(cur, views_, request, end)
            page_ = _shaped(views_, request, read(views_, placed[request.offset:end]))
        else:
            counts, found, _none = _grouped(cur, views_, request, 0)
            rows: Placed = []
            if end and not request.sort and not filtered:
                rows = _unfiltered_page(views_, request)
            elif end:
                rows = _filtered_page(cur, views_, request)
            page_ = _shaped(views_, request, rows)
    finally:
        cur.close()
    return Result(counts, page_, found)


def _grouped(
    cur: duckdb.DuckDBPyConnection, views_: list[View], request: SearchRequest, first: int
) -> tuple[dict[str, int], dict[str, Facet], list[tuple[str, int]]]:
    """Counts, facets and (with ``first``) the first matches after the request's cursor."""
    found = grouped(
        cur, views_, request.query, request.facets, request.facet_limits, request.facet_default,
        first=first, after=decode_after(request.after) if request.after is not None else None,
    )
    facets = {name: Facet(values, others) for name, (values, others) in found.facets.items()}
    return found.counts, facets, found.placed


def count(indexes: IndexEngine, views_: list[View], query: dict[str, Any]) -> dict[str, int]:
    """Matching records per resource id: from the postings when the words are rare."""
    matched = posted.matches(views_, query)
    if matched is None:
        return counted(indexes, views_, query)
    counts = {v.rid: 0 for v in views_}
    for res, _record in matched:
        counts[res] += 1
    return counts


def counted(
    indexes: IndexEngine, views_: list[View], query: dict[str, Any]
) -> dict[str, int]:
    """Matching records per resource id, counted by the engine in one statement over every
    resource: DuckDB runs the resources' parts side by side, where one query per resource ran
    them one after another (across the 40 resources of the scale benchmark's Everything, a
    count took 2.6 times as long)."""
    counts = {v.rid: 0 for v in views_}
    if not views_:
        return counts
    cur = indexes.cursor()
    try:
        rows = cur.execute(
            f"SELECT _res, count(*) FROM ({matching_sql(views_, query, [])}) GROUP BY _res"
        ).fetchall()
    finally:
        cur.close()
    counts.update({str(res): int(n) for res, n in rows})
    return counts


def _few(views_: list[View], request: SearchRequest, matched: Placed) -> Result:
    """The answer from every matching record, in page order."""
    answer = answer_few(
        views_, matched, facets=request.facets, limits=request.facet_limits,
        default_limit=request.facet_default, offset=request.offset,
        after=decode_after(request.after) if request.after is not None else None,
        size=request.size,
    )
    found = {name: Facet(values, others) for name, (values, others) in answer.facets.items()}
    return Result(answer.counts, _shaped(views_, request, answer.page), found)


def _unfiltered(views_: list[View], request: SearchRequest) -> bool:
    return all(v.condition(request.query) == "TRUE" for v in views_)


def page(indexes: IndexEngine, views_: list[View], request: SearchRequest) -> Page:
    """Only a page (no counts or facets)."""
    _check(views_, request)
    if not request.sort:
        matched = posted.matches(views_, request.query)
        if matched is not None:
            return _few(views_, request, matched).page
        if _unfiltered(views_, request):  # from the row store alone
            return _shaped(views_, request, _unfiltered_page(views_, request))
    cur = indexes.cursor()
    try:
        return _shaped(views_, request, _filtered_page(cur, views_, request))
    finally:
        cur.close()


def _shaped(views_: list[View], request: SearchRequest, found: Placed) -> Page:
    """The page's records with the fields asked for, and the cursor to the next page."""
    if request.fields:
        wanted = [c for c in dict.fromkeys(request.fields) if c != "_id"]  # always returned
        records: list[dict[str, Any]] = [
            {"resource": res, "data": {"_id": data["_id"],
                                       **{k: data[k] for k in wanted if data.get(k) is not None}}}
            for res, data in found
        ]
    else:  # every field: the row store's records hold ``_id`` and their non-null fields
        records = [{"resource": res, "data": data} for res, data in found]
    after = None
    if records and len(records) == request.size:
        after = encode_after(records[-1]["data"]["_id"], records[-1]["resource"])
    return Page(records, after)


def _filtered_page(
    cur: duckdb.DuckDBPyConnection, views_: list[View], request: SearchRequest
) -> Placed:
    """A page placed by the index (in any sort order), its records read from the row store."""
    return read(views_, _placed(cur, views_, request))


def _placed(
    cur: duckdb.DuckDBPyConnection, views_: list[View], request: SearchRequest
) -> list[tuple[str, int]]:
    """(resource id, ``_rid``) of the page's records, in page order."""
    sort_columns = list(dict.fromkeys(name for name, _descending in request.sort))
    conditions = ""
    if request.after is not None:
        last_id, last_res = decode_after(request.after)
        conditions = (f"WHERE _id > {literal(last_id)} OR "
                      f"(_id = {literal(last_id)} AND _res > {literal(last_res)})")
    order = ", ".join(f"{ident(n)} {'DESC' if d else 'ASC'} NULLS LAST" for n, d in request.sort)
    order = (order + ", " if order else "") + "_id, _res"
    # Each resource's part is limited too, so the engine can stop early in every one of them;
    # only the narrow columns that place a record are read here, the records themselves below.
    limit = int(request.size) + int(request.offset)
    parts = [
        f"SELECT * FROM ({matching_sql([view], request.query, [*sort_columns, '_rid'])}) "
        f"{conditions} ORDER BY {order} LIMIT {limit}"
        for view in views_ if view.condition(request.query) != "FALSE"  # matches nothing
    ] or ["SELECT NULL AS _res, NULL AS _rid, NULL AS _id WHERE false"]
    placed = cur.execute(
        "SELECT _res, _rid FROM (" + " UNION ALL ".join(f"({p})" for p in parts) + ") "
        f"ORDER BY {order} LIMIT {int(request.size)} OFFSET {int(request.offset)}"
    ).fetchall()
    return [(str(res), int(rid)) for res, rid in placed]


def _probe(
    cur: duckdb.DuckDBPyConnection, views_: list[View], query: dict[str, Any]
) -> list[tuple[str, int]]:
    """(resource id, ``_rid``) of up to ``FEW + 1`` matches in page order: every match when
    there are at most ``FEW``. Asked in no order, the engine stops at the ``FEW + 1``-th match
    when many match, where the first ones in id order need every match read and sorted
    (the Botany filter over 6,000,000 specimens: see docs/search-index.md)."""
    found = cur.execute(
        f"SELECT _res, _rid, _id FROM ({matching_sql(views_, query, ['_rid'])}) "
        f"LIMIT {few.FEW + 1}"
    ).fetchall()
    found.sort(key=lambda row: (str(row[2]), str(row[0])))
    return [(str(res), int(rid)) for res, rid, _id in found]


def _unfiltered_page(views_: list[View], request: SearchRequest) -> Placed:
    """Every record matches: merge each resource's rows in (id, resource) order."""
    limit = int(request.size) + int(request.offset)
    last = decode_after(request.after) if request.after is not None else None
    merged: Placed = []
    for view in views_:
        if last is None:
            rows = view.attached.rows.in_id_order(view.version, limit)
        else:  # after (id, resource): this resource's rows with that id come after it or not
            rows = view.attached.rows.in_id_order(
                view.version, limit, after=last[0], inclusive=view.rid > last[1]
            )
        res = view.rid
        merged += [(res, data) for data in rows]
    if len(views_) > 1:  # each resource's rows are in id order already
        merged.sort(key=lambda entry: (entry[1]["_id"], entry[0]))
    return merged[request.offset:limit]
