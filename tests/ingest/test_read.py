"""The dispatcher: size limits first, then the format from fmt, extension and magic bytes."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from holotype.ingest.errors import IngestError
from holotype.ingest.read import detect_format, stage_file
from holotype.ingest.source import Limits
from holotype.store import StagedSource

from .conftest import ArchiveBuilder, meta_xml

Rows = Callable[[Path], list[dict[str, Any]]]
CORE = """<core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" ignoreHeaderLines="1">
  <files><location>occurrence.csv</location></files>
  <id index="0"/>
  <field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>
  <field index="1" term="http://rs.tdwg.org/dwc/terms/year"/>
</core>"""


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    fmt: str | None = None,
    limits: Limits | None = None,
    name: str | None = None,
) -> StagedSource:
    return stage_file(
        con,
        path,
        path.parent / "work",
        display_name=name or path.name,
        fmt=fmt,
        limits=limits or Limits(),
    )


def xlsx(tmp_path: Path, name: str = "book.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "year"])
    sheet.append(["a", 1901])
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("a.csv", "id,year\na,1901\n", "csv"),
        ("a.txt", "id\tyear\na\t1901\n", "csv"),
        ("a.tsv", "id\tyear\na\t1901\n", "tsv"),
        ("a.tab", "id\tyear\na\t1901\n", "tsv"),
        ("a.json", '[{"id": "a", "year": 1901}]', "json"),
        ("a.json", '{"id": "a", "year": 1901}\n{"id": "b"}\n', "jsonl"),
        ("a.jsonl", '{"id": "a", "year": 1901}\n', "jsonl"),
        ("a.ndjson", '{"id": "a", "year": 1901}\n', "jsonl"),
        ("A.CSV", "id,year\na,1901\n", "csv"),
        ("noextension", '[{"id": "a", "year": 1901}]', "json"),
    ],
)
def test_text_formats(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    read_rows: Rows,
    name: str,
    data: str,
    fmt: str,
) -> None:
    staged = stage(con, write(tmp_path, name, data))
    assert staged.format == fmt
    assert staged.path == tmp_path / "work" / "staged.parquet"
    assert read_rows(staged.path)[0] == {"id": "a", "year": "1901"}


def test_xlsx_by_extension_and_by_content(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    assert stage(con, xlsx(tmp_path)).format == "xlsx"
    renamed = xlsx(tmp_path, "upload.zip")
    assert stage(con, renamed).format == "xlsx"
    assert read_rows(tmp_path / "work" / "staged.parquet") == [{"id": "a", "year": "1901"}]


def test_dwca_by_content(con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder) -> None:
    archive = make_zip(
        {"meta.xml": meta_xml(CORE), "occurrence.csv": "occurrenceID,year\no1,1901\n"},
        name="export.dat",
    )
    staged = stage(con, archive)
    assert (staged.format, staged.rows, staged.default_id_field) == ("dwca", 1, "occurrenceID")
    assert stage(con, archive, fmt="dwca").format == "dwca"


def test_explicit_format_wins_over_the_extension(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write(tmp_path, "data.dat", "id\tyear\na\t1901\n")
    assert stage(con, path, fmt="tsv").format == "tsv"
    assert stage(con, path, fmt=".csv").format == "csv"
    assert stage(con, write(tmp_path, "x.txt", '{"id": 1}\n'), fmt="ndjson").format == "jsonl"


def test_plain_zip_is_not_an_archive(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    archive = make_zip({"readme.txt": "hello", "data.csv": "a\n1\n"})
    with pytest.raises(IngestError, match=r"not a Darwin Core Archive: no meta.xml") as caught:
        stage(con, archive)
    assert caught.value.file == "archive.zip"


def test_zip_named_xlsx_without_a_workbook(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    archive = make_zip({"readme.txt": "hello"}, name="book.xlsx")
    with pytest.raises(IngestError, match=r"not a valid .xlsx workbook"):
        stage(con, archive)


@pytest.mark.parametrize(
    ("name", "data", "fmt", "message"),
    [
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, None, r"old Excel \(.xls\)"),
        ("a.xlsx", b"id,year\n", None, "not a valid .xlsx workbook"),
        ("a.zip", b"id,year\n", None, "not a valid zip file"),
        ("a.csv", b"id,year\n", "parquet", "unknown format 'parquet'; supported formats"),
        ("a.pdf", b"%PDF-1.4", None, "supported formats: CSV"),
        ("a.csv.gz", b"\x1f\x8b\x08\x00", None, "supported formats"),
        ("a.zip", b"PK\x03\x04 not really", None, "not a valid zip file"),
    ],
)
def test_unsupported_or_broken(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    name: str,
    data: bytes,
    fmt: str | None,
    message: str,
) -> None:
    with pytest.raises(IngestError, match=message) as caught:
        stage(con, write(tmp_path, name, data), fmt=fmt)
    assert caught.value.file == name


def test_upload_size_limit_comes_first(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path, "big.pdf", b"x" * 101)
    with pytest.raises(IngestError) as caught:
        stage(con, path, limits=Limits(max_upload_bytes=100), name="My Upload.pdf")
    assert caught.value.message == "the file is 101 bytes; the limit is 100"
    assert caught.value.file == "My Upload.pdf"
    assert not (tmp_path / "work").exists()


def test_empty_file_comes_first(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"the file is empty"):
        stage(con, write(tmp_path, "empty.xlsx", b""))


def test_display_name_extension_is_used(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path, "upload-1234", "id\tyear\na\t1901\n")
    assert stage(con, path, name="records.tsv").format == "tsv"


def test_errors_leave_no_staged_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '[{"a": 1}, 2]')
    with pytest.raises(IngestError):
        stage(con, path)
    assert list((tmp_path / "work").iterdir()) == []


def test_xlsx_bomb_is_refused(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = xlsx(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 5_000_000)
    with pytest.raises(IngestError, match=r"zip bomb"):
        stage(con, path)


def test_detect_format_without_staging(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, "a.tsv", "a\tb\n"), "a.tsv", None, Limits()) == "tsv"
