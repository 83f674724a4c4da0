"""Searching records across resources: counts, pages, deep paging and facets.

One compiled filter (query language -> SQL over each resource's index) serves every answer, so
results, counts and facets always agree. Only public datasets' record resources are searchable
until accounts arrive.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from holotype.catalog.snapshots import ResourceInfo
from holotype.engine import ident, literal
from holotype.index.engine import Attached
from holotype.index.target import IndexTarget
from holotype.query.area_sql import AreaRegistry
from holotype.query.areas import AreaCatalogue
from holotype.query.compile import compile_filter
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.errors import Invalid, NotFound, ServiceError

MAX_OFFSET = 10_000
INTERNAL = frozenset({"_rid", "_lat", "_lon"})  # index columns a query may select


class Unavailable(ServiceError):
    """The search index for a resource is still being built."""

    status = 503


@dataclass(frozen=True)
class View:
    """One resource as searched: the version asked for, served by an attached index."""

    resource: ResourceInfo
    version: int
    attached: Attached
    registry: AreaRegistry
    areas: AreaCatalogue | None
    cursor: duckdb.DuckDBPyConnection  # for looking up tokens while compiling

    @property
    def rid(self) -> str:
        return self.resource.id

    def where(self, query: dict[str, Any]) -> str:
        target = IndexTarget(self.attached, self.registry, self.cursor)
        condition = compile_filter(query, target, self.areas)
        return f"({condition}) AND _from <= {self.version} AND _to > {self.version}"


@dataclass
class Page:
    total: int | None
    records: list[dict[str, Any]]  # {"resource": id, "data": {...}}
    after: str | None
    counts: dict[str, int] = field(default_factory=dict)


def searchable_resources(portal: Portal, resource_ids: Sequence[str] | None) -> list[ResourceInfo]:
    """The record resources to search: those named, or every visible one when none are named."""
    with portal.session() as session:
        if resource_ids:
            found = []
            for ref in resource_ids:
                resource = catalogue.get_resource(session, ref)
                dataset = catalogue.get_dataset(session, resource.dataset_id)
                if not dataset.is_public:
                    raise NotFound(f"resource {ref!r} does not exist", field="resource_id")
                if resource.kind != "records":
                    raise Invalid(f"resource {ref!r} holds a file, not records",
                                  field="resource_id")
                found.append(resource)
            return found
        resources = []
        for dataset in catalogue.list_datasets(session):
            resources += [r for r in catalogue.list_resources(session, dataset.id)
                          if r.kind == "records"]
        return resources


def views(portal: Portal, resources: list[ResourceInfo], version: int | None) -> list[View]:
    """Each resource at the version current at ``version`` (skipping those without records then)."""
    result = []
    cursor = portal.search_engine.cursor()
    for resource in resources:
        found = portal.store.resource(resource.id).resolve(version)
        if found is None:
            continue
        attached = portal.search_engine.attach(resource.id, found.version)
        if attached is None:
            attached = portal.ensure_index(resource.id, found.version)
            if attached is None:
                raise Unavailable(
                    f"the search index of {resource.dataset_slug}/{resource.slug} is being "
                    "built; try again shortly"
                )
        engine = portal.search_engine
        result.append(
            View(resource, found.version, attached, engine.registry, engine.areas, cursor)
        )
    return result


def matching_sql(views_: list[View], query: dict[str, Any], columns: Sequence[str]) -> str:
    """UNION ALL of each resource's matching rows with ``_res`` and the requested columns."""
    parts = []
    for view in views_:
        have = set(view.attached.columns)
        select = ", ".join(
            f"{ident(c) if c in have or c in INTERNAL else 'NULL::VARCHAR'} AS {ident(c)}"
            for c in columns
        )
        select = (select + ", ") if select else ""
        parts.append(
            f"SELECT {literal(view.rid)} AS _res, {select}_id FROM {view.attached.records} "
            f"WHERE {view.where(query)}"
        )
    return " UNION ALL ".join(parts) if parts else "SELECT NULL AS _res, NULL AS _id WHERE false"


def count(portal: Portal, views_: list[View], query: dict[str, Any]) -> dict[str, int]:
    """Matching records per resource id."""
    cur = portal.search_engine.cursor()
    counts = {}
    for view in views_:
        row = cur.execute(
            f"SELECT count(*) FROM {view.attached.records} WHERE {view.where(query)}"
        ).fetchone()
        counts[view.rid] = int(row[0]) if row else 0
    return counts


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


