"""``/dataset/<slug>/upload``: adding files to a dataset by dragging them onto the page.

The page runs Uppy (its Dashboard and tus plugins, from npm) against the tus endpoint of
:mod:`holotype.web.tus`; a file interrupted by a lost connection or a closed tab goes on from
where it stopped when it is added again (Uppy keeps each file's upload address in the
browser). Each finished upload is handed to the dataset's drafts (:mod:`holotype.web.pages.drafts`)
for the resource chosen in the page, and the page goes on to the draft's review. Only those who
may add data to the dataset see the page. Its JSON twin gives what the
page's script reads: the endpoint, the size limit and the file types taken.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from holotype.services import drafts, uploads
from holotype.services.context import Portal
from holotype.web.identity import identity_of
from holotype.web.pages.render import render, split_json
from holotype.web.tus import BROWSER_MOUNT, ENDPOINT

# Where the page hands finished uploads over: the dataset's drafts (the page's script POSTs
# each upload id there, with the resource chosen, and follows the answer to the draft's page).
DRAFTS_URL = "/dataset/{slug}/drafts"


def megabytes(size: int) -> str:
    """``size`` bytes for people: 4.3 GB, 512 MB."""
    for unit, factor in (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if size >= factor:
            return f"{size / factor:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} bytes"


def upload_data(portal: Portal, slug: str, title: str,
                resources: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """What the page shows and its script reads; ``resources``: the dataset's records
    resources a file may become the next version of (the only one is chosen first, else a new
    resource named after the file)."""
    limit = portal.settings.max_upload_bytes
    return {
        "dataset": {"slug": slug, "title": title},
        "endpoint": f"{BROWSER_MOUNT}/{ENDPOINT}/",
        "max_upload_bytes": limit,
        "max_upload_text": megabytes(limit),
        "accepted_extensions": sorted(uploads.RECORD_TYPES) + sorted(uploads.MEDIA_TYPES),
        "accepted_text": uploads.accepted_types(),
        "abandon_hours": portal.settings.upload_abandon_hours,
        "drafts_url": DRAFTS_URL.format(slug=slug),
        "resources": resources or [],
    }


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/dataset/{slug}/upload", include_in_schema=False)
    @router.get("/dataset/{slug}/upload.json", include_in_schema=False)
    def upload_page(request: Request, slug: str) -> Response:
        as_json = request.url.path.endswith(".json")
        name, _ = split_json(slug)
        portal: Portal = request.app.state.portal
        identity = identity_of(request)
        dataset = uploads.upload_target(portal, identity, name)
        resources = drafts.records_resources(portal, identity, dataset.slug)
        return render(request, templates, "upload.html", {},
                      upload_data(portal, dataset.slug, dataset.title, resources),
                      as_json=as_json or None)

    return router
