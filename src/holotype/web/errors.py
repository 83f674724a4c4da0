"""Errors as pages: the one renderer of an error for the HTML pages and their JSON twins.

A :class:`~holotype.errors.ServiceError` becomes the ``error.html`` page, or the JSON twin
``{"error": {"message": ..., "field": ...}}``, with the error's status. The action API renders
the same errors in CKAN's envelope instead (:mod:`holotype.web.api`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.errors import ServiceError
from holotype.web.pages.render import wants_json


def error_response(
    templates: Jinja2Templates,
    request: Request,
    exc: ServiceError,
    *,
    as_json: bool = False,
    inline_field: bool = False,
) -> Response:
    """``exc`` as a page, or as JSON when ``as_json`` or the request asks for JSON.

    The page names the field in bold before the message; with ``inline_field`` (the download
    form, whose field names read as plain words) it starts the sentence: ``format: ...``.
    """
    if as_json or wants_json(request):
        return JSONResponse({"error": {"message": exc.message, "field": exc.field}},
                            status_code=exc.status)
    if inline_field and exc.field:
        return error_page(templates, request, exc.status, f"{exc.field}: {exc.message}")
    return error_page(templates, request, exc.status, exc.message, field=exc.field)


def error_page(
    templates: Jinja2Templates,
    request: Request,
    status: int,
    message: str,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The HTML error page: the message (escaped, as everything the page shows) and its field."""
    context: dict[str, Any] = {"message": message, "field": field}
    return templates.TemplateResponse(request, "error.html", context, status_code=status,
                                      headers=dict(headers) if headers else None)


def http_error_response(
    templates: Jinja2Templates, request: Request, status: int, message: str
) -> Response:
    """Starlette's own errors (no such page, method not allowed): JSON under /api/ or when
    asked for, the error page otherwise."""
    if wants_json(request) or request.url.path.startswith("/api/"):
        return JSONResponse({"error": {"message": message}}, status_code=status)
    return error_page(templates, request, status, message)
