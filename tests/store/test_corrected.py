"""store/corrected.py on a real staged Parquet file: which corrected fields a file undoes or
changes otherwise, in each mode, and the file written again with the corrections kept."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from holotype.store import StagedSource
from holotype.store.corrected import Guarded, find_undone, keep_corrected

GUARDED = [
    Guarded("c1", "r1", "country", "Frnace", "France"),
    Guarded("c1", "r1", "locality", None, "Paris"),
    Guarded("c2", "r2", "country", "Spain", None),  # cleared by its correction
    Guarded("c3", "r9", "country", "Peru", "Chile"),  # a record the file does not hold
]


def staged(tmp_path: Path, rows: list[tuple[str | None, ...]], fields: list[str]) -> StagedSource:
    con = duckdb.connect()
    columns = ", ".join(f"col{i}::VARCHAR AS \"{f}\"" for i, f in enumerate(fields))
    values = ", ".join("(" + ", ".join("NULL" if v is None else f"'{v}'" for v in row) + ")"
                       for row in rows)
    path = tmp_path / "staged.parquet"
    con.execute(f"COPY (SELECT {columns} FROM (VALUES {values})) TO '{path}' (FORMAT parquet)")
    con.close()
    return StagedSource(path=path, fields=fields, rows=len(rows), format="csv")


def test_undo_conflict_and_agreement(tmp_path: Path) -> None:
    source = staged(tmp_path, [("r1", "Frnace", "Paris"), ("r2", "Spain", None),
                               ("r3", "Italy", "Rome")], ["id", "country", "locality"])
    con = duckdb.connect()
    found = find_undone(con, source, "id", "update", GUARDED)
    assert [(u.record_id, u.field, u.incoming, u.kind, u.row) for u in found] == [
        ("r1", "country", "Frnace", "undo", 2),  # locality agrees with its correction
        ("r2", "country", "Spain", "undo", 3),  # the old value again, after a clearing
    ]
    other = staged(tmp_path, [("r1", "Belgium", None)], ["id", "country", "locality"])
    assert [(u.field, u.kind) for u in find_undone(con, other, "id", "update", GUARDED)] == [
        ("country", "conflict"), ("locality", "undo")]


def test_a_missing_column_counts_as_no_value_except_in_patch_mode(tmp_path: Path) -> None:
    source = staged(tmp_path, [("r1", "Fr"), ("r2", "x")], ["id", "note"])
    con = duckdb.connect()
    update = find_undone(con, source, "id", "update", GUARDED)
    assert [(u.record_id, u.field, u.incoming, u.kind) for u in update] == [
        ("r1", "country", None, "conflict"), ("r1", "locality", None, "undo")]
    # r2's country was cleared by its correction: no value is what the correction said
    assert find_undone(con, source, "id", "patch", GUARDED) == []
    assert find_undone(con, source, None, "update", GUARDED) == []


@pytest.mark.parametrize("fields", [["id", "country", "locality"], ["id", "note"]])
def test_keep_puts_the_corrected_values_back_in_file_order(tmp_path: Path,
                                                           fields: list[str]) -> None:
    rows: list[tuple[str | None, ...]] = (
        [("r3", "Italy", "Rome"), ("r1", "Frnace", None), ("r2", "Spain", "Madrid")]
        if "country" in fields else [("r3", "a"), ("r1", "b"), ("r2", "c")])
    source = staged(tmp_path, rows, fields)
    con = duckdb.connect()
    found = find_undone(con, source, "id", "update", GUARDED)
    kept = keep_corrected(con, source, "id", found, tmp_path / "kept.parquet")
    assert kept.fields[: len(fields)] == fields
    assert set(kept.fields) == set(fields) | {"country", "locality"}
    names = ", ".join(f'"{f}"' for f in ["id", "country", "locality"])
    got = con.execute(f"SELECT {names} FROM read_parquet('{kept.path}')").fetchall()
    r3 = ("r3", "Italy", "Rome") if "country" in fields else ("r3", None, None)
    assert got == [r3, ("r1", "France", "Paris"), ("r2", None, "Madrid" if "country" in fields
                                                   else None)]
    assert find_undone(con, kept, "id", "update", GUARDED) == []  # nothing left to undo
