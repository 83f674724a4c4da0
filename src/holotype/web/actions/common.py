"""Helpers the search actions share: reading queries, versions and resource lists."""

from __future__ import annotations

from typing import Any

from holotype.query.schema import GROUP_MIN_ITEMS
from holotype.services import search
from holotype.services.search import Facet
from holotype.web.actions.registry import Context

#: The outline of an NHM v1.0.0 query for the OpenAPI document: its keys, and filters as one
#: group of one-key groups and terms (the terms are in docs/query-language.md). The checks
#: themselves are query/validate.py's, with the JSON path of what is wrong.
QUERY_SHAPE: dict[str, Any] = {
    "properties": {
        "search": {"type": "string"},
        "filters": {
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "properties": {
                kind: {"type": "array", "minItems": least, "items": {
                    "type": "object", "minProperties": 1, "maxProperties": 1}}
                for kind, least in GROUP_MIN_ITEMS.items()
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}


def read_query(ctx: Context, value: Any, name: str = "query") -> dict[str, Any]:
    """A validated NHM v1.0.0 query from a parameter (an object, or JSON text)."""
    return search.checked_query(ctx.portal, value, name)


def and_query(base: dict[str, Any], *terms: dict[str, Any]) -> dict[str, Any]:
    """``base`` with extra terms ANDed into its filters."""
    extra = [t for t in terms if t]
    if not extra:
        return base
    members = [*extra]
    if base.get("filters"):
        members.insert(0, base["filters"])
    return {**base, "filters": {"and": members}}


def facet_result(facet: Facet) -> dict[str, Any]:
    """A facet in the NHM portal's shape."""
    return {
        "details": {"sum_other_doc_count": facet.others, "doc_count_error_upper_bound": 0},
        "values": dict(facet.values),
    }
