"""A source image converted once into the form the IIIF server reads fast: a tiled, pyramidal
TIFF in 8-bit sRGB (or 8-bit greyscale), alpha kept, EXIF orientation applied.

The source streams through libvips (sequential access), so a 100-megapixel JPEG converts in a
few seconds in bounded memory. Only an image whose orientation turns it needs random access;
libvips then decodes it to a temporary file on disk, not to memory, when it is large."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyvips

from holotype.images.errors import ImageError
from holotype.images.probe import ImageInfo, open_image, probe, reason

TILE = 512
JPEG_QUALITY = 90
_BIGTIFF_BYTES = 1 << 31  # uncompressed size beyond which classic TIFF offsets may overflow
_COLOUR = frozenset({"srgb", "rgb", "rgb16", "scrgb", "cmyk", "lab", "labs", "lch", "xyz",
                     "yxy", "hsv", "cmc"})


def make_pyramid(src: Path, dst: Path, max_pixels: int) -> ImageInfo:
    """Convert ``src`` into the pyramidal TIFF ``dst`` (written under a temporary name in the
    same folder and renamed, so ``dst`` is whole or absent) and describe the result.
    ImageError for a file that cannot be converted; nothing is left behind then."""
    found = probe(src, max_pixels)
    image = open_image(src, sequential=found.orientation == 1)
    try:
        image = _normalised(image, found)
    except pyvips.Error as error:
        raise ImageError(f"{src.name}: cannot convert its colours "
                         f"({reason(error, src)}).") from error
    dst.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(handle)
    try:
        _save(image, Path(temporary))
        os.replace(temporary, dst)
    except pyvips.Error as error:
        raise ImageError(f"{src.name}: the image is truncated or corrupt "
                         f"({reason(error, src)}).") from error
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return ImageInfo(width=image.width, height=image.height, bands=image.bands, format="tiff",
                     interpretation=str(image.interpretation),
                     has_alpha=bool(image.hasalpha()))


def _normalised(image: pyvips.Image, found: ImageInfo) -> pyvips.Image:
    """8-bit sRGB or 8-bit greyscale, alpha kept, upright, without metadata."""
    if found.orientation != 1:
        image = image.autorot()
    interpretation = str(image.interpretation)
    grey = interpretation in ("b-w", "grey16") or (
        interpretation not in _COLOUR and image.bands - int(bool(image.hasalpha())) == 1)
    if interpretation == "cmyk" or found.has_icc_profile:
        # The embedded profile when there is one, libvips' default CMYK/sRGB otherwise.
        fallback = "cmyk" if interpretation == "cmyk" else "srgb"
        if grey and not found.has_icc_profile:
            image = image.colourspace("b-w")
        elif grey:
            image = image.icc_transform("srgb", embedded=True, input_profile="srgb",
                                        intent="relative").colourspace("b-w")
        else:
            image = image.icc_transform("srgb", embedded=True, input_profile=fallback,
                                        intent="relative")
    image = image.colourspace("b-w" if grey else "srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    return image.copy(interpretation="b-w" if grey else "srgb")


def _save(image: pyvips.Image, path: Path) -> None:
    alpha = bool(image.hasalpha())
    big = image.width * image.height * image.bands >= _BIGTIFF_BYTES
    # An image that fits in one tile is one page of strips: libvips refuses to read back a
    # tile more than four times the image's size (e.g. 512 px tiles on a 100 px image).
    tiled = image.width > TILE or image.height > TILE
    common = {"tile": tiled, "pyramid": tiled, "tile_width": TILE, "tile_height": TILE,
              "bigtiff": big, "keep": 0, "region_shrink": "mean"}
    if alpha:
        # JPEG-in-TIFF has no alpha: lossless deflate keeps transparency exact.
        image.tiffsave(str(path), compression="deflate", predictor="horizontal", **common)
    else:
        image.tiffsave(str(path), compression="jpeg", Q=JPEG_QUALITY, **common)
