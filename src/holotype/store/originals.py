"""The uploaded files a resource keeps, one per version: compressed, and read back whole.

A commit keeps the file it was made from as ``originals/<version>/<file name>.zst``: the upload
byte for byte, compressed with Zstandard (level 1, the CPU's cores) while it is copied, about a
fifth of a CSV's size (the 876 MB reference CSV of 2,000,000 records keeps as 183 MB, about the
size of its records' Parquet). ``zstd -d`` gives the upload back. Versions committed before
originals were compressed keep theirs as ``originals/<version>/<file name>``, uncompressed;
:func:`open_original` reads either. The ``keep_originals`` setting turns keeping off (the
services then pass no original).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import zstandard

from holotype.store.manifest import Source, fsync_dir, fsync_file

SUFFIX = ".zst"
LEVEL = 1  # level 3 saves another 5% of the size for 1.5 times the CPU
CHUNK = 1 << 20


def keep_original(
    root: Path, version: int, source: Source | None, original: Path | None, written: list[Path]
) -> Source | None:
    """Copy the uploaded file, compressed, to ``originals/<version>/`` (its path is appended to
    ``written``); the source naming where it is kept (unchanged when nothing is kept)."""
    if source is None or original is None:
        return source
    kept = root / "originals" / str(version) / f"{Path(source.name).name}{SUFFIX}"
    kept.parent.mkdir(parents=True, exist_ok=True)
    written.append(kept)
    compressor = zstandard.ZstdCompressor(level=LEVEL, threads=-1)
    with original.open("rb") as upload, kept.open("wb") as out:
        compressor.copy_stream(upload, out, size=original.stat().st_size,
                               read_size=CHUNK, write_size=CHUNK)
    fsync_file(kept)
    fsync_dir(kept.parent)
    fsync_dir(kept.parent.parent)
    return Source(
        source.name, source.format, source.sha256, source.size, str(kept.relative_to(root))
    )


def open_original(path: Path) -> BinaryIO:
    """The kept file ``path`` (as :meth:`ResourceStore.original` names it) as uploaded: a
    binary stream, decompressed as it is read. Close it after use."""
    handle = path.open("rb")
    if path.suffix != SUFFIX:
        return handle  # kept before originals were compressed
    return zstandard.ZstdDecompressor().stream_reader(handle, closefd=True)  # type: ignore[return-value]
