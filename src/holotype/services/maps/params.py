"""The parameters of a map request, checked: each bad one is Invalid naming it, so a bad tile
request is answered 400 with what is wrong, never 500."""

from __future__ import annotations

import math
import re

from holotype.errors import Invalid

MAX_VERSION = 2**63 - 1
MAX_ZOOM = 22
STYLES = ("points", "grid", "heatmap")
FORMATS = ("mvt", "png")
SCALES = (1, 2)


def whole_number(text: str | None, field: str, low: int = 0, high: int = MAX_VERSION) -> int:
    """``text`` as a whole number in ``low..high``, or Invalid naming ``field``."""
    value = (text or "").strip()
    if not re.fullmatch(r"-?\d{1,20}", value):
        raise Invalid(f"{field} must be a whole number, not {text!r}", field=field)
    number = int(value)
    if not low <= number <= high:
        raise Invalid(f"{field} must be between {low} and {high}; it is {number}", field=field)
    return number


def version_of(text: str | None) -> int | None:
    """A ``version`` parameter (milliseconds since 1970): None when absent or empty."""
    if text is None or text == "":
        return None
    return whole_number(text, "version")


def pins_of(text: str | None) -> dict[str, int] | None:
    """A ``pins`` parameter: ``<resource id>@<version>,...`` (resources a citation pinned at
    versions of their own); None when absent or empty."""
    if not text:
        return None
    pins: dict[str, int] = {}
    for entry in text.split(","):
        rid, at, version = entry.strip().rpartition("@")
        if not at or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", rid):
            raise Invalid(f"pins must be <resource id>@<version>, comma-separated, not {entry!r}",
                          field="pins")
        pins[rid] = whole_number(version, "pins")
    return pins


def check_tile(z: int, x: int, y: int) -> None:
    """Zoom 0..22, and x and y inside the zoom's 2^z x 2^z tiles."""
    if not 0 <= z <= MAX_ZOOM:
        raise Invalid(f"z must be between 0 and {MAX_ZOOM}; it is {z}", field="z")
    last = 2**z - 1
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value <= last:
            raise Invalid(f"{name} must be between 0 and {last} at zoom {z}; it is {value}",
                          field=name)


def check_format(fmt: str, style: str | None, scale: int) -> None:
    if fmt not in FORMATS:
        raise Invalid(f"unknown tile format {fmt!r}; use one of {', '.join(FORMATS)}",
                      field="format")
    if fmt == "png" and style not in STYLES:
        raise Invalid(f"unknown style {style!r}; use one of {', '.join(STYLES)}", field="style")
    if scale not in SCALES:
        raise Invalid(f"scale must be 1 or 2; it is {scale}", field="scale")


def bbox_of(text: str | None) -> tuple[float, float, float, float]:
    """``west,south,east,north`` in degrees: west < east, south < north, inside the globe."""
    parts = (text or "").split(",")
    if len(parts) != 4:
        raise Invalid("bbox must be four numbers: west,south,east,north", field="bbox")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise Invalid(f"bbox must be four numbers (west,south,east,north), not {text!r}",
                      field="bbox") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise Invalid("bbox numbers must be finite", field="bbox")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise Invalid("bbox must have -180 <= west < east <= 180 and -90 <= south < north <= 90",
                      field="bbox")
    return west, south, east, north
