"""The one entry point for an upload: refuse what is too big or empty, detect the format, stage it
(the field-name limit, ``Limits.max_fields``, is passed on to every reader).

The format comes from ``fmt`` when given, else from the file name's extension, and the file's first
bytes always have the last word on zips: a zip holding ``xl/workbook.xml`` is an Excel workbook,
a zip holding ``meta.xml`` a Darwin Core Archive. The formats, their extensions and other names,
and who stages each, come from the reader registry (:mod:`holotype.ingest.readers`).
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from pathlib import Path

import duckdb
import pyarrow as pa

from holotype.ingest import readers
from holotype.ingest.dwca import is_dwca
from holotype.ingest.dwca_simple import no_archive_error
from holotype.ingest.dwca_zip import check_members, open_zip
from holotype.ingest.errors import IngestError
from holotype.ingest.readers import Staging
from holotype.ingest.source import Limits
from holotype.store import StagedSource

ZIP_EXTENSION = {".zip": "zip"}  # which format a zip holds is sniffed from its members
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other old Office files)
STAGED_NAME = "staged.parquet"
NO_RECORDS = "the file holds no records"
# What bad input can still raise from the libraries the readers use, should a reader miss one.
UNEXPECTED = (
    duckdb.Error,
    pa.ArrowException,
    UnicodeError,
    csv.Error,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RecursionError,
    ValueError,
)


def _named_format(fmt: str | None, path: Path, display_name: str) -> str | None:
    """The format the caller or the file name asks for (``zip`` when only a zip is known)."""
    extensions = {**readers.extensions(), **ZIP_EXTENSION}
    if fmt:
        wanted = fmt.strip().lower().lstrip(".")
        wanted = readers.aliases().get(wanted, extensions.get(f".{wanted}", wanted))
        if wanted not in (*readers.formats(), "zip"):
            raise IngestError(f"unknown format {fmt!r}; {readers.supported()}",
                              file=display_name)
        return wanted
    suffix = Path(display_name).suffix.lower() or path.suffix.lower()
    return extensions.get(suffix)


def _zip_format(path: Path, named: str | None, display_name: str, limits: Limits) -> str:
    """xlsx or dwca, from what the zip holds (after checking it is safe to open)."""
    with open_zip(path, display_name) as archive:
        check_members(archive, limits, display_name)
        names = {info.filename for info in archive.infolist()}
        if "xl/workbook.xml" in names and named != "dwca":
            return "xlsx"
        if is_dwca(archive, display_name):
            return "dwca"
        if named == "xlsx":
            raise IngestError(
                "not a valid .xlsx workbook: the zip holds no workbook", file=display_name
            )
        raise no_archive_error(archive, display_name)


def detect_format(path: Path, display_name: str, fmt: str | None, limits: Limits) -> str:
    """One of the readers' formats for the file, or an IngestError saying what is supported."""
    named = _named_format(fmt, path, display_name)
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path, named, display_name, limits)
    if head.startswith(OLE2_MAGIC):
        raise IngestError(
            "this is an old Excel (.xls) workbook; save it as .xlsx (or CSV) and upload it again",
            file=display_name,
        )
    if named == "xlsx":
        raise IngestError("not a valid .xlsx workbook (it is not a zip file)", file=display_name)
    if named in ("dwca", "zip"):
        raise IngestError("not a valid zip file", file=display_name)
    if named is not None:
        return named
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"
    raise IngestError(
        f"cannot tell the file's format from its name; {readers.supported()}",
        file=display_name,
    )


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    work_dir: Path,
    *,
    display_name: str,
    fmt: str | None = None,
    limits: Limits,
    data_dir: Path | None = None,
) -> StagedSource:
    """Stage one uploaded file into ``work_dir / "staged.parquet"``; media files it carries (a
    Darwin Core Archive's images) are stored under ``data_dir`` when given.

    ``display_name`` is the name the user knows the file by; errors use it. A file without
    records is refused, whatever its format. Every failure is an IngestError naming the file
    (library errors a reader did not foresee included); on an error nothing is left in
    ``work_dir`` by this call.
    """
    size = path.stat().st_size
    if size > limits.max_upload_bytes:
        raise IngestError(
            f"the file is {size} bytes; the limit is {limits.max_upload_bytes}", file=display_name
        )
    if size == 0:
        raise IngestError("the file is empty", file=display_name)
    kind = detect_format(path, display_name, fmt, limits)
    work_dir.mkdir(parents=True, exist_ok=True)
    out = work_dir / STAGED_NAME
    try:
        reader = readers.reader_for(kind)
        staged = reader.stage(
            Staging(con, path, work_dir, out, kind, display_name, limits, data_dir))
        if not staged.rows:
            raise IngestError(NO_RECORDS, file=display_name)
        return staged
    except IngestError:
        out.unlink(missing_ok=True)
        raise
    except UNEXPECTED as exc:  # a reader missed a way bad input can fail: still name the file
        out.unlink(missing_ok=True)
        raise IngestError(
            f"cannot read the file ({type(exc).__name__}: {_first_line(str(exc))})",
            file=display_name,
        ) from exc


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
