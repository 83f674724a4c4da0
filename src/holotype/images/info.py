"""The IIIF Image API 3.0 image information document (``info.json``) of one image: its size,
the server's limits, the tiles and sizes the pyramid serves fastest, and the features beyond
level 2 that :mod:`holotype.images.request` and :mod:`holotype.images.render` implement."""

from __future__ import annotations

import math
from typing import Any

from holotype.images.pyramid import TILE

CONTEXT = "http://iiif.io/api/image/3/context.json"
PROTOCOL = "http://iiif.io/api/image"
PROFILE = "level2"
# Formats and features beyond those level 2 requires (compliance sections 3.3 and 3.5).
EXTRA_FORMATS = ["webp", "tif", "gif"]
EXTRA_FEATURES = ["mirroring", "rotationArbitrary", "sizeUpscaling"]


def info_json(base_id_url: str, width: int, height: int, max_width: int, max_area: int,
              tile_width: int = TILE, *, max_height: int | None = None, color: bool = True,
              extra_features: list[str] | None = None) -> dict[str, Any]:
    """The info.json of the image served at ``base_id_url`` (no trailing slash). ``color``
    False for a greyscale image (then ``color`` is not listed among its qualities, as the
    specification asks); ``extra_features`` adds what the HTTP layer does (e.g.
    ``canonicalLinkHeader``, ``profileLinkHeader``)."""
    limit_h = max_height if max_height is not None else max_width
    factors = scale_factors(width, height, tile_width)
    info: dict[str, Any] = {
        "@context": CONTEXT,
        "id": base_id_url.rstrip("/"),
        "type": "ImageService3",
        "protocol": PROTOCOL,
        "profile": PROFILE,
        "width": width,
        "height": height,
        "maxWidth": max_width,
    }
    if max_height is not None:
        info["maxHeight"] = max_height
    info["maxArea"] = max_area
    info["sizes"] = [
        {"type": "Size", "width": w, "height": h}
        for w, h in sorted({(math.ceil(width / f), math.ceil(height / f)) for f in factors})
        if w <= max_width and h <= limit_h and w * h <= max_area]
    info["tiles"] = [{"type": "Tile", "width": tile_width, "height": tile_width,
                      "scaleFactors": factors}]
    info["extraQualities"] = ["color", "gray", "bitonal"] if color else ["gray", "bitonal"]
    info["extraFormats"] = list(EXTRA_FORMATS)
    info["extraFeatures"] = EXTRA_FEATURES + [
        feature for feature in extra_features or [] if feature not in EXTRA_FEATURES]
    return info


def scale_factors(width: int, height: int, tile_width: int = TILE) -> list[int]:
    """Powers of two from 1 until the whole image fits in one tile, as the pyramid's levels."""
    factors = [1]
    while math.ceil(max(width, height) / factors[-1]) > tile_width:
        factors.append(factors[-1] * 2)
    return factors
