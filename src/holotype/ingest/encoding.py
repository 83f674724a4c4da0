"""Text encoding detection and transcoding for uploaded delimited files.

Accepted: UTF-8 (with or without a byte-order mark), UTF-16 (with a BOM, or without one when the
zero bytes give it away), and Windows-1252 as the fallback for legacy exports. Anything else is an
error that names the row and byte offset of the first undecodable byte.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from holotype.ingest.errors import IngestError

CHUNK = 4 * 1024 * 1024


def _sniff_utf16(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4:
        even_zero = sample[0::2].count(0)
        odd_zero = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_zero > 0.4 * half and even_zero < 0.05 * half:
            return "utf-16-le"
        if even_zero > 0.4 * half and odd_zero < 0.05 * half:
            return "utf-16-be"
    return None


def first_bad_byte(path: Path, encoding: str) -> tuple[int, int] | None:
    """(byte offset, 1-based line) of the first byte ``encoding`` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    lines = 1
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset + exc.start, lines + chunk[: exc.start].count(b"\n")
            offset += len(chunk)
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, lines
    return None


def detect_encoding(path: Path, display_name: str) -> str:
    """The file's encoding as a Python codec name."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    utf16 = _sniff_utf16(head)
    if utf16:
        bad = first_bad_byte(path, utf16)
        if bad:
            raise IngestError(
                f"not valid UTF-16 text at byte {bad[0]}", file=display_name, row=bad[1]
            )
        return utf16
    broken = first_bad_byte(path, "utf-8")
    if broken is None:
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    if _has_utf8_sequences(path, broken[0]):
        # Real UTF-8 text before the bad byte: a damaged UTF-8 file, not a legacy encoding.
        # Reading it all as Windows-1252 would garble every accented letter, so refuse it.
        raise IngestError(
            f"not valid UTF-8 at byte {broken[0]} (byte 0x{_byte_at(path, broken[0]):02x}), "
            "although the text before it is UTF-8; the file seems damaged: fix or re-export it",
            file=display_name,
            row=broken[1],
        )
    bad = first_bad_byte(path, "cp1252")
    if bad is None:
        return "cp1252"
    raise IngestError(
        f"undecodable byte 0x{_byte_at(path, bad[0]):02x} at byte {bad[0]}: the file is neither "
        "UTF-8, UTF-16 nor Windows-1252 text; save it as UTF-8 and upload it again",
        file=display_name,
        row=bad[1],
    )


def _has_utf8_sequences(path: Path, end: int) -> bool:
    """Whether the first ``end`` bytes (all valid UTF-8) hold any multi-byte character."""
    with path.open("rb") as handle:
        remaining = end
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            if not chunk.isascii():
                return True
            remaining -= len(chunk)
    return False


def likely_utf8(path: Path, display_name: str) -> str | None:
    """A cheap guess from the first megabyte: "utf-8"/"utf-8-sig", or None when unsure.

    The CSV engine validates UTF-8 itself as it reads, so the common case needs no extra pass
    over a large file; when it objects, :func:`detect_encoding` decides properly.
    """
    with path.open("rb") as handle:
        head = handle.read(1024 * 1024)
    if _sniff_utf16(head):
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"


def _byte_at(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read(1)
    return data[0] if data else 0


def transcode_to_utf8(path: Path, encoding: str, target: Path) -> Path:
    """Stream ``path`` into ``target`` as UTF-8 without a BOM; returns ``target``."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            dst.write(decoder.decode(chunk).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def read_text_head(path: Path, encoding: str, limit: int = 256 * 1024) -> str:
    """The first ``limit`` bytes of the file decoded (a partial last character is dropped)."""
    with path.open("rb") as handle:
        raw = handle.read(limit)
    decoder = codecs.getincrementaldecoder(encoding)(errors="ignore")
    return str(decoder.decode(raw))
