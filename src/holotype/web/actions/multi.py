"""The NHM multi-resource actions: vds_multi_query, _count, _hash, _fields, _stats, autocomplete."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from holotype.query.normalise import query_hash
from holotype.search import SearchRequest, View, field_names, fields
from holotype.web.actions.common import check_query_version, read_query, resource_views
from holotype.web.actions.registry import (
    Action,
    Context,
    Param,
    integer,
    string,
    strings,
)

MAX_SIZE = 1000


def _views(ctx: Context, p: dict[str, Any]) -> tuple[dict[str, Any], list[View]]:
    check_query_version(p.get("query_version"))
    return read_query(ctx, p["query"]), resource_views(ctx, p["resource_ids"], p["version"])


def vds_multi_query(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    query, views = _views(ctx, p)
    answer = ctx.portal.searcher.search(views, SearchRequest(query, p["size"], p["after"]))
    return {"total": answer.total, "after": answer.page.after, "records": answer.page.records}


def vds_multi_count(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    query, views = _views(ctx, p)
    counts = ctx.portal.searcher.count(views, query)
    return {"total": sum(counts.values()), "counts": counts}


def vds_multi_hash(ctx: Context, p: dict[str, Any]) -> str:
    check_query_version(p.get("query_version"))
    return query_hash(read_query(ctx, p["query"]))


def vds_multi_fields(ctx: Context, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Fields of the resources searched: in how many resources each holds data, and its types.

    Field presence is per resource version (from its statistics), not per matching record.
    """
    _query, views = _views(ctx, p)
    found = [asdict(entry) for entry in fields(views)]
    return found[: p["size"]] if p["size"] else found


def vds_multi_autocomplete_value(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    """Values of ``field`` starting with ``prefix`` (case-insensitive), most frequent first."""
    query, views = _views(ctx, p)
    values = ctx.portal.searcher.autocomplete(views, query, p["field"], p["prefix"], p["size"])
    return {"values": [v for v, _n in values], "counts": dict(values)}


def vds_multi_autocomplete_field(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    """Field names containing ``text`` (case-insensitive) across the resources."""
    _query, views = _views(ctx, {**p, "query": None})
    names = field_names(views, p["text"])
    return {"fields": {name: {"resources": rids} for name, rids in names.items()}}


def vds_multi_stats(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
    """count, min, max, mean and sum of a numeric field over the matching records."""
    query, views = _views(ctx, p)
    return ctx.portal.searcher.value_stats(views, query, p["field"])


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
