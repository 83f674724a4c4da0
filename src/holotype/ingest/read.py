"""The one entry point for an upload: refuse what is too big or empty, detect the format, stage it
(the field-name limit, ``Limits.max_fields``, is passed on to every reader).

The format comes from ``fmt`` when given, else from the file name's extension, and the file's first
bytes always have the last word on zips: a zip holding ``xl/workbook.xml`` is an Excel workbook,
a zip holding ``meta.xml`` a Darwin Core Archive.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from pathlib import Path

import duckdb
import pyarrow as pa

from holotype.ingest.delimited import stage_delimited
from holotype.ingest.dwca import NO_META, is_dwca, stage_dwca
from holotype.ingest.dwca_zip import check_members, open_zip
from holotype.ingest.errors import IngestError
from holotype.ingest.excel import stage_excel
from holotype.ingest.jsonfile import stage_json
from holotype.ingest.source import Limits
from holotype.store import StagedSource

FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "dwca")
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".zip": "zip",
}
ALIASES = {"excel": "xlsx", "ndjson": "jsonl", "txt": "csv", "tab": "tsv", "dwc-a": "dwca"}
SUPPORTED = (
    "supported formats: CSV (.csv, .txt), TSV (.tsv, .tab), Excel (.xlsx), JSON (.json), "
    "JSON Lines (.jsonl, .ndjson) and Darwin Core Archives (.zip)"
)
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
    if fmt:
        wanted = fmt.strip().lower().lstrip(".")
        wanted = ALIASES.get(wanted, EXTENSIONS.get(f".{wanted}", wanted))
        if wanted not in (*FORMATS, "zip"):
            raise IngestError(f"unknown format {fmt!r}; {SUPPORTED}", file=display_name)
        return wanted
    suffix = Path(display_name).suffix.lower() or path.suffix.lower()
    return EXTENSIONS.get(suffix)


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
    raise IngestError(NO_META, file=display_name)


def detect_format(path: Path, display_name: str, fmt: str | None, limits: Limits) -> str:
    """One of FORMATS for the file, or an IngestError saying what is supported."""
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
        f"cannot tell the file's format from its name; {SUPPORTED}", file=display_name
    )


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    work_dir: Path,
    *,
    display_name: str,
    fmt: str | None = None,
    limits: Limits,
) -> StagedSource:
    """Stage one uploaded file into ``work_dir / "staged.parquet"``.

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
        staged = _stage(con, path, work_dir, out, kind, display_name, limits)
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


def _stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    work_dir: Path,
    out: Path,
    kind: str,
    display_name: str,
    limits: Limits,
) -> StagedSource:
    if kind in ("csv", "tsv"):
        return stage_delimited(
            con, path, out, display_name=display_name, fmt=kind, max_fields=limits.max_fields
        )
    if kind == "xlsx":
        return stage_excel(con, path, out, display_name=display_name, max_fields=limits.max_fields)
    if kind in ("json", "jsonl"):
        lines = True if kind == "jsonl" else None  # a .json file may hold JSON Lines too
        return stage_json(
            con, path, out, display_name=display_name, lines=lines, max_fields=limits.max_fields
        )
    return stage_dwca(con, path, work_dir, out, display_name=display_name, limits=limits)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
