"""Real images made with pyvips in temporary folders: known gradients whose pixel values the
tests can predict, and hostile files crafted byte by byte."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import pyvips


def gradient(width: int, height: int, alpha: bool = False) -> np.ndarray:
    """Red = x mod 256, green = y mod 256, blue = 100 (and alpha = 200): every pixel known."""
    ys, xs = np.mgrid[0:height, 0:width]
    bands = [xs % 256, ys % 256, np.full_like(xs, 100)]
    if alpha:
        bands.append(np.full_like(xs, 200))
    return np.stack(bands, axis=-1).astype(np.uint8)


def vips(array: np.ndarray, interpretation: str = "srgb") -> pyvips.Image:
    return pyvips.Image.new_from_array(array).copy(interpretation=interpretation)


def pixels(data: bytes | Path) -> np.ndarray:
    """An encoded image (bytes or a file's first page) as an array height x width x bands."""
    image = (pyvips.Image.new_from_buffer(data, "") if isinstance(data, bytes)
             else pyvips.Image.new_from_file(str(data)))
    return np.asarray(image.numpy()).reshape(image.height, image.width, image.bands)


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` RGB pixels but holds none."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path
