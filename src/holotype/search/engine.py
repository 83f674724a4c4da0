"""The search engine's one API: a validated query, the resources and a version in; matches,
counts, facets, extents, value statistics, autocomplete and row ids out.

Everything that turns a query into SQL and runs it lives in this package or below it. Callers
(the services) decide first which resources the identity asking may read; the engine answers
only over the resources it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from holotype.catalog.snapshots import ResourceInfo
from holotype.index import IndexEngine
from holotype.search import aggregate, export, lookup, results, rowsets, stats, tiles
from holotype.search.spark import SparkBulk
from holotype.search.views import View, open_views
from holotype.store import RecordStore, RecordVersion


@dataclass(frozen=True)
class Searcher:
    """Searches the record store's resources through their attached indexes."""

    indexes: IndexEngine
    store: RecordStore
    # bulk_engine = "spark": downloads' rows and whole-resource value counts run there
    bulk: SparkBulk | None = None

    def views(
        self, resources: Sequence[ResourceInfo], version: int | None,
        pins: Mapping[str, int] | None = None,
    ) -> list[View]:
        """The resources as of ``version`` (those in ``pins`` at their own version); raises
        ``Unavailable`` for one not indexed yet."""
        return open_views(self.indexes, self.store, resources, version, pins)

    def search(self, views: list[View], request: results.SearchRequest) -> results.Result:
        """Counts per resource, facets and one page."""
        return results.run(self.indexes, views, request)

    def page(self, views: list[View], request: results.SearchRequest) -> results.Page:
        """One page only (no counts or facets)."""
        return results.page(self.indexes, views, request)

    def count(self, views: list[View], query: dict[str, Any]) -> dict[str, int]:
        """Matching records per resource id."""
        return results.count(self.indexes, views, query)

    def extent(self, views: list[View], query: dict[str, Any]) -> aggregate.Extent:
        return aggregate.extent(self.indexes, views, query)

    def tile(
        self, views: list[View], query: dict[str, Any], z: int, x: int, y: int, margin: int = 0
    ) -> tiles.TileData:
        """The matching records' points in Web Mercator tile ``z/x/y``: cells with counts, and
        single records at high zoom (cells only, ``margin`` pixels beyond the edges too, with
        a margin)."""
        return tiles.tile(self.indexes, views, query, z, x, y, margin)

    def densest(self, views: list[View], query: dict[str, Any], z: int, square: int) -> int:
        """The most matching records in one ``square``-pixel square at zoom ``z``."""
        return tiles.densest(self.indexes, views, query, z, square)

    def pyramid(
        self, views: list[View], query: dict[str, Any], max_zoom: int
    ) -> list[tiles.TileData]:
        """Every tile with a matching point from zoom 0 to ``max_zoom``, from one query."""
        return tiles.pyramid(self.indexes, views, query, max_zoom)

    def in_box(
        self, views: list[View], query: dict[str, Any],
        bbox: tuple[float, float, float, float], size: int, columns: list[str],
    ) -> tiles.BoxRecords:
        """The matching records with a point in ``bbox`` (west, south, east, north)."""
        return tiles.in_box(self.indexes, views, query, bbox, size, columns)

    def value_stats(
        self, views: list[View], query: dict[str, Any], field: str
    ) -> dict[str, Any]:
        return aggregate.value_stats(self.indexes, views, query, field)

    def autocomplete(
        self, views: list[View], query: dict[str, Any], field: str, prefix: str, size: int
    ) -> list[tuple[str, int]]:
        return aggregate.autocomplete_values(self.indexes, views, query, field, prefix, size)

    def value_counts(
        self, views: list[View], query: dict[str, Any], fields: Sequence[str]
    ) -> dict[str, dict[str, list[stats.Count]]]:
        """Per resource, per field, the matching records by lower-cased value (NULL apart)."""
        return stats.value_counts(self.indexes, views, query, fields, self.bulk)

    def path_counts(
        self, views: list[View], query: dict[str, Any], fields: Sequence[str]
    ) -> dict[str, list[stats.PathCount]]:
        """Per resource, the matching records by the lower-cased values of ``fields`` together."""
        return stats.path_counts(self.indexes, views, query, fields, self.bulk)

    def condition_counts(
        self, views: list[View], queries: Mapping[str, dict[str, Any]]
    ) -> dict[str, dict[str, int]]:
        """Per resource, the records matching each of ``queries``, from one pass."""
        return stats.condition_counts(self.indexes, views, queries)

    def record_set(
        self, views: list[View], query: dict[str, Any], key: str, directory: Path
    ) -> rowsets.RecordSet:
        """The matching row ids, written once to ``directory`` and shared by every format."""
        return rowsets.record_set(self.indexes, views, query, key, directory)

    def bulk_rows(
        self, views: Sequence[View], records: rowsets.RecordSet, whole: bool, directory: Path,
        cursor: duckdb.DuckDBPyConnection,
    ) -> rowsets.RecordSet:
        """``records`` as the bulk engine reads them: with Spark, the set's rows written by a
        Spark job under ``directory`` from the record store; else ``records`` as they are
        (read from the index by row id). ``whole``: the set is every record."""
        if self.bulk is None:
            return records
        return self.bulk.extract(views, records, whole, directory, cursor)

    def export_connection(
        self, views: Sequence[View], *, memory_limit: str, threads: int, temp_dir: Path
    ) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A connection of its own for writing the rows of a record set of ``views``."""
        return export.export_connection(self.indexes, views, memory_limit=memory_limit,
                                        threads=threads, temp_dir=temp_dir)

    def history(self, view: View, record_id: str) -> list[RecordVersion]:
        """Every stored version of one record, oldest first, with the fields each changed."""
        return lookup.history(view, record_id)

    def find_current(
        self, views: list[View], field: str, value: str
    ) -> tuple[str, str] | None:
        """(resource id, record id) of a current record whose ``field`` is ``value``."""
        return lookup.find_current(self.indexes, views, field, value)
