"""The search engine: a validated query, resources and a version in; matches, counts, facets,
extents, statistics, autocomplete and row ids out. All search SQL lives here or below.

Callers use :class:`Searcher` and the value types exported here; the other modules are the
engine's inside.
"""

from holotype.search.aggregate import Extent, FieldSummary, field_names, field_types, fields
from holotype.search.engine import Searcher
from holotype.search.results import Facet, Page, Result, SearchRequest
from holotype.search.rowsets import RecordSet, fields_of, present_fields
from holotype.search.stats import Count, PathCount
from holotype.search.tiles import BoxRecords, TileData, tile_bounds
from holotype.search.views import View

__all__ = [
    "BoxRecords",
    "Count",
    "Extent",
    "Facet",
    "FieldSummary",
    "Page",
    "PathCount",
    "RecordSet",
    "Result",
    "SearchRequest",
    "Searcher",
    "TileData",
    "View",
    "field_names",
    "field_types",
    "fields",
    "fields_of",
    "present_fields",
    "tile_bounds",
]
