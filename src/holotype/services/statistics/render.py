"""A figure's chart drawn on the server, as PNG or SVG, to paste into a report or embed.

vl-convert draws the same Vega-Lite spec the page draws (its data inline, no address fetched:
``allowed_base_urls=[]``). Drawing starts a JavaScript runtime and takes a while, so each
image is kept under ``<data_dir>/stats/images``, named by a hash of what it draws (the spec,
the format and the renderer): a new version's figure has new data, so a new name, and an old
image is never served. The folder is kept under :data:`MAX_BYTES`, oldest first.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import TYPE_CHECKING, Any, Literal

import vl_convert

from holotype.services import disk_cache
from holotype.services.statistics.charts import VEGA_LITE

if TYPE_CHECKING:
    from holotype.services.context import Portal

ImageFormat = Literal["png", "svg"]
FORMAT = 1  # bump when the drawing changes, so old images are not served
SCALE = 2  # PNG pixels per CSS pixel: sharp when printed or on a dense screen
MAX_BYTES = 256 * 1024 * 1024
_DRAWING = threading.Lock()  # one drawing at a time: the runtime is shared


def image(portal: Portal, spec: dict[str, Any], fmt: ImageFormat) -> bytes:
    """``spec`` drawn as ``fmt``, from the folder when it was drawn before."""
    key = hashlib.sha256(json.dumps([FORMAT, VEGA_LITE, SCALE, fmt, spec], sort_keys=True,
                                    default=str).encode()).hexdigest()[:40]
    folder = portal.settings.data_dir / "stats" / "images"
    path = folder / key[:2] / f"{key}.{fmt}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    with _DRAWING:
        if fmt == "svg":
            body = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE,
                                              allowed_base_urls=[]).encode()
        else:
            body = vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE, scale=SCALE,
                                              allowed_base_urls=[])
    disk_cache.write_whole(path, body)
    disk_cache.prune(folder.glob("*/*.*"), MAX_BYTES, keep=path)
    return body
