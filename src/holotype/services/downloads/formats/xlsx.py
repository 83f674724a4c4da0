"""Excel (.xlsx): one workbook, one sheet per resource, every cell text, formulas neutralised.

Written row by row with XlsxWriter in constant-memory mode. A sheet holds at most
:data:`XLSX_MAX_ROWS` rows (the header included), so a request with a resource matching more
records is refused before it is queued.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import xlsxwriter

from holotype.errors import Invalid
from holotype.search.rowsets import RecordSet
from holotype.services.downloads.formats import register
from holotype.services.downloads.formats.provider import (
    DownloadFormat,
    Output,
    Progress,
    Split,
    Written,
)
from holotype.services.downloads.formats.rows import select_sql
from holotype.services.downloads.members import Member, Part

XLSX_MAX_ROWS = 1_048_576  # rows in one sheet, the header included
XLSX_BATCH = 5_000
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


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
    names: Mapping[str, str], work: Path, progress: Progress,
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


@dataclass(frozen=True)
class XlsxFormat(DownloadFormat):
    def check(self, counts: Mapping[str, int]) -> None:
        """Refuse a resource with more records than a sheet holds."""
        too_many = {name: n for name, n in counts.items() if n >= XLSX_MAX_ROWS}
        if too_many:
            names = ", ".join(f"{name} ({n:,} records)" for name, n in too_many.items())
            verb = "has" if len(too_many) == 1 else "have"
            raise Invalid(f"an .xlsx sheet holds at most {XLSX_MAX_ROWS - 1:,} records, and "
                          f"{names} {verb} more: choose csv, tsv, parquet or dwca, or narrow "
                          "the search", field="file.format")

    def write(self, out: Output) -> Written:
        return Written(write_xlsx(out.cursor, out.records, out.parts, out.names, out.work,
                                  out.progress))


register(XlsxFormat(
    "xlsx", "Excel (.xlsx)", "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", aliases=("excel",),
    split=Split.PER_RESOURCE))
