"""Each resource's counts at its version, counted once by the search engine and kept on disk.

The figures sum these over the resources of their scope: a resource's counts are the same
whoever asks, and only the resources a reader may read are summed, so the policy decides what
is counted (in the scope) and nothing here needs to. Counts are of every current record (the
empty query), by lower-cased value as ``string_equals`` matches (see
:mod:`holotype.search.stats`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from holotype.search import View
from holotype.services.context import Portal
from holotype.services.statistics import cache

#: distinct values kept per resource and field; past it the rest are counted when shown
CUT = 10_000
Values = dict[str, Any]  # {"values": [[key, spelling, n], ...] most first, "cut": bool}


def _values_what(field: str) -> str:
    return f"values:{field}"


def count_values(portal: Portal, view: View, fields: Sequence[str]) -> dict[str, Values]:
    """Count ``fields`` of one resource in one pass and keep each field's counts."""
    found = portal.searcher.value_counts([view], {}, fields)[view.rid]
    result = {}
    for name, counts in found.items():
        value = {"values": [list(c) for c in counts[:CUT]], "cut": len(counts) > CUT}
        cache.keep(portal, view.rid, view.version, _values_what(name), value)
        result[name] = value
    return result


def values(portal: Portal, views: Sequence[View], field: str) -> dict[str, Values]:
    """Per resource id, ``field``'s counts at the resource's version."""
    result = {}
    for view in views:
        found = cache.stored(portal, view.rid, view.version, _values_what(field))
        if found is None:
            found = count_values(portal, view, [field])[field]
        result[view.rid] = found
    return result


def exact(
    portal: Portal, views: Sequence[View], field: str, keys: Sequence[str]
) -> dict[str, int]:
    """The records of ``views`` whose ``field`` is each of ``keys`` (lower-cased), counted now:
    for values past the :data:`CUT` of a resource with many distinct values."""
    if not views or not keys:
        return {}
    query = {"filters": {"or": [{"string_equals": {"fields": [field], "value": k}}
                                for k in keys]}}
    total: dict[str, int] = {}
    for counts in portal.searcher.value_counts(list(views), query, [field]).values():
        for key, _spelling, n in counts[field]:
            if key is not None:
                total[key] = total.get(key, 0) + n
    return total


def _paths_what(fields: Sequence[str]) -> str:
    return "paths:" + ">".join(fields)


def count_paths(portal: Portal, view: View, fields: Sequence[str]) -> list[Any]:
    found = portal.searcher.path_counts([view], {}, fields)[view.rid]
    value = [[list(keys), list(spellings), n] for keys, spellings, n in found]
    cache.keep(portal, view.rid, view.version, _paths_what(fields), value)
    return value


def paths(portal: Portal, views: Sequence[View], fields: Sequence[str]) -> dict[str, list[Any]]:
    """Per resource id, ``[[keys], [spellings], n]`` by the values of ``fields`` together."""
    result = {}
    for view in views:
        found = cache.stored(portal, view.rid, view.version, _paths_what(fields))
        result[view.rid] = found if found is not None else count_paths(portal, view, fields)
    return result


def _conditions_what(queries: Mapping[str, dict[str, Any]]) -> str:
    text = json.dumps(queries, sort_keys=True)
    return "conditions:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def count_conditions(
    portal: Portal, view: View, queries: Mapping[str, dict[str, Any]]
) -> dict[str, int]:
    found = portal.searcher.condition_counts([view], queries)[view.rid]
    cache.keep(portal, view.rid, view.version, _conditions_what(queries), found)
    return found


def conditions(
    portal: Portal, views: Sequence[View], queries: Mapping[str, dict[str, Any]]
) -> dict[str, dict[str, int]]:
    """Per resource id, the records matching each of ``queries`` (by name)."""
    result = {}
    for view in views:
        found = cache.stored(portal, view.rid, view.version, _conditions_what(queries))
        result[view.rid] = found if found is not None else count_conditions(portal, view, queries)
    return result
