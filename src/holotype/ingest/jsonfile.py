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
JSON. Errors name the record (``row``, counting records from 1) and the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

import duckdb

from holotype.ingest.encoding import detect_encoding
from holotype.ingest.errors import IngestError
from holotype.ingest.source import StagedSource
from holotype.ingest.staging_writer import RecordWriter

CHUNK = 1024 * 1024
MAX_RECORD_CHARS = 256 * 1024 * 1024
MAX_SNIFF_CHARS = 16 * 1024 * 1024
WHITESPACE = " \t\r\n"
RECORD_KEYS = ("records", "data", "rows", "items", "results")


class Number(str):
    """A JSON number kept as the text it was written as."""

    __slots__ = ()


DECODER = json.JSONDecoder(parse_float=Number, parse_int=Number, parse_constant=Number)


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


class Item(NamedTuple):
    """A parsed record, the line it starts on and about how many characters it took."""

    value: Any
    line: int
    size: int


class _Stream:
    """A text file read in chunks, decoded one JSON value at a time."""

    def __init__(self, handle: IO[str], display_name: str) -> None:
        self.handle = handle
        self.display_name = display_name
        self.buffer = ""
        self.pos = 0
        self.dropped = 0  # characters consumed and dropped from the buffer
        self.eof = False
        self.line_at = (0, 1)  # (buffer position, line number there)

    def line(self) -> int:
        """The line number at the current position."""
        counted, number = self.line_at
        number += self.buffer.count("\n", counted, self.pos)
        self.line_at = (self.pos, number)
        return number

    def offset(self) -> int:
        """Characters consumed since the start of the file."""
        return self.dropped + self.pos

    def fill(self, size: int = CHUNK) -> None:
        """Drop what has been consumed and read more."""
        self.line()
        if self.pos:
            self.dropped += self.pos
            self.buffer = self.buffer[self.pos :]
            self.line_at = (0, self.line_at[1])
            self.pos = 0
        chunk = self.handle.read(size)
        if chunk:
            self.buffer += chunk
        else:
            self.eof = True

    def peek(self, *, after: bool = False) -> str:
        """The next non-blank character, consuming blanks ("" at the end of the file).

        With ``after``, the first non-blank character after that one, without consuming it.
        """
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in WHITESPACE:
                self.pos += 1
            index = self.pos
            if after and index < len(self.buffer):
                index += 1
                while index < len(self.buffer) and self.buffer[index] in WHITESPACE:
                    index += 1
            if index < len(self.buffer):
                return self.buffer[index]
            if self.eof:
                return ""
            self.fill()

    def take(self, char: str, what: str) -> None:
        if self.peek() != char:
            found = self.peek() or "the end of the file"
            raise IngestError(
                f"not valid JSON at line {self.line()}: expected {what}, found {found!r}",
                file=self.display_name,
            )
        self.pos += 1

    def decode(self) -> Any:
        """The next JSON value."""
        self.peek()
        size = CHUNK
        while True:
            try:
                value, end = DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or len(self.buffer) - self.pos > MAX_RECORD_CHARS:
                    raise self._error(exc) from exc
            else:
                if end < len(self.buffer) or self.eof:  # a number at the end may be cut short
                    self.pos = end
                    return value
            self.fill(size)
            size *= 2

    def _error(self, exc: json.JSONDecodeError) -> IngestError:
        counted, number = self.line_at
        line = number + self.buffer.count("\n", counted, exc.pos)
        return IngestError(f"not valid JSON at line {line}: {exc.msg}", file=self.display_name)


def _array(stream: _Stream) -> Iterator[Item]:
    """The items of the array whose "[" was just consumed, each with the line it starts on."""
    if stream.peek() == "]":
        stream.pos += 1
        return
    while True:
        stream.peek()
        line, start = stream.line(), stream.offset()
        value = stream.decode()
        yield Item(value, line, stream.offset() - start)
        if stream.peek() == ",":
            stream.pos += 1
            continue
        stream.take("]", "',' or ']' after an array item")
        return


def _document(stream: _Stream, warnings: list[str]) -> Iterator[Item]:
    """Records of a JSON document: an array of them, or an object wrapping them."""
    first = stream.peek()
    if first == "[":
        stream.pos += 1
        yield from _array(stream)
    elif first == "{":
        yield from _wrapper(stream, warnings)
    else:
        raise IngestError(
            "not a JSON file of records: it must hold an array of objects, an object, or one "
            "object per line (JSON Lines)",
            file=stream.display_name,
        )
    if stream.peek():
        raise IngestError(
            f"unexpected content after the end of the JSON document at line {stream.line()}",
            file=stream.display_name,
        )


def _wrapper(stream: _Stream, warnings: list[str]) -> Iterator[Item]:
    """The records array inside a top-level object, or the object itself as one record."""
    stream.take("{", "'{'")
    members: dict[str, Any] = {}
    records_key: str | None = None
    while stream.peek() != "}":
        if stream.peek() != '"':
            stream.take('"', "a member name")
        key = str(stream.decode())
        stream.take(":", "':'")
        if records_key is None and _holds_records(stream, key):
            records_key = key
            stream.pos += 1
            yield from _array(stream)
        else:
            members[key] = stream.decode()
        if stream.peek() == ",":
            stream.pos += 1
        elif stream.peek() != "}":
            stream.take("}", "',' or '}' after an object member")
    stream.pos += 1
    if records_key is None:
        yield Item(members, 1, stream.offset())
    elif members:
        warnings.append(
            f"{stream.display_name}: records were read from {records_key!r}; the other "
            f"top-level members were ignored ({', '.join(list(members)[:5])})"
        )


def _holds_records(stream: _Stream, key: str) -> bool:
    """Whether the member value about to be read is an array of objects (or an empty array
    under a usual name for records)."""
    if stream.peek() != "[":
        return False
    following = stream.peek(after=True)
    return following == "{" or (following == "]" and key.lower() in RECORD_KEYS)


def _lines(handle: IO[str], display_name: str) -> Iterator[Item]:
    """JSON Lines: one value per non-blank line."""
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            yield Item(DECODER.decode(line), number, len(line))
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
        first = DECODER.decode(line)
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
) -> StagedSource:
    """Read a JSON or JSON Lines file of records into the staging Parquet file ``out``.

    ``lines`` forces JSON Lines (True) or a JSON document (False); None detects it.
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
    writer = RecordWriter(out, display_name)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            records = (
                _lines(handle, display_name)
                if json_lines
                else _document(_Stream(handle, display_name), warnings)
            )
            for number, item in _numbered(records, display_name):
                texts = _record_texts(item.value, number, item.line, display_name)
                writer.add(texts, number, item.size)
        rows = writer.finish()
    finally:
        writer.discard()
    if not rows:
        warnings.append(f"{display_name}: the file holds no records")
    return StagedSource(
        path=out,
        fields=writer.fields,
        rows=rows,
        format="jsonl" if json_lines else "json",
        first_row=1,
        warnings=warnings,
    )


def _numbered(records: Iterator[Item], display_name: str) -> Iterator[tuple[int, Item]]:
    """Records counted from 1; nesting too deep for the parser is an IngestError."""
    number = 0
    try:
        for number, item in enumerate(records, start=1):
            yield number, item
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
