"""The home page: what the portal holds, featured collections, recent datasets, a search box."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.portal_search import preset_counts
from holotype.services.records import dataset_summaries
from holotype.web.identity import identity_of
from holotype.web.pages.render import render

RECENT = 6


def home_data(portal: Portal, identity: Identity) -> dict[str, Any]:
    summaries = dataset_summaries(portal, identity)
    featured = preset_counts(portal, identity)
    return {
        "records": sum(s.records for s in summaries),
        "specimens": next((n for name, _label, n in featured if name == "specimens"), 0),
        "featured": [{"preset": name, "label": label, "records": n,
                      "url": f"/search?preset={name}"} for name, label, n in featured],
        "datasets": [
            {
                "slug": s.dataset.slug,
                "title": s.dataset.title,
                "description": s.dataset.description,
                "category": s.dataset.category,
                "licence": s.dataset.licence.id,
                "organisation": s.dataset.organisation,
                "records": s.records,
                "modified": s.dataset.modified.isoformat(),
            }
            for s in summaries
        ],
        "recent": [s.dataset.slug for s in summaries[:RECENT]],
    }


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/", include_in_schema=False)
    @router.get("/index.json", include_in_schema=False)
    def home(request: Request) -> Response:
        data = home_data(request.app.state.portal, identity_of(request))
        return render(request, templates, "home.html", {}, data)

    return router
