"""Helpers the search actions share: reading queries, versions and resource lists."""

from __future__ import annotations

from typing import Any

from holotype.services import search
from holotype.services.search import Facet
from holotype.web.actions.registry import Context

QUERY_VERSION = "v1.0.0"


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
