"""JSON and JSON Lines: records streamed into the staging Parquet file.

Accepted shapes, told apart automatically:

* JSON Lines: one object per line (blank lines are allowed). A file whose first non-blank line is
  a complete object and that has more lines after it is JSON Lines.
* a JSON array of objects: ``[{...}, {...}]``.
* a JSON object wrapping the records: the first member whose value is an array of objects (or
  an empty array named records, data, rows, items or results) holds the records
  (``{"records": [...], "count": 2}``); other members are ignored with a warning. An object with
  no such member is one record.

Fields are the union of keys in order of first appearance. Values are text: numbers exactly as
written, true/false as "true"/"false", null and "" as missing, nested objects and arrays as compact
JSON. Errors name the record (``row``, counting records from 1) and the line. Documents are
parsed in :mod:`json_document`; JSON Lines here, one line at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import duckdb

from holotype.ingest.encoding import detect_encoding
from holotype.ingest.errors import IngestError
from holotype.ingest.json_document import (
    DECODER,
    LENIENT_DECODER,
    DuplicateKey,
    Item,
    Number,
    Stream,
    document,
)
from holotype.ingest.readers import Reader, Staging, register
from holotype.ingest.staging_writer import RecordWriter
from holotype.store import StagedSource

MAX_SNIFF_CHARS = 16 * 1024 * 1024
__all__ = ["DECODER", "compact", "stage_json", "value_text"]


def compact(value: Any) -> str:
    """A parsed JSON value written back as compact JSON, numbers as they were written."""
    if isinstance(value, Number):
        return str.__str__(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        members = ",".join(f"{compact(str(k))}:{compact(v)}" for k, v in value.items())
        return "{" + members + "}"
    return "[" + ",".join(compact(item) for item in value) + "]"


def value_text(value: Any) -> str | None:
    """A record's value as staged text; None for null and the empty string."""
    if type(value) is str:  # the common case first
        return value or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str.__str__(value)
    return compact(value)


def _lines(handle: IO[str], display_name: str) -> Iterator[Item]:
    """JSON Lines: one value per non-blank line."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            yield Item(DECODER.decode(line), number, len(line))
        except DuplicateKey as exc:
            exc.line = number
            raise
        except json.JSONDecodeError as exc:
            raise IngestError(
                f"not valid JSON at line {number}, column {exc.colno}: {exc.msg}",
                file=display_name,
            ) from exc


def _is_json_lines(handle: IO[str]) -> bool:
    """Whether the first non-blank line is a whole object and more lines follow it."""
    line = handle.readline(MAX_SNIFF_CHARS)
    while line and not line.strip():
        line = handle.readline(MAX_SNIFF_CHARS)
    try:
        first = LENIENT_DECODER.decode(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    if not isinstance(first, dict):
        return False
    while rest := handle.readline(MAX_SNIFF_CHARS):
        if rest.strip():
            return True
    return False


def stage_json(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    out: Path,
    *,
    display_name: str,
    lines: bool | None = None,
    max_fields: int = 1000,
) -> StagedSource:
    """Read a JSON or JSON Lines file of records into the staging Parquet file ``out``.

    ``lines`` forces JSON Lines (True) or a JSON document (False); None detects it. Field names
    are checked as they appear (:mod:`names`); there may be ``max_fields`` of them in all.
    """
    del con  # records are streamed with the json module and written with pyarrow
    if path.stat().st_size == 0:
        raise IngestError("the file is empty", file=display_name)
    encoding = detect_encoding(path, display_name)
    json_lines = lines
    if json_lines is None:
        with path.open(encoding=encoding, newline="") as handle:
            json_lines = _is_json_lines(handle)
    warnings: list[str] = []
    writer = RecordWriter(out, display_name, max_fields)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            records = (
                _lines(handle, display_name)
                if json_lines
                else document(Stream(handle, display_name), warnings)
            )
            for number, item in _numbered(records, display_name):
                texts = _record_texts(item.value, number, item.line, display_name)
                writer.add(texts, number, item.size)
        rows = writer.finish()
    finally:
        writer.discard()
    return StagedSource(
        path=out,
        fields=writer.fields,
        rows=rows,
        format="jsonl" if json_lines else "json",
        first_row=1,
        warnings=warnings,
    )


def _numbered(records: Iterator[Item], display_name: str) -> Iterator[tuple[int, Item]]:
    """Records counted from 1; nesting too deep for the parser, or a key twice in an object, is
    an IngestError."""
    number = 0
    try:
        for number, item in enumerate(records, start=1):
            yield number, item
    except DuplicateKey as exc:
        where = f"record {number + 1}" + (f" (line {exc.line})" if exc.line else "")
        raise IngestError(
            f"{where} has the key {exc.key!r} twice in one object; keys must be unique",
            file=display_name,
            row=number + 1,
        ) from exc
    except RecursionError as exc:
        raise IngestError(
            f"record {number + 1} is nested too deeply to read", file=display_name, row=number + 1
        ) from exc


def _record_texts(record: Any, number: int, line: int, display_name: str) -> dict[str, str | None]:
    if not isinstance(record, dict):
        raise IngestError(
            f"record {number} (line {line}) is not an object but {_kind(record)}",
            file=display_name,
            row=number,
        )
    try:
        return {str(key): value_text(value) for key, value in record.items()}
    except RecursionError as exc:
        raise IngestError(
            f"record {number} (line {line}) is nested too deeply to read",
            file=display_name,
            row=number,
        ) from exc


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    if isinstance(value, bool | Number):
        return f"the value {value_text(value)}"
    return f"the string {str(value)[:40]!r}"


def _stage_file(staging: Staging) -> StagedSource:
    lines = True if staging.format == "jsonl" else None  # a .json file may hold JSON Lines too
    return stage_json(staging.con, staging.path, staging.out,
                      display_name=staging.display_name, lines=lines,
                      max_fields=staging.limits.max_fields)


register(Reader(
    "json", ("json", "jsonl"),
    extensions={".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"},
    aliases={"ndjson": "jsonl"},
    described=("JSON (.json)", "JSON Lines (.jsonl, .ndjson)"),
    stage=_stage_file,
))
