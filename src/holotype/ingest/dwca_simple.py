"""A "simple" Darwin Core Archive: a zip holding one delimited data file whose header names Darwin
Core terms, without meta.xml (the Darwin Core text guide allows it; GBIF's readers read it).

The file is read like any CSV or TSV (delimiter detected); header names given as term URIs or
pre-standard terms become today's field names, as in archives with meta.xml.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path, PurePosixPath

import duckdb

from holotype.darwin_core import is_term
from holotype.engine import ident, literal
from holotype.ingest.delimited import sniff_delimiter, stage_delimited
from holotype.ingest.dwca_terms import field_name
from holotype.ingest.dwca_zip import ExtractBudget, data_members, extract_member, member_path
from holotype.ingest.errors import IngestError
from holotype.ingest.source import Limits
from holotype.store import StagedSource

DATA_SUFFIXES = (".txt", ".csv", ".tsv", ".tab")
HEADER_BYTES = 256 * 1024
# Which field identifies records when the file has it, in this order (after occurrenceID, which
# the store prefers for every format): as GBIF's reader picks a simple archive's id column.
ID_FIELDS = ("taxonID", "eventID", "id")


def _ignored(path: PurePosixPath) -> bool:
    """Files that are not data: macOS resource forks, hidden files, metadata such as eml.xml."""
    return (
        path.parts[0] == "__MACOSX"
        or path.name.startswith(".")
        or path.suffix.lower() in (".xml", ".rtf", ".log", ".pdf", ".html", ".md")
    )


def simple_member(archive: zipfile.ZipFile, display_name: str) -> zipfile.ZipInfo | None:
    """The one data file of a simple archive, or None when the zip is not one."""
    paths = [(info, member_path(info.filename, display_name)) for info in data_members(archive)]
    if any(path.name.lower() == "meta.xml" for _, path in paths):
        return None  # an archive with a descriptor, somewhere it is not looked for
    candidates = [info for info, path in paths if not _ignored(path)]
    if len(candidates) != 1:
        return None
    info = candidates[0]
    if PurePosixPath(info.filename).suffix.lower() not in DATA_SUFFIXES:
        return None
    with archive.open(info) as handle:
        head = handle.read(HEADER_BYTES).decode("utf-8-sig", errors="replace")
    names = _header(head)
    return info if any(is_term(_term_name(name)) for name in names) else None


def _header(head: str) -> list[str]:
    lines = head.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        return []
    delimiter = sniff_delimiter(head if len(lines) > 1 else first, None)
    return next(csv.reader([first], delimiter=delimiter), [])


def stage_simple(
    con: duckdb.DuckDBPyConnection,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    work_dir: Path,
    out: Path,
    *,
    display_name: str,
    limits: Limits,
) -> StagedSource:
    """Stage the data file of a simple archive into ``out``."""
    inner = f"{info.filename} in {display_name}"
    budget = ExtractBudget(limits.max_uncompressed_bytes)
    data = extract_member(archive, info, work_dir / "simple.txt", budget, display_name)
    read = work_dir / "simple.parquet"
    try:
        fmt = "tsv" if PurePosixPath(info.filename).suffix.lower() in (".tsv", ".tab") else "csv"
        staged = stage_delimited(
            con, data, read, display_name=inner, fmt=fmt, max_fields=limits.max_fields
        )
        fields = _renamed(con, read, staged.fields, out)
    finally:
        data.unlink(missing_ok=True)
        read.unlink(missing_ok=True)
    default = next((name for name in ID_FIELDS if name in fields), None)
    return StagedSource(
        path=out,
        fields=fields,
        rows=staged.rows,
        format="dwca",
        first_row=staged.first_row,
        default_id_field=default,
        warnings=staged.warnings,
    )


def _renamed(
    con: duckdb.DuckDBPyConnection, read: Path, names: list[str], out: Path
) -> list[str]:
    """Write ``read`` to ``out`` with term URIs and pre-standard terms named as today's terms;
    a header that already uses short names keeps them."""
    wanted = [_term_name(name) for name in names]
    if len({name.casefold() for name in wanted}) != len(wanted):
        wanted = names  # renaming would make two fields one: keep the header's names
    columns = ", ".join(
        f"{ident(old)} AS {ident(new)}" for old, new in zip(names, wanted, strict=True)
    )
    con.execute(
        f"COPY (SELECT {columns} FROM read_parquet({literal(read)})) TO {literal(out)} "
        "(FORMAT parquet, COMPRESSION zstd)"
    )
    return wanted


def _term_name(name: str) -> str:
    """A header given as a term URI (or ``dwc:name``) named as the term; other names as they are."""
    return (field_name(name) or name) if ("/" in name or ":" in name) else name


def no_archive_error(archive: zipfile.ZipFile, display_name: str) -> IngestError:
    """Why a zip is not a Darwin Core Archive, with advice when it holds one further down (a GBIF
    IPT resource folder holds its published archive as dwca.zip, not at its top)."""
    paths = [member_path(info.filename, display_name) for info in data_members(archive)]
    paths = [path for path in paths if path.parts[0] != "__MACOSX"]
    inner = [str(path) for path in paths if path.suffix.lower() == ".zip"]
    deeper = [str(path.parent) for path in paths if path.name.lower() == "meta.xml"]
    if inner or deeper:
        found = (inner or deeper)[0]
        what = "the archive" if inner else "an archive's folder"
        return IngestError(
            "not a Darwin Core Archive: there is no meta.xml at its top (it looks like a folder "
            f"holding one, such as a GBIF IPT resource folder); {what} inside it is {found!r}: "
            "upload that instead",
            file=display_name,
        )
    if any(path.name == "resource.xml" for path in paths):
        return IngestError(
            "not a Darwin Core Archive: this is a GBIF IPT resource folder that holds no "
            "published archive; publish the resource in the IPT and upload its dwca.zip",
            file=display_name,
        )
    return IngestError(
        "not a Darwin Core Archive: no meta.xml, and not a single data file whose header names "
        "Darwin Core terms",
        file=display_name,
    )
