"""The colour ramp of the grid and heatmap styles and of their legend: one definition, so the
legend always says what the tiles show.

A colour-blind-safe sequential palette (seven viridis classes, dark purple to yellow) over
log-scaled count classes from 1 to the largest count: counts on a map span several orders of
magnitude, so equal-width classes would paint almost every cell the first colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

# viridis, sampled at seven even steps
PALETTE = ("#440154", "#443983", "#31688e", "#21918c", "#35b779", "#90d743", "#fde725")


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as a tuple of three 0-255 ints."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@dataclass(frozen=True)
class Ramp:
    """Count classes and their colours: class ``i`` holds counts ``uppers[i-1]+1 .. uppers[i]``
    (the first from 1). Counts above the last bound take the last colour."""

    uppers: tuple[int, ...]
    colours: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.uppers or len(self.uppers) != len(self.colours):
            raise ValueError("a ramp needs one colour per class and at least one class")
        if any(b <= a for a, b in zip((0, *self.uppers), self.uppers, strict=False)):
            raise ValueError(f"ramp class bounds must rise from 1: {self.uppers}")

    @property
    def max_count(self) -> int:
        return self.uppers[-1]

    def classes(self) -> list[dict[str, Any]]:
        """The legend: ``[{"min", "max", "colour"}, ...]``, lowest counts first."""
        lows = (1, *(u + 1 for u in self.uppers[:-1]))
        return [
            {"min": lo, "max": hi, "colour": colour}
            for lo, hi, colour in zip(lows, self.uppers, self.colours, strict=True)
        ]

    def class_of(self, counts: NDArray[Any]) -> NDArray[np.intp]:
        """The class index of each count (counts below 1 fall in the first class)."""
        index = np.searchsorted(np.asarray(self.uppers), counts, side="left")
        return np.minimum(index, len(self.uppers) - 1)

    def rgb_table(self) -> NDArray[np.uint8]:
        """One ``(r, g, b)`` row per class."""
        return np.array([rgb(c) for c in self.colours], dtype=np.uint8)


def ramp_for(max_count: int) -> Ramp:
    """The ramp for counts from 1 to ``max_count``: up to seven classes with log-scaled upper
    bounds (fewer when there are fewer distinct counts); a max below 1 gives one class, 1..1."""
    top = max(1, int(max_count))
    n = min(len(PALETTE), top)
    uppers: list[int] = []
    for i in range(1, n + 1):
        bound = round(top ** (i / n))
        low = uppers[-1] + 1 if uppers else 1
        uppers.append(min(max(bound, low), top - (n - i)))
    if n == 1:
        colours: tuple[str, ...] = (PALETTE[len(PALETTE) // 2],)
    else:
        picks = np.rint(np.linspace(0, len(PALETTE) - 1, n)).astype(int)
        colours = tuple(PALETTE[i] for i in picks)
    return Ramp(tuple(uppers), colours)


def continuous(t: NDArray[np.float64]) -> NDArray[np.uint8]:
    """Colours along the whole palette for ``t`` in 0..1 (the heatmap), shape ``t.shape + (3,)``:
    a lookup in 256 precomputed steps."""
    steps = np.rint(np.clip(t, 0.0, 1.0) * 255).astype(np.intp)
    out: NDArray[np.uint8] = _steps()[steps]
    return out


@lru_cache(maxsize=1)
def _steps() -> NDArray[np.uint8]:
    """The palette blended linearly into 256 ``(r, g, b)`` rows."""
    table = np.array([rgb(c) for c in PALETTE], dtype=np.float64)
    pos = np.linspace(0.0, len(PALETTE) - 1, 256)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, len(PALETTE) - 1)
    frac = (pos - lo)[:, None]
    mixed = table[lo] * (1.0 - frac) + table[hi] * frac
    out: NDArray[np.uint8] = np.rint(mixed).astype(np.uint8)
    return out
