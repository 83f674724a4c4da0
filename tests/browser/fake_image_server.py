"""TEST-ONLY STAND-IN for the IIIF Image API (``/iiif/3/...``), which the image lane builds.

The viewer tests need ``info.json`` and images to zoom into; until the portal's own image
server is wired in, this ASGI wrapper answers ``/iiif/3/<id>/info.json`` and
``/iiif/3/<id>/<region>/<size>/0/default.jpg`` (regions ``full`` and ``x,y,w,h``; sizes
``max``, ``w,``, ``w,h`` and ``!w,h``) from a synthetic 4000 x 3200 picture drawn with pyvips
(a drawer with dark specimens at the test site's hotspots, scaled from the manifest's
1000-pixel-wide canvas, as no image size is known to the portal yet), and passes everything
else to the portal. Replace it with the real image server once ``/iiif/3`` exists (the tests
then need real stored files for the fixture's media ids).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import pyvips
from starlette.types import ASGIApp, Receive, Scope, Send

WIDTH, HEIGHT = 4000, 3200
SCALE = 4  # the image's pixels per canvas pixel (the canvas is 1000 wide by default)
_IMAGE = re.compile(r"^/iiif/3/([0-9a-f]{32})/(info\.json|([^/]+)/([^/]+)/0/default\.jpg)$")


@functools.cache
def _picture(media_id: str) -> Any:
    shade = int(media_id[:2], 16)
    background = [235, 225 - shade % 40, 200]
    image = pyvips.Image.black(WIDTH, HEIGHT, bands=3).linear([1, 1, 1], background)
    for x, y, w, h in ((100, 200, 300, 400), (500, 600, 70, 80)):  # the fixture's hotspots
        image = image.draw_rect([60, 40 + shade % 120, 30], x * SCALE, y * SCALE, w * SCALE,
                                h * SCALE, fill=True)
    return image.cast("uchar").copy_memory()


def _render(media_id: str, region: str, size: str) -> bytes:
    image = _picture(media_id)
    if region != "full":
        x, y, w, h = (int(n) for n in region.split(","))
        w, h = min(w, WIDTH - x), min(h, HEIGHT - y)
        image = image.crop(x, y, w, h)
    if size != "max":
        fit = size.startswith("!")
        wanted_w, _, wanted_h = size.lstrip("!").partition(",")
        scales = [int(wanted_w) / image.width] if wanted_w else []
        scales += [int(wanted_h) / image.height] if wanted_h else []
        scale = min(scales) if fit else scales[0]
        image = image.resize(scale)
    data: bytes = image.jpegsave_buffer(Q=80)
    return data


class FakeImageServer:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _IMAGE.match(scope.get("path", "")) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        media_id = found.group(1)
        if found.group(2) == "info.json":
            host = dict(scope["headers"]).get(b"host", b"").decode()
            body = json.dumps({
                "@context": "http://iiif.io/api/image/3/context.json",
                "id": f"http://{host}/iiif/3/{media_id}", "type": "ImageService3",
                "protocol": "http://iiif.io/api/image", "profile": "level1",
                "width": WIDTH, "height": HEIGHT,
                "tiles": [{"width": 256, "scaleFactors": [1, 2, 4, 8, 16]}],
            }).encode()
            kind = b"application/json"
        else:
            body, kind = _render(media_id, found.group(3), found.group(4)), b"image/jpeg"
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", kind), (b"access-control-allow-origin", b"*")]})
        await send({"type": "http.response.body", "body": body})
