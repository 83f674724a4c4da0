"""Errors as pages: the one renderer of an error for the HTML pages and their JSON twins.

A :class:`~holotype.errors.ServiceError` becomes the ``error.html`` page, or the JSON twin
``{"error": {"message": ..., "field": ...}}``, with the error's status. The action API renders
the same errors in CKAN's envelope instead (:mod:`holotype.web.api`).

The page is for people: it says what happened (the message, after the part of the page or form
at fault in the reader's words, :data:`FIELD_LABELS`) and what to do next (by status,
:data:`NEXT_STEPS`). Parameter names stay in the JSON twin and in the server log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.errors import ServiceError, SignInRequired
from holotype.web.cors import IIIF_PREFIX
from holotype.web.pages.render import wants_json

log = logging.getLogger(__name__)

# The part of a page or form a parameter is, as its reader knows it. A field not listed here is
# not named on the page (the message says what is wrong), only in the log and the JSON twin.
FIELD_LABELS = {
    "q": "Search words", "filters": "Filters", "add_field": "Filter field",
    "add_op": "Filter condition", "add_value": "Filter value", "date": "Date",
    "version": "Version", "view": "View", "cols": "Columns", "size": "Records per page",
    "preset": "Collection", "after": "Page", "format": "File format", "email": "Email address",
    "query": "Search", "resource_ids": "Datasets", "slug": "Short link",
    "occurrenceID": "Record", "dataset": "Dataset", "resource": "Dataset",
    "username": "User name", "password": "Password", "display_name": "Your name",
    "current_password": "Current password", "new_password": "New password", "token": "Link",
}

# (heading, what to do next) by status: every error page ends with a next step.
NEXT_STEPS: dict[int, tuple[str, str]] = {
    400: ("Something needs changing",
          "Change the part named above and try again, or go back to the previous page."),
    403: ("This is not open to you",
          "It is not public. If you think you should see it, ask the dataset's publisher."),
    404: ("We could not find that",
          "Check the address for typing mistakes, or look for it from the search or the list "
          "of datasets: it may have moved, been removed or been made private."),
    405: ("That address cannot be used this way",
          "Open it as an ordinary link, or start again from the home page."),
    409: ("That clashes with something already happening",
          "Wait a moment and try again."),
    413: ("That is too large", "Send something smaller, or narrow the search."),
    429: ("Too many requests for now",
          "Wait for the time given above, then try again."),
    500: ("Something went wrong on our side",
          "This is a fault in the portal, not in what you did. Try again in a few minutes; if it "
          "keeps happening, tell the portal's operators what you were doing and when."),
    503: ("Not available just now",
          "This part of the portal is busy or still being prepared (for example, new records "
          "being indexed). Try again in a few minutes."),
}
DEFAULT_STEP = ("Sorry, that did not work", "Go back to the previous page and try again.")
# A form sent without its token, or with one from before signing in or out (see web/csrf.py).
FORM_EXPIRED_STEP = ("The form expired",
                     "Reload the page, then fill in and send the form again. Nothing was changed.")
SIGN_IN_PATH = "/user/login"

# Starlette's own errors (no such page, method not allowed), in the reader's words.
HTTP_MESSAGES = {
    404: "There is no page at this address.",
    405: "This address does not accept that kind of request.",
}


def field_label(field: str | None) -> str | None:
    """``field`` as its page or form names it: a form's own name or the API's JSON path
    (``query.resource_ids``: its last part); None for a field the reader has no name for."""
    if not field:
        return None
    return FIELD_LABELS.get(field) or FIELD_LABELS.get(field.rsplit(".", 1)[-1])


def error_response(
    templates: Jinja2Templates,
    request: Request,
    exc: ServiceError,
    *,
    as_json: bool = False,
) -> Response:
    """``exc`` as a page, or as JSON when ``as_json`` or the request asks for JSON (IIIF
    documents' errors are always JSON: viewers read them, not people)."""
    if as_json or wants_json(request) or request.url.path.startswith(IIIF_PREFIX):
        return JSONResponse({"error": {"message": exc.message, "field": exc.field}},
                            status_code=exc.status)
    if isinstance(exc, SignInRequired):  # a page sends the visitor to sign in, then back
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{SIGN_IN_PATH}?{urlencode({'next': here})}", status_code=303)
    return error_page(templates, request, exc.status, exc.message, field=exc.field)


def form_expired_response(templates: Jinja2Templates, request: Request, message: str
                          ) -> Response:
    """403 for a form without a valid token: the page says to reload it (nothing changed)."""
    if wants_json(request):
        return JSONResponse({"error": {"message": message, "field": None}}, status_code=403)
    return error_page(templates, request, 403, message, next_step=FORM_EXPIRED_STEP)


def error_page(
    templates: Jinja2Templates,
    request: Request,
    status: int,
    message: str,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
    next_step: tuple[str, str] | None = None,
) -> Response:
    """The HTML error page: what happened (the message, escaped as everything the page shows,
    after the field's label) and what to do next. The technical detail goes to the log."""
    log.info("error page %d for %s %s: field=%s: %s", status, request.method,
             request.url.path, field, message)
    heading, step = next_step or NEXT_STEPS.get(status, DEFAULT_STEP)
    label = field_label(field)
    context: dict[str, Any] = {"message": _sentence(message, capital=label is None),
                               "field": label, "heading": heading, "next_step": step}
    return templates.TemplateResponse(request, "error.html", context, status_code=status,
                                      headers=dict(headers) if headers else None)


def http_error_response(
    templates: Jinja2Templates, request: Request, status: int, message: str
) -> Response:
    """Starlette's own errors (no such page, method not allowed): JSON under /api/ and /iiif/
    or when asked for, the error page otherwise."""
    if wants_json(request) or request.url.path.startswith(("/api/", IIIF_PREFIX)):
        return JSONResponse({"error": {"message": message}}, status_code=status)
    return error_page(templates, request, status, HTTP_MESSAGES.get(status, message))


def _sentence(message: str, capital: bool) -> str:
    """``message`` as a sentence: a full stop, and a capital first letter when it starts one."""
    text = message.strip()
    if not text:
        return text
    if capital:
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?)" else text + "."
