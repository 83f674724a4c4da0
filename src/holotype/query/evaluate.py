"""A brute-force evaluator of v1.0.0 queries over rows held in Python, for differential tests.

Written from docs/query-language.md, independently of the SQL compiler: it shares only the
Python tokenizer (which test_tokens checks against the SQL one, code point by code point).
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from shapely.geometry import Point, Polygon, shape

from holotype.query import tokenize

Row = Mapping[str, str | None]
_NUMBER = re.compile(
    r"[ \t\n\f\r]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\f\r]*"
)
_UNITS = {"mi": 1609.344, "yd": 0.9144, "ft": 0.3048, "in": 0.0254, "km": 1000.0, "m": 1.0,
          "cm": 0.01, "mm": 0.001, "nmi": 1852.0}  # fmt: skip
_FILES = {
    "country": ("50m-admin-0-countries-v4.1.0.geojson", ("NAME_EN", "NAME")),
    "marine": ("50m-marine-regions-v4.1.0.geojson", ("name",)),
    "geography": ("50m-geography-regions-v4.1.0.geojson", ("name_en", "name")),
}


class Brute:
    """Evaluates queries on rows whose values are text (or None); '' counts as no value."""

    def __init__(self, fields: list[str], lat: str, lon: str, geojson: Path | None = None):
        self.fields, self.lat, self.lon, self.geojson = fields, lat, lon, geojson

    def matches(self, query: dict[str, Any], row: Row) -> bool:
        if "search" in query and not self._everywhere(tokenize(query["search"]), row):
            return False
        return "filters" not in query or self._member(query["filters"], row)

    def _member(self, member: dict[str, Any], row: Row) -> bool:
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
        value = self._value(row, field)
        if value is None or not _NUMBER.fullmatch(value):
            return None
        number = float(value)
        return number if math.isfinite(number) else None

    def _point(self, row: Row) -> tuple[float, float] | None:
        lat, lon = self._number(row, self.lat), self._number(row, self.lon)
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        return lat, lon

    def _everywhere(self, words: list[str], row: Row) -> bool:
        tokens = {t for f in self.fields for t in tokenize(row.get(f) or "")}
        return all(w in tokens for w in words)

    def _string_equals(self, term: dict[str, Any], row: Row) -> bool:
        wanted = simple_lower(term["value"])
        values = [self._value(row, f) for f in term["fields"]]
        return any(v is not None and simple_lower(v) == wanted for v in values)

    def _string_contains(self, term: dict[str, Any], row: Row) -> bool:
        words = tokenize(term["value"])
        if not term["fields"]:
            return self._everywhere(words, row)
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
        location = Point(point[1], point[0])
        polygons = [Polygon(rings[0], rings[1:]) for rings in coordinates]
        return any(p.covers(location) for p in polygons)

    def _geo_named_area(self, term: dict[str, Any], row: Row) -> bool:
        point = self._point(row)
        if point is None:
            return False
        ((kind, name),) = term.items()
        assert self.geojson is not None
        return any(
            s.covers(Point(point[1], point[0])) for s in named_shapes(self.geojson, kind, name)
        )


def simple_lower(text: str) -> str:
    """Lowercase code point by code point (no final sigma; İ → i)."""
    return "".join("i" if c == "İ" else c.lower() for c in text)


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between (lat, lon) points, in the documented order of operations."""
    k = math.pi / 180.0
    half_dlat = math.sin((a[0] - b[0]) * k / 2)
    half_dlon = math.sin((a[1] - b[1]) * k / 2)
    h = half_dlat * half_dlat + math.cos(a[0] * k) * math.cos(b[0] * k) * half_dlon * half_dlon
    return (2.0 * 6371008.8) * math.asin(min(1.0, math.sqrt(h)))


@cache
def named_shapes(directory: Path, kind: str, name: str) -> list[Any]:
    file, keys = _FILES[kind]
    features = json.loads((directory / file).read_text(encoding="utf-8"))["features"]
    found = []
    for feature in features:
        props = feature["properties"]
        label = next((props[k] for k in keys if props.get(k)), None)
        if label and string.capwords(label) == name:
            found.append(shape(feature["geometry"]))
    return found
