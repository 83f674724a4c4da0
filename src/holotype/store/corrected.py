"""Whether a staged file would undo accepted corrections, and keeping them if it would.

A corrected field is *guarded* (:class:`Guarded`): the record, the field, its value before the
correction (``old``) and the corrected value (``new``). For a staged file, the *incoming* value
of a guarded field is the file's value for that record when the file has the column; when it
has not, it is no value in update and replace mode (the record is written whole, without the
field) and the field is untouched in patch mode. A record the file does not hold is untouched
(in replace mode it is removed, which is not an undo of one of its fields). Then, per guarded
field of a record in the file:

* the incoming value equals the corrected one: nothing to say;
* it equals the value before the correction: ``undo`` (the source was not corrected);
* it differs from both: ``conflict`` (the source changed the field in another way).

Both are found in one query: the staged Parquet joined with the guarded fields (a table the
caller passes as rows). :func:`keep_corrected` writes the staged file again with the corrected
values in place of the incoming ones, in the same row order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from holotype.engine import ident, literal
from holotype.store.staged import StagedSource

UNDO = "undo"
CONFLICT = "conflict"
GUARDED_TABLE = "_guarded"


@dataclass(frozen=True)
class Guarded:
    """A field an accepted correction set, still in force."""

    correction_id: str
    record_id: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Undone:
    """A guarded field the staged file would change: ``kind`` is :data:`UNDO` or
    :data:`CONFLICT`; ``row`` is the record's row in the file."""

    correction_id: str
    record_id: str
    field: str
    old: str | None
    new: str | None
    incoming: str | None
    kind: str
    row: int


def find_undone(
    con: duckdb.DuckDBPyConnection, staged: StagedSource, id_field: str | None, mode: str,
    guarded: list[Guarded],
) -> list[Undone]:
    """The guarded fields the staged file would undo or change otherwise, in file order."""
    if not guarded or id_field is None or id_field not in staged.fields:
        return []
    have = set(staged.fields)
    fields = sorted({g.field for g in guarded if g.field in have or mode != "patch"})
    if not fields:
        return []
    _register(con, guarded)
    cases = " ".join(
        f"WHEN {literal(f)} THEN " + (f"s.{ident(f)}" if f in have else "NULL::VARCHAR")
        for f in fields
    )
    wanted = ", ".join(literal(f) for f in fields)
    source = f"read_parquet({literal(staged.path)}, file_row_number = true)"
    found = con.execute(
        f"SELECT correction_id, record_id, field, old, new, incoming, "
        f"CASE WHEN incoming IS NOT DISTINCT FROM old THEN '{UNDO}' ELSE '{CONFLICT}' END, "
        f"_row FROM (SELECT g.*, CASE g.field {cases} END AS incoming, "
        f"(s.file_row_number + {staged.first_row})::BIGINT AS _row "
        f"FROM {GUARDED_TABLE} AS g JOIN {source} AS s "
        f"ON s.{ident(id_field)} = g.record_id WHERE g.field IN ({wanted})) "
        "WHERE incoming IS DISTINCT FROM new ORDER BY _row, field"
    ).fetchall()
    con.unregister(GUARDED_TABLE)
    return [Undone(str(c), str(r), str(f), o, n, i, str(k), int(row))
            for c, r, f, o, n, i, k, row in found]


def keep_corrected(
    con: duckdb.DuckDBPyConnection, staged: StagedSource, id_field: str, kept: list[Undone],
    out: Path,
) -> StagedSource:
    """The staged file written again to ``out`` with the corrected values of ``kept`` in place
    of the incoming ones (a field the file lacks is added, empty for the other records)."""
    if not kept:
        return staged
    _register(con, [Guarded(k.correction_id, k.record_id, k.field, k.old, k.new) for k in kept])
    fields = sorted({k.field for k in kept})
    have = set(staged.fields)
    pivot = ", ".join(
        f"bool_or(field = {literal(f)}) AS _k{n}, max(new) FILTER (WHERE field = {literal(f)}) "
        f"AS _v{n}" for n, f in enumerate(fields)
    )
    swapped = {f: f"CASE WHEN k._k{n} THEN k._v{n} ELSE "
                  + (f"s.{ident(f)}" if f in have else "NULL::VARCHAR") + " END"
               for n, f in enumerate(fields)}
    columns = [*staged.fields, *(f for f in fields if f not in have)]
    select = ", ".join(
        f"{swapped[f]} AS {ident(f)}" if f in swapped else f"s.{ident(f)}" for f in columns
    )
    source = f"read_parquet({literal(staged.path)}, file_row_number = true)"
    con.execute(
        f"COPY (SELECT {select} FROM {source} AS s LEFT JOIN (SELECT record_id, {pivot} "
        f"FROM {GUARDED_TABLE} GROUP BY record_id) AS k ON s.{ident(id_field)} = k.record_id "
        f"ORDER BY s.file_row_number) TO {literal(out)} (FORMAT parquet)"
    )
    con.unregister(GUARDED_TABLE)
    return replace(staged, path=out, fields=columns)


def _register(con: duckdb.DuckDBPyConnection, guarded: list[Guarded]) -> None:
    table = pa.table(
        {
            "correction_id": [g.correction_id for g in guarded],
            "record_id": [g.record_id for g in guarded],
            "field": [g.field for g in guarded],
            "old": [g.old for g in guarded],
            "new": [g.new for g in guarded],
        },
        schema=pa.schema([(name, pa.string()) for name in
                          ("correction_id", "record_id", "field", "old", "new")]),
    )
    con.register(GUARDED_TABLE, table)
