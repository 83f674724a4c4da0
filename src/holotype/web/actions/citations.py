"""Query citations: query_doi_create and query_doi_show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from holotype.services.citations.landing import query_landing
from holotype.services.citations.query_citations import cite
from holotype.web.actions.common import QUERY_SHAPE
from holotype.web.actions.params import Doc, version_doc
from holotype.web.actions.registry import Action, Context
from holotype.web.pages.citations import landing_data


@dataclass(frozen=True, kw_only=True)
class CiteParams:
    query: Annotated[dict[str, Any] | str | None, Doc("An NHM query.", shape=QUERY_SHAPE)] = None
    query_version: Annotated[Literal["v1.0.0"], Doc("The query schema version.")] = "v1.0.0"
    resource_ids: Annotated[
        list[str] | None,
        Doc("Resources searched; absent means every public resource."),
    ] = None
    version: Annotated[
        int | None, version_doc("Cite the data as it was at this version (ms timestamp); "
                                "absent means the latest.")
    ] = None


@dataclass(frozen=True, kw_only=True)
class CitationParams:
    id: Annotated[str, Doc("The query DOI (10.xxxx/yyyy, doi:..., or https://doi.org/...) or "
                           "the citation id.")]


def query_doi_create(ctx: Context, p: CiteParams) -> dict[str, Any]:
    done = cite(ctx.portal, ctx.identity, p.query, p.resource_ids or None, p.version)
    found = query_landing(ctx.portal, ctx.identity, done.citation.id)
    return {**landing_data(ctx.portal, found, ctx.base_url), "new": done.created}


def query_doi_show(ctx: Context, p: CitationParams) -> dict[str, Any]:
    found = query_landing(ctx.portal, ctx.identity, p.id)
    return landing_data(ctx.portal, found, ctx.base_url)


ACTIONS = (
    Action("query_doi_create", query_doi_create,
           "Cite a search: pins the query, the resources searched and each one's version, "
           "with the record counts, and mints a DOI when the portal has DOIs (else the "
           "citation is citable by its URL). The same query over the same versions returns the "
           "existing citation (new: false).", CiteParams),
    Action("query_doi_show", query_doi_show,
           "A query citation: the query, its counts per dataset and resource at the pinned "
           "versions, and the URLs that re-run the search and download its records.",
           CitationParams),
)
