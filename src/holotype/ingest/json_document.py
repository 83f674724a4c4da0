"""A JSON document of records, streamed: an array of objects, or an object wrapping them.

The file is read in chunks and decoded one value at a time, so a large array is never held in
memory whole. Numbers are kept as the text they were written as, and an object with the same key
twice is refused (:class:`DuplicateKey`), since one of the values would be lost silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any, NamedTuple

from holotype.ingest.errors import IngestError

CHUNK = 1024 * 1024
MAX_RECORD_CHARS = 256 * 1024 * 1024
WHITESPACE = " \t\r\n"
RECORD_KEYS = ("records", "data", "rows", "items", "results")


class Number(str):
    """A JSON number kept as the text it was written as."""

    __slots__ = ()


class DuplicateKey(Exception):
    """An object has the same key twice; ``line`` is filled in where it is known."""

    def __init__(self, key: str, line: int | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return record


DECODER = json.JSONDecoder(
    object_pairs_hook=_object, parse_float=Number, parse_int=Number, parse_constant=Number
)
#: For guessing the shape only: duplicate keys are reported when the records are read.
LENIENT_DECODER = json.JSONDecoder(parse_float=Number, parse_int=Number, parse_constant=Number)


class Item(NamedTuple):
    """A parsed record, the line it starts on and about how many characters it took."""

    value: Any
    line: int
    size: int


class Stream:
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


def _array(stream: Stream) -> Iterator[Item]:
    """The items of the array whose "[" was just consumed, each with the line it starts on."""
    if stream.peek() == "]":
        stream.pos += 1
        return
    while True:
        stream.peek()
        line, start = stream.line(), stream.offset()
        try:
            value = stream.decode()
        except DuplicateKey as exc:
            exc.line = line
            raise
        yield Item(value, line, stream.offset() - start)
        if stream.peek() == ",":
            stream.pos += 1
            continue
        stream.take("]", "',' or ']' after an array item")
        return


def document(stream: Stream, warnings: list[str]) -> Iterator[Item]:
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


def _wrapper(stream: Stream, warnings: list[str]) -> Iterator[Item]:
    """The records array inside a top-level object, or the object itself as one record."""
    stream.take("{", "'{'")
    members: dict[str, Any] = {}
    records_key: str | None = None
    while stream.peek() != "}":
        if stream.peek() != '"':
            stream.take('"', "a member name")
        line = stream.line()
        key = str(stream.decode())
        if key in members or key == records_key:
            raise IngestError(
                f"the top-level object has the key {key!r} twice (line {line})",
                file=stream.display_name,
            )
        stream.take(":", "':'")
        if records_key is None and _holds_records(stream, key):
            records_key = key
            stream.pos += 1
            yield from _array(stream)
        else:
            try:
                members[key] = stream.decode()
            except DuplicateKey as exc:
                exc.line = line
                raise
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


def _holds_records(stream: Stream, key: str) -> bool:
    """Whether the member value about to be read is an array of objects (or an empty array
    under a usual name for records)."""
    if stream.peek() != "[":
        return False
    following = stream.peek(after=True)
    return following == "{" or (following == "]" and key.lower() in RECORD_KEYS)
