"""What search shows, to compare downloads with."""

from __future__ import annotations

import re
from typing import Any

from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from holotype.web.actions.multi import MultiQueryParams, vds_multi_query
from holotype.web.actions.registry import Context

Records = dict[tuple[str, str], dict[str, str]]  # (resource id, record id) -> fields


def searched(portal: Portal, query: dict[str, Any], resource_ids: list[str] | None = None,
             version: int | None = None) -> Records:
    """Every record search gives for ``query``, walking the pages with ``after``."""
    found: Records = {}
    after = None
    while True:
        page = vds_multi_query(Context(portal, ANONYMOUS), MultiQueryParams(
            query=query, resource_ids=resource_ids, version=version, size=1000, after=after))
        for record in page["records"]:
            data = dict(record["data"])
            found[(record["resource"], data.pop("_id"))] = data
        after = page["after"]
        if after is None:
            return found


def neutral(value: str) -> str:
    """A value as the spreadsheet-safe writers give it."""
    if re.match(r"[=+\-@\t\r]", value) and not re.fullmatch(
            r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?", value):
        return "'" + value
    return value


def without_empty(row: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in row.items() if v not in (None, "")}
