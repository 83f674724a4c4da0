"""The NHM multi-resource actions: vds_multi_query, _count, _hash, _fields, _stats, autocomplete."""

from __future__ import annotations

from typing import Any

from holotype.engine import ident, literal
from holotype.query.normalise import query_hash
from holotype.services import results, search
from holotype.store.stats import field_type
from holotype.web.actions.common import check_query_version, read_query, resource_views
from holotype.web.actions.registry import (
    Action,
    Context,
    Param,
    ValidationError,
    integer,
    string,
    strings,
)

MAX_SIZE = 1000


def _views(ctx: Context, p: dict[str, Any]) -> tuple[dict[str, Any], list[search.View]]:
    check_query_version(p.get("query_version"))
    return read_query(ctx, p["query"]), resource_views(ctx, p["resource_ids"], p["version"])


def vds_multi_query(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    query, views = _views(ctx, p)
    answer = results.run(ctx.portal, views, results.Request(query, p["size"], p["after"]))
    return {"total": answer.total, "after": answer.page.after, "records": answer.page.records}


def vds_multi_count(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    query, views = _views(ctx, p)
    counts = results.count(ctx.portal, views, query)
    return {"total": sum(counts.values()), "counts": counts}


def vds_multi_hash(ctx: Context, p: dict[str, Any]) -> str:
    check_query_version(p.get("query_version"))
    return query_hash(read_query(ctx, p["query"]))


def vds_multi_fields(ctx: Context, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Fields of the resources searched: in how many resources each holds data, and its types.

    Field presence is per resource version (from its statistics), not per matching record.
    """
    _query, views = _views(ctx, p)
    found: dict[str, dict[str, Any]] = {}
    for view in views:
        stats = view.stats
        for name in view.attached.columns:
            if name not in stats:
                continue
            entry = found.setdefault(name, {"field": name, "count": 0, "types": {},
                                            "resources": []})
            entry["count"] += 1
            kind = field_type(stats[name])
            entry["types"][kind] = entry["types"].get(kind, 0) + 1
            entry["resources"].append(view.rid)
    ordered = sorted(found.values(), key=lambda e: (-e["count"], e["field"].lower()))
    return ordered[: p["size"]] if p["size"] else ordered


def vds_multi_autocomplete_value(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    """Values of ``field`` starting with ``prefix`` (case-insensitive), most frequent first."""
    query, views = _views(ctx, p)
    prefix = p["prefix"].lower()
    condition = {"exists": {"fields": [p["field"]]}}
    query = {**query, "filters": {"and": [*([query["filters"]] if query.get("filters") else []),
                                           condition]}}
    rows_sql = search.matching_sql(views, query, [p["field"]])
    column = ident(p["field"])
    values = ctx.portal.search_engine.cursor().execute(
        f"SELECT {column} AS v, count(*) AS n FROM ({rows_sql}) "
        f"WHERE starts_with(lower({column}), {literal(prefix)}) GROUP BY v "
        f"ORDER BY n DESC, v LIMIT {int(p['size'])}"
    ).fetchall()
    return {"values": [v for v, _n in values], "counts": {v: int(n) for v, n in values}}


def vds_multi_autocomplete_field(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    """Field names containing ``text`` (case-insensitive) across the resources."""
    _query, views = _views(ctx, {**p, "query": None})
    text = p["text"].lower()
    fields: dict[str, list[str]] = {}
    for view in views:
        for name in view.attached.columns:
            if text in name.lower():
                fields.setdefault(name, []).append(view.rid)
    return {"fields": {name: {"resources": rids} for name, rids in sorted(fields.items())}}


def vds_multi_stats(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    """count, min, max, mean and sum of a numeric field over the matching records."""
    query, views = _views(ctx, p)
    name = p["field"]
    parts = []
    for view in views:
        number = view.attached.number(name)
        if number is None:
            continue
        parts.append(f"SELECT {number} AS x FROM {view.attached.records} WHERE {view.where(query)}")
    if not parts:
        raise ValidationError({"field": [f"{name!r} holds no numbers in these resources"]})
    row = ctx.portal.search_engine.cursor().execute(
        f"SELECT count(x), min(x), max(x), avg(x), sum(x) FROM ({' UNION ALL '.join(parts)})"
    ).fetchone()
    assert row is not None
    return dict(zip(("count", "min", "max", "mean", "sum"), row, strict=True))


MULTI = (
    Param("resource_ids", strings("Resources to search; empty or absent means all visible.")),
    Param("query", {"type": ["object", "string"],
                    "description": "An NHM query schema v1.0.0 query."}),
    Param("query_version", string("The query schema version.", enum=["v1.0.0"]),
          default="v1.0.0"),
    Param("version", integer("Search the records as of this version (ms timestamp).")),
)

ACTIONS = (
    Action("vds_multi_query", vds_multi_query,
           "Search records across resources, in id order, with an 'after' cursor.",
           (*MULTI,
            Param("size", integer("Records per page.", minimum=0, maximum=MAX_SIZE), default=100),
            Param("after", string("The cursor from the previous page.")))),
    Action("vds_multi_count", vds_multi_count,
           "Count matching records in all and per resource.", MULTI),
    Action("vds_multi_hash", vds_multi_hash,
           "The query's hash: equal queries hash equal whatever their key order.",
           (MULTI[1], MULTI[2])),
    Action("vds_multi_fields", vds_multi_fields,
           "Fields of the resources, with how many resources hold each and their types.",
           (*MULTI, Param("size", integer("Fields to return (0: all).", minimum=0), default=0))),
    Action("vds_multi_autocomplete_value", vds_multi_autocomplete_value,
           "Values of a field that start with a prefix, most frequent first.",
           (*MULTI, Param("field", string("The field."), required=True),
            Param("prefix", string("The start of the value."), default=""),
            Param("size", integer("Values to return.", minimum=1, maximum=100), default=20))),
    Action("vds_multi_autocomplete_field", vds_multi_autocomplete_field,
           "Field names containing some text.",
           (MULTI[0], MULTI[3], Param("text", string("Part of a field name."), default=""))),
    Action("vds_multi_stats", vds_multi_stats,
           "count, min, max, mean and sum of a numeric field over the matching records.",
           (*MULTI, Param("field", string("A field holding numbers."), required=True))),
)
