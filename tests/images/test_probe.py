"""Hostile and ordinary files through probe: what is refused, with which words, before any
pixel is decoded."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import pyvips

from holotype.errors import Invalid
from holotype.images import ImageError, probe
from tests.images.conftest import gradient, png_header, vips

LIMIT = 50_000_000


def jpeg(folder: Path, name: str = "ok.jpg", width: int = 64, height: int = 48) -> Path:
    path = folder / name
    vips(gradient(width, height)).jpegsave(str(path), Q=90)
    return path


def test_an_ordinary_jpeg(folder: Path) -> None:
    info = probe(jpeg(folder), LIMIT)
    assert (info.width, info.height, info.bands, info.format) == (64, 48, 3, "jpeg")
    assert (info.interpretation, info.has_alpha, info.orientation) == ("srgb", False, 1)
    assert info.pixels == 64 * 48


@pytest.mark.parametrize(("suffix", "fmt", "bands", "alpha"), [
    ("png", "png", 4, True), ("webp", "webp", 4, True), ("tif", "tiff", 4, True),
    ("gif", "gif", 3, False)])
def test_other_formats(folder: Path, suffix: str, fmt: str, bands: int, alpha: bool) -> None:
    path = folder / f"image.{suffix}"
    vips(gradient(40, 30, alpha=True)).write_to_file(str(path))
    info = probe(path, LIMIT)
    assert (info.width, info.height, info.format, info.bands, info.has_alpha) == (
        40, 30, fmt, bands, alpha)


def test_a_quarter_turn_orientation_swaps_width_and_height(folder: Path) -> None:
    image = vips(gradient(64, 48)).copy()
    image.set_type(pyvips.GValue.gint_type, "orientation", 6)
    path = folder / "turned.jpg"
    image.jpegsave(str(path))
    info = probe(path, LIMIT)
    assert (info.width, info.height, info.orientation) == (48, 64, 6)


def test_a_decompression_bomb_is_refused_from_its_header(folder: Path) -> None:
    path = folder / "bomb.png"
    path.write_bytes(png_header(100_000, 100_000))  # 10 gigapixels claimed in 70 bytes
    assert path.stat().st_size < 100
    with pytest.raises(ImageError) as caught:
        probe(path, LIMIT)
    assert "bomb.png" in caught.value.message
    assert "100000 x 100000" in caught.value.message
    assert "decompression bomb" in caught.value.message
    assert isinstance(caught.value, Invalid) and caught.value.status == 400


def test_a_jpeg_header_claiming_a_huge_size_is_refused(folder: Path) -> None:
    data = bytearray(jpeg(folder).read_bytes())
    sof = data.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    data[sof + 5:sof + 9] = (60_000).to_bytes(2, "big") + (60_000).to_bytes(2, "big")
    path = folder / "huge.jpg"
    path.write_bytes(bytes(data))
    with pytest.raises(ImageError, match="60000 x 60000 pixels is more than"):
        probe(path, LIMIT)
    assert probe(path, 60_000 * 60_000).width == 60_000  # the limit, not the file, refused it


def test_exactly_the_limit_is_allowed(folder: Path) -> None:
    assert probe(jpeg(folder), 64 * 48).pixels == 64 * 48
    with pytest.raises(ImageError, match="more than the 3,071 allowed"):
        probe(jpeg(folder), 64 * 48 - 1)


def test_a_zero_size_image_is_refused(folder: Path) -> None:
    path = folder / "zero.png"
    path.write_bytes(png_header(0, 10))
    with pytest.raises(ImageError,
                       match=r"zero\.png: not a readable image \(its header is invalid\)"):
        probe(path, LIMIT)


def test_an_empty_file_is_refused(folder: Path) -> None:
    path = folder / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(ImageError, match=r"empty\.jpg: the file is empty"):
        probe(path, LIMIT)


def test_random_bytes_are_refused(folder: Path) -> None:
    path = folder / "noise.jpg"
    path.write_bytes(b"\x00" + random.Random(15).randbytes(4095))
    with pytest.raises(ImageError, match=r"noise\.jpg: not an image in a supported format"):
        probe(path, LIMIT)


def test_a_jpeg_start_followed_by_garbage_is_refused(folder: Path) -> None:
    path = folder / "garbage.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + random.Random(16).randbytes(2000))
    with pytest.raises(ImageError, match=r"garbage\.jpg: not a readable image \(.+\)"):
        probe(path, LIMIT)


def test_formats_outside_the_list_are_refused_without_being_parsed(folder: Path) -> None:
    svg = folder / "drawing.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    pdf = folder / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for path in (svg, pdf):
        with pytest.raises(ImageError, match="not an image in a supported format"):
            probe(path, LIMIT)


def test_a_missing_file_is_refused(folder: Path) -> None:
    with pytest.raises(ImageError, match=r"gone\.jpg: cannot be read"):
        probe(folder / "gone.jpg", LIMIT)


def test_the_message_never_shows_the_folder(folder: Path) -> None:
    path = folder / "bomb.png"
    path.write_bytes(png_header(100_000, 100_000))
    with pytest.raises(ImageError) as caught:
        probe(path, LIMIT)
    assert str(folder) not in caught.value.message
