"""CSV/TSV staging: dialects, quoting, encodings, and errors that name the row and column."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from holotype.ingest.delimited import Dialect, check_header, sniff_delimiter, stage_delimited
from holotype.ingest.errors import IngestError

Rows = Callable[[Path], list[dict[str, Any]]]


def stage(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, data: bytes | str, **options: Any
) -> tuple[Any, Path]:
    path = tmp_path / "upload.csv"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    out = tmp_path / "staged.parquet"
    return stage_delimited(con, path, out, display_name="upload.csv", **options), out


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_sniffs_the_delimiter(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows, delimiter: str
) -> None:
    text = delimiter.join(["id", "name", "year"]) + "\n"
    text += delimiter.join(["1", "Parus major", "1901"]) + "\n"
    text += delimiter.join(["2", "Apis mellifera", ""]) + "\n"
    staged, out = stage(con, tmp_path, text)
    assert staged.fields == ["id", "name", "year"]
    assert staged.rows == 2
    assert staged.first_row == 2
    assert read_rows(out) == [
        {"id": "1", "name": "Parus major", "year": "1901"},
        {"id": "2", "name": "Apis mellifera", "year": None},
    ]


def test_sniff_prefers_tab_for_tsv() -> None:
    assert sniff_delimiter("a\tb,c\n1\t2,3\n", preferred="\t") == "\t"


def test_values_are_kept_as_text(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    _, out = stage(con, tmp_path, "n,d,z\n007,1.50,2020-01-02\n1e3, ,-0\n")
    assert read_rows(out) == [
        {"n": "007", "d": "1.50", "z": "2020-01-02"},
        {"n": "1e3", "d": " ", "z": "-0"},
    ]


def test_quoted_multiline_fields(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    text = 'id,notes\n1,"line one\nline two, with comma"\n2,"say ""hi"""\n'
    staged, out = stage(con, tmp_path, text)
    assert staged.rows == 2
    assert read_rows(out)[0]["notes"] == "line one\nline two, with comma"
    assert read_rows(out)[1]["notes"] == 'say "hi"'


@pytest.mark.parametrize(
    ("data", "value"),
    [
        (codecs.BOM_UTF8 + "name\nKraków\n".encode(), "Kraków"),
        ("name\nKraków\n".encode("utf-16"), "Kraków"),
        ("name\nKraków\n".encode("utf-16-le"), "Kraków"),
        ("name\nCafé\n".encode("cp1252"), "Café"),
    ],
)
def test_encodings(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows, data: bytes, value: str
) -> None:
    staged, out = stage(con, tmp_path, data)
    assert staged.fields == ["name"]
    assert read_rows(out) == [{"name": value}]


def test_undecodable_bytes_name_the_row(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        stage(con, tmp_path, b"a,b\n1,2\n3,\x81\x8d\n")
    assert caught.value.row == 3


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("a,b,c\n1,2,3\n4,5\n", 3, "c"),  # the first missing field
        ("a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n", 4, None),  # more fields than the header
        ("a,b\n1,2\n3,4\n5,6\n7,8,9\n", 5, None),
    ],
)
def test_ragged_rows_are_named(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, text: str, row: int, column: str
) -> None:
    with pytest.raises(IngestError) as caught:
        stage(con, tmp_path, text)
    assert (caught.value.file, caught.value.row, caught.value.column) == ("upload.csv", row, column)
    assert "expected" in caught.value.message


