"""Synthetic specimen photographs for the demo: a pinned insect on a grey card, with a scale
bar and its catalogue label, as a JPEG of 1200 × 900 pixels.

Drawn as SVG (:mod:`holotype.demo.specimen_art`, so the specimen looks as it does in its
drawer) and encoded by pyvips; the same arguments give the same bytes.
"""

from __future__ import annotations

import random
from xml.sax.saxutils import escape

import pyvips

from holotype.demo.specimen_art import insect

WIDTH, HEIGHT = 1200, 900


def specimen_photo(species: str, catalogue_number: str, view: str, seed: int) -> bytes:
    """A JPEG photograph of a specimen of ``species`` (``view``: "dorsal", "lateral", …)."""
    rng = random.Random(seed)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}">'
        '<defs><radialGradient id="bg" cx="50%" cy="45%" r="70%">'
        '<stop offset="0" stop-color="#e9e7e2"/><stop offset="1" stop-color="#a9a7a2"/>'
        '</radialGradient></defs>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#bg)"/>'
        + insect(species, WIDTH * 0.45, HEIGHT * 0.45, 560, rng) +
        '<rect x="60" y="800" width="200" height="14" fill="#111"/>'
        '<text x="60" y="790" font-family="sans-serif" font-size="26" fill="#111">5 mm</text>'
        '<rect x="760" y="690" width="400" height="170" fill="#fffdf3" stroke="#333" '
        'stroke-width="3"/>'
        f'<text x="780" y="740" font-family="serif" font-style="italic" font-size="34" '
        f'fill="#111">{escape(species)}</text>'
        f'<text x="780" y="790" font-family="sans-serif" font-size="30" '
        f'fill="#111">{escape(catalogue_number)}</text>'
        f'<text x="780" y="835" font-family="sans-serif" font-size="24" '
        f'fill="#444">{escape(view)} view · Holotype demo</text>'
        '</svg>'
    )
    image = pyvips.Image.svgload_buffer(svg.encode("utf-8"))
    image = image.flatten(background=[255, 255, 255]) if image.bands == 4 else image
    return bytes(image.jpegsave_buffer(Q=85, strip=True))
