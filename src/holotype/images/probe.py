"""What an image file is, read from its header alone: checked before any pixel is decoded so
that decompression bombs, empty, zero-size, unknown and unreadable files are refused cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyvips

from holotype.images.errors import ImageError

# Magic bytes -> (format name, libvips loader). Only these loaders ever see a file: no SVG,
# PDF or ImageMagick, whose parsers are far larger than an image server needs.
_MAGIC: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"\xff\xd8\xff", "jpeg", "jpegload"),
    (0, b"\x89PNG\r\n\x1a\n", "png", "pngload"),
    (0, b"GIF87a", "gif", "gifload"),
    (0, b"GIF89a", "gif", "gifload"),
    (0, b"II*\x00", "tiff", "tiffload"),
    (0, b"MM\x00*", "tiff", "tiffload"),
    (0, b"II+\x00", "tiff", "tiffload"),
    (0, b"MM\x00+", "tiff", "tiffload"),
)
_HEIF_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"heim", b"heis")

# Orientations 5-8 turn the image a quarter: width and height swap once applied.
_SWAPS = frozenset({5, 6, 7, 8})


@dataclass(frozen=True)
class ImageInfo:
    """An image as it will be shown: ``width`` and ``height`` after its EXIF ``orientation``
    is applied; ``bands`` counts alpha; ``format`` is ``jpeg``, ``png``, ``gif``, ``tiff``,
    ``webp`` or ``heif``; ``interpretation`` is libvips' (``srgb``, ``b-w``, ``cmyk``,
    ``rgb16``, ``grey16``, ...)."""

    width: int
    height: int
    bands: int
    format: str
    interpretation: str = "srgb"
    has_alpha: bool = False
    orientation: int = 1
    has_icc_profile: bool = False

    @property
    def pixels(self) -> int:
        return self.width * self.height


def sniff(path: Path) -> tuple[str, str]:
    """The format and loader of ``path`` from its first bytes; ImageError when it is none
    Holotype reads."""
    try:
        with path.open("rb") as handle:
            head = handle.read(32)
    except OSError as error:
        raise ImageError(f"{path.name}: cannot be read ({error.strerror or error}).") from error
    if not head:
        raise ImageError(f"{path.name}: the file is empty.")
    for offset, magic, name, loader in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return name, loader
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "webpload"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heif", "heifload"
    raise ImageError(f"{path.name}: not an image in a supported format "
                     "(JPEG, PNG, GIF, TIFF, WebP or HEIF/AVIF).")


def open_image(path: Path, *, sequential: bool = True) -> pyvips.Image:
    """``path`` opened lazily with the loader its bytes call for, failing on any decoding
    error (a truncated or corrupt file raises instead of giving grey pixels)."""
    _, loader = sniff(path)
    access = "sequential" if sequential else "random"
    try:
        return pyvips.Operation.call(loader, str(path), access=access, fail_on="error")
    except pyvips.Error as error:
        raise ImageError(f"{path.name}: not a readable image ({reason(error, path)}).") from error


def reason(error: pyvips.Error, path: Path | None = None) -> str:
    """libvips' own words for a failure (its last line), without the file's folder."""
    lines = (error.detail or "").strip().splitlines()
    text = lines[-1].strip() if lines else "its header is invalid"
    if path is not None:
        text = text.replace(str(path), path.name)
    return text[:300]


def probe(path: Path, max_pixels: int) -> ImageInfo:
    """The header of ``path`` checked: a supported format, a non-zero size, no more than
    ``max_pixels`` pixels. No pixels are decoded; ImageError says what is wrong."""
    name, _ = sniff(path)
    image = open_image(path)
    width, height = image.width, image.height
    if width <= 0 or height <= 0:
        raise ImageError(f"{path.name}: the image has no pixels ({width} x {height}).")
    if width * height > max_pixels:
        raise ImageError(f"{path.name}: {width} x {height} pixels is more than the "
                         f"{max_pixels:,} allowed (a decompression bomb?).")
    orientation = _int_field(image, "orientation", 1)
    if orientation in _SWAPS:
        width, height = height, width
    return ImageInfo(width=width, height=height, bands=image.bands, format=name,
                     interpretation=str(image.interpretation), has_alpha=bool(image.hasalpha()),
                     orientation=orientation if 1 <= orientation <= 8 else 1,
                     has_icc_profile=image.get_typeof("icc-profile-data") != 0)


def _int_field(image: pyvips.Image, name: str, default: int) -> int:
    if image.get_typeof(name) == 0:
        return default
    value = image.get(name)
    return value if isinstance(value, int) else default
