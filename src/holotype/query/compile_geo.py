"""SQL for the geographic terms: geo_point (great-circle distance) and areas."""

from __future__ import annotations

import math
from typing import Any

from holotype.query.areas import AREA_FILES, Area, AreaCatalogue
from holotype.query.errors import AreasMissing
from holotype.query.schema import AREA_KINDS, EARTH_RADIUS_M, RADIUS_UNITS
from holotype.query.sql import double
from holotype.query.target import Target

_RADIANS = math.pi / 180.0
#: No two points on the sphere are further apart than half its circumference.
_FARTHEST_M = math.pi * EARTH_RADIUS_M


def radius_metres(term: dict[str, Any]) -> float:
    """A geo_point's radius in metres (0 when there is none)."""
    if "radius" not in term:
        return 0.0
    return float(term["radius"]) * RADIUS_UNITS[term["radius_unit"]]


def haversine_sql(lat: str, lon: str, lat0: float, lon0: float) -> str:
    """DOUBLE: metres along the great circle from (``lat``, ``lon``) to (``lat0``, ``lon0``).

    ``2 R asin(min(1, sqrt(sin²(Δφ/2) + cos φ cos φ0 sin²(Δλ/2))))`` with R = 6371008.8 m, every
    angle in degrees times π/180, evaluated in this order (the tests' Python evaluator does the
    same arithmetic, so the two agree to the last bit).
    """
    k = double(_RADIANS)
    half_dlat = f"sin(({lat} - {double(lat0)}) * {k} / 2)"
    half_dlon = f"sin(({lon} - {double(lon0)}) * {k} / 2)"
    a = (
        f"{half_dlat} * {half_dlat} + cos({lat} * {k}) * cos({double(lat0)} * {k}) "
        f"* {half_dlon} * {half_dlon}"
    )
    return f"({double(2.0 * EARTH_RADIUS_M)} * asin(least(1.0, sqrt({a}))))"


def geo_point_sql(term: dict[str, Any], target: Target) -> str:
    """BOOLEAN: the record's point is within the radius of the term's point (edge included)."""
    lat, lon = target.point()
    lat0, lon0 = float(term["latitude"]), float(term["longitude"])
    radius = radius_metres(term)
    if radius >= _FARTHEST_M:
        return f"({lat} IS NOT NULL AND {lon} IS NOT NULL)"
    # A cheap latitude band first: a point within the radius is never further than
    # radius / R radians in latitude (with a margin far above rounding error).
    band = math.degrees(radius / EARTH_RADIUS_M) * (1 + 1e-9) + 1e-9
    return (
        f"({lat} BETWEEN {double(lat0 - band)} AND {double(lat0 + band)} "
        f"AND {haversine_sql(lat, lon, lat0, lon0)} <= {double(radius)})"
    )


def exists_point_sql(present: bool, target: Target) -> str:
    """BOOLEAN: the record has a geo point (``present``) or has none (not ``present``)."""
    lat, lon = target.point()
    has = f"({lat} IS NOT NULL AND {lon} IS NOT NULL)"
    return has if present else f"(NOT {has})"


def named_area_sql(term: dict[str, Any], target: Target, areas: AreaCatalogue | None) -> str:
    """BOOLEAN: the record's point is in the named area."""
    if areas is None:
        raise AreasMissing(None, list(AREA_FILES.values()))
    kind = next(k for k in AREA_KINDS if k in term)
    return target.area(areas.area(kind, term[kind]))


def custom_area_sql(coordinates: list[Any], target: Target) -> str:
    """BOOLEAN: the record's point is in the custom area."""
    return target.area(Area.custom(coordinates))
