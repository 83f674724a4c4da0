"""Sources of every kind made into pyramidal TIFFs: levels, tiles, 8-bit sRGB or greyscale,
alpha kept, orientation applied, colour profiles converted, bad files leaving nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pyvips

from holotype.images import ImageError, make_pyramid
from tests.images.conftest import gradient, pixels, png_header, vips

LIMIT = 50_000_000


def level_sizes(path: Path) -> list[tuple[int, int]]:
    pages = pyvips.Image.new_from_file(str(path)).get("n-pages")
    return [(page.width, page.height) for page in (
        pyvips.Image.new_from_file(str(path), page=n) for n in range(int(pages)))]


def test_levels_halve_until_one_tile_and_pixels_survive(folder: Path) -> None:
    source = folder / "rgb.png"
    vips(gradient(2100, 1300)).pngsave(str(source))
    info = make_pyramid(source, folder / "out" / "rgb.tif", LIMIT)
    assert (info.width, info.height, info.bands, info.format, info.interpretation) == (
        2100, 1300, 3, "tiff", "srgb")
    pyramid = folder / "out" / "rgb.tif"
    assert level_sizes(pyramid) == [(2100, 1300), (1050, 650), (525, 325), (262, 162)]
    first = pyvips.Image.new_from_file(str(pyramid))
    assert (first.get("tile-width"), first.get("tile-height")) == (512, 512)
    # JPEG-compressed tiles at Q 90: close to the source everywhere.
    error = np.abs(pixels(pyramid).astype(int) - gradient(2100, 1300).astype(int))
    assert error.mean() < 2 and np.percentile(error, 99) < 12
    assert [p.name for p in pyramid.parent.iterdir()] == ["rgb.tif"]  # no temporary left


def test_alpha_is_kept_losslessly(folder: Path) -> None:
    source = folder / "rgba.png"
    vips(gradient(700, 300, alpha=True)).pngsave(str(source))
    info = make_pyramid(source, folder / "rgba.tif", LIMIT)
    assert (info.bands, info.has_alpha) == (4, True)
    assert np.array_equal(pixels(folder / "rgba.tif"), gradient(700, 300, alpha=True))


def test_greyscale_stays_one_band(folder: Path) -> None:
    source = folder / "grey.png"
    vips(gradient(300, 200)[:, :, :1], "b-w").pngsave(str(source))
    info = make_pyramid(source, folder / "grey.tif", LIMIT)
    assert (info.bands, info.interpretation) == (1, "b-w")
    assert np.abs(pixels(folder / "grey.tif")[:, :, 0].astype(int)
                  - gradient(300, 200)[:, :, 0]).max() <= 8


def test_sixteen_bits_become_eight(folder: Path) -> None:
    array = np.zeros((50, 60, 3), dtype=np.uint16)
    array[:, :, 0], array[:, :, 1], array[:, :, 2] = 65535, 32896, 257 * 10
    source = folder / "deep.png"
    vips(array, "rgb16").pngsave(str(source))
    info = make_pyramid(source, folder / "deep.tif", LIMIT)
    assert (info.bands, info.interpretation) == (3, "srgb")
    assert pyvips.Image.new_from_file(str(folder / "deep.tif")).format == "uchar"
    middle = pixels(folder / "deep.tif")[25, 30].astype(int)
    assert np.abs(middle - [255, 128, 10]).max() <= 3


def test_sixteen_bit_greyscale_with_alpha(folder: Path) -> None:
    array = np.zeros((40, 40, 2), dtype=np.uint16)
    array[:, :, 0], array[:, :, 1] = 257 * 77, 65535
    source = folder / "grey16.png"
    vips(array, "grey16").pngsave(str(source))
    info = make_pyramid(source, folder / "grey16.tif", LIMIT)
    assert (info.bands, info.interpretation, info.has_alpha) == (2, "b-w", True)
    assert pixels(folder / "grey16.tif")[20, 20].tolist() == [77, 255]


@pytest.mark.parametrize("profile", [True, False])
def test_cmyk_becomes_srgb(folder: Path, profile: bool) -> None:
    colour = [200, 50, 20]
    cmyk = (pyvips.Image.black(64, 48) + colour).cast("uchar").copy(
        interpretation="srgb").icc_transform("cmyk")
    source = folder / "cmyk.jpg"
    cmyk.jpegsave(str(source), Q=95, keep=pyvips.enums.ForeignKeep.ICC if profile else 0)
    assert pyvips.Image.new_from_file(str(source)).interpretation == "cmyk"
    info = make_pyramid(source, folder / "cmyk.tif", LIMIT)
    assert (info.bands, info.interpretation) == (3, "srgb")
    back = pixels(folder / "cmyk.tif")[24, 32].astype(int)
    # The colour comes back through the CMYK gamut: near what it was, and exactly what
    # libvips' own CMYK-to-sRGB conversion of the same pixels gives (bar JPEG's rounding).
    assert np.abs(back - colour).max() <= 30, back
    direct = cmyk.icc_transform("srgb", input_profile="cmyk", intent="relative")
    assert np.abs(back - np.array(direct(32, 24), dtype=int)).max() <= 8, back


def test_an_icc_profile_is_applied_and_dropped(folder: Path) -> None:
    # sRGB green stored as Display P3 pixels with the P3 profile attached: the pyramid must
    # convert back to sRGB values, not keep the P3 numbers.
    image = pyvips.Image.black(32, 32).new_from_image([0, 200, 0]).copy(interpretation="srgb")
    tagged = image.icc_transform("p3", input_profile="srgb", intent="relative")
    stored = np.array(tagged(16, 16), dtype=int)
    assert np.abs(stored - [0, 200, 0]).max() > 20  # the P3 numbers differ
    source = folder / "tagged.png"
    tagged.pngsave(str(source))
    assert pyvips.Image.new_from_file(str(source)).get_typeof("icc-profile-data") != 0
    make_pyramid(source, folder / "tagged.tif", LIMIT)
    result = pyvips.Image.new_from_file(str(folder / "tagged.tif"))
    assert result.get_typeof("icc-profile-data") == 0
    assert np.abs(pixels(folder / "tagged.tif")[16, 16].astype(int) - [0, 200, 0]).max() <= 6


def test_exif_orientation_is_applied(folder: Path) -> None:
    array = np.zeros((40, 60, 3), dtype=np.uint8)
    array[:10, :10] = [255, 0, 0]  # a red mark at the top left as stored
    image = vips(array).copy()
    image.set_type(pyvips.GValue.gint_type, "orientation", 6)  # "turn 90 clockwise to view"
    source = folder / "turned.jpg"
    image.jpegsave(str(source), Q=95)
    info = make_pyramid(source, folder / "turned.tif", LIMIT)
    assert (info.width, info.height) == (40, 60)
    upright = pixels(folder / "turned.tif").astype(int)
    assert np.abs(upright[4, 35] - [255, 0, 0]).max() < 40  # now at the top right
    assert upright[4, 4].max() < 40
    assert pyvips.Image.new_from_file(str(folder / "turned.tif")).get_typeof(
        "orientation") == 0 or pyvips.Image.new_from_file(
        str(folder / "turned.tif")).get("orientation") == 1


def test_a_truncated_jpeg_leaves_nothing_and_keeps_the_old_pyramid(folder: Path) -> None:
    whole = folder / "whole.jpg"
    vips(gradient(1200, 900)).jpegsave(str(whole), Q=90)
    cut = folder / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    target = folder / "out" / "cut.tif"
    target.parent.mkdir()
    target.write_bytes(b"the previous pyramid")
    with pytest.raises(ImageError, match=r"cut\.jpg: the image is truncated or corrupt"):
        make_pyramid(cut, target, LIMIT)
    assert target.read_bytes() == b"the previous pyramid"
    assert [p.name for p in target.parent.iterdir()] == ["cut.tif"]


def test_a_bomb_is_refused_before_decoding(folder: Path) -> None:
    source = folder / "bomb.png"
    source.write_bytes(png_header(100_000, 100_000))
    with pytest.raises(ImageError, match="decompression bomb"):
        make_pyramid(source, folder / "bomb.tif", LIMIT)
    assert not (folder / "bomb.tif").exists()


def test_random_bytes_are_refused(folder: Path) -> None:
    source = folder / "noise.png"
    source.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ImageError, match="not an image in a supported format"):
        make_pyramid(source, folder / "noise.tif", LIMIT)
    assert list(folder.iterdir()) == [source]


@pytest.mark.parametrize(("width", "height"), [(1, 1), (1, 700), (128, 128), (512, 512),
                                               (513, 2), (3, 1100)])
def test_small_and_thin_images_read_back(folder: Path, width: int, height: int) -> None:
    source = folder / f"thin-{width}x{height}.png"
    vips(gradient(width, height, alpha=True)).pngsave(str(source))
    target = folder / f"thin-{width}x{height}.tif"
    make_pyramid(source, target, LIMIT)
    for size in level_sizes(target)[:1]:
        assert size == (width, height)
    assert np.array_equal(pixels(target), gradient(width, height, alpha=True))
