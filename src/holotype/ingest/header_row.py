"""The header row of a delimited file, whole however long it is.

The dialect is sniffed and the header parsed from the file's first bytes (``HEAD``). A header
longer than that (a file with 100,001 columns has a header of about a megabyte) was cut where
the head ends: its width was the fields that happened to fit, or its last quoted name was taken
for broken quoting. So when the file is longer than its head, the header's true extent is found
by streaming: its fields are counted (with quotes honoured) without holding them, so a file far
too wide is refused with its real width, and a wide header within the limits is read whole.
"""

from __future__ import annotations

import re
from pathlib import Path

from holotype.ingest.errors import IngestError
from holotype.ingest.names import check_field_count

HEAD = 256 * 1024  # bytes the dialect and header are sniffed from
CHUNK = 1024 * 1024
LONGEST_HEADER = 64 * 1024 * 1024  # characters; names are at most 200 characters each


def header_extent(path: Path, delimiter: str, quote: str) -> tuple[int, int, int]:
    """(fields, characters up to its end, row) of the first non-blank record."""
    special = re.compile("[" + re.escape(delimiter + quote) + "\r\n]")
    fields, quoted, line_start, offset, row = 1, False, 0, 0, 1
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        while chunk := handle.read(CHUNK):
            for match in special.finditer(chunk):
                char, at = match.group(), offset + match.start()
                if quote and char == quote:
                    quoted = not quoted  # a doubled quote toggles twice: still quoted
                elif char == delimiter:
                    fields += 0 if quoted else 1
                elif quoted:
                    row += char == "\n"
                elif at > line_start or fields > 1:
                    return fields, at, row  # a line break ends the record unless it is blank
                else:
                    line_start, row = at + 1, row + (char == "\n")
            offset += len(chunk)
    return fields, offset, row


def whole_header(
    source: Path, header: list[str] | None, delimiter: str, quote: str, *, display_name: str,
    max_fields: int,
) -> str | None:
    """None when ``header``, parsed from the head (None: the head ends inside a quoted name), is
    the whole header row. Otherwise refuse a header wider than ``max_fields`` (giving its real
    width), or return the file's text up to the end of its header row, to be parsed again."""
    if source.stat().st_size <= HEAD:
        return None
    fields, end, row = header_extent(source, delimiter, quote)
    if header is not None and fields == len(header) and end < HEAD // 4:
        return None  # it ends well inside the head (a character is at most four bytes)
    check_field_count(fields, file=display_name, max_fields=max_fields, row=row)
    if end > LONGEST_HEADER:
        raise IngestError(
            f"the header row is {end:,} characters long (is a quote left open?); field names "
            "are at most 200 characters each",
            file=display_name, row=row,
        )
    with source.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        return handle.read(end + 1)
