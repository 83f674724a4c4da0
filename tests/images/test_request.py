"""Every IIIF Image API 3.0 region, size, rotation, quality and format form, resolved against
one image and the limits; every refusal's status and parameter."""

from __future__ import annotations

import pytest

from holotype.images import IIIFError, IIIFRequest, parse_request

W, H = 1000, 600  # the image
MAX_W, MAX_AREA = 1500, 1_200_000


def parse(region: str = "full", size: str = "max", rotation: str = "0",
          quality_format: str = "default.jpg", *, max_width: int = MAX_W,
          max_area: int = MAX_AREA, max_height: int | None = None) -> IIIFRequest:
    return parse_request(region, size, rotation, quality_format, W, H, max_width, max_area,
                         max_height)


@pytest.mark.parametrize(("region", "expected"), [
    ("full", (0, 0, 1000, 600)),
    ("square", (200, 0, 600, 600)),
    ("10,20,30,40", (10, 20, 30, 40)),
    ("900,500,300,300", (900, 500, 100, 100)),  # cut at the image's edge
    ("pct:10,50,25,50", (100, 300, 250, 300)),
    ("pct:41.6,7.5,40,70", (416, 45, 400, 420)),
    ("pct:0,0,100,100", (0, 0, 1000, 600)),
    ("pct:90,90,50,50", (900, 540, 100, 60)),
    ("pct:0.05,0,0.01,1", (1, 0, 1, 6)),  # under a pixel wide: one pixel
])
def test_regions(region: str, expected: tuple[int, int, int, int]) -> None:
    found = parse(region, "max")
    assert (found.x, found.y, found.w, found.h) == expected
    assert (found.width, found.height) == expected[2:]


def test_full_region_is_canonical_full_whatever_its_form() -> None:
    assert parse("0,0,1000,600").canonical == "full/max/0/default.jpg"
    assert parse("pct:0,0,100,100").canonical == "full/max/0/default.jpg"
    assert parse("0,0,2000,2000").canonical == "full/max/0/default.jpg"
    assert parse("square").canonical == "200,0,600,600/max/0/default.jpg"


@pytest.mark.parametrize(("size", "expected", "canonical"), [
    ("max", (1000, 600), "max"),
    ("500,", (500, 300), "500,300"),
    (",300", (500, 300), "500,300"),
    ("pct:50", (500, 300), "500,300"),
    ("pct:12.5", (125, 75), "125,75"),
    ("400,100", (400, 100), "400,100"),
    ("!400,400", (400, 240), "400,240"),
    ("!1000,300", (500, 300), "500,300"),
    ("1000,", (1000, 600), "max"),
    ("^1200,", (1200, 720), "^1200,720"),
    ("^,800", (1333, 800), "^1333,800"),
    ("^pct:120", (1200, 720), "^1200,720"),
    ("^1100,700", (1100, 700), "^1100,700"),
    ("^!1400,700", (1167, 700), "^1167,700"),
    ("^!2000,500", (833, 500), "833,500"),
    ("^max", (1414, 848), "^max"),
    ("^500,", (500, 300), "500,300"),  # ^ allowed where no upscaling is needed
])
def test_sizes(size: str, expected: tuple[int, int], canonical: str) -> None:
    found = parse("full", size)
    assert (found.width, found.height) == expected
    assert found.canonical == f"full/{canonical}/0/default.jpg"
    assert found.width <= MAX_W and found.height <= MAX_W
    assert found.width * found.height <= MAX_AREA


def test_max_is_held_to_the_limits_and_stays_max() -> None:
    found = parse("full", "max", max_width=400, max_area=10**9)
    assert (found.width, found.height) == (400, 240)
    assert found.canonical == "full/max/0/default.jpg"
    by_area = parse("full", "max", max_width=10**6, max_area=60_000)
    assert by_area.width * by_area.height <= 60_000
    assert abs(by_area.width / by_area.height - W / H) < 0.02
    tall = parse("full", "max", max_width=900, max_height=300, max_area=10**9)
    assert (tall.width, tall.height) == (500, 300)


def test_confined_size_is_held_to_the_limits() -> None:
    found = parse("full", "!800,800", max_width=400, max_area=10**9)
    assert (found.width, found.height) == (400, 240)


