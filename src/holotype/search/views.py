"""The resources a search reads, each at a version and served by its attached index.

One compiled filter (query language -> SQL over each resource's index) serves every answer, so
results, counts, facets and downloads always agree. Which resources a caller may search is the
services' question (the policy); this module only opens what it is given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from holotype.catalog.snapshots import ResourceInfo
from holotype.engine import ident, literal
from holotype.errors import Unavailable
from holotype.index import Attached, IndexEngine
from holotype.index.target import IndexTarget
from holotype.query.area_sql import AreaRegistry
from holotype.query.areas import AreaCatalogue
from holotype.query.compile import compile_filter
from holotype.store.store import RecordStore

INTERNAL = frozenset({"_rid", "_lat", "_lon"})  # index columns a query may select
_INTERNAL_TYPES = {"_rid": "BIGINT", "_lat": "DOUBLE", "_lon": "DOUBLE"}


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

    @property
    def columns(self) -> tuple[str, ...]:
        """The resource's fields, as its index holds them."""
        return self.attached.columns

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


def open_views(
    indexes: IndexEngine, store: RecordStore, resources: Sequence[ResourceInfo],
    version: int | None, pins: Mapping[str, int] | None = None,
) -> list[View]:
    """Each resource at the version current at ``version``, or at its own version in ``pins``
    (by resource id: what a citation pinned), skipping those without records then. Nothing is
    built here: a resource whose index does not cover that version yet is
    :class:`Unavailable` (the ingest, or the indexer at start-up, builds it)."""
    result = []
    for resource in resources:
        at = pins.get(resource.id, version) if pins else version
        found = store.resource(resource.id).resolve(at)
        if found is None:
            continue
        attached = indexes.attach(resource.id, found.version)
        if attached is None:
            raise Unavailable(
                f"the records of {resource.dataset_slug}/{resource.slug} are being indexed; "
                "try again shortly", field="resource_id",
            )
        result.append(
            View(resource, found.version, attached, indexes.registry, indexes.areas, found.stats)
        )
    return result


def matching_sql(views_: list[View], query: dict[str, Any], columns: Sequence[str]) -> str:
    """UNION ALL of each resource's matching rows with ``_res`` and the requested columns.

    A resource whose filter is ``FALSE`` (the query names fields it lacks) is left out: it
    matches nothing at any version, and scanning it cost ~2.5 ms a resource (the scale
    benchmark's Everything: 37 of 40 resources lack the filtered ``department``)."""
    parts = []
    for view in views_:
        if view.condition(query) == "FALSE":
            continue
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
    if parts:
        return " UNION ALL ".join(parts)
    # No resource to read (none named, or none existed at the version): no rows, same columns.
    select = "".join(f"NULL::{_INTERNAL_TYPES.get(c, 'VARCHAR')} AS {ident(c)}, "
                     for c in columns)  # typed as the index's columns are
    return f"SELECT NULL::VARCHAR AS _res, {select}NULL::VARCHAR AS _id WHERE false"
