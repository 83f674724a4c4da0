"""The image information document (info.json) of the IIIF Image API 3.0."""

from __future__ import annotations

import math

import pytest

from holotype.images import info_json, parse_request, scale_factors


def test_the_required_properties_come_first_and_right() -> None:
    info = info_json("https://portal.example/iiif/3/abc/", 6000, 4000, 3000, 4_000_000)
    assert list(info)[:7] == ["@context", "id", "type", "protocol", "profile", "width",
                              "height"]
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == "https://portal.example/iiif/3/abc"  # no trailing slash
    assert (info["type"], info["protocol"], info["profile"]) == (
        "ImageService3", "http://iiif.io/api/image", "level2")
    assert (info["width"], info["height"], info["maxWidth"], info["maxArea"]) == (
        6000, 4000, 3000, 4_000_000)
    assert "maxHeight" not in info  # inferred equal to maxWidth by clients


def test_tiles_match_the_pyramid_levels() -> None:
    info = info_json("http://x/iiif/3/a", 20_000, 15_000, 10_000, 50_000_000)
    assert info["tiles"] == [{"type": "Tile", "width": 512, "height": 512,
                              "scaleFactors": [1, 2, 4, 8, 16, 32, 64]}]
    assert math.ceil(20_000 / 64) <= 512 < math.ceil(20_000 / 32)
    assert scale_factors(512, 300) == [1]
    assert scale_factors(513, 2) == [1, 2]
    assert scale_factors(1000, 1000, 256) == [1, 2, 4]


def test_sizes_are_within_the_limits_and_each_can_be_asked_for() -> None:
    width, height = 20_000, 15_000
    info = info_json("http://x/iiif/3/a", width, height, 10_000, 50_000_000)
    sizes = [(s["width"], s["height"]) for s in info["sizes"]]
    assert sizes == sorted(sizes) and (313, 235) in sizes and (5000, 3750) in sizes
    assert all(w <= 10_000 and h <= 10_000 and w * h <= 50_000_000 for w, h in sizes)
    assert (10_000, 7500) not in sizes  # 75 megapixels: over maxArea
    for w, h in sizes:
        asked = parse_request("full", f"{w},{h}", "0", "default.jpg", width, height,
                              10_000, 50_000_000)
        assert (asked.width, asked.height) == (w, h)


@pytest.mark.parametrize(("color", "qualities"), [
    (True, ["color", "gray", "bitonal"]), (False, ["gray", "bitonal"])])
def test_qualities_formats_and_features(color: bool, qualities: list[str]) -> None:
    info = info_json("http://x/iiif/3/a", 100, 100, 1000, 10**6, color=color,
                     extra_features=["canonicalLinkHeader", "mirroring"])
    assert info["extraQualities"] == qualities
    assert info["extraFormats"] == ["webp", "tif", "gif"]
    assert info["extraFeatures"] == ["mirroring", "rotationArbitrary", "sizeUpscaling",
                                     "canonicalLinkHeader"]


def test_max_height_when_given() -> None:
    info = info_json("http://x/iiif/3/a", 100, 100, 1000, 10**6, max_height=500)
    assert (info["maxWidth"], info["maxHeight"]) == (1000, 500)
