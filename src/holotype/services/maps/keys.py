"""What a map shows: a short link's search (``key``, a slug) at a ``version``, opened for the
identity asking through the same policy as search, so a private resource is never drawn.

No key: every resource the identity may see, unfiltered. A version given wins over the short
link's own; neither: the latest data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from holotype.errors import Invalid, NotFound
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.portal_search import restore
from holotype.services.search import Search, resource_views

_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class MapSearch:
    """The search a map draws, with the resources and version its short link names (None:
    every visible resource; the latest data)."""

    search: Search
    resource_ids: tuple[str, ...] | None
    version: int | None


def open_map(
    portal: Portal, identity: Identity, key: str | None, version: int | None,
    pins: Mapping[str, int] | None = None,
) -> MapSearch:
    """The search a map of ``key`` at ``version`` draws, over what ``identity`` may see; a
    resource in ``pins`` (what a citation pinned) at its own version."""
    if key is None or key == "":
        views = resource_views(portal, identity, None, version, pins)
        return MapSearch(Search(portal, {}, views), None, version)
    if not _KEY.fullmatch(key):
        raise Invalid("key must be a short link's name (letters, digits, - and _)", field="key")
    try:
        info = restore(portal, identity, key)
    except NotFound as exc:
        raise NotFound(f"there is no short link {key!r}", field="key") from exc
    at = version if version is not None else info.version
    if info.resource_ids == ():  # a preset with no resources on this site: nothing, not all
        return MapSearch(Search(portal, info.query, []), (), at)
    views = resource_views(portal, identity, info.resource_ids, at, pins)
    return MapSearch(Search(portal, info.query, views), info.resource_ids, at)
