"""Excel workbooks (.xlsx): the first worksheet that holds data, streamed row by row into the
staging Parquet file (empty worksheets before it are skipped with a warning).

The header is the first non-empty row; its names follow the rules of :mod:`names`. Cells become
text: whole numbers without ".0", other numbers in their shortest form, dates as ISO 8601 (a date
alone when the time is midnight), booleans as "true"/"false", formulas as their last computed
value. Empty cells are nulls. Trailing empty rows and columns are ignored; empty rows between
records are skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import IO, Any

import duckdb
import openpyxl
from openpyxl.utils import get_column_letter

from holotype.ingest.delimited import check_header
from holotype.ingest.errors import IngestError
from holotype.ingest.readers import Reader, Staging, register
from holotype.ingest.staging_writer import ColumnWriter
from holotype.store import StagedSource


def cell_text(value: object) -> str | None:
    """A cell value as text; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _duration(value)
    text = str(value)
    return text if text != "" else None


def _duration(value: dt.timedelta) -> str:
    """A duration cell ([h]:mm:ss format) as hours:minutes:seconds."""
    seconds = value.total_seconds()
    sign = "-" if seconds < 0 else ""
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    text = f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    fraction = abs(seconds) - whole
    return text + f"{fraction:.6f}".rstrip("0")[1:] if fraction else text


def _open(handle: IO[bytes], display_name: str) -> Any:
    """The workbook, read-only; a file object so that any file name is accepted."""
    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise IngestError(
            f"not a valid .xlsx workbook ({type(exc).__name__}: {exc})", file=display_name
        ) from exc


def stage_excel(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    out: Path,
    *,
    display_name: str,
    max_fields: int = 1000,
) -> StagedSource:
    """Read the first worksheet that holds data into the staging Parquet file ``out``."""
    del con  # the workbook is streamed with openpyxl; the connection is not needed
    with path.open("rb") as handle:
        return _stage_workbook(_open(handle, display_name), out, display_name, max_fields)


def _stage_workbook(workbook: Any, out: Path, display_name: str, max_fields: int) -> StagedSource:
    try:
        if not workbook.worksheets:
            raise IngestError("the workbook has no worksheet", file=display_name)
        skipped: list[str] = []
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # the stored size is often wrong; read every row there is
            rows = sheet.iter_rows(min_row=1, values_only=True)
            staged = _stage_rows(rows, out, display_name, max_fields)
            if staged is not None:
                if skipped:
                    staged.warnings.insert(0, _skipped_sheets(display_name, skipped, sheet.title))
                return staged
            skipped.append(sheet.title)
        raise IngestError(
            "the workbook is empty: none of its worksheets holds any data", file=display_name
        )
    except IngestError:
        raise
    except Exception as exc:  # a damaged sheet fails while streaming, in many ways
        raise IngestError(
            f"the workbook is damaged and cannot be read ({type(exc).__name__}: {exc})",
            file=display_name,
        ) from exc
    finally:
        workbook.close()


def _skipped_sheets(display_name: str, skipped: list[str], title: str) -> str:
    names = ", ".join(repr(name) for name in skipped[:5]) + (", ..." if len(skipped) > 5 else "")
    return (
        f"{display_name}: the first worksheet{'s' if len(skipped) > 1 else ''} ({names}) "
        f"{'are' if len(skipped) > 1 else 'is'} empty; records were read from worksheet "
        f"{title!r}"
    )


def _stage_rows(rows: Any, out: Path, display_name: str, max_fields: int) -> StagedSource | None:
    """The sheet's table staged into ``out``; None when the sheet holds nothing at all."""
    writer: ColumnWriter | None = None
    names: list[str] = []
    header_row = start = end = 0
    empty_rows: list[int] = []
    skipped: list[int] = []
    try:
        for number, values in enumerate(rows, start=1):
            texts = [cell_text(value) for value in values]
            if all(text is None for text in texts):
                if writer is not None:
                    empty_rows.append(number)
                continue
            if writer is None:
                start, end = _span(texts)
                names = check_header(
                    [text or "" for text in texts[start:end]], display_name, number, max_fields
                )
                header_row = number
                writer = ColumnWriter(out, names)
                continue
            _check_span(texts, start, end, number, display_name)
            skipped.extend(empty_rows)
            empty_rows.clear()
            values = texts[start:end]
            writer.add(values + [None] * (len(names) - len(values)))
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        return None
    warnings = []
    if skipped:
        warnings.append(
            f"{display_name}: {len(skipped)} empty row(s) between records were skipped "
            f"(first: row {skipped[0]})"
        )
    return StagedSource(
        path=out,
        fields=names,
        rows=writer.rows,
        format="xlsx",
        first_row=header_row + 1,
        warnings=warnings,
    )


def _span(texts: list[str | None]) -> tuple[int, int]:
    """The header's columns: from its first to its last non-empty cell (end exclusive)."""
    filled = [position for position, text in enumerate(texts) if text is not None]
    return filled[0], filled[-1] + 1


def _check_span(texts: list[str | None], start: int, end: int, row: int, display_name: str) -> None:
    """Refuse a value outside the header's columns."""
    for position, text in enumerate(texts):
        if text is not None and not start <= position < end:
            raise IngestError(
                f"cell {get_column_letter(position + 1)}{row} has a value but its column has no "
                f"name in the header (columns {get_column_letter(start + 1)} to "
                f"{get_column_letter(end)})",
                file=display_name,
                row=row,
            )


def _stage_file(staging: Staging) -> StagedSource:
    return stage_excel(staging.con, staging.path, staging.out,
                       display_name=staging.display_name, max_fields=staging.limits.max_fields)


register(Reader(
    "excel", ("xlsx",), extensions={".xlsx": "xlsx"}, aliases={"excel": "xlsx"},
    described=("Excel (.xlsx)",), stage=_stage_file,
))
