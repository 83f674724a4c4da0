"""The search use case: which resources the caller may search, opened at a version, then
asked through the search engine (:mod:`holotype.search`).

The action API, the search page, downloads and record pages all come through here, so every
one of them reads the same resources with the same compiled filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from holotype.errors import Invalid
from holotype.query.errors import AreasMissing, QueryError
from holotype.query.parse import parse
from holotype.query.validate import validate
from holotype.search import View
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.visible import visible_resources


def checked_query(portal: Portal, value: object, field: str = "query") -> dict[str, Any]:
    """A valid NHM v1.0.0 query from an object or its JSON text (nothing: the empty query), or
    Invalid naming the parameter (``field``) and the JSON path at fault. Every way in (the API,
    the search page, downloads, short links) checks its query here, once."""
    if value is None or value == "":
        return {}
    try:
        raw = parse(value) if isinstance(value, str) else value
        return dict(validate(raw, portal.areas))
    except QueryError as exc:
        raise Invalid(f"{exc.path}: {exc.message}", field=field) from exc
    except AreasMissing as exc:
        raise Invalid(str(exc), field=field) from exc


def resource_views(
    portal: Portal, identity: Identity, resource_ids: Sequence[str] | None, version: int | None
) -> list[View]:
    """The record resources named that ``identity`` may see (all it may see when none are
    named) as of ``version``."""
    return portal.searcher.views(visible_resources(portal, identity, resource_ids), version)
