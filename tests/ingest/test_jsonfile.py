"""JSON and JSON Lines staging: shapes, value text, field union, and errors that name the record."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from holotype.ingest import json_document
from holotype.ingest.errors import IngestError
from holotype.ingest.jsonfile import DECODER, compact, stage_json
from holotype.store import StagedSource

Rows = Callable[[Path], list[dict[str, Any]]]


def stage(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, text: str | bytes, **options: Any
) -> tuple[StagedSource, Path]:
    path = tmp_path / "records.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    out = tmp_path / "staged.parquet"
    return stage_json(con, path, out, display_name="records.json", **options), out


ARRAY = """[
  {"id": 1, "name": "Parus major", "lat": 51.50, "big": 12345678901234567890},
  {"id": 2, "name": "", "lat": -1e-3, "ok": true, "tags": ["a", 2, 1.0], "extra": null},
  {"name": "x", "nested": {"b": {"c": [1.50, false, null]}, "s": "é\\"q"}}
]"""


def test_array_of_objects(con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows) -> None:
    staged, out = stage(con, tmp_path, ARRAY)
    assert staged.fields == ["id", "name", "lat", "big", "ok", "tags", "extra", "nested"]
    assert (staged.rows, staged.format, staged.first_row) == (3, "json", 1)
    rows = read_rows(out)
    assert rows[0] == {
        "id": "1", "name": "Parus major", "lat": "51.50", "big": "12345678901234567890",
        "ok": None, "tags": None, "extra": None, "nested": None,
    }  # fmt: skip
    assert rows[1]["name"] is None
    assert rows[1]["lat"] == "-1e-3"
    assert rows[1]["ok"] == "true"
    assert rows[1]["tags"] == '["a",2,1.0]'
    assert rows[2]["nested"] == '{"b":{"c":[1.50,false,null]},"s":"é\\"q"}'


def test_json_lines_with_blank_lines(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    text = '{"a": 1}\n\n{"b": "x", "a": 2.0}\r\n   \n{"c": [1]}\n\n'
    staged, out = stage(con, tmp_path, text)
    assert (staged.format, staged.fields, staged.rows) == ("jsonl", ["a", "b", "c"], 3)
    assert read_rows(out) == [
        {"a": "1", "b": None, "c": None},
        {"a": "2.0", "b": "x", "c": None},
        {"a": None, "b": None, "c": "[1]"},
    ]


def test_wrapper_object(con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows) -> None:
    text = '{"count": 2, "meta": {"x": 1}, "records": [{"id": 1}, {"id": 2}], "next": null}'
    staged, out = stage(con, tmp_path, text)
    assert (staged.format, staged.rows) == ("json", 2)
    assert read_rows(out) == [{"id": "1"}, {"id": "2"}]
    assert "records" in staged.warnings[0] and "count" in staged.warnings[0]


def test_pretty_printed_wrapper(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    text = json.dumps({"data": [{"id": n} for n in range(3)]}, indent=2)
    staged, _ = stage(con, tmp_path, text)
    assert staged.rows == 3
    assert staged.warnings == []


def test_empty_records_array_in_wrapper(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"no records"):
        stage(con, tmp_path, '{"records": [], "total": 0}')


def test_single_object_is_one_record(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    staged, out = stage(con, tmp_path, '{\n "id": 7,\n "tags": ["a", "b"]\n}\n')
    assert staged.rows == 1
    assert read_rows(out) == [{"id": "7", "tags": '["a","b"]'}]


def test_forced_json_lines(con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows) -> None:
    staged, _ = stage(con, tmp_path, '{"records": [{"id": 1}]}\n', lines=True)
    assert (staged.format, staged.fields) == ("jsonl", ["records"])


def test_utf8_bom_and_utf16(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    _, out = stage(con, tmp_path, b"\xef\xbb\xbf" + '[{"n": "Kraków"}]'.encode())
    assert read_rows(out) == [{"n": "Kraków"}]
    _, out = stage(con, tmp_path, '[{"n": "Kraków"}]'.encode("utf-16"))
    assert read_rows(out) == [{"n": "Kraków"}]


def test_fields_appearing_late_across_batches(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    read_rows: Rows,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("holotype.ingest.staging_writer.BATCH_ROWS", 3)
    records = [{"a": n} for n in range(5)] + [{"b": "late", "a": 5}] + [{"c": n} for n in range(4)]
    staged, out = stage(con, tmp_path, "\n".join(json.dumps(r) for r in records))
    assert staged.fields == ["a", "b", "c"]
    assert staged.rows == 10
    rows = read_rows(out)
    assert [r["a"] for r in rows] == ["0", "1", "2", "3", "4", "5", None, None, None, None]
    assert rows[5]["b"] == "late"
    assert [r["c"] for r in rows[6:]] == ["0", "1", "2", "3"]
    assert list(tmp_path.glob("*.part*")) == []


def test_large_array_is_streamed_in_chunks(
    con: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    read_rows: Rows,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(json_document, "CHUNK", 7)  # records and numbers cut at every boundary
    records = [{"id": n, "v": 10**n, "s": "x" * n} for n in range(30)]
    staged, out = stage(con, tmp_path, json.dumps(records, indent=1))
    assert staged.rows == 30
    rows = read_rows(out)
    assert [r["v"] for r in rows] == [str(10**n) for n in range(30)]
    assert rows[29]["s"] == "x" * 29


@pytest.mark.parametrize(
    ("text", "message", "row"),
    [
        ('[{"a": 1}, 5, {"a": 2}]', "record 2 .*not an object", 2),
        ('[{"a": 1},\n {"a": 2},\n ["x"]]', r"record 3 \(line 3\) is not an object", 3),
        ('{"a": 1}\n{"a": 2}\n"text"\n', r"record 3 \(line 3\) is not an object", 3),
        ('{"a": 1}\n{"a": 2\n{"a": 3}\n', "not valid JSON at line 2", None),
        ('[{"a": 1},\n{"a": 2,}\n]', "not valid JSON at line 2", None),
        ('[{"a": 1}\n{"a": 2}]', "expected ',' or ']'", None),
        ('[{"a": 1}] [', "unexpected content after the end", None),
        ('"just a string"', "must hold an array of objects", None),
        ("[]", "no records", None),
        ("[{}, {}]", "no fields", None),
        ('[{"": 1}]', "empty name", 1),
        ('[{"a": 1}', "not valid JSON", None),
        ("[" * 100_000 + "]" * 100_000, "record 1 is nested too deeply", 1),
    ],
)
def test_errors_name_the_record(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, text: str, message: str, row: int | None
) -> None:
    with pytest.raises(IngestError, match=message) as caught:
        stage(con, tmp_path, text)
    assert caught.value.file == "records.json"
    assert caught.value.row == row
    assert not (tmp_path / "staged.parquet").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["records.json"]


def test_deeply_nested_value_in_json_lines(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}\n"
    with pytest.raises(IngestError):
        stage(con, tmp_path, text, lines=True)


def test_undecodable_bytes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"undecodable") as caught:
        stage(con, tmp_path, b'{"a": 1}\n{"a": "\x81"}\n')
    assert caught.value.row == 2


def test_empty_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"empty"):
        stage(con, tmp_path, b"")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(json_values)
def test_compact_round_trips_through_json(value: Any) -> None:
    text = json.dumps(value)
    assert json.loads(compact(DECODER.decode(text))) == json.loads(text)
    assert " " not in compact(DECODER.decode(json.dumps([1, 2, {"a": None}])))


records_strategy = st.lists(
    st.dictionaries(st.sampled_from(["a", "b", "c d", "é"]), json_values, max_size=4),
    min_size=1,
    max_size=6,
).filter(lambda records: any(records))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=records_strategy, indent=st.sampled_from([None, 0, 2]), chunk=st.integers(1, 40))
def test_streamed_array_matches_json_loads(
    con: duckdb.DuckDBPyConnection,
    tmp_path_factory: pytest.TempPathFactory,
    records: list[dict[str, Any]],
    indent: int | None,
    chunk: int,
) -> None:
    tmp_path = tmp_path_factory.mktemp("stream")
    original = json_document.CHUNK
    json_document.CHUNK = chunk
    try:
        staged, out = stage(con, tmp_path, json.dumps(records, indent=indent))
    finally:
        json_document.CHUNK = original
    fields = list(dict.fromkeys(key for record in records for key in record))
    assert staged.fields == fields
    staged_rows = pq.read_table(out).to_pylist()
    for staged_row, record in zip(staged_rows, records, strict=True):
        for field in fields:
            value = staged_row[field]
            if field not in record or record[field] is None or record[field] == "":
                assert value is None
            elif isinstance(record[field], str):
                assert value == record[field]
            else:
                assert json.loads(value) == record[field]
