"""Inputs every reader must refuse the same way: bad field names, no records, duplicates."""

from __future__ import annotations

import json
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from holotype.ingest.errors import IngestError
from holotype.ingest.read import stage_file
from holotype.ingest.source import Limits
from holotype.store import StagedSource

from .conftest import ArchiveBuilder, meta_xml

Rows = Callable[[Path], list[dict[str, Any]]]
DWC = "http://rs.tdwg.org/dwc/terms/"


def stage(
    con: duckdb.DuckDBPyConnection, path: Path, *, limits: Limits | None = None
) -> StagedSource:
    return stage_file(
        con, path, path.parent / "work", display_name=path.name, limits=limits or Limits()
    )


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def book(tmp_path: Path, *sheets: list[list[Any]], name: str = "book.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    for number, rows in enumerate(sheets):
        sheet = first if number == 0 else workbook.create_sheet(f"Sheet{number + 1}")
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def archive(make_zip: ArchiveBuilder, terms: list[str], data: str, extra: str = "") -> Path:
    fields = "".join(f'<field index="{index}" term="{term}"/>' for index, term in enumerate(terms))
    core = (
        f'<core fieldsTerminatedBy="," ignoreHeaderLines="1" rowType="{DWC}Occurrence">'
        f'<files><location>occurrence.csv</location></files><id index="0"/>{fields}</core>'
    )
    return make_zip({"meta.xml": meta_xml(core, extra), "occurrence.csv": data})


def records_json(keys: list[str]) -> str:
    return "[" + json.dumps(dict.fromkeys(keys, "v")) + "]"


# 1. Field names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["Name", "name"], r"'name' \(field 2\) clashes with 'Name'"),
        (["id", "_id"], r"'_id' \(field 2\) is reserved"),
        (["_n:x"], "reserved"),
        (["_lat", "a"], "reserved"),
    ],
)
def test_json_field_names(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, keys: list[str], message: str
) -> None:
    with pytest.raises(IngestError, match=message) as caught:
        stage(con, write(tmp_path, "r.json", records_json(keys)))
    assert caught.value.file == "r.json"
    assert caught.value.row == 1


def test_json_lines_field_name_clash_across_records(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    data = '{"Name": "a"}\n{"Name": "b"}\n{"NAME": "c"}\n'
    with pytest.raises(IngestError, match=r"'NAME' \(field 2\) clashes with 'Name'") as caught:
        stage(con, write(tmp_path, "r.jsonl", data))
    assert caught.value.row == 3
    assert [p.name for p in (tmp_path / "work").iterdir()] == []


def test_json_field_limit_counts_the_running_total(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    data = "\n".join(json.dumps({f"f{n}": n, f"g{n}": n}) for n in range(3))
    with pytest.raises(IngestError, match="past 5") as caught:
        stage(con, write(tmp_path, "r.jsonl", data), limits=Limits(max_fields=5))
    assert caught.value.row == 3
    assert stage(con, write(tmp_path, "r.jsonl", data), limits=Limits(max_fields=6)).rows == 3


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["Name", "name"], "clashes with 'Name'"),
        (["id", "_from"], "reserved"),
        (["id", "_n:x"], "reserved"),
    ],
)
def test_xlsx_field_names(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, header: list[str], message: str
) -> None:
    with pytest.raises(IngestError, match=message):
        stage(con, book(tmp_path, [header, ["a", "b"]]))


def test_xlsx_field_limit(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = book(tmp_path, [[f"f{n}" for n in range(4)], list(range(4))])
    with pytest.raises(IngestError, match="4 fields; the limit is 3"):
        stage(con, path, limits=Limits(max_fields=3))
    assert stage(con, path, limits=Limits(max_fields=4)).rows == 1


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ([f"{DWC}occurrenceID", "http://example.org/terms/_id"], "'_id'.*reserved"),
        ([f"{DWC}occurrenceID", "http://example.org/terms/_n:x"], "reserved"),
    ],
)
def test_dwca_reserved_term_names(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, terms: list[str], message: str
) -> None:
    with pytest.raises(IngestError, match=message) as caught:
        stage(con, archive(make_zip, terms, "a,b\no1,x\n"))
    assert caught.value.file == "archive.zip"


