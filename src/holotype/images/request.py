"""A IIIF Image API 3.0 request (``{region}/{size}/{rotation}/{quality}.{format}``) checked
against one image and the server's limits, and resolved to pixels: what to cut, what size to
make it, how to turn it, in what quality and format. Every rule of the specification's
sections 4.1-4.8; every refusal is an :class:`IIIFError` naming the parameter at fault."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from holotype.images.errors import IIIFError

QUALITIES = ("default", "color", "gray", "bitonal")
FORMATS = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp",
           "tif": "image/tiff", "gif": "image/gif"}
_INT = re.compile(r"[0-9]+")
# Floating point values "MUST consist only of decimal digits and '.'" (section 4.7).
_FLOAT = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
_LARGEST = 1e12  # no number in a request may exceed this: pixels, percentages or degrees


@dataclass(frozen=True)
class IIIFRequest:
    """A request resolved to pixels of the full image. ``x, y, w, h`` is the region (already
    cut to the image); ``width`` x ``height`` the scaled size before rotation; ``mirror``
    then ``rotation`` (degrees clockwise, 0 <= r < 360); ``quality``; ``format`` (an
    extension of :data:`FORMATS`)."""

    x: int
    y: int
    w: int
    h: int
    width: int
    height: int
    mirror: bool
    rotation: float
    quality: str
    format: str
    full_region: bool = False
    size_keyword: str = ""  # "max" or "^max" when the size is the canonical keyword

    @property
    def media_type(self) -> str:
        return FORMATS[self.format]

    @property
    def upscaled(self) -> bool:
        return self.width > self.w or self.height > self.h

    @property
    def canonical(self) -> str:
        """The canonical form of this request (section 4.8), for a ``Link: rel=canonical``."""
        region = "full" if self.full_region else f"{self.x},{self.y},{self.w},{self.h}"
        size = self.size_keyword or (
            f"{'^' if self.upscaled else ''}{self.width},{self.height}")
        return (f"{region}/{size}/{'!' if self.mirror else ''}{_number(self.rotation)}/"
                f"{self.quality}.{self.format}")


def parse_request(region: str, size: str, rotation: str, quality_format: str, width: int,
                  height: int, max_width: int, max_area: int,
                  max_height: int | None = None) -> IIIFRequest:
    """The request's four path segments resolved for an image of ``width`` x ``height`` with
    the server's ``maxWidth``, ``maxHeight`` (``max_width`` when None, as the specification
    says clients infer) and ``maxArea``. IIIFError (400) for anything malformed, outside the
    image, smaller than a pixel, larger than the region without ``^`` or over the limits."""
    limits = _Limits(max_width, max_height if max_height is not None else max_width, max_area)
    x, y, w, h, full = _region(region, width, height)
    out_w, out_h, keyword = _size(size, w, h, limits)
    mirror, degrees = _rotation(rotation)
    _check_turned(out_w, out_h, degrees, limits)
    quality, fmt = _quality_format(quality_format)
    return IIIFRequest(x=x, y=y, w=w, h=h, width=out_w, height=out_h, mirror=mirror,
                       rotation=degrees, quality=quality, format=fmt,
                       full_region=full, size_keyword=keyword)


@dataclass(frozen=True)
class _Limits:
    width: int
    height: int
    area: int

    def scale(self, w: int, h: int) -> float:
        """The largest scale of a ``w`` x ``h`` image that stays within the limits."""
        return min(self.width / w, self.height / h, math.sqrt(self.area / (w * h)))

    def check(self, w: int, h: int) -> None:
        if w > self.width or h > self.height:
            raise IIIFError(400, f"{w} x {h} is larger than the largest size served "
                            f"({self.width} x {self.height}, maxWidth/maxHeight).", "size")
        if w * h > self.area:
            raise IIIFError(400, f"{w} x {h} is {w * h:,} pixels, more than the "
                            f"{self.area:,} served at once (maxArea).", "size")


def _region(text: str, width: int, height: int) -> tuple[int, int, int, int, bool]:
    if text == "full":
        return 0, 0, width, height, True
    if text == "square":
        side = min(width, height)
        x, y = (width - side) // 2, (height - side) // 2
        return x, y, side, side, side == width == height
    if text.startswith("pct:"):
        values = _numbers(text, text[4:], 4, _FLOAT, "region", "pct:x,y,w,h with percentages")
        if values[2] == 0 or values[3] == 0:
            raise IIIFError(400, f"region {_q(text)} has a zero width or height.", "region")
        x, y = _round(values[0] * width / 100), _round(values[1] * height / 100)
        w = max(1, _round(values[2] * width / 100))
        h = max(1, _round(values[3] * height / 100))
    else:
        x, y, w, h = (int(v) for v in _numbers(
            text, text, 4, _INT, "region", "full, square, x,y,w,h or pct:x,y,w,h"))
        if w == 0 or h == 0:
            raise IIIFError(400, f"region {_q(text)} has a zero width or height.", "region")
    if x >= width or y >= height:
        raise IIIFError(400, f"region {_q(text)} is entirely outside the image "
                        f"({width} x {height}).", "region")
    w, h = min(w, width - x), min(h, height - y)
    return x, y, w, h, (x, y, w, h) == (0, 0, width, height)


def _size(text: str, rw: int, rh: int, limits: _Limits) -> tuple[int, int, str]:
    up = text.startswith("^")
    body = text[1:] if up else text
    keyword = ""
    if body == "max":
        scale = limits.scale(rw, rh)
        scale = scale if up else min(1.0, scale)
        w, h = _fit(rw, rh, scale, limits)
        keyword = text
    elif body.startswith("pct:"):
        (n,) = _numbers(text, body[4:], 1, _FLOAT, "size", "pct:n with a percentage")
        if n > 100 and not up:
            raise IIIFError(400, f"size {_q(text)} is more than 100% without ^ (upscaling must "
                            "be asked for with ^pct:n).", "size")
        w, h = _round(rw * n / 100), _round(rh * n / 100)
    elif body.startswith("!"):
        bw, bh = (int(v) for v in _numbers(text, body[1:], 2, _INT, "size", "!w,h"))
        fit = min(bw / rw, bh / rh)
        if fit > 1 and not up:
            # The best fit in the box would be larger than the region: an upscale, which
            # needs ^ (section 4.2; the official validator's size_noup test asks for 400).
            raise IIIFError(400, f"size {_q(text)} would enlarge the region ({rw} x {rh}); "
                            "ask with ^!w,h to upscale.", "size")
        w, h = _fit(rw, rh, min(fit, limits.scale(rw, rh)), limits)
        w, h = min(w, bw), min(h, bh)
    else:
        w, h = _width_height(text, body, rw, rh, up)
    if w < 1 or h < 1:
        raise IIIFError(400, f"size {_q(text)} makes an image of {w} x {h}, less than a pixel "
                        f"(the region is {rw} x {rh}).", "size")
    if not up and (w > rw or h > rh):
        raise IIIFError(400, f"size {_q(text)} ({w} x {h}) is larger than the region "
                        f"({rw} x {rh}); ask with ^ to upscale.", "size")
    limits.check(w, h)
    if not keyword and (w, h) == _fit(rw, rh, min(1.0, limits.scale(rw, rh)), limits):
        keyword = "max"
    return w, h, keyword


def _width_height(text: str, body: str, rw: int, rh: int, up: bool) -> tuple[int, int]:
    match = re.fullmatch(r"([0-9]*),([0-9]*)", body)
    if match is None or not (match[1] or match[2]):
        raise IIIFError(400, f"size {_q(text)} is not one of max, w,, ,h, pct:n, w,h or !w,h "
                        "(each optionally after ^).", "size")
    w, h = (int(_bounded(float(v), text, "size")) if v else 0 for v in (match[1], match[2]))
    if match[1] and match[2]:
        return w, h
    if match[1]:
        return w, _round(rh * w / rw)
    return _round(rw * h / rh), h


def _fit(rw: int, rh: int, scale: float, limits: _Limits) -> tuple[int, int]:
    """``rw`` x ``rh`` at ``scale``, at least one pixel, never rounded over the limits."""
    def over(w: int, h: int) -> bool:
        return w > limits.width or h > limits.height or w * h > limits.area

    w, h = max(1, _round(rw * scale)), max(1, _round(rh * scale))
    if over(w, h):
        w, h = max(1, math.floor(rw * scale)), max(1, math.floor(rh * scale))
    while over(w, h) and w > 1 and h > 1:  # a pixel less on the longer side at a time
        scale *= 1 - 1 / max(rw * scale, rh * scale)
        w, h = max(1, math.floor(rw * scale)), max(1, math.floor(rh * scale))
    return w, h


def _check_turned(w: int, h: int, degrees: float, limits: _Limits) -> None:
    """An answer turned by other than a right angle is its bounding box: that must stay within
    maxArea too (a right angle only swaps the sides)."""
    if degrees % 90 == 0:
        return
    rad = math.radians(degrees)
    bw = math.ceil(abs(w * math.cos(rad)) + abs(h * math.sin(rad)))
    bh = math.ceil(abs(w * math.sin(rad)) + abs(h * math.cos(rad)))
    if bw * bh > limits.area:
        raise IIIFError(400, f"{w} x {h} turned by {_number(degrees)} degrees is {bw} x {bh}, "
                        f"{bw * bh:,} pixels, more than the {limits.area:,} served at once "
                        "(maxArea); ask for a smaller size.", "rotation")


def _rotation(text: str) -> tuple[bool, float]:
    mirror = text.startswith("!")
    body = text[1:] if mirror else text
    if not _FLOAT.fullmatch(body):
        raise IIIFError(400, f"rotation {_q(text)} is not a number of degrees from 0 to 360, "
                        "optionally after ! to mirror.", "rotation")
    degrees = float(body)
    if degrees > 360:
        raise IIIFError(400, f"rotation {_q(text)} is more than 360 degrees.", "rotation")
    return mirror, 0.0 if degrees == 360 else degrees


def _quality_format(text: str) -> tuple[str, str]:
    quality, dot, fmt = text.rpartition(".")
    if not dot:
        raise IIIFError(400, f"{_q(text)} needs a quality and a format, as in default.jpg.",
                        "format")
    if quality not in QUALITIES:
        raise IIIFError(400, f"quality {_q(quality)} is not one of {', '.join(QUALITIES)}.",
                        "quality")
    if fmt not in FORMATS:
        raise IIIFError(400, f"format {_q(fmt)} is not one of {', '.join(FORMATS)}.", "format")
    return quality, fmt


def _numbers(shown: str, text: str, count: int, pattern: re.Pattern[str], parameter: str,
             expected: str) -> list[float]:
    parts = text.split(",")
    if len(parts) != count or not all(pattern.fullmatch(part) for part in parts):
        raise IIIFError(400, f"{parameter} {_q(shown)} is not {expected}.", parameter)
    return [_bounded(float(part), shown, parameter) for part in parts]


def _bounded(value: float, shown: str, parameter: str) -> float:
    """``value``, refused when too large for any image (it could overflow the arithmetic)."""
    if value > _LARGEST:
        raise IIIFError(400, f"{parameter} {_q(shown)} has a number larger than any image.",
                        parameter)
    return value


def _q(text: str) -> str:
    """``text`` quoted for a message, cut short: a URL segment can be very long."""
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _round(value: float) -> int:
    return math.floor(value + 0.5)


def _number(value: float) -> str:
    """A float as the specification writes it: an integer when it is one, no trailing zeros."""
    if value == int(value):
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")
