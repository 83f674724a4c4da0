"""The data files of a Darwin Core Archive as text: declared encoding checked, width, column names.

meta.xml declares how its files are written; a declaration that does not match the content is an
error naming the file (and the byte and line where that can be told), never a crash. Lines may end
with \\n, \\r\\n or \\r whatever ``linesTerminatedBy`` says: the CSV engine reads all three, and so
do the checks here.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from holotype.ingest.dwca_meta import FileSpec
from holotype.ingest.dwca_terms import field_name
from holotype.ingest.encoding import read_text_head
from holotype.ingest.errors import IngestError
from holotype.store import MAX_FIELD_NAME, RESERVED, RESERVED_PREFIXES

CHUNK = 4 * 1024 * 1024
BOMS = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


def check_encoding(path: Path, encoding: str, declared: str, display_name: str) -> str:
    """The codec to read ``path`` with, after checking that it is ``encoding`` text.

    A UTF-16/UTF-32 file must look like one (text with ASCII delimiters has zero bytes); without a
    byte-order mark its byte order is told from where the zero bytes are. Every byte must decode,
    and an 8-bit file must hold no NUL characters (the sign of a UTF-16 file declared otherwise).
    """
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    wide = encoding.startswith(("utf-16", "utf-32"))
    if wide and head and b"\0" not in head:
        raise _mismatch(
            declared, "it has no zero bytes, so it is 8-bit text (such as UTF-8)", display_name
        )
    if encoding in BOMS and not head.startswith(BOMS[encoding]):
        encoding = _byte_order(head, encoding)
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, line = 0, 1
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeError as exc:
                start = getattr(exc, "start", 0) if isinstance(exc, UnicodeDecodeError) else 0
                row = None if wide else line + chunk[:start].count(b"\n")
                raise _mismatch(
                    declared, f"undecodable bytes at byte {offset + start}", display_name, row
                ) from exc
            if not wide and "\0" in text:
                at = offset + text.index("\0")
                raise _mismatch(
                    declared, f"it holds zero bytes (from byte {at}); is it UTF-16?", display_name
                )
            if not chunk:
                return encoding
            line += text.count("\n")
            offset += len(chunk)


def _byte_order(head: bytes, encoding: str) -> str:
    """``utf-16-le`` or ``-be`` (32 likewise) for a file without a byte-order mark."""
    size = 2 if encoding == "utf-16" else 4
    zeros_first = sum(1 for i in range(0, len(head) - size + 1, size) if head[i] == 0)
    zeros_last = sum(1 for i in range(size - 1, len(head), size) if head[i] == 0)
    return f"{encoding}-be" if zeros_first > zeros_last else f"{encoding}-le"


def _mismatch(declared: str, why: str, display_name: str, row: int | None = None) -> IngestError:
    return IngestError(
        f"the file is not {declared} text as meta.xml says: {why}", file=display_name, row=row
    )


def row_width(data: Path, spec: FileSpec, encoding: str, display_name: str) -> int:
    """The number of columns of the first record (or of the header when there is no record)."""
    try:
        head = read_text_head(data, encoding, 1024 * 1024)
    except UnicodeError as exc:
        raise _mismatch(spec.declared_encoding, str(exc), display_name) from exc
    lines = io.StringIO(head, newline="")  # \n, \r\n and \r all end a line
    if spec.quote:
        reader = csv.reader(lines, delimiter=spec.delimiter, quotechar=spec.quote)
    else:
        reader = csv.reader(lines, delimiter=spec.delimiter, quoting=csv.QUOTE_NONE)
    widths: list[int] = []
    try:
        for record in reader:
            if record:
                widths.append(len(record))
            if len(widths) > spec.ignore_header_lines:
                break
    except csv.Error:
        pass
    if not widths:
        raise IngestError("the file holds no records", file=display_name)
    return widths[-1]


def column_names(spec: FileSpec, width: int, display_name: str) -> list[str]:
    """A name for each column of the file, from the terms that point at it.

    These name the columns while staging (and in errors about rows); the fields' own names are
    decided in :mod:`dwca_join`. Names are unique ignoring letter case, and a term whose name the
    portal reserves is called by its column number here.
    """
    names: dict[int, str] = {}
    for field in spec.fields:
        if field.index is None:
            continue
        if field.index >= width:
            raise IngestError(
                f"meta.xml maps the term {field.term} to column {field.index + 1} (index "
                f"{field.index}), but the file has only {width} columns",
                file=display_name,
                column=field_name(field.term),
            )
        names.setdefault(field.index, field_name(field.term))
    if spec.id_index is not None:
        if spec.id_index >= width:
            raise IngestError(
                f"meta.xml puts the record id in column {spec.id_index + 1} (index "
                f"{spec.id_index}), but the file has only {width} columns",
                file=display_name,
            )
        names.setdefault(spec.id_index, "id")
    columns: list[str] = []
    taken: set[str] = set()
    for index in range(width):
        name = names.get(index, "")
        if not _usable(name):
            name = f"column {index + 1}"
        while name.casefold() in taken:
            name = f"{name} (column {index + 1})"
        taken.add(name.casefold())
        columns.append(name)
    return columns


def _usable(name: str) -> bool:
    return (
        bool(name.strip())
        and len(name) <= MAX_FIELD_NAME - 20
        and name not in RESERVED
        and not name.startswith(RESERVED_PREFIXES)
    )
