"""``/dataset/<slug>/upload``: adding files to a dataset by dragging them onto the page.

The page runs Uppy (its Dashboard and tus plugins, from npm) against the tus endpoint of
:mod:`holotype.web.tus`; a file interrupted by a lost connection or a closed tab goes on from
where it stopped when it is added again (Uppy keeps each file's upload address in the
browser). Each finished upload is handed to the dataset's drafts (:mod:`holotype.web.pages.drafts`)
for the resource chosen in the page, and the page goes on to the draft's review. Finished image
uploads are listed in the page's "Attach images to records" form instead, which POSTs them to
``/dataset/<slug>/images`` (:mod:`holotype.services.media.uploaded`): each is attached to the
record its file name gives, and the page shows what happened. Only those who may add data to
the dataset see the page. Its JSON twin gives what the page's script reads: the endpoint, the
size limit and the file types taken.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from holotype.errors import ServiceError
from holotype.services import drafts, uploads
from holotype.services.context import Portal
from holotype.services.media.adding import Credits
from holotype.services.media.uploaded import MATCH, Attached, attach_uploads
from holotype.web.errors import field_label
from holotype.web.identity import identity_of
from holotype.web.pages.render import render, split_json, wants_json
from holotype.web.tus import BROWSER_MOUNT, ENDPOINT

# Where the page hands finished uploads over: the dataset's drafts (the page's script POSTs
# each upload id there, with the resource chosen, and follows the answer to the draft's page).
DRAFTS_URL = "/dataset/{slug}/drafts"
# Where the page's "Attach images to records" form goes (POST, upload_id for each image).
IMAGES_URL = "/dataset/{slug}/images"


def megabytes(size: int) -> str:
    """``size`` bytes for people: 4.3 GB, 512 MB."""
    for unit, factor in (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if size >= factor:
            return f"{size / factor:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} bytes"


def upload_data(portal: Portal, slug: str, title: str,
                resources: list[dict[str, str]] | None = None,
                images: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """What the page shows and its script reads; ``resources``: the dataset's records
    resources a file may become the next version of (the only one is chosen first, else a new
    resource named after the file), or whose records images are attached to; ``images``: the
    finished image uploads waiting to be attached (upload_id, name)."""
    limit = portal.settings.max_upload_bytes
    return {
        "dataset": {"slug": slug, "title": title},
        "endpoint": f"{BROWSER_MOUNT}/{ENDPOINT}/",
        "max_upload_bytes": limit,
        "max_upload_text": megabytes(limit),
        "accepted_extensions": sorted(uploads.RECORD_TYPES) + sorted(uploads.MEDIA_TYPES),
        "image_extensions": sorted(uploads.MEDIA_TYPES),
        "accepted_text": uploads.accepted_types(),
        "abandon_hours": portal.settings.upload_abandon_hours,
        "drafts_url": DRAFTS_URL.format(slug=slug),
        "images_url": IMAGES_URL.format(slug=slug),
        "resources": resources or [],
        "images": images or [],
        "match": MATCH,
    }


def attached_data(attached: Attached) -> dict[str, Any]:
    """What attaching gave, with a link to each record that got images."""
    shown = attached.as_dict()
    for record in shown["records"]:
        record["url"] = (f"/record/{quote(shown['resource_id'], safe='')}/"
                         f"{quote(record['record_id'], safe='')}")
    return shown


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    def _page(request: Request, slug: str, *, status: int = 200, as_json: bool | None = None,
              attached: dict[str, Any] | None = None, error: dict[str, Any] | None = None,
              error_field: str | None = None, form: dict[str, str] | None = None
              ) -> Response:
        portal: Portal = request.app.state.portal
        identity = identity_of(request)
        dataset = uploads.upload_target(portal, identity, slug)
        resources = drafts.records_resources(portal, identity, dataset.slug)
        images = [{"upload_id": upload_id, "name": sent.name} for upload_id, sent in
                  uploads.finished_list(portal, identity, dataset.slug, "media")]
        data = upload_data(portal, dataset.slug, dataset.title, resources, images)
        if attached is not None:
            data["attached"] = attached
        if error is not None:  # the JSON twin says what was refused, as errors do
            data["error"] = error
        context = {"attached": attached, "error": error, "error_field": error_field,
                   "form": form or {}}
        return render(request, templates, "upload.html", context, data, status=status,
                      as_json=as_json)

    @router.get("/dataset/{slug}/upload", include_in_schema=False)
    @router.get("/dataset/{slug}/upload.json", include_in_schema=False)
    def upload_page(request: Request, slug: str) -> Response:
        as_json = request.url.path.endswith(".json")
        name, _ = split_json(slug)
        return _page(request, name, as_json=as_json or None)

    @router.post("/dataset/{slug}/images", include_in_schema=False)
    async def attach(request: Request, slug: str) -> Response:
        """The page's "Attach to records" form: its images added to the records they name;
        the page again, with what happened (or why nothing did)."""
        form = await request.form()
        fields = {key: str(form.get(key) or "").strip() for key in (
            "resource", "match", "creator", "rights_holder", "licence")}
        upload_ids = [str(v) for v in form.getlist("upload_id")]

        def run() -> Response:
            portal: Portal = request.app.state.portal
            try:
                attached = attach_uploads(
                    portal, identity_of(request), slug, fields["resource"], upload_ids,
                    fields["match"] or MATCH, Credits(fields["creator"] or None,
                                                     fields["rights_holder"] or None,
                                                     fields["licence"] or None))
            except ServiceError as exc:
                if exc.status == 401 or (exc.status in (403, 404) and exc.field not in (
                        "resource", "upload_ids", "upload", "match")):
                    raise  # signed out, or a dataset they may not change: no form to show
                problem = {"message": exc.message, "field": exc.field}
                return _page(request, slug, status=exc.status, as_json=wants_json(request),
                             error=problem, error_field=field_label(exc.field) or exc.field,
                             form=fields)
            return _page(request, slug, as_json=wants_json(request),
                         attached=attached_data(attached), form=fields)

        return await run_in_threadpool(run)

    return router