def test_sizes_of_a_region() -> None:
    found = parse("100,100,200,100", "100,")
    assert (found.x, found.y, found.w, found.h, found.width, found.height) == (
        100, 100, 200, 100, 100, 50)
    assert found.canonical == "100,100,200,100/100,50/0/default.jpg"


@pytest.mark.parametrize(("rotation", "mirror", "degrees", "canonical"), [
    ("0", False, 0.0, "0"), ("90", False, 90.0, "90"), ("180", False, 180.0, "180"),
    ("270", False, 270.0, "270"), ("!0", True, 0.0, "!0"), ("!90", True, 90.0, "!90"),
    ("22.5", False, 22.5, "22.5"), ("90.0", False, 90.0, "90"), ("360", False, 0.0, "0"),
    ("0.50", False, 0.5, "0.5"), ("!359.9", True, 359.9, "!359.9"),
])
def test_rotations(rotation: str, mirror: bool, degrees: float, canonical: str) -> None:
    found = parse("full", "max", rotation)
    assert (found.mirror, found.rotation) == (mirror, degrees)
    assert found.canonical == f"full/max/{canonical}/default.jpg"


@pytest.mark.parametrize(("quality_format", "quality", "fmt", "media_type"), [
    ("default.jpg", "default", "jpg", "image/jpeg"),
    ("color.png", "color", "png", "image/png"),
    ("gray.webp", "gray", "webp", "image/webp"),
    ("bitonal.png", "bitonal", "png", "image/png"),
    ("default.tif", "default", "tif", "image/tiff"),
    ("default.gif", "default", "gif", "image/gif"),
])
def test_qualities_and_formats(quality_format: str, quality: str, fmt: str,
                               media_type: str) -> None:
    found = parse(quality_format=quality_format)
    assert (found.quality, found.format, found.media_type) == (quality, fmt, media_type)
    assert found.canonical.endswith(f"/{quality}.{fmt}")


@pytest.mark.parametrize(("segments", "parameter", "words"), [
    # Region: malformed, zero-sized, entirely outside the image.
    (("abcdef", "max", "0", "default.jpg"), "region", "not full, square"),
    (("1,2,3", "max", "0", "default.jpg"), "region", "not full, square"),
    (("1,2,3,4,5", "max", "0", "default.jpg"), "region", "not full, square"),
    (("-1,0,10,10", "max", "0", "default.jpg"), "region", "not full, square"),
    (("1.5,0,10,10", "max", "0", "default.jpg"), "region", "not full, square"),
    (("0,0,0,10", "max", "0", "default.jpg"), "region", "zero width or height"),
    (("0,0,10,0", "max", "0", "default.jpg"), "region", "zero width or height"),
    (("1000,0,10,10", "max", "0", "default.jpg"), "region", "entirely outside"),
    (("0,600,10,10", "max", "0", "default.jpg"), "region", "entirely outside"),
    (("pct:0,0,0,10", "max", "0", "default.jpg"), "region", "zero width or height"),
    (("pct:100,0,10,10", "max", "0", "default.jpg"), "region", "entirely outside"),
    (("pct:+1,0,10,10", "max", "0", "default.jpg"), "region", "pct:x,y,w,h"),
    (("pct:1,0,10", "max", "0", "default.jpg"), "region", "pct:x,y,w,h"),
    (("FULL", "max", "0", "default.jpg"), "region", "not full, square"),
    # Size: malformed, under a pixel, larger than the region without ^, over the limits.
    (("full", "full", "0", "default.jpg"), "size", "not one of max"),
    (("full", ",", "0", "default.jpg"), "size", "not one of max"),
    (("full", "abc", "0", "default.jpg"), "size", "not one of max"),
    (("full", "10,10,10", "0", "default.jpg"), "size", "not one of max"),
    (("full", "-5,", "0", "default.jpg"), "size", "not one of max"),
    (("full", "0,", "0", "default.jpg"), "size", "less than a pixel"),
    (("full", ",0", "0", "default.jpg"), "size", "less than a pixel"),
    (("full", "pct:0", "0", "default.jpg"), "size", "less than a pixel"),
    (("full", "pct:0.01", "0", "default.jpg"), "size", "less than a pixel"),
    (("full", "!0,10", "0", "default.jpg"), "size", "less than a pixel"),
    (("0,0,1000,1", "10,", "0", "default.jpg"), "size", "less than a pixel"),
    (("full", "1001,", "0", "default.jpg"), "size", "larger than the region"),
    (("full", ",601", "0", "default.jpg"), "size", "larger than the region"),
    (("full", "pct:100.5", "0", "default.jpg"), "size", "more than 100%"),
    (("full", "1000,601", "0", "default.jpg"), "size", "larger than the region"),
    (("full", "!2000,3000", "0", "default.jpg"), "size", "enlarge the region"),
    (("full", "^1600,", "0", "default.jpg"), "size", "maxWidth"),
    (("full", "^1500,1000", "0", "default.jpg"), "size", "maxArea"),
    (("full", "^pct:1000000", "0", "default.jpg"), "size", "maxWidth"),
    (("full", "^99999999999,", "0", "default.jpg"), "size", "maxWidth"),
    (("full", "^99999999999999999999,", "0", "default.jpg"), "size", "larger than any image"),
    (("full", "pct:", "0", "default.jpg"), "size", "pct:n"),
    (("full", "^^max", "0", "default.jpg"), "size", "not one of max"),
    # Rotation: malformed or out of range.
    (("full", "max", "abcd", "default.jpg"), "rotation", "not a number"),
    (("full", "max", "-90", "default.jpg"), "rotation", "not a number"),
    (("full", "max", "360.1", "default.jpg"), "rotation", "more than 360"),
    (("full", "max", "!!90", "default.jpg"), "rotation", "not a number"),
    (("full", "max", "", "default.jpg"), "rotation", "not a number"),
    (("full", "max", "1e2", "default.jpg"), "rotation", "not a number"),
    # Quality and format.
    (("full", "max", "0", "grey.jpg"), "quality", "not one of default"),
    (("full", "max", "0", "native.jpg"), "quality", "not one of default"),
    (("full", "max", "0", "default.jp2"), "format", "not one of jpg"),
    (("full", "max", "0", "default.JPG"), "format", "not one of jpg"),
    (("full", "max", "0", "default"), "format", "needs a quality and a format"),
    (("full", "max", "0", "default."), "format", "not one of jpg"),
])
def test_refusals(segments: tuple[str, str, str, str], parameter: str, words: str) -> None:
    with pytest.raises(IIIFError) as caught:
        parse(*segments)
    assert caught.value.status == 400
    assert caught.value.parameter == parameter == caught.value.field
    assert words in caught.value.message


