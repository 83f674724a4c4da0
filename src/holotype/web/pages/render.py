"""Pages and their JSON twins: one handler answers HTML or JSON from the same data.

A request wants JSON when its path ends in ``.json`` or it accepts ``application/json`` and not
``text/html``. Templates autoescape everything; no page marks a user's value as safe.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment
from markupsafe import Markup, escape

from holotype.web.markdown import markdown_html, markdown_text

JSON_SUFFIX = ".json"


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.endswith(JSON_SUFFIX) or (
        "application/json" in accept and "text/html" not in accept
    )


def base_url(request: Request) -> str:
    """The portal's address for links meant to last (citations, API examples): the
    ``public_base_url`` setting when set, else the address this request came to."""
    configured = str(getattr(request.app.state.portal.settings, "public_base_url", "") or "")
    return configured.rstrip("/") or str(request.base_url).rstrip("/")


def split_json(name: str) -> tuple[str, bool]:
    """``("x", True)`` for ``"x.json"``: the last path segment without its JSON suffix."""
    if name.endswith(JSON_SUFFIX) and len(name) > len(JSON_SUFFIX):
        return name[: -len(JSON_SUFFIX)], True
    return name, False


def render(
    request: Request,
    templates: Jinja2Templates,
    template: str,
    context: dict[str, Any],
    data: dict[str, Any],
    *,
    status: int = 200,
    as_json: bool | None = None,
) -> Response:
    """The page's JSON twin (``data``) or its HTML (``context`` plus ``data``)."""
    if as_json if as_json is not None else wants_json(request):
        return JSONResponse(data, status_code=status, headers={"Vary": "Accept"})
    return templates.TemplateResponse(
        request, template, {**data, **context}, status_code=status, headers={"Vary": "Accept"}
    )


def when(ms: int | None) -> str:
    """A version (milliseconds) as a UTC date and time, as text (JSON twins, fallbacks)."""
    return "" if ms is None else utc_text(datetime.fromtimestamp(ms / 1000, UTC))


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def time_element(moment: datetime, text: str, hint: str) -> Markup:
    """``<time>`` holding a moment: the UTC ``text`` until static/local-time.js rewrites it in
    the reader's time zone; ``hint`` (the hover) keeps the exact value."""
    iso = moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return Markup('<time class="local" datetime="{}" title="{}">{}</time>').format(
        iso, hint, text)


def version_time(ms: int | None) -> Markup:
    """A version as a ``<time>`` (the ``when`` filter of the templates); the hover says the
    exact version, which links (``version=<ms>``) and JSON twins carry."""
    if ms is None:
        return Markup("")
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return time_element(moment, when(ms), f"version {ms} ({when(ms)})")


def iso_time(iso: str | None) -> Markup:
    """An ISO 8601 moment (a download's times) as a ``<time>``, read as UTC when it has no
    offset; the text itself when it is not a moment."""
    if not iso:
        return Markup("")
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return escape(iso)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return time_element(moment, utc_text(moment), utc_text(moment))


def day(ms: int | None) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def install(env: Environment) -> None:
    """Filters the templates use (the pages', and the download and error pages they share
    the environment with)."""
    env.filters["when"] = version_time
    env.filters["iso_time"] = iso_time
    env.filters["day"] = day
    env.filters["compact_json"] = compact_json
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["markdown"] = markdown_html  # a description, rendered safely
    env.filters["markdown_text"] = markdown_text  # the same as plain words, for listings
