"""Which resources a caller may see (public datasets only until accounts arrive)."""

from __future__ import annotations

from holotype.catalog.snapshots import ResourceInfo
from holotype.services.visible import visible_resources
from holotype.web.actions.registry import Context


def visible_resource(ctx: Context, ref: str) -> ResourceInfo:
    """The record resource ``ref`` if the caller may see it; NotFound otherwise."""
    return visible_resources(ctx.portal, ctx.identity, [ref])[0]
