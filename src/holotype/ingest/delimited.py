"""CSV and TSV: sniff the dialect, check the header, stage through DuckDB's CSV reader.

The fast path is DuckDB's parallel CSV reader with every value read as text. When DuckDB refuses
a file (ragged rows, broken quoting), a second, slower pass with Python's csv module finds the
exact row so the error can name it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from holotype.engine import ident, literal
from holotype.ingest.encoding import (
    detect_encoding,
    first_bad_byte,
    likely_utf8,
    read_text_head,
    transcode_to_utf8,
)
from holotype.ingest.errors import IngestError
from holotype.ingest.header_row import HEAD, whole_header
from holotype.ingest.names import check_field_names
from holotype.ingest.readers import Reader, Staging, register
from holotype.store import StagedSource

CANDIDATE_DELIMITERS = (",", "\t", ";", "|")
_NUMBERISH = re.compile(r"^[+-]?(\d+([.,]\d*)?|\.\d+)([eE][+-]?\d+)?$|^\d{4}-\d{2}(-\d{2})?$")
LONGEST_LINE = 1 << 30  # a record may be this long (DuckDB's default is 2 MB)


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quote: str = '"'  # empty: no quoting at all (allowed in Darwin Core Archives)


def sniff_delimiter(sample: str, preferred: str | None = None) -> str:
    """The candidate delimiter that splits the sample's first rows most consistently."""
    lines = sample.splitlines()
    if len(sample) >= 64 * 1024 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    text = "\n".join(lines[:50])
    best, best_score = preferred or ",", (0, 0.0)
    for delimiter in CANDIDATE_DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistency = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = (round(consistency * 10), float(counts[0]))
        if delimiter == preferred:
            score = (score[0], score[1] + 0.5)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def check_header(
    names: list[str], display_name: str, row: int = 1, max_fields: int = 1000
) -> list[str]:
    """Header names stripped of spaces; refuse a missing header and bad names (see names.py)."""
    cleaned = [n.strip() for n in names]
    if not cleaned or all(not n for n in cleaned):
        raise IngestError("no header row: the first row is empty", file=display_name, row=row)
    filled = [n for n in cleaned if n]
    if all(_NUMBERISH.match(n) for n in filled):
        raise IngestError(
            "no header row: the first row holds values, not field names "
            f"({', '.join(filled[:3])}...); add a row of field names",
            file=display_name,
            row=row,
        )
    return check_field_names(cleaned, file=display_name, max_fields=max_fields, row=row)


def _first_record(text: str, dialect: Dialect, display_name: str) -> tuple[list[str], int]:
    """The first non-blank record and how many physical lines it ends on (blank lines first
    included), which is what the CSV engine must skip to reach the data."""
    reader = csv.reader(io.StringIO(text), delimiter=dialect.delimiter,
                        quotechar=dialect.quote or '"', strict=True,
                        quoting=csv.QUOTE_MINIMAL if dialect.quote else csv.QUOTE_NONE)
    try:
        for record in reader:
            if record:
                return record, reader.line_num
    except csv.Error as exc:
        raise IngestError(f"broken quoting: {exc}", file=display_name, row=1) from exc
    return [], 0


def _reader(handle: Iterable[str], dialect: Dialect) -> Iterator[list[str]]:
    csv.field_size_limit(LONGEST_LINE)
    if dialect.quote:
        return csv.reader(handle, delimiter=dialect.delimiter, quotechar=dialect.quote, strict=True)
    return csv.reader(handle, delimiter=dialect.delimiter, quoting=csv.QUOTE_NONE)


