"""A pinned insect drawn as SVG: the one drawing the demo's drawers and specimen photographs
share, so a specimen looks alike in its drawer and in its own photograph.

Two body plans, chosen by the species: a beetle (pronotum, elytra, six legs, antennae) and a
moth (four wings spread as a set specimen is). The species gives the colours and the size, so
the specimens of one tray look like one species; ``rng`` adds the small differences between
individuals (size, a slight turn). Coordinates are in the caller's units around ``(cx, cy)``.
"""

from __future__ import annotations

import hashlib
import random

BEETLE_COLOURS = ("#2b1d0e", "#3a3f1c", "#14324a", "#5b1a12", "#1d3b23", "#4a3a10", "#222")
MOTH_COLOURS = ("#c9a36b", "#8c6e4a", "#d8c9a3", "#b04a2a", "#6b7a8f", "#e0b84c", "#9a8b7a")
MARKS = ("#f2e6c8", "#c8372d", "#e8c547", "#ffffff", "#3c6e9e", "#111111")


def species_traits(species: str) -> tuple[str, str, str, float]:
    """``(plan, colour, mark colour, relative size)`` of a species, from its name alone."""
    digest = hashlib.sha256(species.encode("utf-8")).digest()
    plan = "moth" if digest[0] % 3 == 0 else "beetle"
    colours = MOTH_COLOURS if plan == "moth" else BEETLE_COLOURS
    return plan, colours[digest[1] % len(colours)], MARKS[digest[2] % len(MARKS)], \
        0.6 + digest[3] / 255 * 0.4


def extent(species: str, size: float) -> tuple[float, float]:
    """Half width and half height of the box a specimen of ``size`` units fills."""
    plan, _, _, rel = species_traits(species)
    s = size * rel
    return (s * 0.95, s * 0.62) if plan == "moth" else (s * 0.55, s * 0.9)


def insect(species: str, cx: float, cy: float, size: float, rng: random.Random) -> str:
    """SVG elements of one pinned specimen of ``species`` centred on ``(cx, cy)``, about
    ``size`` units tall (a beetle) or wide (a moth), a pin head at its centre."""
    plan, colour, mark, rel = species_traits(species)
    s = size * rel * (0.92 + rng.random() * 0.16)
    turn = rng.uniform(-6, 6)
    body = _moth(s, colour, mark) if plan == "moth" else _beetle(s, colour, mark)
    pin = (f'<circle cx="0" cy="{-0.05 * s:.1f}" r="{max(1.0, 0.035 * s):.1f}" fill="#d9d9d9" '
           f'stroke="#777" stroke-width="{max(0.5, 0.008 * s):.1f}"/>')
    return (f'<g transform="translate({cx:.1f} {cy:.1f}) rotate({turn:.1f})">'
            f'{body}{pin}</g>')


def _beetle(s: float, colour: str, mark: str) -> str:
    w = max(0.6, 0.012 * s)
    legs = []
    for side in (-1, 1):
        for k, (y, spread) in enumerate(((-0.12, 0.5), (0.05, 0.55), (0.22, 0.5))):
            x1, y1 = side * 0.2 * s, y * s
            x2, y2 = side * spread * s, (y + (k - 1) * 0.18) * s
            x3, y3 = side * (spread + 0.05) * s, (y + (k - 1) * 0.32) * s
            legs.append(f"M{x1:.1f} {y1:.1f} L{x2:.1f} {y2:.1f} L{x3:.1f} {y3:.1f}")
        legs.append(f"M{side * 0.05 * s:.1f} {-0.55 * s:.1f} "
                    f"Q{side * 0.2 * s:.1f} {-0.8 * s:.1f} {side * 0.3 * s:.1f} {-0.88 * s:.1f}")
    spots = "".join(
        f'<circle cx="{side * 0.14 * s:.1f}" cy="{y * s:.1f}" r="{0.05 * s:.1f}" '
        f'fill="{mark}" fill-opacity="0.85"/>'
        for side in (-1, 1) for y in (0.0, 0.3))
    return (
        f'<path d="{" ".join(legs)}" stroke="{colour}" stroke-width="{3 * w:.1f}" '
        'fill="none" stroke-linecap="round"/>'
        f'<ellipse cx="0" cy="{-0.5 * s:.1f}" rx="{0.1 * s:.1f}" ry="{0.08 * s:.1f}" '
        f'fill="{colour}"/>'
        f'<ellipse cx="0" cy="{-0.32 * s:.1f}" rx="{0.2 * s:.1f}" ry="{0.14 * s:.1f}" '
        f'fill="{colour}"/>'
        f'<ellipse cx="0" cy="{0.15 * s:.1f}" rx="{0.26 * s:.1f}" ry="{0.45 * s:.1f}" '
        f'fill="{colour}" stroke="#000" stroke-opacity="0.4" stroke-width="{w:.1f}"/>'
        f'<path d="M0 {-0.2 * s:.1f} L0 {0.6 * s:.1f}" stroke="#000" stroke-opacity="0.5" '
        f'stroke-width="{w:.1f}"/>{spots}'
        f'<ellipse cx="{-0.08 * s:.1f}" cy="{0.0:.1f}" rx="{0.05 * s:.1f}" ry="{0.25 * s:.1f}" '
        'fill="#fff" fill-opacity="0.18"/>'
    )


def _moth(s: float, colour: str, mark: str) -> str:
    w = max(0.6, 0.01 * s)
    wings = []
    for side in (-1, 1):
        angle = side * 20
        wings.append(
            f'<ellipse cx="{side * 0.45 * s:.1f}" cy="{-0.18 * s:.1f}" rx="{0.48 * s:.1f}" '
            f'ry="{0.26 * s:.1f}" transform="rotate({angle} {side * 0.45 * s:.1f} '
            f'{-0.18 * s:.1f})" fill="{colour}" stroke="#000" stroke-opacity="0.35" '
            f'stroke-width="{w:.1f}"/>')
        wings.append(
            f'<ellipse cx="{side * 0.3 * s:.1f}" cy="{0.25 * s:.1f}" rx="{0.3 * s:.1f}" '
            f'ry="{0.22 * s:.1f}" fill="{colour}" fill-opacity="0.9" stroke="#000" '
            f'stroke-opacity="0.35" stroke-width="{w:.1f}"/>')
        wings.append(
            f'<circle cx="{side * 0.55 * s:.1f}" cy="{-0.2 * s:.1f}" r="{0.08 * s:.1f}" '
            f'fill="{mark}" stroke="#000" stroke-opacity="0.5" stroke-width="{w:.1f}"/>')
        tip = side * 0.12 * s
        wings.append(
            f'<path d="M{side * 0.02 * s:.1f} {-0.4 * s:.1f} Q{tip:.1f} {-0.6 * s:.1f} '
            f'{side * 0.2 * s:.1f} {-0.62 * s:.1f}" stroke="#333" stroke-width="{2 * w:.1f}" '
            'fill="none"/>')
    body = (f'<ellipse cx="0" cy="0" rx="{0.06 * s:.1f}" ry="{0.4 * s:.1f}" fill="#3b2f25"/>')
    return "".join(wings) + body
