"""The review of a staged file before it is committed: its first rows, each field's type, and
the findings of the validation checks, each with the rows (spreadsheet-style, as
:attr:`StagedSource.first_row` counts them) and the column where it is.

Everything is set-based over the staged Parquet file: one pass counts the values each check
finds (and the field types, :mod:`holotype.store.stats`), and only a check that found something
is asked again for its first rows. Errors are what the store would refuse at commit (rows
without an id, ids shared by several rows, an id field the file lacks): publishing them is
refused. Warnings (coordinates that are not numbers or out of range, dates that are not ISO
8601 dates or lie in the future, impossible months and days, empty columns) describe data the
store keeps as it is; the editor decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from holotype.engine import ident, literal
from holotype.query.sql import number_from_text
from holotype.store import stats
from holotype.store.staged import StagedSource

ERROR = "error"
WARNING = "warning"
EXAMPLES = 5  # rows named per finding
VIEW = "review_rows"
#: Darwin Core fields holding ISO 8601 dates (or intervals of them).
DATE_FIELDS = ("eventDate", "dateIdentified", "modified", "georeferencedDate")
_ISO = (r"\s*\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
        r"(Z|[+-]\d{2}(:?\d{2})?)?)?)?)?\s*")
_END_SHORT = r"\s*\d{2}(-\d{2})?\s*"  # an interval's end abbreviated: 2007-11-13/15


@dataclass(frozen=True)
class Finding:
    """One problem a check found: in ``count`` rows (0: the column as a whole), the first of
    them ``rows``, of ``column``."""

    severity: str  # ERROR blocks publishing, WARNING does not
    check: str  # duplicate_id, missing_id, no_id_field, bad_coordinate, ... (see below)
    message: str
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    count: int = 0

    @property
    def row(self) -> int | None:
        return self.rows[0] if self.rows else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "row": self.row}

    @classmethod
    def of(cls, data: dict[str, Any]) -> Finding:
        return cls(data["severity"], data["check"], data["message"], data.get("column"),
                   list(data.get("rows") or []), int(data.get("count") or 0))


@dataclass(frozen=True)
class _Check:
    severity: str
    check: str
    column: str | None
    condition: str  # true for a row the check finds
    message: str  # "{count} rows ..." filled in


def open_view(con: duckdb.DuckDBPyConnection, staged: StagedSource) -> None:
    """The temporary view of the staged rows with ``_row``, the row number in the file."""
    fields = ", ".join(ident(f) for f in staged.fields)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {VIEW} AS SELECT "
        f"(file_row_number + {int(staged.first_row)})::BIGINT AS _row, {fields} "
        f"FROM read_parquet({literal(str(staged.path))}, file_row_number = true)")


def first_rows(con: duckdb.DuckDBPyConnection, staged: StagedSource, limit: int
               ) -> list[dict[str, Any]]:
    """The first ``limit`` rows, each with ``_row``."""
    cursor = con.execute(f"SELECT * FROM {VIEW} ORDER BY _row LIMIT {int(limit)}")
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def field_types(con: duckdb.DuckDBPyConnection, staged: StagedSource
                ) -> dict[str, dict[str, int]]:
    """Each field's kind counts (:func:`holotype.store.stats.compute`)."""
    counts, _geo = stats.compute(con, f"SELECT * FROM {VIEW}", staged.fields, ("", ""))
    return counts


def _number_checks(column: str, low: int, high: int, what: str) -> list[_Check]:
    c, n = ident(column), number_from_text(ident(column))
    return [
        _Check(WARNING, "bad_coordinate", column, f"{c} IS NOT NULL AND {n} IS NULL",
               f"{what} values that are not numbers: {{count}}"),
        _Check(WARNING, "coordinate_out_of_range", column,
               f"{n} IS NOT NULL AND NOT ({n} BETWEEN {low} AND {high})",
               f"{what} values outside {low} to {high}: {{count}}"),
    ]


def _start(part: str) -> str:
    """The first day an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD...) covers, or NULL."""
    return (f"TRY_CAST(CASE length(trim({part})) WHEN 4 THEN trim({part}) || '-01-01' "
            f"WHEN 7 THEN trim({part}) || '-01' ELSE left(trim({part}), 10) END AS DATE)")


def _date_checks(column: str, today: date) -> list[_Check]:
    c = ident(column)
    first, second = f"split_part({c}, '/', 1)", f"split_part({c}, '/', 2)"
    valid_first = f"(regexp_full_match({first}, {literal(_ISO)}) AND {_start(first)} IS NOT NULL)"
    valid_second = (f"(NOT contains({c}, '/') OR (regexp_full_match({second}, {literal(_ISO)}) "
                    f"AND {_start(second)} IS NOT NULL) OR regexp_full_match({second}, "
                    f"{literal(_END_SHORT)}))")
    shape = f"(length({c}) - length(replace({c}, '/', '')) <= 1)"
    valid = f"({shape} AND {valid_first} AND {valid_second})"
    day = f"DATE {literal(today.isoformat())}"
    return [
        _Check(WARNING, "bad_date", column, f"{c} IS NOT NULL AND NOT {valid}",
               "values that are not ISO 8601 dates (YYYY-MM-DD, YYYY-MM, YYYY or an interval "
               "a/b), or are impossible dates such as month 13: {count}"),
        _Check(WARNING, "future_date", column,
               f"{c} IS NOT NULL AND {valid} AND {_start(first)} > {day}",
               "dates in the future: {count}"),
    ]


