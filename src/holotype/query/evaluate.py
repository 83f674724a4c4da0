"""Evaluating v1.0.0 queries in Python, one record at a time.

The second implementation of the language beside the SQL compiler, written from
docs/query-language.md independently of it (it shares only the Python tokenizer, which
test_tokens checks against the SQL one code point by code point). The differential tests hold
the two to the same answers on random queries and records; the search service uses this one to
answer searches whose words only a handful of records hold (see ``search.posted``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from shapely.geometry import Point, Polygon

from holotype.query.tokens import tokenize

Row = Mapping[str, str | None]
_NUMBER = re.compile(
    r"[ \t\n\f\r]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\f\r]*"
)
_UNITS = {"mi": 1609.344, "yd": 0.9144, "ft": 0.3048, "in": 0.0254, "km": 1000.0, "m": 1.0,
          "cm": 0.01, "mm": 0.001, "nmi": 1852.0}  # fmt: skip
NamedShapes = Callable[[str, str], Sequence[Any]]  # (kind, name) -> shapely geometries


class Evaluator:
    """Evaluates queries on rows whose values are text (or None); '' counts as no value.

    ``fields`` are the record's fields (any other holds no value), ``lat`` and ``lon`` the
    fields of its geo point. ``numbers``, when given, are the only fields read as numbers (the
    search index parses only fields that ever held a number). ``named`` resolves
    ``geo_named_area`` names; without it such a query cannot be evaluated (see ``kinds``).
    """

    def __init__(
        self,
        fields: Collection[str],
        lat: str,
        lon: str,
        named: NamedShapes | None = None,
        *,
        numbers: Collection[str] | None = None,
    ) -> None:
        self.fields = frozenset(fields)
        self.lat, self.lon, self.named = lat, lon, named
        self.numbers = None if numbers is None else frozenset(numbers)
        self._polygons: dict[int, tuple[Any, list[list[Polygon]]]] = {}

    def matches(self, query: Mapping[str, Any], row: Row) -> bool:
        if "search" in query and not self.everywhere(tokenize(query["search"]), row):
            return False
        return "filters" not in query or self.member(query["filters"], row)

    def member(self, member: Mapping[str, Any], row: Row) -> bool:
        """Whether the group or term ``member`` matches ``row``."""
        return self._member(member, row)

    def _member(self, member: Mapping[str, Any], row: Row) -> bool:
        ((kind, arg),) = member.items()
        if kind == "and":
            return all(self._member(m, row) for m in arg)
        if kind == "or":
            return any(self._member(m, row) for m in arg)
        if kind == "not":
            return not any(self._member(m, row) for m in arg)
        return bool(getattr(self, "_" + kind)(arg, row))

    def _value(self, row: Row, field: str) -> str | None:
        if field not in self.fields:
            return None
        value = row.get(field)
        return value if value else None

    def _number(self, row: Row, field: str) -> float | None:
        if self.numbers is not None and field not in self.numbers:
            return None
        value = self._value(row, field)
        return _number(value)

    def _point(self, row: Row) -> tuple[float, float] | None:
        return point(self._value(row, self.lat), self._value(row, self.lon))

    def everywhere(self, words: list[str], row: Row) -> bool:
        """Every word is a token of one of the row's fields."""
        tokens = {t for f in self.fields for t in tokenize(row.get(f) or "")}
        return all(w in tokens for w in words)

    def _string_equals(self, term: dict[str, Any], row: Row) -> bool:
        wanted = simple_lower(term["value"])
        values = [self._value(row, f) for f in term["fields"]]
        return any(v is not None and simple_lower(v) == wanted for v in values)

    def _string_contains(self, term: dict[str, Any], row: Row) -> bool:
        words = tokenize(term["value"])
        if not term["fields"]:
            return self.everywhere(words, row)
        values = [self._value(row, f) for f in term["fields"]]
        return any(v is not None and set(words) <= set(tokenize(v)) for v in values)

    def _number_equals(self, term: dict[str, Any], row: Row) -> bool:
        return any(self._number(row, f) == float(term["value"]) for f in term["fields"])

    def _number_range(self, term: dict[str, Any], row: Row) -> bool:
        def fits(n: float | None) -> bool:
            if n is None:
                return False
            if "greater_than" in term:
                low = float(term["greater_than"])
                if not (n >= low if term.get("greater_than_inclusive", True) else n > low):
                    return False
            if "less_than" in term:
                high = float(term["less_than"])
                if not (n <= high if term.get("less_than_inclusive", True) else n < high):
                    return False
            return True

        return any(fits(self._number(row, f)) for f in term["fields"])

    def _exists(self, term: dict[str, Any], row: Row) -> bool:
        if "geo_field" in term:
            return (self._point(row) is not None) == bool(term["geo_field"])
        return any(self._value(row, f) is not None for f in term["fields"])

    def _geo_point(self, term: dict[str, Any], row: Row) -> bool:
        point = self._point(row)
        if point is None:
            return False
        radius = float(term.get("radius", 0)) * _UNITS[term.get("radius_unit", "m")]
        return haversine(point, (float(term["latitude"]), float(term["longitude"]))) <= radius

    def _geo_custom_area(self, coordinates: list[Any], row: Row) -> bool:
        point = self._point(row)
        if point is None:
            return False
        found = self._polygons.get(id(coordinates))
        if found is None or found[0] is not coordinates:  # once per term, not once per row
            # every ring a shape of its own, from each position's longitude and latitude only
            # (further numbers are ignored): rings are not repaired, so holes may overlap or
            # cross the outline, and the rule below says what that means
            found = coordinates, [
                [Polygon([(float(p[0]), float(p[1])) for p in ring]) for ring in rings]
                for rings in coordinates
            ]
            self._polygons[id(coordinates)] = found
        location = Point(point[1], point[0])
        # inside or on the outline, and strictly inside none of the holes
        return any(
            outline.intersects(location) and not any(h.contains(location) for h in holes)
            for outline, *holes in found[1]
        )

    def _geo_named_area(self, term: dict[str, Any], row: Row) -> bool:
        point = self._point(row)
        if point is None:
            return False
        ((kind, name),) = term.items()
        if self.named is None:
            raise LookupError("named areas are not available to this evaluator")
        return any(s.covers(Point(point[1], point[0])) for s in self.named(kind, name))


def simple_lower(text: str) -> str:
    """Lowercase code point by code point (no final sigma; İ → i)."""
    if text.isascii():
        return text.lower()
    return "".join("i" if c == "İ" else c.lower() for c in text)


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between (lat, lon) points, in the documented order of operations."""
    k = math.pi / 180.0
    half_dlat = math.sin((a[0] - b[0]) * k / 2)
    half_dlon = math.sin((a[1] - b[1]) * k / 2)
    h = half_dlat * half_dlat + math.cos(a[0] * k) * math.cos(b[0] * k) * half_dlon * half_dlon
    return (2.0 * 6371008.8) * math.asin(min(1.0, math.sqrt(h)))


def point(lat_text: str | None, lon_text: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) from a record's two values, or None unless both are numbers on
    the globe."""
    lat, lon = _number(lat_text), _number(lon_text)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _number(value: str | None) -> float | None:
    if value is None or not _NUMBER.fullmatch(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def kinds(member: Mapping[str, Any]) -> Iterator[str]:
    """The names of the groups and terms in ``member``, nested ones included."""
    ((kind, arg),) = member.items()
    yield kind
    if kind in ("and", "or", "not"):
        for m in arg:
            yield from kinds(m)
