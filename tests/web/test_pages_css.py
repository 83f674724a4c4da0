"""The portal's colours, computed from holotype.css: text at least 4.5:1 against its background
(WCAG 2.1 AA), the focus outline at least 3:1."""

from __future__ import annotations

import re
from pathlib import Path

import holotype.web

CSS = (Path(holotype.web.__file__).parent / "static" / "holotype.css").read_text()


def colour(value: str) -> str:
    """A CSS colour (``#rrggbb``, ``#rgb`` or ``var(--name)``) as ``#rrggbb``."""
    value = value.strip()
    found = re.fullmatch(r"var\(--([\w-]+)\)", value)
    if found:
        root = re.search(r":root\s*{([^}]*)}", CSS)
        assert root is not None
        declared = re.search(rf"--{found.group(1)}:\s*([^;]+);", root.group(1))
        assert declared is not None, value
        return colour(declared.group(1))
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:])
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), value
    return value


def declared(selector: str, prop: str) -> str:
    """The value of ``prop`` in the rule for exactly ``selector``."""
    rule = re.search(rf"(?:^|}})\s*{re.escape(selector)}\s*{{([^}}]*)}}", CSS, re.M)
    assert rule is not None, f"no rule for {selector}"
    value = re.search(rf"(?:^|[;{{\s]){re.escape(prop)}:\s*([^;}}]+)", rule.group(1))
    assert value is not None, f"{selector} sets no {prop}"
    return value.group(1).strip()


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(colour(a)), luminance(colour(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT = [  # (foreground, background, where)
    ("var(--ink)", "var(--bg)", "body text"),
    ("var(--muted)", "var(--bg)", "muted text, counts, footer"),
    ("var(--muted)", "var(--soft)", "muted text on cards"),
    ("var(--accent)", "var(--bg)", "links"),
    ("var(--accent)", "var(--soft)", "links on cards and citations"),
    ("var(--accent-dark)", "var(--soft)", "hovered builder buttons"),
    ("#fff", "var(--accent)", "buttons, the chosen preset and view"),
    ("#fff", "var(--accent-dark)", "hovered buttons"),
    ("var(--ink)", "var(--notice)", "notices"),
    ("var(--accent)", "var(--notice)", "links in notices"),
]


def test_text_colours_meet_wcag_aa() -> None:
    pairs = [*TEXT,
             (declared("del", "color"), "var(--bg)", "removed values"),
             (declared("ins", "color"), "var(--bg)", "added values"),
             (declared("pre", "color"), declared("pre", "background"), "code samples"),
             (declared("::placeholder", "color"), "#fff", "placeholders")]
    low = [(where, round(contrast(fg, bg), 2)) for fg, bg, where in pairs
           if contrast(fg, bg) < 4.5]
    assert low == []


def test_placeholders_are_not_faded() -> None:
    assert declared("::placeholder", "opacity") == "1"  # Firefox fades them to about 3:1


def test_focus_outline_is_visible() -> None:
    outline = declared(":focus-visible", "outline").split()[-1]
    for background in ("var(--bg)", "var(--soft)", "var(--notice)"):
        assert contrast(outline, background) >= 3
