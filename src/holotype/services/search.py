"""The search use case: which resources the caller may search, opened at a version, then
asked through the search engine (:mod:`holotype.search`).

The action API, the search page, downloads and record pages all come through here, so every
one of them reads the same resources with the same compiled filter.
"""

from __future__ import annotations

from collections.abc import Sequence

from holotype.search import View
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.visible import visible_resources


def resource_views(
    portal: Portal, identity: Identity, resource_ids: Sequence[str] | None, version: int | None
) -> list[View]:
    """The record resources named that ``identity`` may see (all it may see when none are
    named) as of ``version``."""
    return portal.searcher.views(visible_resources(portal, identity, resource_ids), version)
