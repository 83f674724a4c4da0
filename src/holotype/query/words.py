"""A query in plain words, for people: pages, citations and DOI titles.

``describe`` says what a filter group keeps (``country is "Kenya" and (year from 1900 to
1950)``); :func:`query_words` says what a whole NHM v1.0.0 query asks for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def query_words(query: dict[str, Any], name: Callable[[str], str] = str) -> str:
    """The whole query in words: ``records with "quercus" where country is "Kenya"``; the
    empty query is ``all records``."""
    parts = []
    text = str(query.get("search") or "").strip()
    if text:
        parts.append(f"records with the words “{text}”")
    else:
        parts.append("all records")
    if query.get("filters"):
        parts.append("where " + describe(query["filters"], name))
    return " ".join(parts)


def describe(node: Any, name: Callable[[str], str] = str) -> str:
    """A filter in words, for people: ``country is "Kenya" and (year from 1900 to 1950)``, each
    field named by ``name`` (a field's label on pages)."""
    if not isinstance(node, dict) or len(node) != 1:
        return json.dumps(node, ensure_ascii=False)
    (key, body), = node.items()
    if key in ("and", "or") and isinstance(body, list):
        inner = f" {key} ".join(_grouped(m, name) for m in body)
        return inner
    if key == "not" and isinstance(body, list):
        return "not (" + " or ".join(describe(m, name) for m in body) + ")"
    if key == "geo_custom_area" and isinstance(body, list):
        outer = [p[0] for p in body if isinstance(p, list) and p and isinstance(p[0], list)]
        corners = sum(max(len(ring) - 1, 0) for ring in outer)
        return f"inside a drawn area ({len(outer)} polygon{'s' * (len(outer) != 1)}, " \
               f"{corners} corners)"
    if not isinstance(body, dict):
        return json.dumps(node, ensure_ascii=False)
    names = " or ".join(name(str(f)) for f in body.get("fields") or []) or "any field"
    if key == "string_equals":
        return f'{names} is "{body.get("value")}"'
    if key == "string_contains":
        return f'{names} contains "{body.get("value")}"'
    if key in ("number_range", "number_equals"):
        if key == "number_equals":
            return f"{names} = {body.get('value')}"
        low, high = body.get("greater_than"), body.get("less_than")
        return f"{names} from {'…' if low is None else _num(low)} to " \
               f"{'…' if high is None else _num(high)}"
    if key == "exists":
        return "has a point" if body.get("geo_field") else f"{names} has a value"
    if key == "geo_point":
        return (f"within {_num(body.get('radius', 0))} {body.get('radius_unit', 'm')} of "
                f"{body.get('latitude')}, {body.get('longitude')}")
    return json.dumps(node, ensure_ascii=False)


def _grouped(member: Any, name: Callable[[str], str]) -> str:
    text = describe(member, name)
    if isinstance(member, dict) and set(member) & {"and", "or"}:
        return f"({text})"
    return text


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
