"""Raster map tiles: cells drawn as a transparent PNG in one of three styles.

``cells`` are ``(x, y, count)`` in tile pixels of a 256-pixel tile (``draw`` multiplies by
``scale``). Cells outside 0..256 are allowed: points and grid ignore them, the heatmap blurs
them in, so a caller that also passes cells up to ``HEATMAP_MARGIN`` pixels beyond the edges
gets heatmap tiles that join without seams. Everything is numpy over all cells at once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from holotype.services.maps.ramp import Ramp, continuous, ramp_for, rgb

__all__ = [
    "GRID_CELL_PX",
    "HEATMAP_MARGIN",
    "HEATMAP_SIGMA",
    "POINT_COLOUR",
    "POINT_MARGIN",
    "STYLES",
    "Ramp",
    "draw",
    "ramp_for",
]

TILE = 256
STYLES = ("points", "grid", "heatmap")
MAX_SCALE = 4
GRID_CELL_PX = 8  # grid square side, in 256-tile pixels
GRID_ALPHA = 204  # 80% opaque: the base map shows through
POINT_RADIUS = 3.0  # dot radius in 256-tile pixels, outline included
POINT_OUTLINE = 1.0
POINT_MARGIN = 4  # pixels beyond a tile's edge whose dots reach into it
POINT_COLOUR = "#e8590c"  # one warm orange: reads on land, sea and the ramp colours
POINT_FILL = rgb(POINT_COLOUR)
POINT_EDGE = rgb("#212529")
HEATMAP_SIGMA = 6.0  # Gaussian blur, in 256-tile pixels
HEATMAP_REACH = 5  # kernel cut-off in sigmas: beyond it even 10,000 records fall under the floor
HEATMAP_MARGIN = int(HEATMAP_REACH * HEATMAP_SIGMA)
HEATMAP_STEP = 2  # the heatmap's density grid, in 256-tile pixels a cell
HEATMAP_FLOOR = 0.05  # density below this is transparent
HEATMAP_ALPHA = 220

Pixels = NDArray[np.uint8]


def draw(
    cells: Sequence[tuple[float, float, int]],
    style: str,
    scale: int = 1,
    legend: Ramp | None = None,
    *,
    cell_size: int = GRID_CELL_PX,
) -> bytes:
    """The tile as PNG bytes, ``256 * scale`` pixels square, transparent where nothing is drawn.

    ``legend`` is the ramp colouring grid and heatmap (pass the one the legend shows, so tiles
    agree with each other and with it); without one, the tile's own largest count sets it.
    Raises ``ValueError`` for an unknown style, a scale outside 1..4, a cell size below 1 or a
    cell that is not three finite numbers."""
    if style not in STYLES:
        raise ValueError(f"unknown map style {style!r}: use one of {', '.join(STYLES)}")
    if not isinstance(scale, int) or not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"map tile scale must be 1 to {MAX_SCALE}, not {scale!r}")
    if not isinstance(cell_size, int) or cell_size < 1:
        raise ValueError(f"grid cell size must be a whole number of pixels >= 1, not {cell_size!r}")
    data = _cells(cells)
    if not len(data):
        return _empty(scale)
    if style == "points":
        pixels = _points(data, scale)
    elif style == "grid":
        pixels = _grid(data, scale, cell_size, legend)
    else:
        pixels = _heatmap(data, scale, legend)
    return _encode(pixels)


def _cells(cells: Sequence[tuple[float, float, int]]) -> NDArray[np.float64]:
    """The cells as an ``(n, 3)`` float array, cells with counts below 1 dropped."""
    try:
        data = np.asarray(cells, dtype=np.float64).reshape(-1, 3)
    except ValueError as exc:
        raise ValueError(f"map cells must be (x, y, count) triples: {exc}") from None
    if not np.isfinite(data).all():
        bad = int(np.flatnonzero(~np.isfinite(data).all(axis=1))[0])
        raise ValueError(f"map cell {bad} is not three finite numbers: {data[bad].tolist()}")
    return data[data[:, 2] >= 1]


@lru_cache(maxsize=MAX_SCALE)
def _empty(scale: int) -> bytes:
    return _encode(np.zeros((TILE * scale, TILE * scale, 4), dtype=np.uint8))


def _encode(pixels: Pixels) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, "PNG", compress_level=1)
    return out.getvalue()


@lru_cache(maxsize=2 * MAX_SCALE)
def _disc(radius: float, scale: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Pixel offsets within ``radius`` (in 256-tile pixels) of a dot's centre pixel."""
    r = radius * scale
    span = int(np.ceil(r))
    dy, dx = np.mgrid[-span : span + 1, -span : span + 1]
    inside = (dx + 0.5) ** 2 + (dy + 0.5) ** 2 <= r * r
    return dx[inside].astype(np.intp), dy[inside].astype(np.intp)


