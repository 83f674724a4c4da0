"""Deflate on several threads gives one valid stream, whatever the chunking."""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from holotype.services.downloads.parallel_deflate import CHUNK, ParallelDeflate, open_member


def _data(size: int) -> bytes:
    rng = random.Random(size)
    words = [bytes(rng.choices(b"abcdefghij,\t\n ", k=rng.randint(1, 12))) for _ in range(500)]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words)
    return bytes(out[:size])


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 12345])
@pytest.mark.parametrize("level", [1, 3, 6])  # ISA-L's levels 1 and 3, and zlib's 6
def test_chunks_joined_are_one_deflate_stream(size: int, level: int) -> None:
    data = _data(size)
    with ThreadPoolExecutor(2) as pool:
        compressor = ParallelDeflate(level, pool, pending=2)
        pieces = [compressor.compress(data[i:i + 300_000])
                  for i in range(0, len(data), 300_000)]
        pieces.append(compressor.flush())
    stream = b"".join(pieces)
    assert zlib.decompress(stream, -zlib.MAX_WBITS) == data


def test_a_zip_member_written_in_parallel_reads_back() -> None:
    data = _data(3 * CHUNK + 7)
    buffer = io.BytesIO()
    with ThreadPoolExecutor(2) as pool, zipfile.ZipFile(buffer, "w") as archive:
        with open_member(archive, "data.csv", 1, pool) as member:
            for i in range(0, len(data), 65536):
                member.write(data[i:i + 65536])
        archive.writestr("after.txt", b"next member")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert archive.testzip() is None  # every CRC checks
        info = archive.getinfo("data.csv")
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.file_size == len(data) and info.compress_size < len(data) / 2
        assert archive.read("data.csv") == data
        assert archive.read("after.txt") == b"next member"
