"""The IIIF Image API 3.0 (level 2) over HTTP: ``/iiif/3/<media id>`` (303 to its
``info.json``), ``/iiif/3/<media id>/info.json`` and
``/iiif/3/<media id>/<region>/<size>/<rotation>/<quality>.<format>``.

What is answered is the service's (:mod:`holotype.services.iiif.images`); here are only the
headers the specification asks for: the JSON-LD media type with the context profile, ``Link``
headers (the compliance profile; the canonical form of an image request), and caching. CORS
for ``/iiif/`` comes from the portal's CORS layer; errors are JSON, status as the service says
(400 naming the parameter for a malformed request, 404 for an unknown or private medium).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from holotype.services.context import Portal
from holotype.services.iiif import images
from holotype.web.identity import cache_headers, identity_of
from holotype.web.pages.render import base_url

PREFIX = "/iiif/3"
INFO_TYPE = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
PROFILE_LINK = '<http://iiif.io/api/image/3/level2.json>;rel="profile"'
MAX_AGE = 3_600  # an image's pixels change only with its file; an hour bounds how long
# browsers and shared caches keep one after its dataset is made private


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _headers(request: Request) -> dict[str, str]:
    return cache_headers(request, MAX_AGE)


def create_router() -> APIRouter:
    router = APIRouter()

    @router.get(PREFIX + "/{media_id}", include_in_schema=False)
    def base(request: Request, media_id: str) -> Response:
        images.info(_portal(request), identity_of(request), media_id,
                    f"{base_url(request)}{PREFIX}/{media_id}")  # 404 before redirecting
        return RedirectResponse(f"{PREFIX}/{media_id}/info.json", status_code=303)

    @router.get(PREFIX + "/{media_id}/info.json", include_in_schema=False)
    def info(request: Request, media_id: str) -> Response:
        body = images.info(_portal(request), identity_of(request), media_id,
                           f"{base_url(request)}{PREFIX}/{media_id}")
        headers = {**_headers(request), "Link": PROFILE_LINK}
        return JSONResponse(body, media_type=INFO_TYPE, headers=headers)

    @router.get(PREFIX + "/{media_id}/{region}/{size}/{rotation}/{quality_format}",
                include_in_schema=False)
    def image(request: Request, media_id: str, region: str, size: str, rotation: str,
              quality_format: str) -> Response:
        answer = images.image(_portal(request), identity_of(request), media_id, region, size,
                              rotation, quality_format, request.headers.get("if-none-match", ""))
        canonical = f"{base_url(request)}{PREFIX}/{media_id}/{answer.canonical}"
        headers = {**_headers(request), "ETag": answer.etag,
                   "Link": f'<{canonical}>;rel="canonical",{PROFILE_LINK}'}
        if not answer.modified:
            return Response(status_code=304, headers=headers)
        return Response(answer.body, media_type=answer.media_type, headers=headers)

    return router
