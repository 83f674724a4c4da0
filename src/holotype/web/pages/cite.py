"""Citations on landing pages: content negotiation, downloads and the Cite menu.

A landing URL (a dataset's page, a record's, a query citation's) answers its citation in a
format when asked, as doi.org does: by ``Accept`` (``application/x-bibtex``,
``application/x-research-info-systems``, ``application/vnd.citationstyles.csl+json``,
``text/x-bibliography`` with an optional ``style=apa|harvard``), or by ``?cite=<format>``,
which answers a file to save (the Cite menu's download links). Any other ``Accept`` falls
through to the page or its JSON twin, as before; every answer varies on ``Accept``.

Each landing page builds one CSL-JSON item (``services.citations.items``) and hands it to
``negotiated`` and ``cite_context`` (the ``_cite.html`` partial's context).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from holotype.services.citations.formats import (
    DEFAULT,
    FORMATS,
    content_type,
    download_name,
    format_for,
    format_named,
    render,
)

CITE_PARAM = "cite"


def _parameters(parts: list[str]) -> dict[str, str]:
    values = {}
    for part in parts:
        key, _, value = part.partition("=")
        values[key.strip().lower()] = value.strip().strip('"')
    return values


def accepted_format(accept: str) -> str | None:
    """The citation format an ``Accept`` header prefers, or None when it prefers something
    else (a type it names outright with a higher quality) or names no citation format."""
    best, best_q, other_q = None, 0.0, 0.0
    for media_range in accept.split(","):
        media_type, *parts = media_range.split(";")
        params = _parameters(parts)
        try:
            q = float(params.pop("q", "1"))
        except ValueError:
            q = 0.0
        if q <= 0:
            continue
        found = format_for(media_type, params)
        if found is not None and q > best_q:
            best, best_q = found, q
        elif found is None and "*" not in media_type:
            other_q = max(other_q, q)
    return best if best is not None and best_q >= other_q else None


def wanted_format(request: Request) -> str | None:
    """The format ``?cite=`` names (Invalid at ``cite`` when unknown), else the one ``Accept``
    asks for, else None (the ordinary page)."""
    name = request.query_params.get(CITE_PARAM)
    if name is not None:
        return format_named(name).name
    return accepted_format(request.headers.get("accept", ""))


def negotiated(request: Request, item: dict[str, Any]) -> Response | None:
    """The citation ``item`` in the format the request asks for, or None to answer the page."""
    fmt = wanted_format(request)
    if fmt is None:
        return None
    headers = {"Vary": "Accept"}
    if CITE_PARAM in request.query_params and FORMATS[fmt].extension:
        headers["Content-Disposition"] = f'attachment; filename="{download_name(item, fmt)}"'
    return Response(render(item, fmt), headers=headers, media_type=content_type(fmt))


def _link(request: Request, fmt: str) -> str:
    """This page's address (raw path, other parameters kept) with ``cite=<fmt>``."""
    path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    params = [(k, v) for k, v in request.query_params.multi_items() if k != CITE_PARAM]
    return path + "?" + urlencode([*params, (CITE_PARAM, fmt)])


def cite_context(request: Request, item: dict[str, Any]) -> dict[str, Any]:
    """What ``_cite.html`` shows: the default (APA) text and every format with its text and,
    for the file formats, a download link and file name."""
    formats = [
        {"name": f.name, "label": f.label, "text": render(item, f.name),
         "download": _link(request, f.name) if f.extension else None,
         "filename": download_name(item, f.name) if f.extension else None,
         "extension": f.extension}
        for f in FORMATS.values()
    ]
    return {"default": next(f for f in formats if f["name"] == DEFAULT), "formats": formats}
