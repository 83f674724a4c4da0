"""Comparing staged rows with the current records: what a commit adds, changes and removes.

Rows are matched by id and compared by a 64-bit hash of their values; only ids and hashes pass
through the join, never whole records. The result is left in two temporary tables for the
writing step: ``delta`` (the id of every new or changed row, with the ``_from`` of the record
version a change ends) and ``removed`` (in replace mode, the current records the file lacks).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from holotype.engine import ident
from holotype.store.manifest import Manifest, Version
from holotype.store.reader import relation_sql
from holotype.store.staged import StagedSource


@dataclass(frozen=True)
class Changes:
    """What a commit changes. ``first``: there is no earlier version, every row is new."""

    added: int
    changed: int
    removed: int
    first: bool = False

    @property
    def none(self) -> bool:
        return self.added + self.changed + self.removed == 0

    @property
    def has_segment(self) -> bool:
        """New record versions to write: added or changed records."""
        return self.added + self.changed > 0

    @property
    def has_ends(self) -> bool:
        """Ranges to close: changed or removed records."""
        return self.changed + self.removed > 0


def compare(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    manifest: Manifest,
    previous: Version,
    staged: StagedSource,
    mode: str,
) -> Changes:
    """The changes the view ``staged`` makes to ``previous``, the latest version."""
    current = relation_sql(root, manifest, previous)
    columns = [*staged.fields, *(c for c in manifest.columns if c not in staged.fields)]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE delta AS SELECT s._id, c._from AS _old_from "
        f"FROM ({_hashed('staged', staged.fields, columns)}) AS s "
        f"LEFT JOIN ({_hashed(current, manifest.columns, columns, '_from')}) AS c "
        "ON s._id = c._id WHERE c._id IS NULL OR s._h != c._h"
    )
    removed_sql = (
        f"SELECT c._id, c._from FROM ({current}) AS c ANTI JOIN staged AS s ON c._id = s._id"
        if mode == "replace"
        else "SELECT NULL::VARCHAR AS _id, NULL::BIGINT AS _from WHERE false"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE removed AS {removed_sql}")
    row = con.execute(
        "SELECT count(*) FILTER (WHERE _old_from IS NULL), "
        "count(*) FILTER (WHERE _old_from IS NOT NULL) FROM delta"
    ).fetchone()
    added, changed = (int(row[0]), int(row[1])) if row else (0, 0)
    return Changes(added, changed, _count(con, "SELECT * FROM removed"))


def _hashed(relation: str, present: list[str], columns: list[str], *extra: str) -> str:
    """``_id``, ``extra`` columns and ``_h``, a hash of the record's values over ``columns``.

    Both sides of a comparison hash the same column list (NULL where a side lacks a column), so
    equal records hash equal; only ids and hashes travel through the join, not whole records.
    A 64-bit hash makes a missed change a 1 in 2^64 chance per changed record.
    """
    have = set(present)
    values = ", ".join(ident(c) if c in have else "NULL::VARCHAR" for c in columns)
    source = relation if relation == "staged" else f"({relation})"
    return f"SELECT _id, {''.join(e + ', ' for e in extra)}hash({values}) AS _h FROM {source}"


def _count(con: duckdb.DuckDBPyConnection, query: str) -> int:
    row = con.execute(f"SELECT count(*) FROM ({query})").fetchone()
    return int(row[0]) if row else 0
