"""The vocabulary of the NHM query schema v1.0.0: group and term names, units, limits.

Written from the schema itself (``v1.0.0.json``); nothing here reads a file.
"""

from __future__ import annotations

from typing import Any, Final

#: The one version of the NHM query schema this implements.
QUERY_VERSION: Final = "v1.0.0"

#: A validated query: the JSON object as parsed (``dict``), checked by :func:`validate`.
Query = dict[str, Any]

ROOT_KEYS: Final = ("search", "filters")
GROUP_KEYS: Final = ("and", "or", "not")
TERM_KEYS: Final = (
    "string_equals",
    "string_contains",
    "number_equals",
    "number_range",
    "geo_point",
    "geo_named_area",
    "geo_custom_area",
    "exists",
)
#: The fewest members each group may have.
GROUP_MIN_ITEMS: Final = {"and": 1, "or": 2, "not": 1}

#: Metres in one of each ``radius_unit`` of ``geo_point`` (international definitions).
RADIUS_UNITS: Final = {
    "mi": 1609.344,
    "yd": 0.9144,
    "ft": 0.3048,
    "in": 0.0254,
    "km": 1000.0,
    "m": 1.0,
    "cm": 0.01,
    "mm": 0.001,
    "nmi": 1852.0,
}

#: ``geo_named_area`` categories, in the schema's order.
AREA_KINDS: Final = ("country", "marine", "geography")

#: Our stricter rule: groups nest at most this deep (the schema sets no limit; deeper queries
#: would exhaust the stack of the parser, validator or SQL engine).
MAX_DEPTH: Final = 32

#: Mean Earth radius (IUGG) used for ``geo_point`` distances.
EARTH_RADIUS_M: Final = 6371008.8
