"""Demo images: a drawn specimen label for ``/media/demo/<name>.svg``.

The demo records' ``associatedMedia`` point here, so galleries and record pages have images
without the internet. The drawing depends only on the name.
"""

from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import escape

from fastapi import APIRouter
from fastapi.responses import Response

from holotype.errors import NotFound

NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PALETTE = ("#2f6b3f", "#7a4b1e", "#1f4e79", "#6b2f5e", "#8a6d1a", "#3d5a5a")


def demo_svg(name: str) -> str:
    digest = hashlib.sha256(name.encode()).digest()
    colour = PALETTE[digest[0] % len(PALETTE)]
    shapes = []
    for i in range(5):
        x, y = 60 + digest[i + 1] % 280, 50 + digest[i + 6] % 170
        rx, ry = 20 + digest[i + 11] % 60, 10 + digest[i + 16] % 40
        shapes.append(f'<ellipse cx="{x}" cy="{y}" rx="{rx}" ry="{ry}" fill="{colour}" '
                      f'fill-opacity="{0.25 + (digest[i + 21] % 50) / 100:.2f}"/>')
    label = escape(name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300" '
        f'role="img" aria-label="Specimen image {label}">'
        '<rect width="400" height="300" fill="#f4f1e8"/>' + "".join(shapes) +
        '<rect x="230" y="235" width="160" height="55" fill="#fff" stroke="#333"/>'
        f'<text x="240" y="258" font-family="sans-serif" font-size="13" fill="#111">{label}</text>'
        '<text x="240" y="278" font-family="sans-serif" font-size="11" fill="#333">'
        'Holotype demo image</text></svg>'
    )


def create_router() -> APIRouter:
    router = APIRouter()

    @router.get("/media/demo/{name}.svg", include_in_schema=False)
    def demo_image(name: str) -> Response:
        if not NAME.match(name):
            raise NotFound("there is no such image", field="name")
        return Response(demo_svg(name), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})

    return router
