"""Excel staging: cell values to text, header detection, trailing blanks, width errors."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from holotype.ingest.errors import IngestError
from holotype.ingest.excel import cell_text, stage_excel

Rows = Callable[[Path], list[dict[str, Any]]]


def workbook(tmp_path: Path, rows: list[list[Any]], *, offset: tuple[int, int] = (1, 1)) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for r, values in enumerate(rows, start=offset[0]):
        for c, value in enumerate(values, start=offset[1]):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    book.create_sheet("second")["A1"] = "ignored"
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        ("  x ", "  x "),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (-7, "-7"),
        (3.0, "3"),
        (0.1, "0.1"),
        (1.5e-07, "1.5e-07"),
        (1e20, "1e+20"),
        (51.507222, "51.507222"),
        (dt.datetime(1901, 5, 17), "1901-05-17"),
        (dt.datetime(1901, 5, 17, 13, 45, 10), "1901-05-17T13:45:10"),
        (dt.date(2020, 2, 29), "2020-02-29"),
        (dt.time(9, 30), "09:30:00"),
        (dt.timedelta(hours=26, minutes=3), "26:03:00"),
    ],
)
def test_cell_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text


def test_stages_the_first_sheet(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path, read_rows: Rows
) -> None:
    path = workbook(
        tmp_path,
        [
            ["catalogNumber", "year", "decimalLatitude", "eventDate", "type", "count"],
            ["BM001", 1901, 51.5, dt.datetime(1901, 5, 17), True, None],
            ["BM002", None, -0.25, dt.datetime(1902, 1, 2, 10, 30), False, "=1+1"],
        ],
    )
    staged = stage_excel(con, path, out, display_name="book.xlsx")
    assert staged.fields == [
        "catalogNumber",
        "year",
        "decimalLatitude",
        "eventDate",
        "type",
        "count",
    ]
    assert (staged.rows, staged.first_row, staged.format) == (2, 2, "xlsx")
    rows = read_rows(out)
    assert rows[0] == {
        "catalogNumber": "BM001",
        "year": "1901",
        "decimalLatitude": "51.5",
        "eventDate": "1901-05-17",
        "type": "true",
        "count": None,
    }
    assert rows[1]["eventDate"] == "1902-01-02T10:30:00"
    assert rows[1]["year"] is None
    # openpyxl writes no cached value for formulas; data_only gives the (empty) cached value
    assert rows[1]["count"] is None


def test_header_is_first_non_empty_row_and_trailing_blanks_are_ignored(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path, read_rows: Rows
) -> None:
    path = workbook(
        tmp_path,
        [[None], [None], ["id", "name"], [1, "a"], [None, None], [2, "b"], [None], [None]],
        offset=(1, 2),  # the table starts in column B
    )
    staged = stage_excel(con, path, out, display_name="book.xlsx")
    assert (staged.fields, staged.rows, staged.first_row) == (["id", "name"], 2, 4)
    assert read_rows(out) == [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}]


def test_value_left_of_the_header_is_named(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path
) -> None:
    path = workbook(tmp_path, [[None, "id"], [None, 1], ["stray", 2]])
    with pytest.raises(IngestError, match=r"A3") as caught:
        stage_excel(con, path, out, display_name="book.xlsx")
    assert caught.value.row == 3


def test_table_in_first_column_with_gaps(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path, read_rows: Rows
) -> None:
    path = workbook(
        tmp_path, [[None], ["id", "name", None], [1, "a"], [None, None], [2, "b"], [None], [None]]
    )
    staged = stage_excel(con, path, out, display_name="book.xlsx")
    assert (staged.fields, staged.rows, staged.first_row) == (["id", "name"], 2, 3)
    assert read_rows(out) == [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}]
    assert len(staged.warnings) == 1
    assert "row 4" in staged.warnings[0]


def test_cached_formula_values_are_read(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path, read_rows: Rows
) -> None:
    path = workbook(tmp_path, [["a", "b"], [1, "=A2*2"]])
    # put a cached value in the formula cell, as Excel does when it saves
    patched = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                # an empty value element: <v /> (ElementTree) or <v></v> (lxml, if installed)
                empty = rb"<f>A2\*2</f><v(?: ?/>|></v>)"
                data, found = re.subn(empty, b"<f>A2*2</f><v>2</v>", data)
                assert found == 1
            target.writestr(item, data)
    stage_excel(con, patched, out, display_name="book.xlsx")
    assert read_rows(out) == [{"a": "1", "b": "2"}]


def test_value_beyond_the_header_is_named(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path
) -> None:
    path = workbook(tmp_path, [["id", "name"], [1, "a"], [2, "b", "stray"]])
    with pytest.raises(IngestError, match=r"C3") as caught:
        stage_excel(con, path, out, display_name="book.xlsx")
    assert caught.value.row == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["id", "id"], [1, 2]], "appears twice"),
        ([[1, 2], [3, 4]], "no header row"),
        ([["id", None, "x"], [1, 2, 3]], "field 2 has no name"),
    ],
)
def test_bad_headers(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path, rows: list[list[Any]], message: str
) -> None:
    with pytest.raises(IngestError, match=message):
        stage_excel(con, workbook(tmp_path, rows), out, display_name="book.xlsx")


def test_empty_first_sheet_gives_way_to_the_next(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path, read_rows: Rows
) -> None:
    staged = stage_excel(con, workbook(tmp_path, []), out, display_name="book.xlsx")
    assert (staged.fields, staged.rows) == (["ignored"], 0)
    assert staged.warnings == [
        "book.xlsx: the first worksheet ('Sheet') is empty; records were read from worksheet "
        "'second'"
    ]


@pytest.mark.parametrize(
    "data", [b"not a workbook", b"PK\x03\x04 truncated zip", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
)
def test_not_a_workbook(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path, data: bytes
) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=r"not a valid .xlsx workbook"):
        stage_excel(con, path, out, display_name="book.xlsx")


def test_zip_that_is_not_a_workbook(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path
) -> None:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(IngestError, match=r"not a valid .xlsx workbook"):
        stage_excel(con, path, out, display_name="book.xlsx")


def test_damaged_sheet_xml(con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path) -> None:
    path = workbook(tmp_path, [["a"], [1]])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(IngestError, match=r"workbook"):
        stage_excel(con, broken, out, display_name="book.xlsx")


def test_many_rows_are_written_in_batches(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, out: Path, read_rows: Rows
) -> None:
    rows: list[list[Any]] = [["n", "half"]] + [[n, n / 2] for n in range(25_000)]
    staged = stage_excel(con, workbook(tmp_path, rows), out, display_name="book.xlsx")
    assert staged.rows == 25_000
    staged_rows = read_rows(out)
    assert staged_rows[0] == {"n": "0", "half": "0"}
    assert staged_rows[24_999] == {"n": "24999", "half": "12499.5"}
