"""Validation of the geographic terms: geo_point, geo_named_area and geo_custom_area."""

from __future__ import annotations

import difflib
from typing import Any

from holotype.query import checks
from holotype.query.areas import AREA_FILES, AreaCatalogue
from holotype.query.errors import AreasMissing, QueryError, child, item
from holotype.query.schema import AREA_KINDS, RADIUS_UNITS

_SHAPE = (
    "geo_custom_area must be GeoJSON MultiPolygon coordinates: an array of polygons, each an "
    "array of rings (the outline, then any holes), each an array of [longitude, latitude] "
    "positions"
)


def point(value: object, path: str) -> None:
    """A ``geo_point`` term: latitude, longitude, optional radius with its unit."""
    what = "geo_point"
    allowed = ("latitude", "longitude", "radius", "radius_unit")
    term = checks.obj(value, path, what)
    checks.keys(term, path, what, allowed, ("latitude", "longitude"))
    _ranged(term["latitude"], child(path, "latitude"), "latitude", -90.0, 90.0)
    _ranged(term["longitude"], child(path, "longitude"), "longitude", -180.0, 180.0)
    if "radius" in term:
        radius = checks.number(term["radius"], child(path, "radius"), "radius")
        if radius < 0:
            raise QueryError("radius must be 0 or more", child(path, "radius"))
        if "radius_unit" not in term:
            raise QueryError(
                f"a radius needs a radius_unit, one of {checks.names(list(RADIUS_UNITS))}", path
            )
    if "radius_unit" in term:
        unit_path = child(path, "radius_unit")
        unit = checks.string(term["radius_unit"], unit_path, "radius_unit")
        if unit not in RADIUS_UNITS:
            raise QueryError(
                f"unknown radius_unit {checks.quote(unit)}; "
                f"allowed: {checks.names(list(RADIUS_UNITS))}",
                unit_path,
            )


def named_area(value: object, path: str, areas: AreaCatalogue | None) -> None:
    """A ``geo_named_area`` term: exactly one of country, marine or geography, a known name."""
    term = checks.obj(value, path, "geo_named_area")
    kind = checks.one_key(term, path, "geo_named_area", AREA_KINDS)
    name_path = child(path, kind)
    name = checks.string(term[kind], name_path, f"a {kind} name")
    if areas is None:
        raise AreasMissing(None, list(AREA_FILES.values()))
    known = areas.names(kind)
    if name in known:
        return
    hints = [n for n in known if n.casefold() == name.casefold()]
    hints += [n for n in difflib.get_close_matches(name, sorted(known), n=3) if n not in hints]
    hint = f"; did you mean {checks.names(hints)}?" if hints else ""
    raise QueryError(
        f"{checks.quote(name)} is not one of the {len(known)} {kind} names (Natural Earth "
        f"1:50m names, exact casing, e.g. {checks.quote(min(known))}){hint}",
        name_path,
    )


def custom_area(value: object, path: str) -> None:
    """A ``geo_custom_area`` term: MultiPolygon coordinates.

    Beyond the schema (our stricter rules): at least one polygon, at least one ring per polygon,
    every ring closed (its last position equal to its first) and every position inside
    longitude -180..180, latitude -90..90.
    """
    if not isinstance(value, list):
        raise QueryError(f"{_SHAPE}, not {checks.describe(value)}", path)
    polygons = value
    if not polygons:
        raise QueryError(f"{_SHAPE}; it needs at least one polygon", path)
    for p, polygon in enumerate(polygons):
        polygon_path = item(path, p)
        rings = checks.array(polygon, polygon_path, "a polygon (an array of rings)")
        if not rings:
            raise QueryError("a polygon needs at least one ring (its outline)", polygon_path)
        for r, ring in enumerate(rings):
            _ring(ring, item(polygon_path, r))


def _ring(value: object, path: str) -> None:
    positions = checks.array(value, path, "a ring (an array of positions)", 4)
    for i, position in enumerate(positions):
        position_path = item(path, i)
        numbers = checks.array(position, position_path, "a position ([longitude, latitude])", 2)
        for n, number in enumerate(numbers):
            checks.number(number, item(position_path, n), "a coordinate")
        _ranged(numbers[0], item(position_path, 0), "a longitude", -180.0, 180.0)
        _ranged(numbers[1], item(position_path, 1), "a latitude", -90.0, 90.0)
    if positions[0][:2] != positions[-1][:2]:
        raise QueryError(
            "a ring must be closed: its last position must equal its first "
            f"({positions[0][:2]} is not {positions[-1][:2]})",
            item(path, len(positions) - 1),
        )


def _ranged(value: object, path: str, what: str, low: float, high: float) -> None:
    number = checks.number(value, path, what)
    if not low <= number <= high:
        raise QueryError(f"{what} must be between {low:g} and {high:g}; it is {number:g}", path)


def check_vertices(query: dict[str, Any], limit: int) -> None:
    """Each ``geo_custom_area`` of a valid ``query`` has at most ``limit`` positions in all
    (outlines and holes, the closing position included); else :class:`QueryError` at it."""
    if "filters" in query:
        _group_vertices(query["filters"], "$.filters", limit)


def _group_vertices(member: dict[str, Any], path: str, limit: int) -> None:
    for key, value in member.items():
        here = child(path, key)
        if key == "geo_custom_area":
            count = sum(len(ring) for polygon in value for ring in polygon)
            if count > limit:
                raise QueryError(
                    f"this area has {count} vertices; this portal allows at most {limit} "
                    "(simplify the shape)", here,
                )
        elif key in ("and", "or", "not"):
            for i, nested in enumerate(value):
                _group_vertices(nested, item(here, i), limit)