def page(
    portal: Portal,
    views_: list[View],
    query: dict[str, Any],
    *,
    size: int,
    after: str | None = None,
    offset: int = 0,
    sort: Sequence[tuple[str, bool]] = (),
    fields: Sequence[str] | None = None,
) -> Page:
    """One page of matching records, in id order unless ``sort`` says otherwise.

    Deep paging uses ``after`` (the cursor returned with the previous page); ``offset`` is for
    shallow pages only (offset + size <= 10,000). The page is found on ids alone, then only its
    rows are read in full.
    """
    if offset < 0 or size < 0:
        raise Invalid("offset and limit cannot be negative", field="offset")
    if offset + size > MAX_OFFSET:
        raise Invalid(
            f"offset + limit may not exceed {MAX_OFFSET:,}; to walk further, use the 'after' "
            "cursor returned with each page", field="offset",
        )
    if after is not None and sort:
        raise Invalid("'after' pages in id order only; do not combine it with 'sort'",
                      field="after")
    wanted = _columns(views_, fields)
    sort_columns = [name for name, _desc in sort]
    for name in sort_columns:
        if not any(name in v.attached.columns for v in views_):
            raise Invalid(f"cannot sort on unknown field {name!r}", field="sort")
    rows_sql = matching_sql(views_, query, ["_rid", *dict.fromkeys(sort_columns)])
    conditions = ""
    if after is not None:
        last_id, last_res = decode_after(after)
        conditions = (f"WHERE _id > {literal(last_id)} OR "
                      f"(_id = {literal(last_id)} AND _res > {literal(last_res)})")
    order = ", ".join(f"{ident(n)} {'DESC' if d else 'ASC'} NULLS LAST" for n, d in sort)
    order = (order + ", " if order else "") + "_id, _res"
    cur = portal.search_engine.cursor()
    hits = cur.execute(
        f"SELECT _res, _rid FROM ({rows_sql}) {conditions} ORDER BY {order} "
        f"LIMIT {int(size)} OFFSET {int(offset)}"
    ).fetchall()
    rows = _fetch(cur, views_, hits, wanted)
    records = [{"resource": res, "data": rows[(res, rid)]} for res, rid in hits]
    next_after = None
    if records and len(records) == size:
        last = records[-1]
        next_after = encode_after(last["data"]["_id"], last["resource"])
    return Page(total=None, records=records, after=next_after)


def _fetch(
    cur: Any, views_: list[View], hits: list[tuple[str, int]], wanted: list[str]
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


@dataclass(frozen=True)
class Facet:
    values: list[tuple[str, int]]  # top values, most frequent first
    others: int  # matching records whose value is not among ``values``


def facets(
    portal: Portal,
    views_: list[View],
    query: dict[str, Any],
    names: Sequence[str],
    limits: dict[str, int] | None = None,
    default_limit: int = 10,
) -> dict[str, Facet]:
    """Top values (with counts) of each named field among the matching records.

    One statement: the matching rows' facet columns are materialised once, then grouped per field.
    """
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    rows_sql = matching_sql(views_, query, names)
    parts = []
    for position, name in enumerate(names):
        limit = int((limits or {}).get(name, default_limit))
        column = ident(name)
        parts.append(
            f"SELECT * FROM (SELECT {position} AS k, {column}::VARCHAR AS v, count(*) AS n, "
            f"sum(count(*)) OVER () AS present FROM hits WHERE {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY n DESC, v LIMIT {limit})"
        )
    rows = portal.search_engine.cursor().execute(
        f"WITH hits AS MATERIALIZED ({rows_sql}) {' UNION ALL '.join(parts)}"
    ).fetchall()
    found: dict[int, list[tuple[str, int, int]]] = {}
    for k, v, n, present in rows:
        found.setdefault(int(k), []).append((str(v), int(n), int(present)))
    result = {}
    for position, name in enumerate(names):
        entries = sorted(found.get(position, []), key=lambda e: (-e[1], e[0]))
        values = [(v, n) for v, n, _p in entries]
        present = entries[0][2] if entries else 0
        result[name] = Facet(values, present - sum(n for _v, n in values))
    return result


def extent(
    portal: Portal, views_: list[View], query: dict[str, Any]
) -> tuple[int, int, list[list[float]] | None]:
    """(matching records, those with a point, [[min lat, min lon], [max lat, max lon]])."""
    rows_sql = matching_sql(views_, query, ["_lat", "_lon"])
    row = portal.search_engine.cursor().execute(
        f"SELECT count(*), count(_lat), min(_lat), min(_lon), max(_lat), max(_lon) "
        f"FROM ({rows_sql})"
    ).fetchone()
    if row is None:
        return 0, 0, None
    total, with_point = int(row[0]), int(row[1])
    bounds = [[row[2], row[3]], [row[4], row[5]]] if with_point else None
    return total, with_point, bounds
