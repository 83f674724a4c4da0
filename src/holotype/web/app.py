"""The HTTP application: pages and their JSON twins, built on the services.

``create_app(settings)`` builds everything; nothing is opened at import time.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from holotype.config import Settings
from holotype.errors import ServiceError
from holotype.services.accounts.forms import EXPIRED
from holotype.services.citations import doi_sync
from holotype.services.citations.dois import minting
from holotype.services.context import Portal
from holotype.services.drafts import worker as draft_worker
from holotype.services.iiif import converter
from holotype.services.indexing import Indexer
from holotype.services.upload_sweep import Sweeper
from holotype.web.api import ckan_error, create_router
from holotype.web.cors import CrossOrigin
from holotype.web.csrf import CsrfCheck
from holotype.web.downloads import create_download_router
from holotype.web.errors import (
    error_page,
    error_response,
    form_expired_response,
    http_error_response,
)
from holotype.web.favicon import create_favicon_router
from holotype.web.head import HeadAsGet
from holotype.web.openapi import openapi_document
from holotype.web.pages import create_pages_router, create_tiles_router
from holotype.web.ratelimit import RateLimit, RateLimiter, is_download_request
from holotype.web.security import SECURITY_HEADERS, SecurityHeaders
from holotype.web.sessions import IdentityMiddleware
from holotype.web.tus import API_MOUNT, BROWSER_MOUNT, PATHS, create_tus_app

HERE = Path(__file__).parent


def create_app(settings: Settings) -> FastAPI:
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["site_name"] = settings.site_name
    templates.env.globals["doi_minting"] = minting(settings)
    templates.env.globals["map_config"] = {"tile_url": settings.map_tile_url,
                                           "attribution": settings.map_attribution}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.portal = Portal.open(settings)
        templates.env.globals["field_labels"] = app.state.portal.field_labels
        indexer = Indexer(app.state.portal).start()
        doi_sender = doi_sync.start_in_process(app.state.portal)  # None without DOIs
        converters = converter.start_in_process(app.state.portal)  # None: image_workers = 0
        sweeper = Sweeper(app.state.portal).start()  # abandoned uploads, now and periodically
        draft_readers = draft_worker.start_in_process(app.state.portal)  # None: 0 workers
        try:
            yield
        finally:
            sweeper.stop()
            if draft_readers is not None:
                draft_readers.stop(timeout=30)
            if converters is not None:
                converters.stop(timeout=30)
            if doi_sender is not None:
                doi_sender.stop()
            indexer.close()
            app.state.portal.close()

    app = FastAPI(
        title=settings.site_name, lifespan=lifespan, docs_url=None, redoc_url=None,
        openapi_url=None,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(create_tiles_router())
    app.include_router(create_router())
    app.include_router(create_favicon_router())
    app.include_router(create_download_router(templates, settings))
    app.include_router(create_pages_router(templates))
    uploads = create_tus_app(settings, lambda: app.state.portal)  # resumable uploads (tus)
    app.mount(BROWSER_MOUNT, uploads)
    app.mount(API_MOUNT, uploads)
    if settings.rate_limit_per_minute:
        app.add_middleware(RateLimit, limiter=RateLimiter(settings.rate_limit_per_minute))
    if settings.download_requests_per_hour:

        def busy_page(request: Request, message: str, headers: dict[str, str]) -> Response:
            seconds = headers.get("Retry-After", "")
            return error_page(templates, request, 429,
                              "you have asked for many downloads in a short time; please wait "
                              f"{seconds} seconds before asking for another", headers=headers)

        app.add_middleware(RateLimit,
                           limiter=RateLimiter(settings.download_requests_per_hour, window=3600.0),
                           applies=is_download_request, what="download requests", page=busy_page)

    @app.get("/api/openapi.json", include_in_schema=False)
    async def openapi() -> JSONResponse:
        return JSONResponse(openapi_document(settings.site_name))

    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    async def api_docs(request: Request) -> Response:
        available = (HERE / "static" / "vendor" / "swagger-ui" / "swagger-ui-bundle.js").exists()
        return templates.TemplateResponse(request, "api_docs.html", {"available": available})

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        return error_response(templates, request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "This page does not exist." if exc.status_code == 404 else str(exc.detail)
        return http_error_response(templates, request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # The traceback goes to the log (Starlette logs it after this answer); the visitor
        # gets the error page, never the exception.
        # Starlette answers this outside every middleware: the security headers are added
        # here, so a 500 carries them like any other answer.
        response = http_error_response(templates, request, 500,
                                       "something went wrong on the portal while answering")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    # Which server process answers (``holotype serve --workers N`` runs several): a random
    # name made when the app is, so it tells nothing about the host (not even the pid).
    process = secrets.token_hex(4)

    @app.get("/healthz", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok", "process": process}

    def identity_error(request: Request, exc: ServiceError) -> Response:
        if request.url.path.startswith("/api/"):
            return ckan_error(request, exc)
        return error_response(templates, request, exc)

    # Outside the routes and rate limits, inside what follows: who is asking is known before
    # any route runs, and forms without their token are refused before anything is done.
    app.add_middleware(CsrfCheck,
                       refuse=lambda request: form_expired_response(templates, request, EXPIRED))
    app.add_middleware(IdentityMiddleware, answer=identity_error)

    # Added last, so they wrap the rate limits: outermost first, the client is found (its
    # peer, or the client a trusted proxy names), then every answer, a 429 or a preflight
    # included, gets its security and CORS headers, and a HEAD is answered as a GET.
    app.add_middleware(HeadAsGet, exempt=PATHS)  # tus answers its own HEAD
    app.add_middleware(CrossOrigin, origins=settings.cors_origins)
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app