def test_ragged_row_after_multiline_field_counts_records(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    with pytest.raises(IngestError) as caught:
        stage(con, tmp_path, 'a,b\n1,"x\ny"\n2\n')
    assert caught.value.row == 3


def test_broken_quoting_is_an_ingest_error(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        stage(con, tmp_path, 'a,b\n1,"unterminated\n2,3\n')
    assert caught.value.row is not None


def test_broken_quoting_before_an_undecodable_byte(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    with pytest.raises(IngestError):
        stage(con, tmp_path, b'id,name,year\n1,"x\n\xed')


def test_broken_quoting_in_the_header(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        stage(con, tmp_path, 'a,"b"c\n1,2\n')
    assert caught.value.row == 1


@pytest.mark.parametrize("data", [b"", b"   \n\n  \n"])
def test_empty_file(con: duckdb.DuckDBPyConnection, tmp_path: Path, data: bytes) -> None:
    with pytest.raises(IngestError, match=r"empty|no content"):
        stage(con, tmp_path, data)


def test_header_only_gives_no_rows(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    staged, out = stage(con, tmp_path, "a,b\n")
    assert (staged.fields, staged.rows) == (["a", "b"], 0)
    assert read_rows(out) == []


def test_no_header(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"no header row") as caught:
        stage(con, tmp_path, "1,2.5,2020-01-01\n3,4,2021-02\n")
    assert caught.value.row == 1


def test_duplicate_header_names(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"appears twice") as caught:
        stage(con, tmp_path, "id,name, name\n1,a,b\n")
    assert (caught.value.row, caught.value.column) == (1, "name")


def test_blank_header_name(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"field 2 has no name"):
        stage(con, tmp_path, "id,,x\n1,2,3\n")


def test_check_header_strips_spaces() -> None:
    assert check_header([" id ", "name"], "f.csv") == ["id", "name"]


def test_names_and_skip_lines_for_headerless_files(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    staged, out = stage(
        con,
        tmp_path,
        "skip me\n1\tx\n2\ty\n",
        dialect=Dialect("\t", ""),
        skip_lines=1,
        names=["id", "v"],
    )
    assert (staged.rows, staged.first_row) == (2, 2)
    assert read_rows(out) == [{"id": "1", "v": "x"}, {"id": "2", "v": "y"}]


def test_no_quoting_keeps_quote_characters(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    _, out = stage(con, tmp_path, 'a\tb\n"x\t5" tall\n', dialect=Dialect("\t", ""))
    assert read_rows(out) == [{"a": '"x', "b": '5" tall'}]


def test_connection_is_usable_afterwards(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _, out = stage(con, tmp_path, "a\n1\n")
    assert con.sql(f"SELECT count(*) FROM read_parquet('{out}')").fetchall() == [(1,)]


# --- regressions from the review of the foundation -------------------------------------------


def test_blank_lines_before_the_header(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    staged, out = stage(con, tmp_path, "\n\nid,name\n1,a\n2,b\n")
    assert staged.fields == ["id", "name"] and staged.rows == 2
    rows = con.execute(f"SELECT * FROM read_parquet('{out}')").fetchall()
    assert rows == [("1", "a"), ("2", "b")]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("occurrenceID,Name,name", "clashes with 'Name'"),
        ("id,_id,x", "reserved"),
        ("id,_n:year", "reserved"),
    ],
)
def test_field_names_the_store_cannot_keep_apart(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, header: str, message: str
) -> None:
    with pytest.raises(IngestError, match=message) as caught:
        stage(con, tmp_path, header + "\n" + ",".join("v" * len(header.split(","))) + "\n")
    assert caught.value.row == 1


def test_underscore_names_that_are_not_reserved_are_kept(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    assert stage(con, tmp_path, "id,_notes\n1,x\n")[0].fields == ["id", "_notes"]


def test_too_many_fields(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header = ",".join(f"f{i}" for i in range(1_001))
    with pytest.raises(IngestError, match="1,001 fields; the limit is 1,000"):
        stage(con, tmp_path, header + "\n")


@pytest.mark.parametrize("quoted", [False, True])
def test_too_many_fields_counts_a_header_longer_than_the_sniffed_head(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, quoted: bool
) -> None:
    """The header of a very wide file runs past the first 256 KiB the dialect is sniffed from:
    the message gives its real width, not the fields that happened to fit."""
    names = [f'"f,{i}"' if quoted else f"field{i}" for i in range(100_001)]
    data = "\n\n" + ",".join(names) + "\n" + ",".join(map(str, range(100_001))) + "\n"
    assert len(data) > 1_000_000
    with pytest.raises(IngestError, match=r"^upload\.csv, row 3: the file has 100,001 fields; "
                       r"the limit is 1,000 \(setting max_fields\)$"):
        stage(con, tmp_path, data)


def test_a_wide_header_within_the_limit_is_read_whole(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    names = [f"{'n' * 190}{i}" for i in range(2_000)]  # about 390 KB of header
    data = ",".join(names) + "\n" + ",".join(map(str, range(2_000))) + "\n"
    staged, out = stage(con, tmp_path, data, max_fields=2_000)
    assert staged.fields == names
    assert read_rows(out)[0][names[-1]] == "1999"


def test_a_field_longer_than_the_engine_default(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    big = "x" * 3_000_000
    staged, out = stage(con, tmp_path, f'id,text\n1,"{big}"\n2,short\n')
    assert staged.rows == 2
    (length,) = con.execute(
        f"SELECT max(length(text)) FROM read_parquet('{out}')"
    ).fetchone()  # type: ignore[misc]
    assert length == 3_000_000


def test_short_row_names_the_first_missing_field(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    with pytest.raises(IngestError) as caught:
        stage(con, tmp_path, "a,b,c\n1,2,3\n4\n")
    assert caught.value.row == 3 and caught.value.column == "b"  # a,b,c with "4": b is missing


def test_mostly_utf8_file_with_a_stray_byte_is_refused_not_garbled(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    body = "id,name\n" + "".join(f"{i},naïve\n" for i in range(120_000))
    data = body.encode("utf-8") + b"x,caf\xe9\n"
    with pytest.raises(IngestError, match="not valid UTF-8 at byte") as caught:
        stage(con, tmp_path, data)
    assert caught.value.row == 120_002


def test_windows_1252_is_read_with_a_warning(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    staged, _out = stage(con, tmp_path, "id,name\n1,caf\xe9\n".encode("cp1252"))
    assert any("Windows-1252" in w for w in staged.warnings)