def _part_checks(fields: Sequence[str], today: date) -> list[_Check]:
    """year, month and day: whole numbers in their range (a year not after this one)."""
    checks = []
    bounds = {"month": (1, 12), "day": (1, 31), "year": (1, today.year)}
    for name, (low, high) in bounds.items():
        if name not in fields:
            continue
        c = ident(name)
        number = f"TRY_CAST(trim({c}) AS BIGINT)"
        checks.append(_Check(
            WARNING, "impossible_date", name,
            f"{c} IS NOT NULL AND ({number} IS NULL OR NOT ({number} BETWEEN {low} AND {high}))",
            f"{name} values that are not whole numbers from {low} to {high}: {{count}}"))
    return checks


def _id_checks(staged: StagedSource, id_field: str | None) -> tuple[list[_Check], list[Finding]]:
    if id_field is None:
        return [], []
    if id_field not in staged.fields:
        return [], [Finding(ERROR, "no_id_field",
                            f"the id field {id_field!r} is not a column of the file",
                            id_field)]
    c = ident(id_field)
    return [_Check(ERROR, "missing_id", id_field, f"{c} IS NULL OR trim({c}) = ''",
                   "records without an id: {count}")], []


def _duplicates(con: duckdb.DuckDBPyConnection, id_field: str) -> Finding | None:
    """Rows whose id an earlier row has (the store refuses them)."""
    c = ident(id_field)
    repeated = (f"SELECT {c} AS _id, _row, row_number() OVER (PARTITION BY {c} ORDER BY _row) "
                f"AS _n FROM {VIEW} WHERE {c} IS NOT NULL AND trim({c}) <> ''")
    found = con.execute(
        f"SELECT count(*) FILTER (WHERE _n > 1), "
        f"list(_row ORDER BY _row) FILTER (WHERE _n > 1)[1:{EXAMPLES}], "
        f"arg_min(_id, _row) FILTER (WHERE _n > 1) FROM ({repeated})").fetchone()
    if found is None or not found[0]:
        return None
    count, rows, first_id = int(found[0]), list(found[1] or []), found[2]
    first = con.execute(f"SELECT min(_row) FROM {VIEW} WHERE {c} = ?", [first_id]).fetchone()
    again = rows[0]
    return Finding(ERROR, "duplicate_id",
                   f"records whose id an earlier record has: {count:,} (id {first_id!r} is in "
                   f"row {first[0] if first else '?'} and again in row {again})",
                   id_field, [int(r) for r in rows], count)


def validate(
    con: duckdb.DuckDBPyConnection, staged: StagedSource, *, id_field: str | None,
    geo_fields: tuple[str, str], present: dict[str, int], today: date,
) -> list[Finding]:
    """The findings over the view :data:`VIEW` (:func:`open_view`); ``present`` counts each
    field's values (an empty column has none)."""
    checks, findings = _id_checks(staged, id_field)
    lat, lon = geo_fields
    if lat in staged.fields:
        checks += _number_checks(lat, -90, 90, "latitude")
    if lon in staged.fields:
        checks += _number_checks(lon, -180, 180, "longitude")
    for name in DATE_FIELDS:
        if name in staged.fields:
            checks += _date_checks(name, today)
    checks += _part_checks(staged.fields, today)
    findings += _run(con, checks)
    if id_field is not None and id_field in staged.fields:
        duplicate = _duplicates(con, id_field)
        if duplicate is not None:
            findings.append(duplicate)
    findings += [Finding(WARNING, "empty_column", "the column has no value in any row", name)
                 for name in staged.fields if not present.get(name)]
    order = {ERROR: 0, WARNING: 1}
    return sorted(findings, key=lambda f: (order[f.severity], f.row or 0))


def id_findings(con: duckdb.DuckDBPyConnection, staged: StagedSource, id_field: str | None
                ) -> list[Finding]:
    """The id checks alone (over :data:`VIEW`), for an id field chosen after the review."""
    checks, findings = _id_checks(staged, id_field)
    findings += _run(con, checks)
    if id_field is not None and id_field in staged.fields:
        duplicate = _duplicates(con, id_field)
        if duplicate is not None:
            findings.append(duplicate)
    return findings


def _run(con: duckdb.DuckDBPyConnection, checks: list[_Check]) -> list[Finding]:
    """One pass counting what every check finds, then the first rows of those that found."""
    if not checks:
        return []
    counted = con.execute(
        "SELECT " + ", ".join(f"count_if({c.condition})" for c in checks) + f" FROM {VIEW}"
    ).fetchone() or ()
    findings = []
    for check, count in zip(checks, counted, strict=True):
        if not count:
            continue
        rows = [int(r[0]) for r in con.execute(
            f"SELECT _row FROM {VIEW} WHERE {check.condition} ORDER BY _row "
            f"LIMIT {EXAMPLES}").fetchall()]
        findings.append(Finding(check.severity, check.check,
                                check.message.format(count=f"{int(count):,}"),
                                check.column, rows, int(count)))
    return findings


def rename(con: duckdb.DuckDBPyConnection, staged: StagedSource, renames: dict[str, str],
           out: Path) -> StagedSource:
    """The staged file with columns renamed (``renames``: old name -> new), written to
    ``out``."""
    if not renames:
        return staged
    columns = ", ".join(f"{ident(f)} AS {ident(renames.get(f, f))}" for f in staged.fields)
    con.execute(f"COPY (SELECT {columns} FROM read_parquet({literal(str(staged.path))})) "
                f"TO {literal(str(out))} (FORMAT parquet)")
    default = staged.default_id_field
    return StagedSource(out, [renames.get(f, f) for f in staged.fields], staged.rows,
                        staged.format, staged.first_row,
                        renames.get(default, default) if default else None,
                        staged.declared_id, list(staged.warnings))