@pytest.mark.parametrize("segments", [
    ("pct:" + "9" * 400 + ",0,10,10", "max", "0", "default.jpg"),
    ("0,0," + "9" * 400 + ",10", "max", "0", "default.jpg"),
    ("full", "^pct:" + "9" * 400, "0", "default.jpg"),
    ("full", "^" + "9" * 400 + ",", "0", "default.jpg"),
    ("full", "^," + "9" * 400, "0", "default.jpg"),
    ("full", "^!" + "9" * 400 + ",10", "0", "default.jpg"),
    ("full", "max", "9" * 400, "default.jpg"),
    ("full", "max", "0", "q" * 400 + ".jpg"),
])
def test_huge_numbers_and_long_segments_are_400_with_short_messages(
        segments: tuple[str, str, str, str]) -> None:
    with pytest.raises(IIIFError) as caught:
        parse(*segments)
    assert caught.value.status == 400
    assert len(caught.value.message) < 200


def test_iiif_error_is_an_invalid_with_its_own_status() -> None:
    from holotype.errors import Invalid
    error = IIIFError(501, "not implemented here", "size")
    assert isinstance(error, Invalid)
    assert (error.status, error.parameter, error.errors) == (
        501, "size", {"size": ["not implemented here"]})
    assert IIIFError(400, "bad", "region").status == 400


def test_a_turned_answer_stays_within_max_area() -> None:
    # 1000 x 1000 fits a maxArea of 1,000,000; turned by 45 degrees its box is ~1415 x 1415
    assert parse_request("full", "1000,1000", "90", "default.jpg", 1000, 1000, 2000,
                         1_000_000).rotation == 90
    with pytest.raises(IIIFError) as raised:
        parse_request("full", "1000,1000", "45", "default.jpg", 1000, 1000, 2000, 1_000_000)
    assert raised.value.parameter == "rotation" and "maxArea" in raised.value.message
    assert parse_request("full", "500,500", "45", "default.jpg", 1000, 1000, 2000,
                         1_000_000).rotation == 45
