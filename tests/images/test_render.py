"""Renders checked pixel by pixel against the known gradients they were cut from: regions,
sizes from the right pyramid level, mirroring, rotation, qualities and formats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pyvips

from holotype.images import ImageError, make_pyramid, parse_request, render
from tests.images.conftest import gradient, pixels, vips

W, H = 1200, 800


@pytest.fixture
def rgba(folder: Path) -> Path:
    """A pyramid of gradient(W, H, alpha=True), stored losslessly (deflate)."""
    source = folder / "rgba.png"
    vips(gradient(W, H, alpha=True)).pngsave(str(source))
    make_pyramid(source, folder / "rgba.tif", 10**9)
    return folder / "rgba.tif"


def answer(pyramid: Path, region: str = "full", size: str = "max", rotation: str = "0",
           quality_format: str = "default.png", width: int = W, height: int = H) -> bytes:
    return render(pyramid, parse_request(region, size, rotation, quality_format, width,
                                         height, 4000, 16_000_000))


def test_a_region_at_full_size_is_exact(rgba: Path) -> None:
    got = pixels(answer(rgba, "100,200,50,40"))
    assert np.array_equal(got, gradient(W, H, alpha=True)[200:240, 100:150])


def test_a_region_past_the_edge_is_cut(rgba: Path) -> None:
    got = pixels(answer(rgba, "1150,700,100,300"))
    assert got.shape == (100, 50, 4)
    assert np.array_equal(got, gradient(W, H, alpha=True)[700:, 1150:])


def test_percent_and_square_regions(rgba: Path) -> None:
    got = pixels(answer(rgba, "pct:50,25,10,10"))
    assert np.array_equal(got, gradient(W, H, alpha=True)[200:280, 600:720])
    square = pixels(answer(rgba, "square"))
    assert np.array_equal(square, gradient(W, H, alpha=True)[:, 200:1000])


@pytest.mark.parametrize(("rotation", "turn"), [
    ("90", lambda a: np.rot90(a, k=-1)),
    ("180", lambda a: np.rot90(a, k=2)),
    ("270", lambda a: np.rot90(a, k=1)),
    ("!0", lambda a: a[:, ::-1]),
    ("!90", lambda a: np.rot90(a[:, ::-1], k=-1)),
    ("!180", lambda a: a[::-1, :]),
])
def test_mirroring_and_quarter_turns(rgba: Path, rotation: str, turn: object) -> None:
    got = pixels(answer(rgba, "300,100,70,30", "max", rotation))
    region = gradient(W, H, alpha=True)[100:130, 300:370]
    assert callable(turn)
    assert np.array_equal(got, turn(region))


def test_an_arbitrary_angle_fills_the_corners_transparent_or_white(rgba: Path) -> None:
    got = pixels(answer(rgba, "0,0,100,50", "max", "45"))
    side = (100 + 50) * np.sqrt(0.5)
    assert abs(got.shape[1] - side) <= 3 and abs(got.shape[0] - side) <= 3
    assert got.shape[2] == 4 and got[0, 0, 3] == 0 and got[-1, -1, 3] == 0
    middle = got[got.shape[0] // 2, got.shape[1] // 2]
    assert middle[3] == 200 and abs(int(middle[2]) - 100) <= 2
    flat = pixels(answer(rgba, "0,0,100,50", "max", "45", "default.jpg"))
    assert flat.shape[2] == 3 and flat[0, 0].min() >= 245


def test_gray_and_bitonal(rgba: Path) -> None:
    region = gradient(W, H, alpha=True)[0:256, 0:256]
    expected = pixels(vips(region[:, :, :3]).colourspace("b-w").pngsave_buffer())[:, :, 0]
    gray = pixels(answer(rgba, "0,0,256,256", "max", "0", "gray.png"))
    assert gray.shape == (256, 256, 2)  # grey and its alpha
    assert np.abs(gray[:, :, 0].astype(int) - expected).max() <= 1
    assert (gray[:, :, 1] == 200).all()
    bitonal = pixels(answer(rgba, "0,0,256,256", "max", "0", "bitonal.png"))
    values = bitonal[:, :, 0]
    assert set(np.unique(values).tolist()) == {0, 255}
    assert np.array_equal(values == 255, gray[:, :, 0] >= 128)
    jpeg = pixels(answer(rgba, "0,0,256,256", "max", "0", "gray.jpg"))
    assert jpeg.shape == (256, 256, 1)


def test_jpeg_flattens_alpha_on_white(rgba: Path) -> None:
    got = pixels(answer(rgba, "0,0,64,64", "max", "0", "default.jpg")).astype(int)
    region = gradient(W, H, alpha=True)[0:64, 0:64, :3].astype(int)
    expected = (region * 200 + 255 * 55) / 255
    assert got.shape == (64, 64, 3)
    assert np.abs(got - expected).mean() < 3


@pytest.mark.parametrize(("size", "shape"), [
    ("1,", (1, 1)), (",1", (1, 2)), ("7,5", (5, 7)), ("!100,100", (67, 100)),
    ("333,", (222, 333)), ("pct:10", (80, 120)), ("^2400,", (1600, 2400)),
    ("^pct:101", (808, 1212)), ("1199,799", (799, 1199)),
])
def test_sizes_come_out_exact(rgba: Path, size: str, shape: tuple[int, int]) -> None:
    assert pixels(answer(rgba, "full", size)).shape[:2] == shape


def test_small_sizes_read_a_smaller_level_and_stay_faithful(folder: Path) -> None:
    ys, xs = np.mgrid[0:1024, 0:2048]
    smooth = np.stack([xs // 8, ys // 4, np.full_like(xs, 50)], axis=-1).astype(np.uint8)
    source = folder / "smooth.png"
    vips(smooth).pngsave(str(source))
    pyramid = folder / "smooth.tif"
    make_pyramid(source, pyramid, 10**9)
    got = pixels(answer(pyramid, "full", "256,", "0", "default.png", 2048, 1024)).astype(int)
    assert got.shape == (128, 256, 3)
    columns, rows = np.arange(256), np.arange(128)
    assert np.abs(got[64, :, 0] - columns).max() <= 3
    assert np.abs(got[:, 128, 1] - 2 * rows).max() <= 4
    region = pixels(answer(pyramid, "1024,512,512,256", "64,", "0", "default.png", 2048,
                           1024)).astype(int)
    assert region.shape == (32, 64, 3)
    assert abs(region[16, 0, 0] - 128) <= 3 and abs(region[0, 32, 1] - 128) <= 4


def test_a_greyscale_pyramid_in_colour_and_default(folder: Path) -> None:
    source = folder / "grey.png"
    vips(gradient(300, 200)[:, :, :1], "b-w").pngsave(str(source))
    pyramid = folder / "grey.tif"
    make_pyramid(source, pyramid, 10**9)
    default = pixels(answer(pyramid, "full", "max", "0", "default.png", 300, 200))
    colour = pixels(answer(pyramid, "full", "max", "0", "color.png", 300, 200))
    assert default.shape == (200, 300, 1) and colour.shape == (200, 300, 3)
    assert np.abs(colour[:, :, 1].astype(int) - default[:, :, 0]).max() <= 1


@pytest.mark.parametrize(("quality_format", "magic", "offset"), [
    ("default.jpg", b"\xff\xd8\xff", 0), ("default.png", b"\x89PNG", 0),
    ("default.webp", b"WEBP", 8), ("default.gif", b"GIF8", 0), ("default.tif", b"II*\x00", 0),
    ("bitonal.png", b"\x89PNG", 0), ("gray.webp", b"WEBP", 8),
])
def test_formats(rgba: Path, quality_format: str, magic: bytes, offset: int) -> None:
    data = answer(rgba, "0,0,40,30", "max", "0", quality_format)
    assert data[offset:offset + len(magic)] == magic
    decoded = pyvips.Image.new_from_buffer(data, "")
    assert (decoded.width, decoded.height) == (40, 30)


def test_a_broken_pyramid_is_an_image_error(folder: Path) -> None:
    broken = folder / "broken.tif"
    broken.write_bytes(b"II*\x00" + b"\x00" * 60)
    with pytest.raises(ImageError, match=r"broken\.tif: cannot render full/max/0/default\.png"):
        answer(broken)
