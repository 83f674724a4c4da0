"""Hypothesis strategies for v1.0.0 queries: valid ones, and mutations that are mostly not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from holotype.query.schema import RADIUS_UNITS

Json = Any


@dataclass(frozen=True)
class Vocabulary:
    """What the generated queries are made of."""

    fields: st.SearchStrategy[str] = field(default_factory=lambda: st.text(max_size=8))
    texts: st.SearchStrategy[str] = field(default_factory=lambda: st.text(max_size=12))
    numbers: st.SearchStrategy[float | int] = field(
        default_factory=lambda: (
            st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
        )
    )
    points: st.SearchStrategy[tuple[float, float]] = field(
        default_factory=lambda: st.tuples(
            st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)
        )
    )
    radii: st.SearchStrategy[float | int] = field(
        default_factory=lambda: st.integers(0, 10**6) | st.floats(0, 1e7, allow_nan=False)
    )
    areas: st.SearchStrategy[tuple[str, str]] = field(
        default_factory=lambda: st.tuples(st.just("country"), st.just("Curaçao"))
    )
    coordinates: st.SearchStrategy[float] = field(
        default_factory=lambda: st.sampled_from([-180, -90, -1, 0, 0.5, 1, 2, 3.25, 90, 180])
    )


def _fields(v: Vocabulary, min_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(v.fields, min_size=min_size, max_size=3, unique=True)


def _rectangle(v: Vocabulary) -> st.SearchStrategy[list[list[float]]]:
    def ring(xs: list[float], ys: list[float]) -> list[list[float]]:
        x0, x1 = sorted(xs)
        y0, y1 = sorted(ys)
        return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]

    lon = v.coordinates.map(lambda c: max(-180.0, min(180.0, float(c))))
    lat = v.coordinates.map(lambda c: max(-90.0, min(90.0, float(c))))
    return st.builds(
        ring, st.lists(lon, min_size=2, max_size=2), st.lists(lat, min_size=2, max_size=2)
    )


def _polygon(v: Vocabulary) -> st.SearchStrategy[list[list[list[float]]]]:
    def with_hole(outline: list[list[float]], hole: bool) -> list[list[list[float]]]:
        (x0, y0), (x1, _), (_, y1) = outline[0], outline[1], outline[2]
        if not hole or x1 - x0 < 0.5 or y1 - y0 < 0.5:
            return [outline]
        # a hole strictly inside the outline, a quarter of its size
        dx, dy = (x1 - x0) / 4, (y1 - y0) / 4
        inner = [[x0 + dx, y0 + dy], [x1 - dx, y0 + dy], [x1 - dx, y1 - dy], [x0 + dx, y1 - dy]]
        return [outline, [*inner, inner[0]]]

    return st.builds(with_hole, _rectangle(v), st.booleans())


def terms(v: Vocabulary) -> st.SearchStrategy[dict[str, Json]]:
    """One term of any kind."""

    def number_range(fields: list[str], bounds: dict[str, Json]) -> dict[str, Json]:
        return {"number_range": {"fields": fields, **bounds}}

    bounds = st.fixed_dictionaries(
        {},
        optional={
            "greater_than": v.numbers,
            "less_than": v.numbers,
            "greater_than_inclusive": st.booleans(),
            "less_than_inclusive": st.booleans(),
        },
    ).filter(lambda b: "greater_than" in b or "less_than" in b)

    def geo_point(point: tuple[float, float], radius: Json, unit: Json) -> dict[str, Json]:
        term: dict[str, Json] = {"latitude": point[0], "longitude": point[1]}
        if radius is not None:
            term["radius"] = radius
            term["radius_unit"] = unit or "km"
        elif unit is not None:
            term["radius_unit"] = unit
        return {"geo_point": term}

    units = st.sampled_from(list(RADIUS_UNITS))
    return st.one_of(
        st.builds(
            lambda f, t: {"string_equals": {"fields": f, "value": t}}, _fields(v, 1), v.texts
        ),
        st.builds(
            lambda f, t: {"string_contains": {"fields": f, "value": t}}, _fields(v, 0), v.texts
        ),
        st.builds(
            lambda f, n: {"number_equals": {"fields": f, "value": n}}, _fields(v, 1), v.numbers
        ),
        st.builds(number_range, _fields(v, 1), bounds),
        st.builds(geo_point, v.points, st.none() | v.radii, st.none() | units),
        st.builds(lambda a: {"geo_named_area": {a[0]: a[1]}}, v.areas),
        st.builds(lambda p: {"geo_custom_area": p}, st.lists(_polygon(v), min_size=1, max_size=2)),
        st.builds(lambda f: {"exists": {"fields": f}}, _fields(v, 1)),
        st.builds(lambda g: {"exists": {"geo_field": g}}, st.booleans()),
    )


def groups(v: Vocabulary, max_leaves: int = 8) -> st.SearchStrategy[dict[str, Json]]:
    """A group (and, or, not) of terms and nested groups."""

    def group(members: st.SearchStrategy[dict[str, Json]]) -> st.SearchStrategy[dict[str, Json]]:
        return st.one_of(
            st.lists(members, min_size=1, max_size=3).map(lambda m: {"and": m}),
            st.lists(members, min_size=2, max_size=3).map(lambda m: {"or": m}),
            st.lists(members, min_size=1, max_size=2).map(lambda m: {"not": m}),
        )

    return group(st.recursive(terms(v), group, max_leaves=max_leaves))


def queries(v: Vocabulary, max_leaves: int = 8) -> st.SearchStrategy[dict[str, Json]]:
    """A valid query: optional search, optional filters."""
    return st.fixed_dictionaries({}, optional={"search": v.texts, "filters": groups(v, max_leaves)})


JSON_VALUES: st.SearchStrategy[Json] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-200, 200)
    | st.floats(-200, 200, allow_nan=False)
    | st.text(max_size=4)
    | st.sampled_from(["", "genus", "m", "Curaçao", "France"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["and", "or", "not", "fields", "value", "radius", "country", "x"]),
            inner,
            max_size=2,
        )
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(
    ["and", "or", "not", "fields", "value", "search", "filters", "greater_than", "less_than",
     "greater_than_inclusive", "radius", "radius_unit", "latitude", "geo_field", "country",
     "marine", "exists", "string_equals", "geo_point", "bogus"]
)  # fmt: skip


def _locations(value: Json, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _locations(inner, (*path, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += _locations(inner, (*path, i))
    return found


@st.composite
def mutated(draw: st.DrawFn, v: Vocabulary) -> Json:
    """A valid query with one random change: often invalid, sometimes still valid."""
    query: Json = draw(queries(v, max_leaves=5))
    path = draw(st.sampled_from(_locations(query)))
    kind = draw(st.sampled_from(["replace", "delete", "add", "drop_item", "repeat_item"]))
    if not path:
        return draw(JSON_VALUES) if kind == "replace" else {**query, draw(KEYS): draw(JSON_VALUES)}
    parent = query
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    target = parent[last]
    if kind == "replace":
        parent[last] = draw(JSON_VALUES)
    elif kind == "delete":
        del parent[last]
    elif kind == "add" and isinstance(target, dict):
        target[draw(KEYS)] = draw(JSON_VALUES)
    elif kind == "drop_item" and isinstance(target, list) and target:
        target.pop(draw(st.integers(0, len(target) - 1)))
    elif kind == "repeat_item" and isinstance(target, list) and target:
        target.append(target[draw(st.integers(0, len(target) - 1))])
    else:
        parent[last] = draw(JSON_VALUES)
    return query
