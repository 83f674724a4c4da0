"""Dataset pages: ``/datasets`` (search with facets) and ``/dataset/<slug>`` (one dataset).

A dataset's resource ``/dataset/<slug>/resource/<resource>`` (the URL CKAN clients are given)
opens the search over that resource.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.services import catalogue_view, correction_log
from holotype.services.citations import formats
from holotype.services.citations.items import dataset_item
from holotype.services.context import Portal
from holotype.services.dataset_view import (
    FACETS,
    DatasetFilters,
    DatasetPage,
    dataset_page,
    list_datasets,
)
from holotype.services.identity import Identity
from holotype.services.statistics.figures import FIGURES
from holotype.web.actions.changelog import version_json
from holotype.web.identity import identity_of
from holotype.web.pages.cite import cite_context, negotiated
from holotype.web.pages.render import base_url, render, split_json, wants_json
from holotype.web.pages.statistics import figures_data

FACET_LABELS = {"organisation": "Organisation", "category": "Category", "licence": "Licence",
                "keyword": "Keywords"}


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _url(filters: DatasetFilters, **changes: str) -> str:
    values = {"q": filters.q, **filters.active(), **changes}
    params = {k: v for k, v in values.items() if v}
    return "/datasets" + ("?" + urlencode(params) if params else "")


def datasets_data(portal: Portal, identity: Identity, filters: DatasetFilters) -> dict[str, Any]:
    found = list_datasets(portal, identity, filters)
    return {
        "q": filters.q,
        "filters": filters.active(),
        "count": found.total,
        "datasets": [
            {"slug": s.dataset.slug, "title": s.dataset.title,
             "description": s.dataset.description, "category": s.dataset.category,
             "licence": s.dataset.licence.id, "organisation": s.dataset.organisation,
             "keywords": list(s.dataset.keywords), "records": s.records,
             "modified": s.dataset.modified.isoformat(), "url": f"/dataset/{s.dataset.slug}"}
            for s in found.datasets
        ],
        "facets": {
            name: [{"value": v, "count": n,
                    "label": found.organisations.get(v, v) if name == "organisation" else v,
                    "active": filters.active().get(name) == v,
                    "url": _url(filters, **{name: "" if filters.active().get(name) == v
                                            else v})}
                   for v, n in values]
            for name, values in found.facets.items()
        },
    }


def dataset_data(
    portal: Portal, page: DatasetPage, base_url: str, item: dict[str, Any]
) -> dict[str, Any]:
    """The dataset page's data (its JSON twin); ``item`` is its citation (CSL-JSON)."""
    d = page.dataset
    records = [r for r in page.resources if r.resource.kind == "records"]
    return {
        "slug": d.slug,
        "title": d.title,
        "description": d.description,
        "category": d.category,
        "licence": {"id": d.licence.id, "title": d.licence.title, "url": d.licence.url},
        "doi": d.doi,
        "doi_resolves": page.doi_resolves,  # false while this portal's DOI is not registered
        "organisation": ({"slug": page.organisation.slug, "name": page.organisation.name}
                         if page.organisation else None),
        "creators": [{"name": c.name, "orcid": c.orcid, "affiliation": c.affiliation}
                     for c in d.creators],
        "keywords": list(d.keywords),
        "created": d.created.isoformat(),
        "modified": d.modified.isoformat(),
        "records": page.records,
        "citation": formats.render(item, formats.DEFAULT),
        "cite": formats.every_format(item),
        "resources": [
            {"id": r.resource.id, "slug": r.resource.slug, "name": r.resource.name,
             "description": r.resource.description, "kind": r.resource.kind,
             "records": r.records,
             "search_url": "/search?" + urlencode({"resource_ids": r.resource.id}),
             "versions": [version_json(v, portal.field_labels) for v in r.versions]}
            for r in page.resources
        ],
        "resource_ids": [r.resource.id for r in records],
        "example_resource": (f"{d.slug}/{records[0].resource.slug}" if records else None),
        "base_url": base_url,
    }


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/datasets", include_in_schema=False)
    @router.get("/datasets.json", include_in_schema=False)
    def datasets(request: Request) -> Response:
        params = request.query_params
        filters = DatasetFilters(q=params.get("q", ""),
                                 **{name: params.get(name, "") for name in FACETS})
        data = datasets_data(_portal(request), identity_of(request), filters)
        context = {"facet_labels": FACET_LABELS, "clear_url": _url(DatasetFilters())}
        return render(request, templates, "datasets.html", context, data)

    @router.get("/dataset/{slug}", include_in_schema=False)
    def dataset(request: Request, slug: str) -> Response:
        name, as_json = split_json(slug)
        base = base_url(request)
        page = dataset_page(_portal(request), identity_of(request), name)
        item = dataset_item(page, base, datetime.now(UTC).date())
        answer = None if as_json else negotiated(request, item)
        if answer is not None:
            return answer
        context = {"cite_menu": cite_context(request, item),
                   "usage_figures": [f.id for f in FIGURES if f.maintainers_only]}
        data = dataset_data(_portal(request), page, base, item)
        data["statistics"] = figures_data(_portal(request), identity_of(request),
                                          page.dataset.slug)
        data["corrections"] = correction_log.export_links(identity_of(request), page.dataset)
        return render(request, templates, "dataset.html", context, data,
                      as_json=as_json or None)

    @router.get("/dataset/{slug}/resource/{resource}", include_in_schema=False)
    def resource(request: Request, slug: str, resource: str) -> Response:
        name, as_json = split_json(resource)
        found = catalogue_view.resource(_portal(request), identity_of(request), f"{slug}/{name}",
                                        field="resource")
        page = "/search.json" if as_json or wants_json(request) else "/search"
        return RedirectResponse(page + "?" + urlencode({"resource_ids": found.id}),
                                status_code=303)

    return router
