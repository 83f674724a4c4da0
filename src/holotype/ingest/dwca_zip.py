"""Uploaded zip files, opened safely: bombs and path tricks are refused before and while extracting.

Before anything is extracted every member is checked: no absolute or ``..`` paths, no name used
twice, no symbolic links, no encryption, a total uncompressed size within
``Limits.max_uncompressed_bytes`` and no member that expands by more than
``Limits.max_compression_ratio``. Sizes in zip headers can lie, so extraction counts the bytes
actually written and stops at the limit too.
"""

from __future__ import annotations

import lzma
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from holotype.ingest.errors import IngestError
from holotype.ingest.source import Limits

CHUNK = 1024 * 1024
# What a corrupt or unsupported member raises while being read (bz2 raises OSError).
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    OSError,
    ValueError,  # a member name that is not valid UTF-8, among others
)


def open_zip(path: Path, display_name: str) -> zipfile.ZipFile:
    """Open a zip file; a file that is not one, or is damaged, is an IngestError."""
    try:
        return zipfile.ZipFile(path)
    except Exception as exc:  # a damaged directory raises many types (even NotImplementedError)
        raise IngestError(f"not a valid zip file ({exc})", file=display_name) from exc


def member_path(name: str, display_name: str) -> PurePosixPath:
    """A member name as a safe relative path; absolute, drive and ``..`` paths are refused."""
    normalized = name.replace("\\", "/")
    path = PurePosixPath(normalized)
    first = path.parts[0] if path.parts else ""
    if (
        not path.parts
        or normalized.startswith("/")
        or (len(first) >= 2 and first[1] == ":")
        or ".." in path.parts
        or "\0" in normalized
    ):
        raise IngestError(
            f"the zip holds a member with an unsafe path: {name!r}", file=display_name
        )
    return path


def _is_dir(info: zipfile.ZipInfo) -> bool:
    return info.filename.endswith("/")  # ZipInfo.is_dir() fails on an empty name


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    """A member whose Unix mode (the high half of its external attributes) says it is a link:
    its content is the path it points to, not data."""
    return stat.S_ISLNK(info.external_attr >> 16)


def data_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members that are files (not folders)."""
    return [info for info in archive.infolist() if not _is_dir(info)]


def check_members(archive: zipfile.ZipFile, limits: Limits, display_name: str) -> None:
    """Refuse the archive if any member is unsafe, appears twice, or it would expand beyond the
    limits."""
    total = 0
    seen: set[PurePosixPath] = set()
    for info in archive.infolist():
        if _is_dir(info):
            if PurePosixPath(info.filename.replace("\\", "/")).parts:  # "./" is harmless
                member_path(info.filename, display_name)
            continue
        path = member_path(info.filename, display_name)
        if path in seen:
            raise IngestError(
                f"the zip holds {str(path)!r} more than once; which copy to read is unclear, so "
                "make an archive with one of each",
                file=display_name,
            )
        seen.add(path)
        if _is_symlink(info):
            raise IngestError(
                f"{info.filename} in the zip is a symbolic link; links are not followed, so "
                "make the archive with the file itself (zip without --symlinks)",
                file=display_name,
            )
        if info.flag_bits & 0x1:
            raise IngestError(
                f"{info.filename} is encrypted; upload an archive without a password",
                file=display_name,
            )
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise IngestError(
                f"the archive expands to more than {limits.max_uncompressed_bytes} bytes, "
                "the limit",
                file=display_name,
            )
        if info.file_size and (
            info.compress_size <= 0
            or info.file_size / info.compress_size > limits.max_compression_ratio
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise IngestError(
                f"{info.filename} expands {ratio:.0f} times (the limit is "
                f"{limits.max_compression_ratio}); refusing a possible zip bomb",
                file=display_name,
            )


class ExtractBudget:
    """The bytes that may still be written while extracting, shared by all members."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.written = 0

    def spend(self, count: int, display_name: str) -> None:
        self.written += count
        if self.written > self.limit:
            raise IngestError(
                f"the archive expands to more than {self.limit} bytes, the limit",
                file=display_name,
            )


def extract_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    target: Path,
    budget: ExtractBudget,
    display_name: str,
) -> Path:
    """Stream one member to ``target``, counting the bytes really written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with _open(archive, info, display_name) as source, target.open("wb") as sink:
            while chunk := _read(source, info, display_name):
                written += len(chunk)
                if written > info.file_size:
                    raise IngestError(
                        f"{info.filename} is larger than its zip header says", file=display_name
                    )
                budget.spend(len(chunk), display_name)
                sink.write(chunk)
    except IngestError:
        target.unlink(missing_ok=True)
        raise
    return target


def _open(archive: zipfile.ZipFile, info: zipfile.ZipInfo, display_name: str) -> IO[bytes]:
    try:
        return archive.open(info)
    except READ_ERRORS as exc:
        raise _damaged(info, exc, display_name) from exc


def _read(source: IO[bytes], info: zipfile.ZipInfo, display_name: str) -> bytes:
    try:
        return source.read(CHUNK)
    except READ_ERRORS as exc:
        raise _damaged(info, exc, display_name) from exc


def _damaged(info: zipfile.ZipInfo, exc: BaseException, display_name: str) -> IngestError:
    return IngestError(
        f"cannot extract {info.filename}: the zip is damaged or uses an unsupported "
        f"compression ({exc})",
        file=display_name,
    )


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, display_name: str
) -> bytes:
    """A small member (like meta.xml) read into memory, at most ``limit`` bytes."""
    with _open(archive, info, display_name) as source:
        data = b""
        while len(data) <= limit and (chunk := _read(source, info, display_name)):
            data += chunk
    if len(data) > limit:
        raise IngestError(f"{info.filename} is larger than {limit} bytes", file=display_name)
    return data
