"""Normal form and hash of a query: equal queries hash equal whatever their key or member order.

Normalisation removes only differences that can never change which records match:

- object keys are sorted (by the canonical JSON);
- ``fields`` lists are sorted (they are sets: a term matches when any field does);
- members of ``and``, ``or`` and ``not`` are sorted by their canonical JSON (order never
  matters to a group), and so are the polygons of a ``geo_custom_area`` and the holes of each
  polygon (the outline stays first);
- defaults are dropped: ``*_inclusive: true``, a ``geo_point`` radius of 0 (and any unit
  without a radius), a ``search`` with no tokens (it matches everything);
- numbers are written once: an integral value below 2**53 as an integer (``10.0`` → ``10``),
  anything else as the shortest float that round-trips; positions keep longitude and latitude
  only.

It does not rewrite text values (case, accents, spacing) nor prove logical equivalence (``and``
of one member is not unwrapped, duplicates are kept).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from holotype.query.schema import GROUP_KEYS, Query
from holotype.query.tokens import tokenize


def normalise(query: Query) -> dict[str, Any]:
    """The normal form of a validated query."""
    normal: dict[str, Any] = {}
    if "search" in query and tokenize(query["search"]):
        normal["search"] = query["search"]
    if "filters" in query:
        normal["filters"] = _member(query["filters"])
    return normal


def canonical_json(value: object) -> str:
    """JSON with sorted keys, no spaces and characters as they are (not ``\\u`` escapes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def query_hash(query: Query) -> str:
    """SHA-1 (hex) of the canonical JSON of the normal form of a validated query."""
    return hashlib.sha1(canonical_json(normalise(query)).encode("utf-8")).hexdigest()


def _sorted(values: list[Any]) -> list[Any]:
    return sorted(values, key=canonical_json)


def _number(value: float) -> float | int:
    as_float = float(value)
    if as_float.is_integer() and abs(as_float) < 2**53:
        return int(as_float)
    return as_float


def _member(member: dict[str, Any]) -> dict[str, Any]:
    ((key, value),) = member.items()
    if key in GROUP_KEYS:
        return {key: _sorted([_member(m) for m in value])}
    if key == "geo_custom_area":
        return {key: _sorted([_polygon(p) for p in value])}
    term: dict[str, Any] = dict(value)
    if "fields" in term:
        term["fields"] = sorted(term["fields"])
    if key in ("number_equals", "number_range", "geo_point"):
        for name in ("value", "greater_than", "less_than", "latitude", "longitude", "radius"):
            if name in term:
                term[name] = _number(term[name])
    for name in ("greater_than_inclusive", "less_than_inclusive"):
        if term.get(name) is True:
            del term[name]
    if key == "geo_point" and not term.get("radius"):
        term.pop("radius", None)
        term.pop("radius_unit", None)
    return {key: term}


def _polygon(rings: list[list[list[float]]]) -> list[list[list[float | int]]]:
    normal = [[[_number(p[0]), _number(p[1])] for p in ring] for ring in rings]
    return normal[:1] + _sorted(normal[1:])
