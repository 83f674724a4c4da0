"""The search use case: a query checked once, the resources the identity asking may search
opened at a version, then answered by the search engine (:mod:`holotype.search`).

The action API's search actions and the search page open a :class:`Search` here and ask it for
what they show (a page, counts, facets, an extent, statistics, autocomplete, fields); downloads,
record pages and stable URIs open their resources with :func:`resource_views`. So every one of
them reads the same resources through the same policy and the same compiled filter.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from holotype.errors import Invalid
from holotype.query.errors import AreasMissing, QueryError
from holotype.query.geo_checks import check_vertices
from holotype.query.parse import parse
from holotype.query.validate import validate
from holotype.search import (
    Extent,
    Facet,
    FieldSummary,
    Page,
    Result,
    SearchRequest,
    View,
    field_names,
    field_types,
    fields,
    fields_of,
)
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.visible import visible_resources

log = logging.getLogger(__name__)
NO_AREAS = ("searching by named places (countries, seas, regions) is not available on this "
            "portal; search by a point and distance or by a place's name in the records instead")


def checked_query(portal: Portal, value: object, field: str = "query") -> dict[str, Any]:
    """A valid NHM v1.0.0 query from an object or its JSON text (nothing: the empty query), or
    Invalid naming the parameter (``field``) and the JSON path at fault. Every way in (the API,
    the search page, downloads, short links) checks its query here, once."""
    if value is None or value == "":
        return {}
    try:
        raw = parse(value) if isinstance(value, str) else value
        checked = dict(validate(raw, portal.areas))
        check_vertices(checked, portal.settings.map_max_vertices)
        return checked
    except QueryError as exc:
        raise Invalid(f"{exc.path}: {exc.message}", field=field) from exc
    except AreasMissing as exc:  # the portal's configuration, not the query: said plainly,
        log.warning("a query named areas: %s", exc)  # with the setting in the log
        raise Invalid(NO_AREAS, field=field) from exc


def resource_views(
    portal: Portal, identity: Identity, resource_ids: Sequence[str] | None, version: int | None,
    pins: Mapping[str, int] | None = None,
) -> list[View]:
    """The record resources named that ``identity`` may see (all it may see when none are
    named) as of ``version``, those in ``pins`` at their own version."""
    return portal.searcher.views(visible_resources(portal, identity, resource_ids), version,
                                 pins)


@dataclass(frozen=True)
class Search:
    """One search opened for the identity asking: its checked query and the resources (views)
    it reads. Every answer below reads exactly these, with this query."""

    portal: Portal
    query: dict[str, Any]
    views: list[View]

    def narrowed(self, query: dict[str, Any]) -> Search:
        """The same resources with another query (built from this one's checked parts)."""
        return replace(self, query=query)

    def answer(self, request: SearchRequest) -> Result:
        """Counts per resource, facets and one page (``request.query`` is this search's)."""
        if not self.views:
            return Result({}, Page([], None), {})
        return self.portal.searcher.search(self.views, replace(request, query=self.query))

    def page(self, request: SearchRequest) -> Page:
        """One page alone, without counts or facets."""
        if not self.views:
            return Page([], None)
        return self.portal.searcher.page(self.views, replace(request, query=self.query))

    def count(self) -> dict[str, int]:
        return self.portal.searcher.count(self.views, self.query)

    def extent(self) -> Extent:
        return self.portal.searcher.extent(self.views, self.query)

    def value_stats(self, field: str) -> dict[str, Any]:
        return self.portal.searcher.value_stats(self.views, self.query, field)

    def autocomplete(self, field: str, prefix: str, size: int) -> list[tuple[str, int]]:
        return self.portal.searcher.autocomplete(self.views, self.query, field, prefix, size)

    def fields(self) -> list[FieldSummary]:
        """Fields holding data in the resources' versions, most widely held first."""
        return fields(self.views)

    def field_names(self, text: str) -> dict[str, list[str]]:
        return field_names(self.views, text)

    def field_types(self) -> list[dict[str, str]]:
        """The first resource's fields with their types, ``_id`` first."""
        return field_types(self.views[0]) if self.views else []

    def columns(self) -> list[str]:
        """Every field of the resources, in order of first appearance."""
        return fields_of(self.views)


def open_search(
    portal: Portal, identity: Identity, query: object, resource_ids: Sequence[str] | None,
    version: int | None, *, field: str = "query",
) -> Search:
    """Check ``query`` (an object, its JSON text or nothing; errors name ``field``) and open
    the resources named that ``identity`` may see (all it may see when none are named)."""
    checked = checked_query(portal, query, field)
    return Search(portal, checked, resource_views(portal, identity, resource_ids, version))


__all__ = [
    "Extent",
    "Facet",
    "Page",
    "Result",
    "Search",
    "SearchRequest",
    "checked_query",
    "open_search",
    "resource_views",
]
