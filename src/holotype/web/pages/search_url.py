"""The search page's URL: everything a search is, so the URL alone restores it.

``/search?preset=specimens&q=wolf&filters=<JSON group>&view=table&cols=a,b&date=2024-05-01``
(or ``version=<ms>``) ``&after=<cursor>``. ``filters`` is the NHM v1.0.0 ``filters`` group as
compact JSON. A plain form adds one term with ``add_field``, ``add_op`` and ``add_value``; the
page folds it into ``filters`` and redirects to the canonical URL.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from holotype.errors import Invalid
from holotype.query.errors import QueryError
from holotype.query.parse import parse as parse_json

VIEWS = ("table", "list", "gallery", "map")
DEFAULT_COLUMNS = ("country", "locality", "eventDate", "recordedBy", "typeStatus")
DEFAULT_SIZE = 20
MAX_SIZE = 100
MAX_COLUMNS = 200  # a table wider than this is unreadable, and costly to build
MAX_VERSION = 253_402_300_799_999  # the last millisecond of 9999-12-31 (UTC)
OPS = {
    "equals": "is exactly",
    "contains": "contains the words",
    "range": "is a number in the range (e.g. 1900..1950)",
    "exists": "has a value",
    "near": "is within a distance of a point (lat, lon, km)",
}


@dataclass(frozen=True)
class SearchState:
    preset: str | None = None
    resource_ids: tuple[str, ...] | None = None
    q: str = ""
    filters: dict[str, Any] | None = None
    view: str = "table"
    cols: tuple[str, ...] = DEFAULT_COLUMNS
    day: date | None = None
    version: int | None = None
    after: str | None = None
    size: int = DEFAULT_SIZE
    extra: dict[str, str] = field(default_factory=dict)
    # Resources read at a version of their own: ``resource_ids=<id>@<version>`` (a citation's
    # pins, which a single ``version`` cannot always say); by the resource as named.
    pins: tuple[tuple[str, int], ...] = ()

    def query(self) -> dict[str, Any]:
        """The NHM v1.0.0 query this search runs (before validation)."""
        query: dict[str, Any] = {}
        if self.q.strip():
            query["search"] = self.q.strip()
        if self.filters:
            query["filters"] = self.filters
        return query

    def params(self, **changes: Any) -> dict[str, str]:
        state = replace(self, **changes)
        out: dict[str, str] = {}
        if state.resource_ids:
            pinned = dict(state.pins)
            out["resource_ids"] = ",".join(
                f"{r}@{pinned[r]}" if r in pinned else r for r in state.resource_ids)
        elif state.preset:
            out["preset"] = state.preset
        if state.q:
            out["q"] = state.q
        if state.filters:
            out["filters"] = json.dumps(state.filters, separators=(",", ":"), ensure_ascii=False)
        if state.view != "table":
            out["view"] = state.view
        if state.cols != DEFAULT_COLUMNS:
            out["cols"] = ",".join(state.cols)
        if state.day is not None:
            out["date"] = state.day.isoformat()
        elif state.version is not None:
            out["version"] = str(state.version)
        if state.size != DEFAULT_SIZE:
            out["size"] = str(state.size)
        if state.after:
            out["after"] = state.after
        return out

    def url(self, **changes: Any) -> str:
        params = self.params(**changes)
        return "/search" + ("?" + urlencode(params) if params else "")

    def with_term(self, term: dict[str, Any]) -> SearchState:
        return replace(self, filters=add_term(self.filters, term), after=None)

    def without_member(self, index: int) -> SearchState:
        return replace(self, filters=remove_member(self.filters, index), after=None)


def parse(params: Mapping[str, str]) -> SearchState:
    """The search a URL's parameters describe; Invalid names the parameter at fault."""
    filters = None
    if params.get("filters", "").strip():
        filters = json_value(params["filters"], "filters")
        if not isinstance(filters, dict):
            raise Invalid("must be a JSON object: a group such as {\"and\": [...]}",
                          field="filters")
    view = params.get("view") or "table"
    if view not in VIEWS:
        raise Invalid(f"choose one of {', '.join(VIEWS)}", field="view")
    cols = tuple(dict.fromkeys(c.strip() for c in params.get("cols", "").split(",") if c.strip()))
    if len(cols) > MAX_COLUMNS:
        raise Invalid(f"choose at most {MAX_COLUMNS} columns", field="cols")
    ids, pins = _resource_ids(params.get("resource_ids", ""))
    day = None
    if params.get("date"):
        try:
            day = date.fromisoformat(params["date"])
        except ValueError as exc:
            raise Invalid("must be a date such as 2024-05-31", field="date") from exc
    size = _int(params.get("size"), "size")
    if size is not None and not 1 <= size <= MAX_SIZE:
        raise Invalid(f"must be from 1 to {MAX_SIZE} records per page", field="size")
    return SearchState(
        preset=params.get("preset") or None,
        resource_ids=ids or None,
        q=params.get("q", ""),
        filters=filters,
        view=view,
        cols=cols or DEFAULT_COLUMNS,
        day=day,
        version=parse_version(params.get("version")) if not day else None,
        after=params.get("after") or None,
        size=DEFAULT_SIZE if size is None else size,
        pins=pins,
    )


