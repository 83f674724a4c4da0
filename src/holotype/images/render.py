"""A IIIF image answer cut from a pyramidal TIFF (see :mod:`holotype.images.pyramid`): only the
pyramid level nearest above the asked resolution is read, only the tiles under the region are
decoded, so any request costs time and memory in proportion to the answer, never to the whole
image (the answer itself is bounded by maxWidth/maxHeight/maxArea)."""

from __future__ import annotations

import math
from pathlib import Path

import pyvips

from holotype.images.errors import ImageError
from holotype.images.probe import reason
from holotype.images.request import IIIFRequest

_ALPHA_FORMATS = frozenset({"png", "webp", "tif", "gif"})
_WHITE = 255.0


def render(pyramid: Path, request: IIIFRequest) -> bytes:
    """The encoded image ``request`` asks for, from the pyramidal TIFF ``pyramid``."""
    try:
        image = _scaled_region(pyramid, request)
        image = _turned(image, request)
        image = _in_quality(image, request.quality)
        return _encoded(image, request)
    except pyvips.Error as error:
        raise ImageError(f"{pyramid.name}: cannot render {request.canonical} "
                         f"({reason(error, pyramid)}).") from error


def _scaled_region(pyramid: Path, request: IIIFRequest) -> pyvips.Image:
    full = pyvips.Image.new_from_file(str(pyramid))
    shrink = min(request.w / request.width, request.h / request.height)
    pages = full.get("n-pages") if full.get_typeof("n-pages") else 1
    level = 0 if shrink < 2 else min(int(math.log2(shrink)), int(pages) - 1)
    image = full if level == 0 else pyvips.Image.new_from_file(str(pyramid), page=level)
    fx, fy = full.width / image.width, full.height / image.height
    left, top = math.floor(request.x / fx), math.floor(request.y / fy)
    right = min(image.width, max(left + 1, math.ceil((request.x + request.w) / fx)))
    bottom = min(image.height, max(top + 1, math.ceil((request.y + request.h) / fy)))
    image = image.crop(left, top, right - left, bottom - top)
    if (image.width, image.height) != (request.width, request.height):
        image = image.resize(request.width / image.width,
                             vscale=request.height / image.height)
        image = _exactly(image, request.width, request.height)
    return image


def _exactly(image: pyvips.Image, width: int, height: int) -> pyvips.Image:
    """``image`` at exactly ``width`` x ``height``: resizing may round a pixel either way."""
    if image.width > width or image.height > height:
        image = image.crop(0, 0, min(width, image.width), min(height, image.height))
    if image.width < width or image.height < height:
        image = image.embed(0, 0, width, height, extend="copy")
    return image


def _turned(image: pyvips.Image, request: IIIFRequest) -> pyvips.Image:
    if request.mirror:
        image = image.fliphor()
    degrees = request.rotation
    if degrees == 0:
        return image
    if degrees in (90, 180, 270):
        return image.rot(f"d{int(degrees)}")
    # Any other angle: the bounding box of the turned image, the corners transparent in the
    # formats that have transparency and white in the others (section 4.3).
    if request.format in _ALPHA_FORMATS and not image.hasalpha():
        image = image.bandjoin(255)
    background = [0.0] * image.bands if request.format in _ALPHA_FORMATS \
        else [_WHITE] * image.bands
    turned = image.rotate(degrees, background=background)
    return turned.cast("uchar") if turned.format != "uchar" else turned


def _in_quality(image: pyvips.Image, quality: str) -> pyvips.Image:
    grey = image.bands - int(bool(image.hasalpha())) == 1
    if quality == "color":
        return image if not grey else image.colourspace("srgb")
    if quality == "default":
        return image
    alpha = image[image.bands - 1] if image.hasalpha() else None
    value = image.colourspace("b-w")[0] if not grey else image[0]
    if quality == "bitonal":
        value = (value >= 128).ifthenelse(255, 0).cast("uchar")
    value = value.copy(interpretation="b-w")
    return value if alpha is None else value.bandjoin(alpha)


def _encoded(image: pyvips.Image, request: IIIFRequest) -> bytes:
    fmt = request.format
    if fmt == "jpg":
        if image.hasalpha():
            image = image.flatten(background=[_WHITE] * (image.bands - 1))
        return bytes(image.cast("uchar").jpegsave_buffer(Q=85, keep=0))
    if fmt == "png":
        if request.quality == "bitonal" and not image.hasalpha():
            return bytes(image.pngsave_buffer(compression=3, bitdepth=1, keep=0))
        return bytes(image.pngsave_buffer(compression=3, keep=0))
    if fmt == "webp":
        return bytes(image.webpsave_buffer(Q=85, keep=0))
    if fmt == "tif":
        return bytes(image.tiffsave_buffer(compression="deflate", keep=0))
    if fmt == "gif":
        return bytes(image.gifsave_buffer(keep=0))
    raise ImageError(f"{fmt}: not an image format this server writes.")
