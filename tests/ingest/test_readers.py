"""The ingest-reader registry: the built-ins in their order, a clear error for an unknown
name, and a reader registered by one module of its own used to stage a file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from holotype.ingest import readers
from holotype.ingest.errors import IngestError
from holotype.ingest.read import detect_format, stage_file
from holotype.ingest.readers import READERS, Reader, Staging, register
from holotype.ingest.source import Limits
from holotype.registry import UnknownName
from holotype.store import StagedSource

Rows = Callable[[Path], list[dict[str, Any]]]


def stage_key_values(staging: Staging) -> StagedSource:
    """A trivial format: one record a line, ``field=value`` pairs separated by ``;``."""
    records = [dict(pair.split("=", 1) for pair in line.split(";"))
               for line in staging.path.read_text().splitlines() if line]
    fields = list(dict.fromkeys(name for record in records for name in record))
    table = pa.table({name: [r.get(name) for r in records] for name in fields})
    pq.write_table(table, staging.out)
    return StagedSource(staging.out, fields, len(records), staging.format)


@pytest.fixture
def key_values() -> Iterator[Reader]:
    reader = register(Reader(
        "key-values", ("kv",), extensions={".kv": "kv"}, aliases={"keyvalue": "kv"},
        described=("key=value lines (.kv)",), stage=stage_key_values,
    ))
    try:
        yield reader
    finally:
        READERS.unregister("key-values")


def test_the_built_in_readers_in_their_order() -> None:
    assert READERS.names() == ("delimited", "excel", "json", "dwca")
    assert readers.formats() == ("csv", "tsv", "xlsx", "json", "jsonl", "dwca")
    assert readers.reader_for("jsonl").name == "json"


def test_an_unknown_reader_is_a_clear_error() -> None:
    with pytest.raises(UnknownName, match=r"unknown ingest reader 'pdf'; known: "
                                          r"delimited, excel, json, dwca"):
        READERS.get("pdf")
    with pytest.raises(LookupError, match=r"no ingest reader stages 'pdf'"):
        readers.reader_for("pdf")


def test_a_registered_reader_stages_a_file(
    key_values: Reader, con: duckdb.DuckDBPyConnection, tmp_path: Path, read_rows: Rows
) -> None:
    path = tmp_path / "specimens.kv"
    path.write_text("id=a;year=1901\nid=b;country=Chile\n")
    assert detect_format(path, path.name, None, Limits()) == "kv"
    staged = stage_file(con, path, tmp_path / "work", display_name=path.name, limits=Limits())
    assert (staged.format, staged.rows, staged.fields) == ("kv", 2, ["id", "year", "country"])
    assert read_rows(staged.path) == [{"id": "a", "year": "1901", "country": None},
                                      {"id": "b", "year": None, "country": "Chile"}]
    named = tmp_path / "data.dat"
    named.write_text("id=c\n")
    assert stage_file(con, named, tmp_path / "work2", display_name=named.name, fmt="keyvalue",
                      limits=Limits()).format == "kv"
    with pytest.raises(IngestError) as caught:
        stage_file(con, tmp_path / "data.dat", tmp_path / "work3", display_name="x.pdf",
                   fmt="pdf", limits=Limits())
    assert caught.value.message.endswith(
        "JSON Lines (.jsonl, .ndjson), Darwin Core Archives (.zip) and key=value lines (.kv)")


def test_after_unregistering_the_reader_is_unknown_again(tmp_path: Path) -> None:
    path = tmp_path / "specimens.kv"
    path.write_text("id=a\n")
    with pytest.raises(IngestError, match=r"cannot tell the file's format from its name"):
        detect_format(path, path.name, None, Limits())
