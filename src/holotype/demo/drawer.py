"""A synthetic photograph of a whole insect drawer, drawn with pyvips straight to disk.

A museum drawer: a wooden frame, a light floor, a grid of unit trays, each with a species
label and its pinned specimens (:mod:`holotype.demo.specimen_art`). At full size it is
20,480 × 15,360 pixels (315 megapixels), more than a demo should hold in memory, so nothing
here does: each tray is a small SVG that libvips renders on demand, the trays are inserted into
a lazily computed background, and ``tiffsave`` streams the result into a tiled pyramidal TIFF
(JPEG tiles), reading the pipeline a strip at a time. Memory stays at a few hundred megabytes
whatever the size.

Positions are laid out in full-size units and scaled once, so a smaller ``scale`` (the tests
use one) draws the same drawer smaller. The same trays, seed and scale give the same bytes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pyvips

from holotype.demo.specimen_art import extent, insect

WIDTH, HEIGHT = 20_480, 15_360  # full-size pixels
FRAME = 400  # the wooden frame's width
COLUMNS, ROWS = 6, 4  # trays in a drawer
CELL_W, CELL_H = (WIDTH - 2 * FRAME) // COLUMNS, (HEIGHT - 2 * FRAME) // ROWS  # a tray + gap
GAP = 40  # floor around a tray in its cell
HEADER = 420  # a tray's label band
PER_ROW, PER_COLUMN = 3, 4  # specimens in a tray
TRAYS = COLUMNS * ROWS
PER_TRAY = PER_ROW * PER_COLUMN
WOOD, FLOOR = (118, 82, 48), (236, 230, 216)


@dataclass(frozen=True)
class Tray:
    """A unit tray: the species it holds (its label), its specimens' record ids and the
    text on each specimen's pinned label (its catalogue number, say)."""

    species: str
    records: tuple[str, ...]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hotspot:
    """Where a record's specimen lies in the drawer image, in its pixels."""

    record: str
    x: int
    y: int
    w: int
    h: int

    def as_json(self) -> dict[str, str]:
        """The ``drawerHotspots`` form: ``{"record": id, "xywh": "x,y,w,h"}``."""
        return {"record": self.record, "xywh": f"{self.x},{self.y},{self.w},{self.h}"}


def _px(units: int, scale: float) -> int:
    return max(1, round(units * scale))


def size(scale: float) -> tuple[int, int]:
    """The drawer image's width and height at ``scale``."""
    frame = _px(FRAME, scale)
    return (COLUMNS * _px(CELL_W, scale) + 2 * frame, ROWS * _px(CELL_H, scale) + 2 * frame)


