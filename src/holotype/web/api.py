"""The CKAN-compatible action API at /api/3/action/<name>, in CKAN's envelope.

Both ``/api/3/action/<name>`` and CKAN's unversioned ``/api/action/<name>`` answer.
Success: ``{"help": url, "success": true, "result": ...}``; failure:
``{"help": url, "success": false, "error": {"__type": "...", "message": "...", field: [...]}}``
with the matching HTTP status, as CKAN answers, so clients such as ``ckanapi`` work unchanged.
"""

from __future__ import annotations

import json
import logging
from contextlib import ExitStack
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from holotype.errors import Invalid, ServiceError
from holotype.services.context import Portal
from holotype.services.workdirs import work_dir
from holotype.web.actions import ACTIONS
from holotype.web.actions.coerce import coerce
from holotype.web.actions.registry import Action, Context, Upload
from holotype.web.identity import identity_of
from holotype.web.ratelimit import client_key
from holotype.web.uploads import is_multipart, read_multipart

log = logging.getLogger(__name__)

ERROR_TYPES = {400: "Validation Error", 401: "Authorization Error", 403: "Authorization Error",
               404: "Not Found Error",
               409: "Conflict Error", 503: "Service Unavailable"}


def ckan_error(request: Request, exc: ServiceError) -> JSONResponse:
    """``exc`` in CKAN's failure envelope: its type by status, its message and, as CKAN
    does, each field at fault with its messages."""
    answer = envelope_error(request, exc.status, ERROR_TYPES.get(exc.status, "Error"),
                            exc.message, exc.errors)
    retry_after = getattr(exc, "retry_after", None)  # busy or throttled: when to ask again
    if retry_after is not None:
        answer.headers["Retry-After"] = str(retry_after)
    return answer


def envelope_error(
    request: Request, status: int, kind: str, message: str, where: dict[str, list[str]]
) -> JSONResponse:
    error: dict[str, Any] = {"__type": kind, "message": message, **where}
    return JSONResponse(
        {"help": str(request.url_for("action_help", name=_name(request))), "success": False,
         "error": error},
        status_code=status,
    )


def _name(request: Request) -> str:
    """The action's name: from the route, or (for an answer given before any route ran, such
    as a refused API token) from the path."""
    found = request.path_params.get("name")
    if found:
        return str(found)
    head, _, last = request.url.path.rstrip("/").rpartition("/")
    return last if head.endswith("/action") and last else "status_show"


async def _params(request: Request, action: Action[Any],
                  form: dict[str, Any] | None = None) -> Any:
    if form is not None:  # multipart: text fields, read as GET values are
        return coerce(action.params, {**dict(request.query_params), **form}, from_text=True)
    if request.method == "POST":
        body = await request.body()
        raw: Any = {}
        if body.strip():
            try:
                raw = json.loads(body)
            except ValueError as exc:
                raise Invalid.of({"body": [f"not valid JSON: {exc}"]}) from exc
            except RecursionError:
                raise Invalid.of({"body": ["the JSON is nested too deeply"]}) from None
        if not isinstance(raw, dict):
            raise Invalid.of({"body": ["must be a JSON object of parameters"]})
        merged = {**dict(request.query_params), **raw}
        return coerce(action.params, merged, from_text=False)
    return coerce(action.params, _query_parameters(request), from_text=True)


def _query_parameters(request: Request) -> dict[str, Any]:
    """GET parameters; one given more than once (facets=country&facets=family) is a list."""
    found: dict[str, Any] = {}
    for name in request.query_params:
        values = request.query_params.getlist(name)
        found[name] = values if len(values) > 1 else values[0]
    return found


def create_router() -> APIRouter:
    router = APIRouter()

    @router.api_route("/api/3/action/{name}", methods=["GET", "POST"], include_in_schema=False)
    @router.api_route("/api/action/{name}", methods=["GET", "POST"], include_in_schema=False)
    async def action(request: Request, name: str) -> Response:
        found = ACTIONS.get(name)
        if found is None:
            return envelope_error(request, 400, "Bad request",
                                  f"Action name not known: {name}", {})
        help_url = str(request.url_for("action_help", name=name))
        portal: Portal = request.app.state.portal
        try:
            with ExitStack() as stack:
                form: dict[str, Any] | None = None
                files: dict[str, Upload] = {}
                if request.method == "POST" and is_multipart(request):
                    folder = stack.enter_context(work_dir(portal.work_dir))
                    form, files = await read_multipart(request, folder,
                                                       portal.settings.max_upload_bytes)
                if found.writes and request.method != "POST":
                    raise Invalid(f"{name} changes the catalogue: send it as a POST, with an "
                                  "API token in the Authorization header", field="method")
                if found.post_only and request.method != "POST":
                    raise Invalid(f"{name} must be sent as a POST", field="method")
                params = await _params(request, found, form)
                ctx = Context(
                    portal=portal,
                    identity=identity_of(request),
                    client=client_key(request),
                    base_url=str(request.base_url).rstrip("/"),
                    files=files,
                )
                result = await run_in_threadpool(found.func, ctx, params)
        except ServiceError as exc:
            return ckan_error(request, exc)
        if isinstance(result, Response):  # a file the action answers with (format=csv)
            return result
        return JSONResponse({"help": help_url, "success": True, "result": result})

    @router.get("/api/3/action/{name}/help", include_in_schema=False, name="action_help")
    async def action_help(name: str) -> JSONResponse:
        found = ACTIONS.get(name)
        text = found.summary if found else f"Action name not known: {name}"
        return JSONResponse({"help": text, "success": found is not None})

    return router
