"""CKAN DataStore actions: datastore_search and datastore_query_extent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from holotype.errors import Invalid
from holotype.services import search
from holotype.services.search import SearchRequest
from holotype.web.actions.common import QUERY_SHAPE, and_query, facet_result
from holotype.web.actions.params import Doc, version_doc
from holotype.web.actions.registry import Action, Context

MAX_LIMIT = 1000


@dataclass(frozen=True, kw_only=True)
class SearchParams:
    resource_id: Annotated[str, Doc("The resource to search.")]
    q: Annotated[
        str | dict[str, Any] | None,
        Doc("Free text over all fields, or an object {field: text} for text within fields."),
    ] = None
    filters: Annotated[
        dict[str, Any] | None,
        Doc("Exact matches: {field: value or [values]} (case-insensitive)."),
    ] = None
    query: Annotated[
        dict[str, Any] | str | None,
        Doc("An NHM query schema v1.0.0 query, ANDed with q and filters.",
            shape=QUERY_SHAPE),
    ] = None
    version: Annotated[
        int | None,
        version_doc("Search the records as of this version (ms timestamp)."),
    ] = None


@dataclass(frozen=True, kw_only=True)
class DatastoreSearchParams(SearchParams):
    fields: Annotated[
        list[str] | str | None,
        Doc("Fields to return (a list or comma-separated)."),
    ] = None
    sort: Annotated[str | list[str] | None, Doc('e.g. "year desc, scientificName asc"')] = None
    limit: Annotated[int, Doc("Records per page.", minimum=0, maximum=MAX_LIMIT)] = 100
    offset: Annotated[int, Doc("Records to skip (offset + limit <= 10,000).", minimum=0)] = 0
    include_total: Annotated[bool, Doc("Count the matching records.")] = True
    facets: Annotated[list[str] | None, Doc("Fields to facet on.")] = None
    facet_limits: Annotated[
        dict[str, Any] | None,
        Doc("Values per facet: {field: n} (default 10)."),
    ] = None
    after: Annotated[str | None, Doc("The cursor from the previous page, for deep paging.")] = None


def with_text(query: dict[str, Any], q: Any) -> dict[str, Any]:
    """Add CKAN's ``q`` to a query: free text over all fields, or {field: text} (each field must
    hold every word of its text)."""
    if q is None or q == "":
        return query
    if isinstance(q, str):
        words = " ".join(x for x in (query.get("search"), q) if x)
        return {**query, "search": words}
    if isinstance(q, dict):
        terms = []
        for name, value in q.items():
            if not isinstance(value, str):
                raise Invalid.of({"q": [f"the value for {name!r} must be text"]})
            terms.append({"string_contains": {"fields": [name], "value": value}})
        return and_query(query, {"and": terms}) if terms else query
    raise Invalid.of({"q": ["Must be text or an object of field: text"]})


def filter_terms(filters: dict[str, Any] | None) -> dict[str, Any]:
    """CKAN's ``filters``: {field: value or [values]}, each an exact (case-insensitive) match."""
    terms = []
    for name, value in (filters or {}).items():
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str | int | float) for v in values):
            raise Invalid.of({"filters": [f"the value for {name!r} must be text or a list"]})
        options = [{"string_equals": {"fields": [name], "value": str(v)}} for v in values]
        terms.append(options[0] if len(options) == 1 else {"or": options})
    return {"and": terms} if terms else {}


def parse_sort(sort: Any) -> list[tuple[str, bool]]:
    """``"field asc, other desc"`` (or a list of such) as (field, descending) pairs."""
    if not sort:
        return []
    parts = sort if isinstance(sort, list) else str(sort).split(",")
    result = []
    for part in parts:
        words = str(part).strip().rsplit(" ", 1)
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            words, direction = [str(part).strip()], "asc"
        name = words[0].strip().strip('"')
        if not name:
            raise Invalid.of({"sort": [f"cannot read the sort {part!r}"]})
        result.append((name, direction == "desc"))
    return result


def _fields_param(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [f.strip() for f in value.split(",") if f.strip()]
    return [str(f) for f in value]


def _open(ctx: Context, p: SearchParams) -> search.Search:
    """The resource searched, with the query, ``q`` and ``filters`` ANDed into one query."""
    opened = search.open_search(ctx.portal, ctx.identity, p.query, [p.resource_id], p.version)
    return opened.narrowed(and_query(with_text(opened.query, p.q), filter_terms(p.filters)))


def datastore_search(ctx: Context, p: DatastoreSearchParams) -> dict[str, Any]:
    opened = _open(ctx, p)
    fields = _fields_param(p.fields)
    result: dict[str, Any] = {
        "resource_id": p.resource_id,
        "limit": p.limit,
        "offset": p.offset,
        "records": [],
        "fields": [],
        "after": None,
        "version": None,
    }
    if not opened.views:  # no version of the resource existed then
        result["total"] = 0
        return result
    request = SearchRequest(
        size=p.limit, after=p.after, offset=p.offset,
        sort=parse_sort(p.sort), fields=fields, facets=p.facets or (),
        facet_limits=p.facet_limits or {},
    )
    if p.include_total or p.facets:
        answer = opened.answer(request)
        page = answer.page
        if p.include_total:
            result["total"] = answer.total
        if p.facets:
            result["facets"] = {name: facet_result(f) for name, f in answer.facets.items()}
    else:  # a page alone (deep paging without totals): straight from the index
        page = opened.page(request)
    result.update(
        records=[r["data"] for r in page.records],
        fields=[f for f in opened.field_types() if fields is None or f["id"] in fields
                or f["id"] == "_id"],
        after=page.after,
        version=opened.views[0].version,
    )
    return result


def datastore_query_extent(ctx: Context, p: SearchParams) -> dict[str, Any]:
    opened = _open(ctx, p)
    if not opened.views:
        return {"total_count": 0, "geom_count": 0, "bounds": None}
    found = opened.extent()
    return {"total_count": found.total, "geom_count": found.with_point, "bounds": found.bounds}


ACTIONS = (
    Action(
        "datastore_search",
        datastore_search,
        "Search one resource's records: text, filters, sort, facets and deep paging.",
        DatastoreSearchParams,
    ),
    Action(
        "datastore_query_extent",
        datastore_query_extent,
        "The number of matching records, how many have a point, and their bounding box.",
        SearchParams,
    ),
)