def _cell_svg(tray: Tray, index: int, scale: float, rng: random.Random,
              hotspots: list[Hotspot]) -> str:
    """One cell of the grid: the floor around a tray, the tray, its label and specimens."""
    tw, th = CELL_W - 2 * GAP, CELL_H - 2 * GAP
    cell_w, cell_h = tw / PER_ROW, (th - HEADER) / PER_COLUMN
    body = min(cell_w, cell_h) * 0.62
    parts = [
        f'<rect width="{CELL_W}" height="{CELL_H}" fill="rgb{FLOOR}"/>',
        f'<g transform="translate({GAP} {GAP})">',
        f'<rect x="14" y="14" width="{tw - 6}" height="{th - 6}" fill="#000" '
        'fill-opacity="0.18"/>',
        f'<rect width="{tw - 16}" height="{th - 16}" fill="#fbfaf6" stroke="#a89c86" '
        'stroke-width="14"/>',
        f'<rect x="60" y="70" width="{tw - 140}" height="{HEADER - 140}" fill="#fff" '
        'stroke="#555" stroke-width="4"/>',
        f'<text x="100" y="{HEADER - 150}" font-family="serif" font-style="italic" '
        f'font-size="150" fill="#111">{escape(tray.species)}</text>',
    ]
    frame = _px(FRAME, scale)
    ox, oy = frame + (index % COLUMNS) * _px(CELL_W, scale), \
        frame + (index // COLUMNS) * _px(CELL_H, scale)
    sx, sy = _px(CELL_W, scale) / CELL_W, _px(CELL_H, scale) / CELL_H
    for k, record in enumerate(tray.records[:PER_TRAY]):
        cx = (k % PER_ROW + 0.5) * cell_w + rng.uniform(-0.08, 0.08) * cell_w
        cy = HEADER + (k // PER_ROW + 0.45) * cell_h + rng.uniform(-0.06, 0.06) * cell_h
        parts.append(insect(tray.species, cx, cy, body, rng))
        parts.append(f'<rect x="{cx - 110:.0f}" y="{cy + cell_h * 0.36:.0f}" width="220" '
                     'height="70" fill="#fffdf5" stroke="#666" stroke-width="3"/>')
        if k < len(tray.labels):
            parts.append(f'<text x="{cx:.0f}" y="{cy + cell_h * 0.36 + 48:.0f}" '
                         'text-anchor="middle" font-family="sans-serif" font-size="30" '
                         f'fill="#222">{escape(tray.labels[k])}</text>')
        hw, hh = extent(tray.species, body * 1.1)
        x0, y0 = GAP + max(0.0, cx - hw), GAP + max(0.0, cy - hh)
        x1, y1 = GAP + min(tw - 16.0, cx + hw), GAP + min(th - 16.0, cy + cell_h * 0.36 + 70)
        hotspots.append(Hotspot(record, ox + round(x0 * sx), oy + round(y0 * sy),
                                max(1, round((x1 - x0) * sx)), max(1, round((y1 - y0) * sy))))
    parts.append("</g>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_px(CELL_W, scale)}" '
            f'height="{_px(CELL_H, scale)}" viewBox="0 0 {CELL_W} {CELL_H}" '
            f'preserveAspectRatio="none">{"".join(parts)}</svg>')


def _label_svg(title: str, scale: float) -> str:
    w, h = 4800, FRAME - 80
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(1, round(w * scale))}" '
            f'height="{max(1, round(h * scale))}" viewBox="0 0 {w} {h}">'
            f'<rect width="{w}" height="{h}" fill="#f3ecd9" stroke="#3b2a17" stroke-width="10"/>'
            f'<text x="80" y="{h - 80}" font-family="serif" font-size="190" '
            f'fill="#1b1b1b">{escape(title)}</text></svg>')


def _svg_image(svg: str, folder: Path, name: str) -> pyvips.Image:
    """The SVG rendered, through a tiled TIFF in ``folder``: libvips renders an SVG whole, so
    a tray is rendered once, written out, and read back a tile at a time as the drawer is
    written (memory holds one tray, not all of them)."""
    image = pyvips.Image.svgload_buffer(svg.encode("utf-8"), unlimited=True)
    image = image.flatten(background=list(FLOOR)) if image.bands == 4 else image
    file = folder / f"{name}.tif"
    image.tiffsave(str(file), tile=True, tile_width=256, tile_height=256, compression="jpeg",
                   Q=90, strip=True)
    del image
    _release_memory()
    return pyvips.Image.new_from_file(str(file))


def _release_memory() -> None:
    """Give the memory freed after rendering a tray back to the system (glibc keeps it in
    per-thread arenas otherwise, and the peak grows with every tray); nothing elsewhere."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def draw_drawer(path: Path, title: str, trays: list[Tray], seed: int,
                scale: float = 1.0) -> list[Hotspot]:
    """Draw a drawer of up to :data:`TRAYS` trays into a tiled pyramidal TIFF at ``path`` and
    return where each record's specimen lies in it."""
    if not 0 < scale <= 1:
        raise ValueError(f"drawer scale must be in (0, 1], not {scale}")
    rng = random.Random(seed)
    width, height = size(scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    hotspots: list[Hotspot] = []
    # One arrayjoin of equal cells, one embed for the frame, one insert for the label: few
    # stages, since each stage of a pipeline holds buffers as wide as the whole drawer.
    with tempfile.TemporaryDirectory(prefix=".drawer-", dir=path.parent) as tmp:
        folder = Path(tmp)
        cells = [_svg_image(_cell_svg(trays[i] if i < len(trays) else Tray("", ()), i, scale,
                                      rng, hotspots), folder, f"cell-{i}")
                 for i in range(TRAYS)]
        image = pyvips.Image.arrayjoin(cells, across=COLUMNS)
        frame = _px(FRAME, scale)
        image = image.embed(frame, frame, width, height, extend="background",
                            background=list(WOOD))
        image = image.insert(_svg_image(_label_svg(title, scale), folder, "label"),
                             round(FRAME * 2 * scale), round(40 * scale))
        image.tiffsave(str(path), tile=True, tile_width=256, tile_height=256, pyramid=True,
                       compression="jpeg", Q=85, strip=True)
    return hotspots
