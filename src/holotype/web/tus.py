"""The resumable upload endpoint: the tus 1.0 protocol (core, creation, creation-defer-length,
expiration and termination), served by the ``tuspyserver`` package's FastAPI router.

It is mounted twice, on one store: ``/uploads/tus/`` for the portal's own upload page (a
signed-in browser; requests that change something carry the form token as ``X-CSRF-Token``,
as every form does) and ``/api/uploads/tus/`` for scripts (an API token, as every API write).
Who may upload what is decided by :mod:`holotype.services.uploads`; this module only binds it
to the tus server's hooks:

* every request works in the asking user's own folder (``file_dep``), so another user's upload
  is "not found"; every request but HEAD and OPTIONS needs the right to write, which an API
  token that may only read does not give;
* creating an upload checks the dataset, the file's name and its declared size first
  (``pre_create_dep``), so nothing is kept of a refused one;
* each PATCH moves the upload's expiry ``upload_abandon_hours`` on (abandoned ones are swept by
  :mod:`holotype.services.upload_sweep`);
* the last byte notes the upload as finished (``upload_complete_dep``), for
  :func:`holotype.services.uploads.claim`.

``X-HTTP-Method-Override`` (which tuspyserver would honour, turning a GET that passes the
form-token check into a PATCH or DELETE) is refused with 400. Errors are answered as plain
text (a tus client shows the response's text), with their status.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tuspyserver import create_tus_router
from tuspyserver.lock import LockTimeoutError, acquire_upload_lock

from holotype.config import Settings
from holotype.errors import Invalid, ServiceError
from holotype.services import uploads
from holotype.services.context import Portal
from holotype.web.identity import identity_of

TUS_VERSION = "1.0.0"
BROWSER_MOUNT = "/uploads"
API_MOUNT = "/api/uploads"
ENDPOINT = "tus"  # the tus router's own prefix under each mount
PATHS = (f"{BROWSER_MOUNT}/{ENDPOINT}", f"{API_MOUNT}/{ENDPOINT}")
# What the portal takes of what tuspyserver offers: not concatenation (a final upload could pass
# the size limit) nor creation-with-upload (a file's bytes come in PATCH requests).
EXTENSIONS = "creation,creation-defer-length,expiration,termination"
LOCKS = ".locks"  # where tuspyserver keeps its lock files, in each upload folder
LOCK_WAIT = 5.0  # seconds a PATCH waits for another one holding the upload to move its expiry
READING = frozenset({"HEAD", "OPTIONS"})  # what a token that may only read may ask
OVERRIDE = "x-http-method-override"

PortalOf = Callable[[], Portal]


def _expiry(hours: float) -> str:
    return formatdate(time.time() + hours * 3600, usegmt=True)


def _extend(own: Path, upload_id: str, hours: float) -> None:
    """Move an unexpired upload's expiry ``hours`` from now, in the tus server's record of
    it (``<id>.info``, JSON with ``expires`` as an HTTP date); an expired one stays expired.

    The record also holds the upload's offset, which a PATCH in progress rewrites: the record is
    read and written back under the tus server's own lock of the upload (the lock file it takes
    in ``<folder>/.locks`` for each PATCH), so an offset saved meanwhile is never rolled back."""
    info = own / f"{upload_id}.info"
    if not info.is_file():
        return  # unknown: the tus server answers for it
    try:
        with acquire_upload_lock(str(own / upload_id), locks_dir=str(own / LOCKS),
                                 timeout=LOCK_WAIT):
            _rewrite_expiry(info, hours)
    except LockTimeoutError:
        return  # another request holds the upload: it is being worked on right now


def _rewrite_expiry(info: Path, hours: float) -> None:
    try:
        record = json.loads(info.read_text())
        expires = record.get("expires")
        if not isinstance(expires, str) or parsedate_to_datetime(expires).timestamp() < time.time():
            return
    except (OSError, ValueError, TypeError):
        return  # removed meanwhile, or unreadable: the tus server answers for it
    record["expires"] = _expiry(hours)
    temporary = info.with_suffix(".info.tmp")
    temporary.write_text(json.dumps(record))
    os.replace(temporary, info)


def _hooks(portal_of: PortalOf) -> dict[str, Any]:
    """tuspyserver's dependency hooks, bound to the services."""

    def own(request: Request) -> Path:
        """The asker's folder; one that may only read gets it only to read (HEAD, OPTIONS)."""
        if request.method in READING:
            return uploads.folder(portal_of(), identity_of(request))  # refuses anyone signed out
        return uploads.folder_to_change(portal_of(), identity_of(request))

    def own_folder(request: Request) -> Callable[[dict[str, str]], dict[str, str]]:
        folder = own(request)
        upload_id = request.path_params.get("uuid")
        if request.method == "PATCH" and isinstance(upload_id, str) and "/" not in upload_id:
            _extend(folder, upload_id, portal_of().settings.upload_abandon_hours)
        return lambda _metadata: {"files_dir": str(folder)}

    def signed_in(request: Request) -> None:
        own(request)

    def before_create(request: Request) -> Callable[[dict[str, str], dict[str, Any]],
                                                     Awaitable[None]]:
        async def check(metadata: dict[str, str], info: dict[str, Any]) -> None:
            if request.headers.get("upload-concat"):
                raise Invalid("this portal does not take concatenated uploads",
                              field="Upload-Concat")
            if int(request.headers.get("content-length") or 0):
                raise Invalid("send the file's bytes in PATCH requests, not in the request "
                              "that creates the upload", field="body")
            if not metadata.get("filetype", "").strip():  # tuspyserver's HEAD needs one
                raise Invalid("the upload's metadata must give the file's media type "
                              "(filetype), e.g. text/csv or application/octet-stream",
                              field="filetype")
            await run_in_threadpool(
                uploads.start, portal_of(), identity_of(request),
                dataset=metadata.get("dataset", ""), name=metadata.get("filename", ""),
                length=info.get("size"))
        return check

    def on_complete(request: Request) -> Callable[[str, dict[str, str]], Awaitable[None]]:
        async def note(path: str, metadata: dict[str, str]) -> None:
            await run_in_threadpool(
                uploads.finish, portal_of(), identity_of(request), Path(path).name,
                dataset=metadata.get("dataset", ""), name=metadata.get("filename", ""))
        return note

    return {"file_dep": own_folder, "auth": signed_in, "pre_create_dep": before_create,
            "upload_complete_dep": on_complete}


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message, status_code=status,
                             headers={**(headers or {}), "Tus-Resumable": TUS_VERSION})


