"""A test-only IIIF Image API server wired straight to holotype.images, so the official
validator can be run against the library over HTTP. The portal's real routes live in the web
layer; this app has only what the validator's level-2 tests need: info.json, images, the base
URI redirect, CORS, Link headers and 404 for unknown identifiers."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from holotype.images import IIIFError, ImageInfo, info_json, parse_request, render

PREFIX = "/iiif/3"
MAX_WIDTH = 4000
MAX_AREA = 16_000_000
PROFILE_LINK = '<http://iiif.io/api/image/3/level2.json>;rel="profile"'
CORS = {"Access-Control-Allow-Origin": "*"}


def iiif_app(pyramids: dict[str, tuple[Path, ImageInfo]]) -> Starlette:
    """An app serving each ``{identifier: (pyramid, info)}`` under ``/iiif/3/``."""

    def found(request: Request) -> tuple[str, Path, ImageInfo] | None:
        identifier = request.path_params["identifier"]
        if identifier not in pyramids:
            return None
        path, info = pyramids[identifier]
        return identifier, path, info

    def base(request: Request, identifier: str) -> str:
        return f"{request.url.scheme}://{request.url.netloc}{PREFIX}/{identifier}"

    async def info(request: Request) -> Response:
        hit = found(request)
        if hit is None:
            return PlainTextResponse("unknown image", status_code=404, headers=CORS)
        identifier, _, image = hit
        body = info_json(base(request, identifier), image.width, image.height, MAX_WIDTH,
                         MAX_AREA, color=image.bands - int(image.has_alpha) > 1,
                         extra_features=["canonicalLinkHeader", "profileLinkHeader"])
        return JSONResponse(body, headers=CORS, media_type=(
            'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'))

    async def redirect(request: Request) -> Response:
        if found(request) is None:
            return PlainTextResponse("unknown image", status_code=404, headers=CORS)
        return RedirectResponse(f"{request.url.path}/info.json", status_code=303,
                                headers=CORS)

    async def image(request: Request) -> Response:
        hit = found(request)
        if hit is None:
            return PlainTextResponse("unknown image", status_code=404, headers=CORS)
        identifier, path, picture = hit
        params = request.path_params
        try:
            asked = parse_request(params["region"], params["size"], params["rotation"],
                                  params["quality_format"], picture.width, picture.height,
                                  MAX_WIDTH, MAX_AREA)
        except IIIFError as error:
            return PlainTextResponse(f"{error.parameter}: {error.message}",
                                     status_code=error.status, headers=CORS)
        links = f'<{base(request, identifier)}/{asked.canonical}>;rel="canonical",{PROFILE_LINK}'
        return Response(render(path, asked), media_type=asked.media_type,
                        headers={**CORS, "Link": links})

    return Starlette(routes=[
        Route(PREFIX + "/{identifier}/info.json", info),
        Route(PREFIX + "/{identifier}", redirect),
        Route(PREFIX + "/{identifier}/{region}/{size}/{rotation}/{quality_format}", image),
    ])
