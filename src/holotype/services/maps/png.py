"""Raster tiles: cells drawn as a PNG (the png lane writes this module; until it lands this
stub keeps the signature the maps service calls)."""

from __future__ import annotations

from collections.abc import Sequence


def draw(cells: Sequence[tuple[int, int, int]], style: str, scale: int, legend: object) -> bytes:
    """A PNG of ``cells`` ((pixel x, pixel y, count) in a 256 x 256 tile, x ``scale``)."""
    raise NotImplementedError("PNG tiles are not drawn yet")
