"""What a map shows: a short link's search (``key``, a slug) at a ``version``, opened for the
identity asking through the same policy as search, so a private resource is never drawn.

No key: every resource the identity may see, unfiltered. A version given wins over the short
link's own; neither: the latest data.
"""

from __future__ import annotations

import re
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
    portal: Portal, identity: Identity, key: str | None, version: int | None
) -> MapSearch:
    """The search a map of ``key`` at ``version`` draws, over what ``identity`` may see."""
    if key is None or key == "":
        return MapSearch(Search(portal, {}, resource_views(portal, identity, None, version)),
                         None, version)
    if not _KEY.fullmatch(key):
        raise Invalid("key must be a short link's name (letters, digits, - and _)", field="key")
    try:
        info = restore(portal, identity, key)
    except NotFound as exc:
        raise NotFound(f"there is no short link {key!r}", field="key") from exc
    at = version if version is not None else info.version
    views = resource_views(portal, identity, info.resource_ids, at)
    return MapSearch(Search(portal, info.query, views), info.resource_ids, at)
