"""Map tiles and the records under a click: ``/map/{z}/{x}/{y}.mvt``,
``/map/{style}/{z}/{x}/{y}.png`` (and ``@2x``), ``/map/legend.json``, ``/map/records.json``.

Every answer reads the search a short link (``key``) names at ``version`` through the maps
service. Tiles carry an ``ETag`` (what they show: query, resource versions, tile) and answer 304
to a matching ``If-None-Match``; a tile at a given version never changes, so it may be kept for a
year. Bad parameters answer 400 as JSON naming the parameter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from holotype.errors import Invalid, ServiceError
from holotype.services import maps
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from holotype.web.identity import identity_of
from holotype.web.pages.records import record_url
from holotype.web.pages.search_url import SearchState

LATEST_MAX_AGE = 300  # seconds a tile of the latest data may be kept
VERSIONED_MAX_AGE = 86_400  # a tile at a past version never changes; a day bounds how long
# shared caches keep it after its dataset is made private
SETTLED_MS = 10_000  # a version this long past: no commit can still land before it


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _error(exc: ServiceError) -> Response:
    return JSONResponse({"error": {"message": exc.message, "field": exc.field}},
                        status_code=exc.status)


def _guarded(answer: Callable[[], Response]) -> Response:
    """``answer()``, or its error as JSON (tiles and map data are read by scripts, not people)."""
    try:
        return answer()
    except ServiceError as exc:
        return _error(exc)


def _cache_control(request: Request, version: int | None) -> str:
    """A tile of a version in the past never changes; the latest data (and a version still to
    come, which is the latest data until then) may change at the next ingest."""
    scope = "public" if identity_of(request) == ANONYMOUS else "private"
    settled = time.time() * 1000 - SETTLED_MS
    if version is not None and version < settled:
        return f"{scope}, max-age={VERSIONED_MAX_AGE}, immutable"
    return f"{scope}, max-age={LATEST_MAX_AGE}"


def _tile_response(request: Request, z: str, x: str, y: str, fmt: str, style: str | None,
                   scale: int) -> Response:
    params = request.query_params
    version = maps.version_of(params.get("version"))
    answer = maps.tile(
        _portal(request), identity_of(request), params.get("key"), version,
        maps.whole_number(z, "z", 0, 1 << 30), maps.whole_number(x, "x", 0, 1 << 62),
        maps.whole_number(y, "y", 0, 1 << 62), fmt, style, scale,
        maps.pins_of(params.get("pins")),
    )
    headers = {"ETag": answer.etag, "Cache-Control": _cache_control(request, version),
               "Vary": "Cookie, Authorization"}  # what is drawn depends on who asks
    wanted = request.headers.get("if-none-match", "")
    if answer.etag in (tag.strip() for tag in wanted.split(",")) or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


def search_url(answer: maps.BoxAnswer) -> str:
    """The search page narrowed to the box."""
    state = SearchState(
        preset="everything" if answer.resource_ids is None else None,
        resource_ids=answer.resource_ids, q=str(answer.query.get("search", "")),
        filters=answer.query.get("filters"), version=answer.version,
    )
    return state.url()


def create_router() -> APIRouter:
    router = APIRouter()

    @router.get("/map/{z}/{x}/{y}.mvt", include_in_schema=False)
    def vector_tile(request: Request, z: str, x: str, y: str) -> Response:
        return _guarded(lambda: _tile_response(request, z, x, y, "mvt", None, 1))

    @router.get("/map/{style}/{z}/{x}/{y}.png", include_in_schema=False)
    def raster_tile(request: Request, style: str, z: str, x: str, y: str) -> Response:
        row, _, suffix = y.partition("@")
        if suffix not in ("", "2x"):
            return _error(Invalid(f"a tile is y.png or y@2x.png, not {y}.png", field="scale"))
        scale = 2 if suffix else 1
        return _guarded(lambda: _tile_response(request, z, x, row, "png", style, scale))

    @router.get("/map/legend.json", include_in_schema=False)
    def legend_json(request: Request) -> Response:
        def answer() -> Response:
            params = request.query_params
            body = maps.legend(
                _portal(request), identity_of(request), params.get("key"),
                maps.version_of(params.get("version")), params.get("style"),
                maps.whole_number(params.get("z"), "z", 0, 1 << 30),
                maps.pins_of(params.get("pins")),
            )
            return JSONResponse(body)

        return _guarded(answer)

    @router.get("/map/records.json", include_in_schema=False)
    def records_json(request: Request) -> Response:
        def answer() -> Response:
            params = request.query_params
            found = maps.records_in(
                _portal(request), identity_of(request), params.get("key"),
                maps.version_of(params.get("version")), maps.bbox_of(params.get("bbox")),
                pins=maps.pins_of(params.get("pins")),
            )
            body: dict[str, Any] = {
                "count": found.count,
                "records": [
                    {"resource": r.resource, "id": r.id, "title": r.title,
                     "url": record_url(r.resource, r.id, found.version)}
                    for r in found.records
                ],
                "search_url": search_url(found),
            }
            return JSONResponse(body)

        return _guarded(answer)

    return router
