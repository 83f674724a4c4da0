"""Searching records across resources: counts, pages, deep paging and facets.

One compiled filter (query language -> SQL over each resource's index) serves every answer, so
results, counts and facets always agree. Only public datasets' record resources are searchable
until accounts arrive.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from holotype.catalog.snapshots import ResourceInfo
from holotype.engine import ident, literal
from holotype.index.engine import Attached
from holotype.index.target import IndexTarget
from holotype.query.area_sql import AreaRegistry
from holotype.query.areas import AreaCatalogue
from holotype.query.compile import compile_filter
from holotype.services.context import Portal
from holotype.services.errors import ServiceError

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
    # per-field type counts of that version (see store.stats)
    stats: dict[str, dict[str, int]] = field(default_factory=dict, compare=False, repr=False)
    # compiled filters by query: a view lives for one request, which asks for counts, facets
    # and a page of the same query
    compiled: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def rid(self) -> str:
        return self.resource.id

    def condition(self, query: dict[str, Any]) -> str:
        """The compiled filter of ``query`` alone (``TRUE`` when it matches every record)."""
        if not query:
            return "TRUE"
        key = json.dumps(query, sort_keys=True)
        found = self.compiled.get(key)
        if found is None:
            target = IndexTarget(self.attached, self.registry)
            found = self.compiled[key] = compile_filter(query, target, self.areas)
        return found

    def where(self, query: dict[str, Any]) -> str:
        """The compiled filter restricted to the record versions current at the view's version."""
        return f"({self.condition(query)}) AND _from <= {self.version} AND _to > {self.version}"


def searchable_resources(portal: Portal, resource_ids: Sequence[str] | None) -> list[ResourceInfo]:
    """The record resources to search: those named, or every visible one when none are named."""
    return portal.searchable_cache.get(portal.session, resource_ids)


def views(portal: Portal, resources: list[ResourceInfo], version: int | None) -> list[View]:
    """Each resource at the version current at ``version`` (skipping those without records then)."""
    result = []
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
            View(resource, found.version, attached, engine.registry, engine.areas, found.stats)
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
