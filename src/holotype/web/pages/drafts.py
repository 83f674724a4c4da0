"""Review before publishing: a dataset's drafts (``/dataset/{slug}/drafts``, with the form that
starts one from a file), one draft's review page (``/dataset/{slug}/drafts/{id}``, its JSON
twin polled by ``static/draft-progress.js`` while a worker reads it; without scripts the page
refreshes itself), and the forms that publish or discard it. Every form carries the CSRF token;
the pages are for those who may change the dataset only (others: not found, or sign in).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from holotype.errors import Invalid, ServiceError
from holotype.services import drafts
from holotype.services.context import Portal
from holotype.services.drafts import uploaded
from holotype.services.workdirs import work_dir
from holotype.web.errors import field_label
from holotype.web.identity import identity_of
from holotype.web.pages.render import render, split_json
from holotype.web.uploads import is_multipart, read_multipart

REFRESH_SECONDS = 2


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _problem(exc: ServiceError) -> dict[str, Any]:
    return {"error": exc.message, "error_field": field_label(exc.field) or exc.field,
            "findings": [f.as_dict() for f in getattr(exc, "findings", [])]}


def draft_url(draft: drafts.DraftInfo) -> str:
    return f"/dataset/{draft.dataset.slug}/drafts/{draft.id}"


def draft_data(draft: drafts.DraftInfo) -> dict[str, Any]:
    return {**draft.as_dict(), "url": draft_url(draft)}


def drafts_link(request: Request, slug: str) -> str | None:
    """The dataset's Drafts page, for those who may change it (a template global)."""
    if drafts.may_review(_portal(request), identity_of(request), slug):
        return f"/dataset/{slug}/drafts"
    return None


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()
    templates.env.globals["drafts_link"] = drafts_link

    def _list(request: Request, slug: str, status: int = 200, as_json: bool | None = None,
              **context: Any) -> Response:
        portal, identity = _portal(request), identity_of(request)
        found = drafts.list_drafts(portal, identity, slug)
        data: dict[str, Any] = {"dataset": slug, "drafts": [draft_data(d) for d in found],
                "resources": drafts.records_resources(portal, identity, slug)}
        if context.get("error"):  # the JSON twin says what was refused, as errors do
            data["error"] = {"message": context["error"], "field": context.get("error_field")}
        base = {"error": None, "error_field": None}
        return render(request, templates, "drafts.html", {**base, **context}, data,
                      status=status, as_json=as_json)

    @router.get("/dataset/{slug}/drafts", include_in_schema=False)
    def listing(request: Request, slug: str) -> Response:
        return _list(request, slug)

    @router.post("/dataset/{slug}/drafts", include_in_schema=False)
    async def start(request: Request, slug: str) -> Response:
        portal = _portal(request)
        with work_dir(portal.work_dir) as folder:
            try:
                if is_multipart(request):
                    fields, files = await read_multipart(request, folder,
                                                         portal.settings.max_upload_bytes)
                else:  # a finished upload handed over by the upload page (static/upload.js)
                    fields, files = dict((await request.form()).items()), {}
                made = await run_in_threadpool(_start, request, slug, fields, files)
            except ServiceError as exc:
                if exc.status == 401 or (exc.status == 404 and exc.field not in (
                        "resource", "upload")):
                    raise  # signed out, or a dataset they may not change: no form to show
                return await run_in_threadpool(_list, request, slug, exc.status,
                                               **_problem(exc))
        if "application/json" in request.headers.get("accept", ""):
            return render(request, templates, "draft.html", {}, draft_data(made), status=201,
                          as_json=True)
        return RedirectResponse(draft_url(made), status_code=303)

    def _start(request: Request, slug: str, fields: dict[str, Any], files: dict[str, Any]
               ) -> drafts.DraftInfo:
        """A draft of the form's file, or of the finished upload it names (``upload_id``),
        for the resource chosen (``resource``) or a new one (``new_resource``, its name)."""
        portal, identity = _portal(request), identity_of(request)
        target = str(fields.get("resource") or "")
        new_name = str(fields.get("new_resource") or "").strip()
        fmt, id_field = str(fields.get("format") or "") or None, str(
            fields.get("id_field") or "") or None
        upload_id = str(fields.get("upload_id") or "").strip()
        if upload_id and "file" not in files:
            # the upload page's choice "a new resource" sends resource="" (named after the
            # file unless named); without a choice, the dataset's only resource, or a new one
            new = bool(new_name) or ("resource" in fields and not target)
            return uploaded.start_upload(portal, identity, slug, upload_id,
                                         new_name or target or None, fmt, id_field,
                                         new_resource=new)
        upload = files.get("file")
        if upload is None:
            raise Invalid("send the file to review (as multipart/form-data), or a finished "
                          "upload's upload_id", field="file")
        return drafts.start(portal, identity, slug, new_name or target, upload.path,
                            upload.filename, fmt, id_field, new_resource=bool(new_name))

    def _page(request: Request, slug: str, draft_id: str, status: int = 200,
              as_json: bool | None = None, **context: Any) -> Response:
        draft = drafts.show(_portal(request), identity_of(request), draft_id, dataset=slug)
        base: dict[str, Any] = {"error": None, "error_field": None, "findings": [],
                                "refresh": REFRESH_SECONDS if draft.waiting else None}
        return render(request, templates, "draft.html", {**base, **context}, draft_data(draft),
                      status=status, as_json=as_json)

    @router.get("/dataset/{slug}/drafts/{draft_id}", include_in_schema=False)
    def page(request: Request, slug: str, draft_id: str) -> Response:
        name, as_json = split_json(draft_id)
        return _page(request, slug, name, as_json=as_json or None)

    @router.post("/dataset/{slug}/drafts/{draft_id}/publish", include_in_schema=False)
    async def publish(request: Request, slug: str, draft_id: str) -> Response:
        form = await request.form()
        # a ticked suggestion: rename:<column> = <term>
        renames = {k.removeprefix("rename:"): str(v) for k, v in form.multi_items()
                   if k.startswith("rename:")}
        id_field = str(form.get("id_field") or "") or None
        on_corrections = str(form.get("on_corrections") or "") or None

        def run() -> Response:
            portal, identity = _portal(request), identity_of(request)
            try:
                outcome = drafts.publish(portal, identity, draft_id, dataset=slug,
                                         id_field=id_field, renames=renames,
                                         on_corrections=on_corrections)
            except ServiceError as exc:
                if exc.status in (401, 404):
                    raise
                return _page(request, slug, draft_id, exc.status, **_problem(exc))
            return RedirectResponse(f"/dataset/{slug}/resource/{outcome.resource.slug}",
                                    status_code=303)

        return await run_in_threadpool(run)

    @router.post("/dataset/{slug}/drafts/{draft_id}/discard", include_in_schema=False)
    def discard(request: Request, slug: str, draft_id: str) -> Response:
        drafts.discard(_portal(request), identity_of(request), draft_id, dataset=slug)
        return RedirectResponse(f"/dataset/{slug}/drafts", status_code=303)

    return router
