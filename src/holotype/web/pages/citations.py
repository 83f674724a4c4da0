"""Citation landing pages: ``/doi/<prefix>/<suffix>`` and ``/citation/<id>``, and the search
page's "Cite this search" (``POST /search/cite``).

A query DOI (or, without DOIs, a citation id) lands on its citation: the query in words, the
counts per dataset, "run this search as it was" and "download exactly this data". A dataset DOI
lands on the dataset page while the dataset can be read, and on a tombstone (410) once it is
deleted or no longer public.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.query.words import query_words
from holotype.services.citations import formats
from holotype.services.citations.items import query_item
from holotype.services.citations.landing import DatasetTarget, QueryLanding, query_landing, resolve
from holotype.services.citations.query_citations import cite
from holotype.services.citations.query_metadata import query_title
from holotype.services.context import Portal
from holotype.web.identity import identity_of
from holotype.web.pages import search_url
from holotype.web.pages.cite import cite_context, negotiated
from holotype.web.pages.render import base_url, render, split_json, wants_json


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def landing_data(portal: Portal, landing: QueryLanding, base: str) -> dict[str, Any]:
    """The landing page's data: its JSON twin, and what the template shows."""
    c = landing.citation
    labels = portal.field_labels
    pins = () if landing.at_moment else tuple(
        (r.pinned.id, r.pinned.version) for r in landing.resources if r.available)
    rerun = search_url.SearchState(
        resource_ids=tuple(landing.available_ids), q=str(c.query.get("search", "")),
        filters=c.query.get("filters"), version=c.moment, pins=pins)
    datasets: dict[str, dict[str, Any]] = {}
    for r in landing.resources:
        entry = datasets.setdefault(r.pinned.dataset_id, {
            "dataset": r.pinned.dataset if r.available else None,
            "title": r.pinned.dataset_title, "count": 0, "available": r.available,
            "resources": []})
        entry["count"] += r.pinned.count
        entry["available"] = entry["available"] and r.available
        entry["resources"].append({
            "id": r.pinned.id if r.available else None, "name": r.pinned.name,
            "version": r.pinned.version, "count": r.pinned.count, "available": r.available})
    return {
        "id": c.id,
        "doi": c.doi,
        "doi_url": f"https://doi.org/{c.doi}" if c.doi else None,
        "doi_resolves": landing.doi_resolves,
        "url": base + c.path,
        "title": query_title(portal.settings.site_name, c),
        "query": c.query,
        "query_text": query_words(c.query, labels.label),
        "query_version": c.query_version,
        "query_hash": c.query_hash,
        "version": c.version,
        "moment": c.moment,
        "created": c.created.isoformat(),
        "total": c.total,
        "creators": [{"name": p.name, "orcid": p.orcid, "affiliation": p.affiliation}
                     for p in c.creators],
        "licences": [{"id": lic.id, "title": lic.title, "url": lic.url}
                     for lic in c.licences],
        "datasets": list(datasets.values()),
        "complete": landing.complete,
        "rerun_url": rerun.url() if landing.available_ids else None,
        "download": {"slug_or_doi": c.doi or c.id} if landing.available_ids else None,
    }


def tombstone_data(target: DatasetTarget, base: str) -> dict[str, Any]:
    """What a dataset DOI whose dataset is gone still says: what it was, from its metadata."""
    meta = target.metadata
    titles = meta.get("titles") or [{}]
    return {
        "doi": target.doi,
        "doi_url": f"https://doi.org/{target.doi}",
        "url": f"{base}/doi/{target.doi}",
        "title": str(titles[0].get("title", "")),
        "creators": [str(c.get("name", "")) for c in meta.get("creators") or []],
        "publisher": (meta.get("publisher") or {}).get("name", "")
        if isinstance(meta.get("publisher"), dict) else str(meta.get("publisher") or ""),
        "year": meta.get("publicationYear"),
        "message": "This dataset is no longer available on this portal. Its DOI stays "
                   "registered so that citations of it still lead here.",
    }


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    def show(request: Request, found: QueryLanding | DatasetTarget, as_json: bool) -> Response:
        base = base_url(request)
        if isinstance(found, DatasetTarget):
            if found.slug is not None:
                suffix = ".json" if as_json else ""
                return RedirectResponse(f"/dataset/{found.slug}{suffix}", status_code=303)
            return render(request, templates, "tombstone.html", {},
                          tombstone_data(found, base), status=410, as_json=as_json or None)
        portal = _portal(request)
        item = query_item(found.citation, portal.settings.site_name, base,
                          datetime.now(UTC).date(), found.doi_resolves)
        answer = None if as_json else negotiated(request, item)
        if answer is not None:
            return answer
        data = {**landing_data(portal, found, base),
                "citation": formats.render(item, formats.DEFAULT),
                "cite": formats.every_format(item)}
        return render(request, templates, "citation.html",
                      {"cite_menu": cite_context(request, item)}, data, as_json=as_json or None)

    @router.get("/doi/{doi:path}", include_in_schema=False)
    def doi_page(request: Request, doi: str) -> Response:
        name, as_json = split_json(doi)
        return show(request, resolve(_portal(request), identity_of(request), name), as_json)

    @router.get("/citation/{ref}", include_in_schema=False)
    def citation_page(request: Request, ref: str) -> Response:
        name, as_json = split_json(ref)
        found = query_landing(_portal(request), identity_of(request), name)
        if found.citation.doi:
            suffix = ".json" if as_json else ""
            return RedirectResponse(found.citation.path + suffix, status_code=308)
        return show(request, found, as_json)

    @router.post("/search/cite", include_in_schema=False)
    def cite_search(
        request: Request,
        query: str = Form(""),
        resource_ids: str = Form(""),
        version: str = Form(""),
    ) -> Response:
        raw, ids, pinned = search_url.form_search(query, resource_ids, version)
        done = cite(_portal(request), identity_of(request), raw, ids, pinned)
        suffix = ".json" if wants_json(request) else ""
        return RedirectResponse(done.citation.path + suffix, status_code=303)

    return router