def locate_bad_row(
    path: Path, dialect: Dialect, width: int, names: list[str], display_name: str, skip: int
) -> IngestError | None:
    """Slow pass over a UTF-8 file: the first row whose shape is wrong, as an error."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = _reader(handle, dialect)
        row = 0
        try:
            for row, record in enumerate(reader, start=1):
                if row <= skip:
                    continue
                if not record:
                    continue  # blank line: skipped by both readers
                if len(record) < width:
                    return IngestError(
                        f"expected {width} fields, found {len(record)}: the row ends before "
                        "this field", file=display_name, row=row, column=names[len(record)],
                    )
                if len(record) > width:
                    return IngestError(
                        f"expected {width} fields, found {len(record)}: the row has more "
                        "fields than the header", file=display_name, row=row,
                    )
        except csv.Error as exc:
            return IngestError(f"broken quoting: {exc}", file=display_name, row=row + 1)
    return None


def stage_delimited(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    out: Path,
    *,
    display_name: str,
    fmt: str = "csv",
    dialect: Dialect | None = None,
    encoding: str | None = None,
    skip_lines: int = 0,
    names: list[str] | None = None,
    max_fields: int = 1000,
) -> StagedSource:
    """Read a delimited text file into the staging Parquet file ``out``.

    With ``names`` the file has no header of its own (Darwin Core Archives name columns in
    meta.xml); ``skip_lines`` header lines are then skipped. Without ``names`` the first
    non-blank row is the header.
    """
    if path.stat().st_size == 0:
        raise IngestError("the file is empty", file=display_name)
    if names is not None:
        check_field_names(names, file=display_name, max_fields=max_fields, row=None)
    job = _Job(con, path, out, display_name, fmt, dialect, skip_lines, names, max_fields)
    guessed = encoding is None
    encoding = encoding or likely_utf8(path, display_name) or detect_encoding(path, display_name)
    warnings = []
    try:
        fields, header_rows = job.stage(encoding)
    except _NotUtf8:
        if not guessed:
            bad = first_bad_byte(path, "utf-8") or (0, None)
            raise IngestError(
                f"not valid {encoding} text at byte {bad[0]}", file=display_name, row=bad[1]
            ) from None
        encoding = detect_encoding(path, display_name)  # names the bad byte, or finds cp1252
        fields, header_rows = job.stage(encoding)
    if encoding == "cp1252":
        warnings.append("the file is not UTF-8; it was read as Windows-1252 (Western European)")
    rows = con.execute(f"SELECT count(*) FROM read_parquet({literal(out)})").fetchall()[0]
    return StagedSource(
        path=out,
        fields=fields,
        rows=int(rows[0]) if rows else 0,
        format=fmt,
        first_row=header_rows + 1,
        warnings=warnings,
    )


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


class _NotUtf8(Exception):
    """DuckDB found bytes that are not UTF-8 after the cheap guess said they were."""


@dataclass
class _Job:
    """One delimited file to stage, tried once per encoding."""

    con: duckdb.DuckDBPyConnection
    path: Path
    out: Path
    display_name: str
    fmt: str
    dialect: Dialect | None
    skip_lines: int
    names: list[str] | None
    max_fields: int

    def stage(self, encoding: str) -> tuple[list[str], int]:
        """Stage the file read as ``encoding``; returns (field names, lines before the data)."""
        source = self.path
        if encoding not in ("utf-8", "utf-8-sig"):
            source = transcode_to_utf8(self.path, encoding, self.out.with_suffix(".utf8.csv"))
        try:
            return self._stage(source)
        finally:
            if source != self.path:
                source.unlink(missing_ok=True)

    def _stage(self, source: Path) -> tuple[list[str], int]:
        head = read_text_head(source, "utf-8-sig", HEAD)
        if not head.strip():
            raise IngestError("the file has no content, only blank space", file=self.display_name)
        dialect = self.dialect or Dialect(
            sniff_delimiter(head, "\t" if self.fmt == "tsv" else None)
        )
        names, skip = self.names, self.skip_lines
        if names is None:
            try:
                header: list[str] | None
                header, skip = _first_record(head, dialect, self.display_name)
            except IngestError:
                if source.stat().st_size <= HEAD:
                    raise
                header = None  # broken quoting, or a quoted name cut where the head ends
            whole = whole_header(source, header, dialect.delimiter, dialect.quote,
                                 display_name=self.display_name, max_fields=self.max_fields)
            if whole is not None:  # the head cut the header short
                header, skip = _first_record(whole, dialect, self.display_name)
            assert header is not None
            names = check_header(header, self.display_name, skip or 1, self.max_fields)
        try:
            self._copy(source, dialect, names, skip, longest=None)
        except duckdb.Error as exc:
            if "maximum line size" in str(exc).lower():
                try:
                    self._copy(source, dialect, names, skip, longest=LONGEST_LINE)
                    return names, skip
                except duckdb.Error as again:
                    exc = again
            if "unicode" in str(exc).lower() and source == self.path:
                raise _NotUtf8 from exc
            try:
                located = locate_bad_row(
                    source, dialect, len(names), names, self.display_name, skip
                )
            except UnicodeDecodeError:  # the guess was wrong: let full detection name the byte
                raise _NotUtf8 from exc
            if located:
                raise located from exc
            raise IngestError(
                f"cannot read the file: {_first_line(str(exc))}", file=self.display_name
            ) from exc
        return names, skip

    def _copy(
        self, source: Path, dialect: Dialect, names: list[str], skip: int, longest: int | None
    ) -> None:
        """CSV to staging Parquet through DuckDB; ``longest`` raises the line length limit
        (only when needed: a large limit slows the reader down)."""
        staged = [f"c{i}" for i in range(len(names))]
        select = ", ".join(
            f"NULLIF({c}, '') AS {ident(n)}" for c, n in zip(staged, names, strict=True)
        )
        quote = literal(dialect.quote)
        columns = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in staged) + "}"
        limit = f", max_line_size = {int(longest)}" if longest else ""
        self.con.execute(
            f"COPY (SELECT {select} FROM read_csv({literal(source)}, header = false, "
            f"skip = {skip}, delim = {literal(dialect.delimiter)}, quote = {quote}, "
            f"escape = {quote}, columns = {columns}, null_padding = false, strict_mode = true, "
            f"auto_detect = false{limit})) "
            f"TO {literal(self.out)} (FORMAT parquet, COMPRESSION lz4_raw)"
        )


def _stage_file(staging: Staging) -> StagedSource:
    return stage_delimited(staging.con, staging.path, staging.out,
                           display_name=staging.display_name, fmt=staging.format,
                           max_fields=staging.limits.max_fields)


register(Reader(
    "delimited", ("csv", "tsv"),
    extensions={".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv"},
    aliases={"txt": "csv", "tab": "tsv"},
    described=("CSV (.csv, .txt)", "TSV (.tsv, .tab)"),
    stage=_stage_file,
))
