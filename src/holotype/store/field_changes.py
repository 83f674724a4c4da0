"""Which fields a version changed: for each field, how many of the version's changed records
hold a different value in it (added, altered or emptied) than the record version they replace.

Only the changed rows are read: the version's ends file names the record versions it closed
(``_id`` and ``_from``), its segment holds the new ones, and a record in both changed (one only
in the ends file was removed, one only in the segment was added; neither is counted). The same
query serves a commit, which stores the counts in the version's manifest entry, and an older
version whose entry has none (committed before the counts were kept): see
:meth:`holotype.store.store.ResourceStore.changed_fields`.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from holotype.engine import ident, literal
from holotype.store.manifest import Version
from holotype.store.reader import rows_sql
from holotype.store.staged import RESERVED


def ended_rows_sql(root: Path, earlier: list[Version], ends: Path) -> str | None:
    """The record versions an ends file closed, whole; ``earlier`` are the versions before the
    one that wrote ``ends`` (one of theirs holds every row it names). None: no rows at all."""
    rows = rows_sql(root, earlier)
    if rows is None:
        return None
    return (
        f"SELECT r.* FROM ({rows}) AS r SEMI JOIN read_parquet({literal(ends)}) AS e "
        "ON r._id = e._id AND r._from = e._from"
    )


def count_changed_fields(
    con: duckdb.DuckDBPyConnection, ended: str, segment: Path
) -> dict[str, int]:
    """``{field: changed records whose value in it differs}``, most first (then by name), only
    fields with a difference. ``ended`` is SQL for the record versions the version closed (see
    :func:`ended_rows_sql`; a commit, which needs them for its statistics too, reads them once
    into a table), ``segment`` the file of the record versions it began."""
    new_rel = f"read_parquet({literal(segment)})"
    old_columns = _columns(con, ended)
    new_columns = _columns(con, f"SELECT * FROM {new_rel}")
    names = [*old_columns, *(c for c in new_columns if c not in old_columns)]
    if not names:
        return {}
    counts = ", ".join(
        f"count(*) FILTER (WHERE {_side('o', c, old_columns)} IS DISTINCT FROM "
        f"{_side('n', c, new_columns)})"
        for c in names
    )
    row = con.execute(
        f"SELECT {counts} FROM ({ended}) AS o JOIN {new_rel} AS n ON o._id = n._id"
    ).fetchone()
    assert row is not None
    found = [(name, int(n)) for name, n in zip(names, row, strict=True) if n]
    return dict(sorted(found, key=lambda pair: (-pair[1], pair[0])))


def count_version(
    con: duckdb.DuckDBPyConnection, root: Path, earlier: list[Version], version: Version
) -> dict[str, int]:
    """The counts of a committed ``version`` (``earlier``: the versions before it)."""
    if not version.changed or version.segment is None or version.ends is None:
        return {}
    ended = ended_rows_sql(root, earlier, root / version.ends)
    return count_changed_fields(con, ended, root / version.segment) if ended else {}


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    """The record fields a relation holds (not the store's own columns), in its order."""
    described = con.execute(f"DESCRIBE SELECT * FROM ({relation})").fetchall()
    return [str(row[0]) for row in described if str(row[0]) not in RESERVED]


def _side(alias: str, column: str, present: list[str]) -> str:
    """The column of one side, NULL where that side has no such column (nothing stored)."""
    return f"{alias}.{ident(column)}" if column in present else "NULL::VARCHAR"


class FieldChangesCache:
    """Counts worked out for versions whose manifest entry has none. A version never changes
    once committed, and its segment's name (which has a random part) is never reused, so a
    count is kept under it for good; past :attr:`LIMIT` entries the cache starts afresh. Safe to
    share between threads (a lost race merely counts twice)."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], dict[str, int]] = {}

    def get(self, root: Path, segment: str) -> dict[str, int] | None:
        with self._lock:
            return self._counts.get((str(root), segment))

    def put(self, root: Path, segment: str, counts: dict[str, int]) -> None:
        with self._lock:
            if len(self._counts) >= self.LIMIT:
                self._counts = {}
            self._counts[(str(root), segment)] = counts