def test_dwca_terms_differing_in_case_are_named_apart(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    terms = [f"{DWC}occurrenceID", f"{DWC}recordNumber", "http://example.org/RecordNumber"]
    staged = stage(con, archive(make_zip, terms, "a,b,c\no1,x,y\n"))
    assert staged.fields == ["occurrenceID", "recordNumber", "http://example.org/RecordNumber"]
    assert read_rows(staged.path) == [
        {"occurrenceID": "o1", "recordNumber": "x", "http://example.org/RecordNumber": "y"}
    ]
    assert staged.warnings == [
        "'RecordNumber' differs from the field 'recordNumber' only in letter case; "
        "http://example.org/RecordNumber is named 'http://example.org/RecordNumber'"
    ]


def test_dwca_extension_terms_differing_in_case(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder, read_rows: Rows
) -> None:
    extension = (
        '<extension rowType="http://example.org/Media" fieldsTerminatedBy=",">'
        '<files><location>ext.csv</location></files><coreid index="0"/>'
        '<field index="1" term="http://purl.org/dc/terms/title"/>'
        '<field index="2" term="http://example.org/Title"/></extension>'
    )
    path = archive(make_zip, [f"{DWC}occurrenceID"], "a\no1\n", extra=extension)
    with zipfile.ZipFile(path, "a") as zipped:
        zipped.writestr("ext.csv", "o1,t,T\n")
    staged = stage(con, path)
    media = json.loads(read_rows(staged.path)[0]["Media"])
    assert media == [{"title": "t", "http://example.org/Title": "T"}]


def test_dwca_id_field_reserved_by_an_extension_name(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    extension = (
        '<extension rowType="http://example.org/_res" fieldsTerminatedBy=",">'
        '<files><location>ext.csv</location></files><coreid index="0"/>'
        '<field index="1" term="http://purl.org/dc/terms/title"/></extension>'
    )
    path = archive(make_zip, [f"{DWC}occurrenceID"], "a\no1\n", extra=extension)
    with zipfile.ZipFile(path, "a") as zipped:
        zipped.writestr("ext.csv", "o1,t\n")
    with pytest.raises(IngestError, match=r"'_res'.*reserved"):
        stage(con, path)


def test_dwca_field_limit(con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder) -> None:
    terms = [f"{DWC}occurrenceID", f"{DWC}year", f"{DWC}month"]
    with pytest.raises(IngestError, match="3 fields; the limit is 2"):
        stage(con, archive(make_zip, terms, "a,b,c\no1,2,3\n"), limits=Limits(max_fields=2))


# 2. No records --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("h.csv", "id,year\n"),
        ("h.tsv", "id\tyear\n\n"),
        ("e.json", "[]"),
        ("w.json", '{"records": []}'),
    ],
)
def test_text_file_without_records(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, name: str, data: str
) -> None:
    with pytest.raises(IngestError, match="the file holds no records") as caught:
        stage(con, write(tmp_path, name, data))
    assert caught.value.file == name
    assert list((tmp_path / "work").iterdir()) == []


def test_xlsx_with_only_a_header(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="the file holds no records"):
        stage(con, book(tmp_path, [["id", "year"]]))


def test_dwca_core_without_rows(con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder) -> None:
    with pytest.raises(IngestError, match="the file holds no records") as caught:
        stage(con, archive(make_zip, [f"{DWC}occurrenceID"], "occurrenceID\n"))
    assert caught.value.file == "archive.zip"


# 5. Silently accepted inputs ------------------------------------------------------------------


def test_duplicate_zip_member_names(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "dup.zip"
    core = (
        f'<core ignoreHeaderLines="1" rowType="{DWC}Occurrence"><files>'
        f'<location>occurrence.csv</location></files><id index="0"/>'
        f'<field index="0" term="{DWC}occurrenceID"/></core>'
    )
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as zipped:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        zipped.writestr("meta.xml", meta_xml(core))
        zipped.writestr("occurrence.csv", "id\no1\n")
        zipped.writestr("occurrence.csv", "id\no2\n")
    with pytest.raises(IngestError, match=r"'occurrence\.csv' more than once") as caught:
        stage(con, path)
    assert caught.value.file == "dup.zip"


def test_members_differing_only_in_case_are_ambiguous(
    con: duckdb.DuckDBPyConnection, make_zip: ArchiveBuilder
) -> None:
    core = meta_xml(
        f'<core ignoreHeaderLines="1" rowType="{DWC}Occurrence"><files>'
        f'<location>Occurrence.CSV</location></files><id index="0"/>'
        f'<field index="0" term="{DWC}occurrenceID"/></core>'
    )
    path = make_zip({"meta.xml": core, "occurrence.csv": "id\no1\n", "OCCURRENCE.csv": "id\no2\n"})
    with pytest.raises(IngestError, match="several members"):
        stage(con, path)


@pytest.mark.parametrize(
    ("name", "data", "message", "row"),
    [
        ("d.json", '[{"a": 1},\n {"a": 1, "b": 2, "a": 3}]', r"record 2 \(line 2\).*'a' twice", 2),
        ("d.jsonl", '{"a": 1}\n\n{"b": 1, "b": 2}\n', r"record 2 \(line 3\).*'b' twice", 2),
        ("d.json", '[{"a": {"x": 1, "x": 2}}]', r"record 1 \(line 1\).*'x' twice", 1),
        ("d.json", '{"a": 1, "a": 2}', r"top-level object has the key 'a' twice \(line 1\)", None),
        ("d.json", '{"n": 1, "n": 2, "records": [{"a": 1}]}', r"'n' twice", None),
    ],
)
def test_duplicate_json_keys(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    name: str,
    data: str,
    message: str,
    row: int | None,
) -> None:
    with pytest.raises(IngestError, match=message) as caught:
        stage(con, write(tmp_path, name, data))
    assert caught.value.row == row


def test_xlsx_first_sheet_empty_reads_the_next_with_a_warning(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    staged = stage(con, book(tmp_path, [], [], [["id", "year"], ["a", 1901]]))
    assert read_rows(staged.path) == [{"id": "a", "year": "1901"}]
    assert any("'Sheet3'" in warning and "empty" in warning for warning in staged.warnings)


def test_xlsx_without_any_data(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="empty"):
        stage(con, book(tmp_path, [], []))
