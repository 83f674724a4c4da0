"""The NHM multi-resource actions: vds_multi_query, _count, _hash, _fields, _stats, autocomplete."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal

from holotype.query.normalise import query_hash
from holotype.services import search
from holotype.services.search import SearchRequest
from holotype.web.actions.common import QUERY_SHAPE, read_query
from holotype.web.actions.params import Doc, version_doc
from holotype.web.actions.registry import Action, Context

MAX_SIZE = 1000
QUERY = "An NHM query schema v1.0.0 query."
QUERY_VERSION_DOC = "The query schema version."
RESOURCE_IDS = "Resources to search; empty or absent means all visible."
VERSION = "Search the records as of this version (ms timestamp)."


@dataclass(frozen=True, kw_only=True)
class MultiParams:
    resource_ids: Annotated[list[str] | None, Doc(RESOURCE_IDS)] = None
    query: Annotated[dict[str, Any] | str | None, Doc(QUERY, shape=QUERY_SHAPE)] = None
    query_version: Annotated[Literal["v1.0.0"], Doc(QUERY_VERSION_DOC)] = "v1.0.0"
    version: Annotated[int | None, version_doc(VERSION)] = None


@dataclass(frozen=True, kw_only=True)
class MultiQueryParams(MultiParams):
    size: Annotated[int, Doc("Records per page.", minimum=0, maximum=MAX_SIZE)] = 100
    after: Annotated[str | None, Doc("The cursor from the previous page.")] = None


@dataclass(frozen=True, kw_only=True)
class HashParams:
    query: Annotated[dict[str, Any] | str | None, Doc(QUERY, shape=QUERY_SHAPE)] = None
    query_version: Annotated[Literal["v1.0.0"], Doc(QUERY_VERSION_DOC)] = "v1.0.0"


@dataclass(frozen=True, kw_only=True)
class FieldsParams(MultiParams):
    size: Annotated[int, Doc("Fields to return (0: all).", minimum=0)] = 0


@dataclass(frozen=True, kw_only=True)
class AutocompleteValueParams(MultiParams):
    field: Annotated[str, Doc("The field.", min_length=1)]
    prefix: Annotated[str, Doc("The start of the value.")] = ""
    size: Annotated[int, Doc("Values to return.", minimum=1, maximum=100)] = 20


@dataclass(frozen=True, kw_only=True)
class AutocompleteFieldParams:
    resource_ids: Annotated[list[str] | None, Doc(RESOURCE_IDS)] = None
    version: Annotated[int | None, version_doc(VERSION)] = None
    text: Annotated[str, Doc("Part of a field name.")] = ""


@dataclass(frozen=True, kw_only=True)
class StatsParams(MultiParams):
    field: Annotated[str, Doc("A field holding numbers.", min_length=1)]


def _open(ctx: Context, p: MultiParams) -> search.Search:
    return search.open_search(ctx.portal, ctx.identity, p.query, p.resource_ids, p.version)


def vds_multi_query(ctx: Context, p: MultiQueryParams) -> dict[str, Any]:
    answer = _open(ctx, p).answer(SearchRequest(size=p.size, after=p.after))
    return {"total": answer.total, "after": answer.page.after, "records": answer.page.records}


def vds_multi_count(ctx: Context, p: MultiParams) -> dict[str, Any]:
    counts = _open(ctx, p).count()
    return {"total": sum(counts.values()), "counts": counts}


def vds_multi_hash(ctx: Context, p: HashParams) -> str:
    return query_hash(read_query(ctx, p.query))


def vds_multi_fields(ctx: Context, p: FieldsParams) -> list[dict[str, Any]]:
    """Fields of the resources searched: in how many resources each holds data, and its types.

    Field presence is per resource version (from its statistics), not per matching record.
    """
    found = [asdict(entry) for entry in _open(ctx, p).fields()]
    return found[: p.size] if p.size else found


def vds_multi_autocomplete_value(ctx: Context, p: AutocompleteValueParams) -> dict[str, Any]:
    """Values of ``field`` starting with ``prefix`` (case-insensitive), most frequent first."""
    values = _open(ctx, p).autocomplete(p.field, p.prefix, p.size)
    return {"values": [v for v, _n in values], "counts": dict(values)}


def vds_multi_autocomplete_field(ctx: Context, p: AutocompleteFieldParams) -> dict[str, Any]:
    """Field names containing ``text`` (case-insensitive) across the resources."""
    opened = search.open_search(ctx.portal, ctx.identity, None, p.resource_ids, p.version)
    names = opened.field_names(p.text)
    return {"fields": {name: {"resources": rids} for name, rids in names.items()}}


def vds_multi_stats(ctx: Context, p: StatsParams) -> dict[str, Any]:
    """count, min, max, mean and sum of a numeric field over the matching records."""
    return _open(ctx, p).value_stats(p.field)


ACTIONS = (
    Action("vds_multi_query", vds_multi_query,
           "Search records across resources, in id order, with an 'after' cursor.",
           MultiQueryParams),
    Action("vds_multi_count", vds_multi_count,
           "Count matching records in all and per resource.", MultiParams),
    Action("vds_multi_hash", vds_multi_hash,
           "The query's hash: equal queries hash equal whatever their key order.", HashParams),
    Action("vds_multi_fields", vds_multi_fields,
           "Fields of the resources, with how many resources hold each and their types.",
           FieldsParams),
    Action("vds_multi_autocomplete_value", vds_multi_autocomplete_value,
           "Values of a field that start with a prefix, most frequent first.",
           AutocompleteValueParams),
    Action("vds_multi_autocomplete_field", vds_multi_autocomplete_field,
           "Field names containing some text.", AutocompleteFieldParams),
    Action("vds_multi_stats", vds_multi_stats,
           "count, min, max, mean and sum of a numeric field over the matching records.",
           StatsParams),
)
