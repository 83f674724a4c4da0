"""An edited copy of an archive: one core record changed, one removed, one added.

Only the core's first data file is rewritten, in the archive's own dialect (delimiter, quoting,
line ends, encoding, byte-order mark); every other member is copied as it is.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import defusedxml.ElementTree as SafeET

from tests.ingest.corpus.writing import TEXT_NS

BOM = b"\xef\xbb\xbf"
_UNESCAPE = {"\\t": "\t", "\\n": "\n", "\\r": "\r"}


@dataclass(frozen=True)
class Edit:
    """What the edit did to the core: records changed, removed and added."""

    changed: int
    removed: int
    added: int


@dataclass(frozen=True)
class _Dialect:
    member: str
    delimiter: str
    quote: str
    lines: str
    encoding: str
    header_lines: int
    id_index: int | None
    value_indexes: list[int]  # mapped columns an edit may change (not the id column)


def _unescape(text: str) -> str:
    for escaped, char in _UNESCAPE.items():
        text = text.replace(escaped, char)
    return text


def _find_meta(names: list[str]) -> str | None:
    found = [
        name for name in names
        if PurePosixPath(name).name.lower() == "meta.xml"
        and len(PurePosixPath(name).parts) <= 2 and not name.startswith("__MACOSX")
    ]
    return min(found, key=lambda name: len(PurePosixPath(name).parts)) if found else None


def _dialect(archive: zipfile.ZipFile) -> _Dialect:
    names = [info.filename for info in archive.infolist() if not info.filename.endswith("/")]
    meta_name = _find_meta(names)
    if meta_name is None:  # a simple archive: its one data file, tab- or comma-delimited
        member = next(name for name in names if not name.lower().endswith(".xml"))
        header = archive.read(member).decode("utf-8-sig").splitlines()[0]
        delimiter = "\t" if "\t" in header else ","
        columns = header.split(delimiter)
        column = columns.index("occurrenceID") if "occurrenceID" in columns else 0
        return _Dialect(member, delimiter, "", "\n", "utf-8", 1, column, [len(columns) - 1])
    root = SafeET.fromstring(archive.read(meta_name))
    core = root.find(f"{{{TEXT_NS}}}core")
    assert core is not None, "meta.xml has no core"
    location = core.findtext(f"{{{TEXT_NS}}}files/{{{TEXT_NS}}}location")
    assert location, "the core names no file"
    id_element = core.find(f"{{{TEXT_NS}}}id")
    id_index = int(id_element.get("index", "0")) if id_element is not None else None
    indexes = [
        int(field.get("index", ""))
        for field in core.findall(f"{{{TEXT_NS}}}field")
        if field.get("index") and int(field.get("index", "")) != id_index
    ]
    return _Dialect(
        member=str(PurePosixPath(meta_name).parent / location.strip()),
        delimiter=_unescape(core.get("fieldsTerminatedBy", ",")),
        quote=_unescape(core.get("fieldsEnclosedBy", '"')),
        lines=_unescape(core.get("linesTerminatedBy", "\n")),
        encoding=core.get("encoding", "UTF-8"),
        header_lines=int(core.get("ignoreHeaderLines", "0")),
        id_index=id_index,
        value_indexes=sorted(set(indexes)),
    )


def _parse(text: str, dialect: _Dialect) -> list[list[str]]:
    if dialect.quote:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter,
                            quotechar=dialect.quote)
        return [row for row in reader if row]
    lines = text.split(dialect.lines)
    return [line.split(dialect.delimiter) for line in lines if line]


def _render(rows: list[list[str]], dialect: _Dialect) -> str:
    if dialect.quote:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=dialect.delimiter, quotechar=dialect.quote,
                   lineterminator=dialect.lines).writerows(rows)
        return buffer.getvalue()
    return "".join(dialect.delimiter.join(row) + dialect.lines for row in rows)


def _new_id(old: str, taken: set[str]) -> str:
    number = 1
    while True:
        new = str(int(old) + 10**6 * number) if old.isdigit() else f"{old}-added{number}"
        if new not in taken:
            return new
        number += 1


def _edit_rows(data: list[list[str]], dialect: _Dialect) -> Edit:
    """Change the first record, remove the second (when one stays), add a copy of the last."""
    width = len(data[0])
    column = max(index for index in dialect.value_indexes if index < width)
    template = list(data[-1])
    data[0][column] = f"{data[0][column]} (edited)".strip()
    removed = 0
    if len(data) >= 2:
        del data[1]
        removed = 1
    old = template[dialect.id_index] if dialect.id_index is not None else ""
    if old:  # an empty id column stays empty: the new record differs in content instead
        taken = {row[dialect.id_index] for row in data if dialect.id_index is not None}
        new = _new_id(old, taken)
        template = [new if cell == old else cell for cell in template]
    template[column] = "added record"
    data.append(template)
    return Edit(changed=1, removed=removed, added=1)


def edit_archive(source: Path, target: Path) -> Edit:
    """Write to ``target`` a copy of the archive ``source`` with its core edited."""
    with zipfile.ZipFile(source) as archive:
        dialect = _dialect(archive)
        raw = archive.read(dialect.member)
        bom = raw.startswith(BOM)
        text = raw[len(BOM):].decode(dialect.encoding) if bom else raw.decode(dialect.encoding)
        rows = _parse(text, dialect)
        header, data = rows[: dialect.header_lines], rows[dialect.header_lines :]
        edit = _edit_rows(data, dialect)
        content = _render(header + data, dialect).encode(dialect.encoding)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as copy:
            for info in archive.infolist():
                if info.filename == dialect.member:
                    copy.writestr(info, (BOM if bom else b"") + content)
                else:
                    copy.writestr(info, archive.read(info))
    return edit
