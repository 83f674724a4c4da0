"""The portal's icon, at /favicon.svg and at /favicon.ico, which browsers ask for by default.

Both answer the same SVG drawing (static/favicon.svg); browsers read an icon by its content
type, so /favicon.ico needs no second, bitmap copy. Without it every first visit would log a
failed request in the browser's console.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

ICON = Path(__file__).parent / "static" / "favicon.svg"
CACHE = "public, max-age=86400"


def create_favicon_router() -> APIRouter:
    router = APIRouter()

    @router.get("/favicon.svg", include_in_schema=False)
    @router.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(ICON, media_type="image/svg+xml", headers={"Cache-Control": CACHE})

    return router
