"""Files the portal holds itself, named by the SHA-256 of their bytes.

A stored file lives at ``<data_dir>/media/stored/<sha256>.<ext>`` and its source is
``stored:<sha256>.<ext>`` (:func:`holotype.media.refs.stored_source`). The same bytes are held
once however often they are added; a file is written to a temporary name first and renamed into
place, so a reader never sees half a file. Files are never changed or removed by an ingest, so
every version that names one can show it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO

from holotype.media.refs import stored_name, stored_source

CHUNK = 1024 * 1024


def stored_dir(data_dir: Path) -> Path:
    """Where stored media live under the site's data directory."""
    return data_dir / "media" / "stored"


def stored_path(data_dir: Path, source: str) -> Path | None:
    """The file of a ``stored:`` source (None for other sources; the file may be missing)."""
    name = stored_name(source)
    return None if name is None else stored_dir(data_dir) / name


def _extension(name: str) -> str:
    extension = Path(name).suffix.lower().lstrip(".")
    return extension if extension.isalnum() and 0 < len(extension) <= 8 else "bin"


def store_stream(data_dir: Path, stream: IO[bytes], name: str) -> str:
    """Store the bytes of ``stream`` (named ``name``, whose extension the stored file keeps) and
    return their ``stored:`` source."""
    folder = stored_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".adding-")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        source = stored_source(digest.hexdigest(), _extension(name))
        target = folder / source.removeprefix("stored:")
        if target.exists():
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return source


def store_file(data_dir: Path, path: Path) -> str:
    """Store a copy of the file at ``path`` and return its ``stored:`` source."""
    with path.open("rb") as stream:
        return store_stream(data_dir, stream, path.name)


__all__ = ["store_file", "store_stream", "stored_dir", "stored_path"]
