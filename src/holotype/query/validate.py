"""Validation of a query against the NHM query schema v1.0.0, with errors that name a JSON path.

The rules are those of ``v1.0.0.json`` written out in code (the product never reads the schema
file), plus a few stricter rules listed in ``docs/query-language.md``: numbers must be finite
64-bit floats, strings valid Unicode, groups nested at most :data:`MAX_DEPTH` deep and custom
areas closed polygons inside the coordinate ranges. The first error found is raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from holotype.query import checks
from holotype.query.areas import AreaCatalogue
from holotype.query.errors import QueryError, child, item
from holotype.query.geo_checks import custom_area, named_area, point
from holotype.query.parse import parse
from holotype.query.schema import (
    GROUP_KEYS,
    GROUP_MIN_ITEMS,
    MAX_DEPTH,
    ROOT_KEYS,
    TERM_KEYS,
    Query,
)

__all__ = ["parse", "validate"]


def validate(query: object, areas: AreaCatalogue | None) -> Query:
    """``query`` itself once it is known to be a valid v1.0.0 query; else :class:`QueryError`.

    ``areas`` supplies the names ``geo_named_area`` accepts; when it is None, or its files are
    missing, a query naming an area raises :class:`~holotype.query.errors.AreasMissing`.
    """
    root = checks.obj(query, "$", "a query")
    checks.keys(root, "$", "a query", ROOT_KEYS)
    if "search" in root:
        checks.string(root["search"], "$.search", "search")
    if "filters" in root:
        path = "$.filters"
        group = checks.obj(root["filters"], path, "filters (a group: and, or or not)")
        for key in group:
            if key in TERM_KEYS:
                raise QueryError(
                    f'filters must be a group ("and", "or" or "not"); put the {key} term '
                    'inside one, e.g. {"and": [...]}',
                    child(path, key),
                )
        kind = checks.one_key(group, path, "a group", GROUP_KEYS)
        _members(group[kind], child(path, kind), kind, 1, areas)
    return root


def _members(value: object, path: str, kind: str, depth: int, areas: AreaCatalogue | None) -> None:
    if depth > MAX_DEPTH:
        raise QueryError(f"groups may be nested at most {MAX_DEPTH} deep", path)
    need = GROUP_MIN_ITEMS[kind]
    article = "a" if kind == "not" else "an"
    members = checks.array(value, path, f'{article} "{kind}" group (of groups and terms)', need)
    for i, member in enumerate(members):
        _member(member, item(path, i), depth, areas)


def _member(value: object, path: str, depth: int, areas: AreaCatalogue | None) -> None:
    what = "a group or term"
    member = checks.obj(value, path, what)
    for key in member:
        if key not in GROUP_KEYS and key not in TERM_KEYS:
            raise QueryError(
                f"unknown group or term {checks.quote(key)}; allowed: "
                f"{checks.names(GROUP_KEYS + TERM_KEYS)}",
                child(path, key),
            )
    key = checks.one_key(member, path, what, GROUP_KEYS + TERM_KEYS)
    if key in GROUP_KEYS:
        _members(member[key], child(path, key), key, depth + 1, areas)
    elif key == "geo_named_area":
        named_area(member[key], child(path, key), areas)
    else:
        _TERMS[key](member[key], child(path, key))


def _string_term(name: str, min_fields: int) -> Callable[[object, str], None]:
    def check(value: object, path: str) -> None:
        term = checks.obj(value, path, name)
        checks.keys(term, path, name, ("fields", "value"), ("fields", "value"))
        checks.field_names(term["fields"], child(path, "fields"), min_fields)
        checks.string(term["value"], child(path, "value"), "value")

    return check


def _number_equals(value: object, path: str) -> None:
    term = checks.obj(value, path, "number_equals")
    checks.keys(term, path, "number_equals", ("fields", "value"), ("fields", "value"))
    checks.field_names(term["fields"], child(path, "fields"), 1)
    checks.number(term["value"], child(path, "value"), "value")


def _number_range(value: object, path: str) -> None:
    what = "number_range"
    allowed = (
        "fields",
        "greater_than",
        "less_than",
        "greater_than_inclusive",
        "less_than_inclusive",
    )
    term = checks.obj(value, path, what)
    checks.keys(term, path, what, allowed, ("fields",))
    checks.field_names(term["fields"], child(path, "fields"), 1)
    if "greater_than" not in term and "less_than" not in term:
        raise QueryError('number_range needs a bound: "greater_than", "less_than" or both', path)
    for key in ("greater_than", "less_than"):
        if key in term:
            checks.number(term[key], child(path, key), key)
    for key in ("greater_than_inclusive", "less_than_inclusive"):
        if key in term:
            checks.boolean(term[key], child(path, key), key)


def _exists(value: object, path: str) -> None:
    term = checks.obj(value, path, "exists")
    key = checks.one_key(term, path, "exists", ("fields", "geo_field"))
    if key == "fields":
        checks.field_names(term[key], child(path, key), 1)
    else:
        checks.boolean(term[key], child(path, key), key)


_TERMS: dict[str, Callable[[Any, str], None]] = {
    "string_equals": _string_term("string_equals", 1),
    "string_contains": _string_term("string_contains", 0),
    "number_equals": _number_equals,
    "number_range": _number_range,
    "geo_point": point,
    "geo_custom_area": custom_area,
    "exists": _exists,
}