def _resource_ids(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...]]:
    """The resources named, each ``<id or dataset/resource>`` or ``…@<version>`` (that resource
    at a version of its own), and those pins."""
    ids, pins = [], []
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        name, at, version = entry.rpartition("@")
        if at and name:
            pinned = parse_version(version, "resource_ids")
            if pinned is not None:
                pins.append((name, pinned))
            entry = name
        ids.append(entry)
    return tuple(ids), tuple(pins)


def json_value(text: str, name: str) -> Any:
    """The JSON value of a parameter; Invalid naming it when it is not JSON (also when nested
    too deeply for the parser, or holding NaN or Infinity)."""
    try:
        return parse_json(text)
    except QueryError as exc:
        raise Invalid(f"not valid JSON: {exc.message}", field=name) from exc


def parse_version(value: str | None, name: str = "version") -> int | None:
    """A version parameter: a millisecond timestamp from 0 to the end of year 9999."""
    version = _int(value, name)
    if version is not None and not 0 <= version <= MAX_VERSION:
        raise Invalid("must be a version: a millisecond timestamp from 0 (1970) to "
                      f"{MAX_VERSION} (the end of year 9999)", field=name)
    return version


def _int(value: str | None, name: str) -> int | None:
    if value is None or value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise Invalid("must be a whole number", field=name) from exc


def add_term(filters: dict[str, Any] | None, term: dict[str, Any]) -> dict[str, Any]:
    """``filters`` AND ``term`` (appended to a top-level ``and`` group)."""
    if not filters:
        return {"and": [term]}
    if set(filters) == {"and"} and isinstance(filters["and"], list):
        if term in filters["and"]:
            return filters
        return {"and": [*filters["and"], term]}
    return {"and": [filters, term]}


def remove_member(filters: dict[str, Any] | None, index: int) -> dict[str, Any] | None:
    """``filters`` without the ``index``-th member of its top-level ``and`` group."""
    if not filters or set(filters) != {"and"} or not isinstance(filters["and"], list):
        return None
    members = [m for i, m in enumerate(filters["and"]) if i != index]
    return {"and": members} if members else None


def term_from_form(name: str, op: str, value: str) -> dict[str, Any]:
    """One term from the plain add-a-filter form."""
    name, value = name.strip(), value.strip()
    if not name:
        raise Invalid("choose a field to filter on", field="add_field")
    fields = [name]
    if op == "equals":
        return {"string_equals": {"fields": fields, "value": value}}
    if op == "contains":
        return {"string_contains": {"fields": fields, "value": value}}
    if op == "exists":
        return {"exists": {"fields": fields}}
    if op == "range":
        low, sep, high = value.partition("..")
        bounds: dict[str, Any] = {"fields": fields}
        try:
            if low.strip():
                bounds["greater_than"] = _finite(low)
            if sep and high.strip():
                bounds["less_than"] = _finite(high)
            elif not sep:
                bounds["less_than"] = _finite(low)
        except ValueError as exc:
            raise Invalid("write a range as 1900..1950 (either end may be left out)",
                          field="add_value") from exc
        return {"number_range": bounds}
    if op == "near":
        try:
            lat, lon, km = (_finite(p) for p in value.replace(";", ",").split(","))
        except ValueError as exc:
            raise Invalid("write a point and distance as latitude, longitude, km "
                          "(e.g. 51.5, -0.17, 10)", field="add_value") from exc
        return {"geo_point": {"latitude": lat, "longitude": lon, "radius": km,
                              "radius_unit": "km"}}
    raise Invalid(f"choose one of {', '.join(OPS)}", field="add_op")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a finite number")
    return number


def facet_term(name: str, value: str) -> dict[str, Any]:
    return {"string_equals": {"fields": [name], "value": value}}


def top_members(filters: dict[str, Any] | None) -> list[Any]:
    """The members of a top-level ``and`` group (each removable on its own)."""
    if filters and set(filters) == {"and"} and isinstance(filters["and"], list):
        return list(filters["and"])
    return [filters] if filters else []


def form_search(
    query: str, resource_ids: str, version: str
) -> tuple[dict[str, Any], list[str] | None, int | None]:
    """The search a page's form posts (``query`` as JSON text, ``resource_ids`` comma
    separated, ``version`` in milliseconds or empty): (query, resource ids or None, version)."""
    raw = json_value(query, "query") if query.strip() else {}
    if not isinstance(raw, dict):
        raise Invalid("must be a JSON object: a query such as {\"search\": \"oak\"}",
                      field="query")
    ids = [r for r in resource_ids.split(",") if r] or None
    return raw, ids, parse_version(version)
