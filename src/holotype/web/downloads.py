"""Download pages: the form endpoint behind every Download button, status pages, the files.

* ``POST /download``: form fields ``query`` (JSON text of an NHM query; empty means ``{}``),
  ``resource_ids`` (comma-separated; empty: every visible resource), ``version`` (optional,
  ms), ``format`` and optional ``email``. Answers 303 to the status page, or a 400 page
  naming the field at fault.
* ``GET /status/download/<id>`` (HTML; JSON at ``.json`` or with ``Accept: application/json``).
* ``GET /downloads/<id>/<file name>``: the finished zip.

The router also starts the in-process download workers (``download_workers``) with the app
and stops them when it stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.config import Settings
from holotype.errors import Invalid, ServiceError
from holotype.services import downloads
from holotype.services.downloads import (
    FORMATS,
    DownloadFormat,
    DownloadRequest,
    parse_request,
    start_in_process,
)
from holotype.web.errors import error_response
from holotype.web.identity import identity_of
from holotype.web.pages.render import base_url, wants_json

MAX_FORM_BYTES = 1_000_000
MAX_VERSION_DIGITS = 19  # a 64-bit millisecond timestamp
# The form's fields are flat: errors name them as the form does.
FORM_FIELDS = {"file.format": "format", "notifier.type_args.emails": "email",
               "notifier.type": "email", "query.query": "query", "query.version": "version",
               "query.resource_ids": "resource_ids", "query.slug_or_doi": "slug_or_doi"}


def form_request(form: dict[str, str]) -> DownloadRequest:
    """A download request from the Download form's fields."""
    version: int | None = None
    text = form.get("version", "").strip()
    if text:
        if not (text.isascii() and text.isdigit()) or len(text) > MAX_VERSION_DIGITS:
            raise Invalid("must be a whole number of milliseconds", field="version")
        version = int(text)
    ids = [p.strip() for p in form.get("resource_ids", "").split(",") if p.strip()]
    email = form.get("email", "").strip()
    notifier = ({"type": "email", "type_args": {"emails": [email]}} if email
                else {"type": "none"})
    query = form.get("query", "").strip() or "{}"
    cited = form.get("slug_or_doi", "").strip()
    try:
        return parse_request(
            {"slug_or_doi": cited} if cited else
            {"query": query, "resource_ids": ids or None, "version": version},
            {"format": form.get("format", "").strip()},
            notifier,
        )
    except Invalid as exc:
        raise form_error(exc) from exc


def form_error(exc: ServiceError) -> ServiceError:
    """``exc`` naming the form's field rather than the API's JSON path."""
    return exc.at(FORM_FIELDS.get(exc.field or "", exc.field))


async def read_limited(request: Request, limit: int) -> bytes:
    """The request's body, refused once it grows past ``limit`` bytes (never read whole)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise Invalid("the form is too large", field="query")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Invalid("the form is too large", field="query")
    return bytes(body)


def download_formats() -> list[DownloadFormat]:
    """The Download form's choices: every registered format (read when the form is shown)."""
    return list(FORMATS)


def format_title(name: str) -> str:
    return FORMATS.get(name).title if name in FORMATS else name


def create_download_router(templates: Jinja2Templates, settings: Settings) -> APIRouter:
    templates.env.globals["download_formats"] = download_formats
    # Without a mail server the form offers no email: the status page's link is the way back.
    templates.env.globals["download_email"] = downloads.sends_email(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        workers = start_in_process(app.state.portal)
        try:
            yield
        finally:
            if workers is not None:
                workers.stop(timeout=30)

    router = APIRouter(lifespan=lifespan)

    def error(request: Request, exc: ServiceError, as_json: bool = False) -> Response:
        return error_response(templates, request, exc, as_json=as_json)

    @router.post("/download", include_in_schema=False)
    async def download_form(request: Request) -> Response:
        try:
            body = await read_limited(request, MAX_FORM_BYTES)
            fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            form = {k: v[-1] for k, v in fields.items()}
            parsed = form_request(form)
            try:
                queued = await run_in_threadpool(
                    downloads.queue_download, request.app.state.portal, identity_of(request),
                    parsed)
            except ServiceError as exc:
                raise form_error(exc) from exc
        except ServiceError as exc:
            return error(request, exc)
        return RedirectResponse(f"/status/download/{queued.id}", status_code=303)

    def status_page(request: Request, download_id: str, as_json: bool) -> Response:
        try:
            found = downloads.status(request.app.state.portal, identity_of(request), download_id)
        except ServiceError as exc:
            return error(request, exc, as_json)
        if as_json or wants_json(request):
            return JSONResponse(found)
        page = _page(found)
        page["status_url"] = f"{base_url(request)}/status/download/{found['id']}"
        return templates.TemplateResponse(request, "download_status.html", page)

    @router.get("/status/download/{download_id}.json", include_in_schema=False)
    def status_json(request: Request, download_id: str) -> Response:
        return status_page(request, download_id, True)

    @router.get("/status/download/{download_id}", include_in_schema=False)
    def status_html(request: Request, download_id: str) -> Response:
        return status_page(request, download_id, False)

    @router.get("/downloads/{download_id}/{file_name}", include_in_schema=False)
    def download_file(request: Request, download_id: str, file_name: str) -> Response:
        try:
            path = downloads.finished_file(
                request.app.state.portal, identity_of(request), download_id, file_name)
        except ServiceError as exc:
            return error(request, exc)
        return FileResponse(path, media_type="application/zip", filename=file_name)

    return router


def _size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1000:
        return f"{size:,} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            break
    return f"{value:,.1f} {unit}"


def _page(found: dict[str, Any]) -> dict[str, Any]:
    running = found["status"] in ("queued", "generating", "zipping")
    percent = (int(100 * found["written"] / found["total"])
               if found["total"] and found["written"] is not None else 100)
    return {"d": found, "running": running, "percent": min(percent, 100),
            "format_name": format_title(found["format"]),
            "size": _size(found["file_size"])}
