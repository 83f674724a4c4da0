"""Short links: vds_slug_create and vds_slug_resolve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from holotype.services import portal_search
from holotype.web.actions.common import QUERY_SHAPE, read_query
from holotype.web.actions.params import Doc, version_doc
from holotype.web.actions.registry import Action, Context


@dataclass(frozen=True, kw_only=True)
class SlugCreateParams:
    query: Annotated[dict[str, Any] | str | None, Doc("An NHM query.", shape=QUERY_SHAPE)] = None
    query_version: Annotated[Literal["v1.0.0"], Doc("The query schema version.")] = "v1.0.0"
    resource_ids: Annotated[
        list[str] | None,
        Doc("Resources searched; absent means all visible."),
    ] = None
    version: Annotated[
        int | None, version_doc("Pin the search to this version (ms timestamp).")
    ] = None


@dataclass(frozen=True, kw_only=True)
class SlugResolveParams:
    slug: Annotated[str, Doc("The slug.")]


def vds_slug_create(ctx: Context, p: SlugCreateParams) -> dict[str, Any]:
    query = read_query(ctx, p.query)
    return {"slug": portal_search.share(ctx.portal, ctx.identity, query, p.resource_ids or None,
                                        p.version)}


def vds_slug_resolve(ctx: Context, p: SlugResolveParams) -> dict[str, Any]:
    info = portal_search.restore(ctx.portal, ctx.identity, p.slug)
    return {
        "slug": info.slug,
        "query": info.query,
        "query_version": info.query_version,
        "query_hash": info.query_hash,
        "resource_ids": list(info.resource_ids) if info.resource_ids is not None else None,
        "version": info.version,
        "reserved": info.reserved,
        "created": info.created.isoformat() if info.created else None,
    }


ACTIONS = (
    Action("vds_slug_create", vds_slug_create,
           "A short readable link (adjective-adjective-animal) for a search; the same search "
           "always gets the same slug.", SlugCreateParams),
    Action("vds_slug_resolve", vds_slug_resolve,
           "The search behind a slug, including the reserved everything, collections, "
           "specimens and indexlots.", SlugResolveParams),
)