def _stamp(pixels: Pixels, xs: NDArray[np.intp], ys: NDArray[np.intp], radius: float,
           scale: int, colour: tuple[int, int, int]) -> None:
    """Paint an opaque disc of ``colour`` at every centre: one numpy step per disc pixel."""
    size = pixels.shape[0]
    value = np.array((*colour, 255), dtype=np.uint8)
    for dx, dy in zip(*_disc(radius, scale), strict=True):
        px, py = xs + dx, ys + dy
        keep = (px >= 0) & (px < size) & (py >= 0) & (py < size)
        pixels[py[keep], px[keep]] = value


def _points(data: NDArray[np.float64], scale: int) -> Pixels:
    """A dot per cell: dark edge discs first, then the fills, so touching dots merge."""
    size = TILE * scale
    pixels = np.zeros((size, size, 4), dtype=np.uint8)
    xs = np.floor(data[:, 0] * scale).astype(np.intp)
    ys = np.floor(data[:, 1] * scale).astype(np.intp)
    reach = int(np.ceil(POINT_RADIUS * scale))
    near = (xs > -reach) & (xs < size + reach) & (ys > -reach) & (ys < size + reach)
    xs, ys = xs[near], ys[near]
    _stamp(pixels, xs, ys, POINT_RADIUS, scale, POINT_EDGE)
    _stamp(pixels, xs, ys, POINT_RADIUS - POINT_OUTLINE, scale, POINT_FILL)
    return pixels


def _grid(data: NDArray[np.float64], scale: int, cell: int, legend: Ramp | None) -> Pixels:
    """Cells summed into ``cell``-pixel squares, each filled with its count's ramp colour."""
    n = -(-TILE // cell)
    gx = np.floor(data[:, 0] / cell).astype(np.intp)
    gy = np.floor(data[:, 1] / cell).astype(np.intp)
    inside = (gx >= 0) & (gx < n) & (gy >= 0) & (gy < n)
    counts = np.bincount(gy[inside] * n + gx[inside], weights=data[inside, 2], minlength=n * n)
    counts = counts.reshape(n, n)
    ramp = legend or ramp_for(int(counts.max()))
    squares = np.zeros((n, n, 4), dtype=np.uint8)
    filled = counts >= 1
    squares[filled, :3] = ramp.rgb_table()[ramp.class_of(counts[filled])]
    squares[filled, 3] = GRID_ALPHA
    side = cell * scale
    pixels = np.repeat(np.repeat(squares, side, axis=0), side, axis=1)
    size = TILE * scale
    return np.ascontiguousarray(pixels[:size, :size])


def _blur(counts: NDArray[np.float64], sigma: float) -> NDArray[np.float64]:
    """A Gaussian blur (cut off at HEATMAP_REACH sigmas, peak 1 for one count), separable:
    one shifted, weighted add per kernel tap along each axis, each over the whole grid."""
    reach = int(np.ceil(HEATMAP_REACH * sigma))
    taps = np.exp(-(np.arange(-reach, reach + 1) ** 2) / (2 * sigma * sigma))
    padded = np.pad(counts, reach)
    rows, cols = counts.shape
    across = np.zeros((rows + 2 * reach, cols))
    for i, weight in enumerate(taps):
        across += weight * padded[:, i : i + cols]
    out = np.zeros((rows, cols))
    for i, weight in enumerate(taps):
        out += weight * across[i : i + rows, :]
    return out


def _heatmap(data: NDArray[np.float64], scale: int, legend: Ramp | None) -> Pixels:
    """Counts accumulated on a coarse grid (``HEATMAP_STEP`` tile pixels a cell: the blur is
    far wider), Gaussian-blurred there, resized smoothly to the tile and coloured on a log
    scale. The coarse grid keeps the blur small at any scale."""
    margin = HEATMAP_MARGIN // HEATMAP_STEP
    inner = TILE // HEATMAP_STEP
    full = inner + 2 * margin
    xs = np.floor(data[:, 0] / HEATMAP_STEP).astype(np.intp) + margin
    ys = np.floor(data[:, 1] / HEATMAP_STEP).astype(np.intp) + margin
    inside = (xs >= 0) & (xs < full) & (ys >= 0) & (ys < full)
    flat = np.bincount(ys[inside] * full + xs[inside], weights=data[inside, 2],
                       minlength=full * full)
    counts = np.asarray(flat, dtype=np.float64).reshape(full, full)
    blurred = _blur(counts, HEATMAP_SIGMA / HEATMAP_STEP)
    coarse = blurred[margin : margin + inner, margin : margin + inner]
    size = TILE * scale
    image = Image.fromarray(np.ascontiguousarray(coarse, dtype=np.float32), "F")
    density = np.asarray(image.resize((size, size), Image.Resampling.BILINEAR), dtype=np.float64)
    top = legend.max_count if legend else max(1.0, float(data[inside, 2].max(initial=1.0)))
    t = np.log1p(density) / np.log1p(top)
    pixels = np.zeros((size, size, 4), dtype=np.uint8)
    seen = density >= HEATMAP_FLOOR
    pixels[seen, :3] = continuous(t[seen])
    fade = np.clip(0.35 + 0.65 * t[seen] / 0.25, 0.0, 1.0)
    pixels[seen, 3] = np.rint(HEATMAP_ALPHA * fade).astype(np.uint8)
    return pixels
