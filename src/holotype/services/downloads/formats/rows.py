"""What goes in a download zip, per format: CSV, TSV, JSON Lines, Parquet or Excel.

CSV, TSV and JSON Lines are written by the engine straight into the zip (see
:mod:`holotype.services.downloads.package`), Parquet by the engine to a file that is then
stored; memory stays bounded whatever the size. Excel is written row by row with XlsxWriter in
constant-memory mode, one sheet per resource.

Spreadsheet safety: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
may be run as a formula by a spreadsheet. Such cells get a leading apostrophe (OWASP's advice)
in .xlsx always, and in CSV/TSV when ``format_args.neutralise_formulas`` is true. Plain numbers
(``-12.5``, ``+3``) are left alone: they cannot be formulas, and coordinates stay usable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import xlsxwriter

from holotype.engine import ident, literal
from holotype.services.download_records import RecordSet
from holotype.services.search import View

Progress = Callable[[int], None]  # records written so far
FORMULA_START = r"^[=+\-@\t\r]"
NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
COPY_OPTIONS = {
    "csv": "FORMAT csv, HEADER",
    "tsv": "FORMAT csv, HEADER, DELIMITER '\t'",
    "jsonl": "FORMAT json",
    "parquet": "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1",
}
XLSX_BATCH = 5_000
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Member:
    """A file of the zip: a finished file (``path``), or rows the engine writes (``sql``)."""

    arcname: str
    path: Path | None = None
    sql: str | None = None
    options: str = ""  # COPY options for ``sql``
    compress: bool = True
    records: int = 0


@dataclass(frozen=True)
class Part:
    """The rows of one output file or sheet: one resource, or several."""

    name: str  # file stem or sheet name
    views: tuple[View, ...]
    fields: tuple[str, ...]
    count: int
    with_resource: bool = False  # add a _resource column (several resources in one file)


def neutralised(column: str) -> str:
    """SQL for ``column`` with formula-like text made inert."""
    c = ident(column)
    return (f"CASE WHEN regexp_matches({c}, {literal(FORMULA_START)}) AND NOT "
            f"regexp_matches({c}, {literal(NUMBER)}) THEN '''' || {c} ELSE {c} END")


def resource_column(fields: Sequence[str]) -> str:
    """``_resource``, or with more underscores when a field of that name was uploaded."""
    name = "_resource"
    while name in fields:
        name = "_" + name
    return name


def neutral_text(value: str) -> str:
    """``value`` made inert as :func:`neutralised` does in SQL (for header cells)."""
    if re.match(FORMULA_START, value) and not re.fullmatch(NUMBER[1:-1], value):
        return "'" + value
    return value


def select_sql(records: RecordSet, part: Part, neutralise: bool, names: dict[str, str]) -> str:
    """The part's rows: ``_id`` (``_resource``) and its fields, resource by resource. With
    ``neutralise``, the record ids, values and column names that look like formulas are
    made inert."""
    selects = []
    for view in part.views:
        have = set(view.attached.columns)
        columns = [f"{neutralised('_id')} AS _id" if neutralise else "_id"]
        if part.with_resource:
            columns.append(f"{literal(names.get(view.rid, view.rid))} AS "
                           f"{ident(resource_column(part.fields))}")
        for field in part.fields:
            if field not in have:
                expr = "NULL::VARCHAR"
            else:
                expr = neutralised(field) if neutralise else ident(field)
            columns.append(f"{expr} AS {ident(neutral_text(field) if neutralise else field)}")
        selects.append(records.rows(view, columns))
    return " UNION ALL ".join(selects) or "SELECT NULL AS _id WHERE false"


def tabular(
    records: RecordSet, parts: Sequence[Part], fmt: str, neutralise: bool,
    names: dict[str, str], work: Path,
) -> list[Member]:
    """One member per part: csv, tsv and jsonl streamed; parquet through a file."""
    members = []
    for part in parts:
        sql = select_sql(records, part, neutralise, names)
        arcname = f"{part.name}.{fmt}"
        if fmt == "parquet":  # a file with its footer last: written, then stored as it is
            members.append(Member(arcname, path=work / arcname, sql=sql,
                                  options=COPY_OPTIONS[fmt], compress=False,
                                  records=part.count))
        else:
            members.append(Member(arcname, sql=sql, options=COPY_OPTIONS[fmt],
                                  records=part.count))
    return members


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, none of []:*?/\\)."""
    base = _SHEET_BAD.sub("-", name).strip("'")[:31] or "records"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f"-{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def write_xlsx(
    cursor: duckdb.DuckDBPyConnection, records: RecordSet, parts: Sequence[Part],
    names: dict[str, str], work: Path, progress: Progress,
) -> list[Member]:
    """One workbook, one sheet per part, formulas neutralised."""
    path = work / "records.xlsx"
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "tmpdir": str(work),
    })
    taken: set[str] = set()
    written = 0
    try:
        for part in parts:
            sheet = book.add_worksheet(sheet_name(part.name, taken))
            result = cursor.execute(select_sql(records, part, True, names))
            header = [d[0] for d in result.description or []]
            sheet.write_row(0, 0, header)
            row = 1
            while batch := result.fetchmany(XLSX_BATCH):
                for values in batch:
                    for col, value in enumerate(values):
                        if value is not None:
                            sheet.write_string(row, col, str(value))
                    row += 1
                written += len(batch)
                progress(written)
    finally:
        book.close()
    return [Member(path.name, path=path, compress=False)]  # .xlsx is a zip already