class _NoMethodOverride:
    """Refuses ``X-HTTP-Method-Override``, which tuspyserver honours: a GET carrying it would
    reach its PATCH or DELETE as a safe request, past the form-token check every request that
    changes something must pass (:mod:`holotype.web.csrf`). No client of the portal needs it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(name.lower() == OVERRIDE.encode()
                                           for name, _ in scope["headers"]):
            refused = _text(400, "X-HTTP-Method-Override: this portal does not take it; send "
                                 "PATCH, DELETE (or any other method) as the request's own method")
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


class _OfferedExtensions:
    """Answers OPTIONS with the extensions the portal takes (see :data:`EXTENSIONS`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "tus-extension" in headers:
                    headers["Tus-Extension"] = EXTENSIONS
            await send(message)

        await self.app(scope, receive, sending)


def create_tus_app(settings: Settings, portal_of: PortalOf) -> FastAPI:
    """The tus endpoint as an application to mount at :data:`BROWSER_MOUNT` and
    :data:`API_MOUNT` (``portal_of`` gives the running portal)."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(create_tus_router(
        prefix=ENDPOINT, files_dir=str(settings.data_dir / "uploads" / "users"),
        max_size=settings.max_upload_bytes,
        days_to_keep=max(1, round(settings.upload_abandon_hours / 24)), **_hooks(portal_of)))

    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, exc: ServiceError) -> Response:
        where = f"{exc.field}: " if exc.field else ""
        return _text(exc.status, where + exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        message = "there is no upload here" if exc.status_code == 404 else str(exc.detail)
        return _text(exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def bad_headers(_request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
                             for e in exc.errors())
        return _text(400, f"the request's tus headers are wrong: {problems}")

    app.add_middleware(_OfferedExtensions)
    app.add_middleware(_NoMethodOverride)  # outermost: before anything else sees the request
    return app
