"""Patch mode: a file of corrections that changes only the columns it has.

A patch names existing records by their id and sets the file's columns to the file's values;
every other field of those records keeps its current value. An empty cell clears its field (the
column is there, so its value is what the file says). A row whose id is not in the current
version is refused: a correction that names an unknown record is most likely a mistyped id.

The store's invariants hold because the patched rows become *whole* records before anything is
compared: :func:`merge_patch` joins the file's rows with the current records, in one set-based
query, and puts the merged rows in place of the temporary view ``staged``. From there a patch
commits exactly like an update: a record changes only when some value really changed (its hash
differs), so re-running a patch is a no-op, and a record's history shows only the fields the
patch changed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb

from holotype.engine import ident
from holotype.store.errors import CommitError
from holotype.store.manifest import Manifest
from holotype.store.reader import relation_sql
from holotype.store.staged import StagedSource

#: How many unknown ids a refusal names.
NAMED = 5


def check_patchable(manifest: Manifest, id_field: str | None, file: str) -> None:
    """Refuse a patch of a resource without records, or whose records have generated ids."""
    if not manifest.versions:
        raise CommitError(
            "this resource has no records yet, so there is nothing to patch; ingest its first "
            "version with mode update",
            file=file,
        )
    if id_field is None:
        raise CommitError(
            "this resource's records have ids generated from their content, so a patch cannot "
            "name the record each row corrects; correct the records with mode replace (the "
            "file is then the whole resource)",
            file=file,
        )


def merge_patch(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    manifest: Manifest,
    staged: StagedSource,
    id_field: str,
    file: str,
) -> StagedSource:
    """Replace the view ``staged`` (the file's keyed rows) by the patched whole records.

    Returns the staged source to commit: its fields are the file's, then the resource's others.
    """
    current = relation_sql(root, manifest, manifest.latest)
    have = set(staged.fields)
    fields = [*staged.fields, *(c for c in manifest.columns if c not in have)]
    values = ", ".join(f"{'s' if f in have else 'c'}.{ident(f)}" for f in fields)
    # One join does both: ``_from`` (a reserved name, never a field) is NULL for unknown ids.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE patched AS SELECT s._id, s._row, c._from, {values} "
        f"FROM staged AS s LEFT JOIN ({current}) AS c ON s._id = c._id ORDER BY s._row"
    )
    check_known(con, id_field, file)
    con.execute("CREATE OR REPLACE TEMP VIEW staged AS SELECT * EXCLUDE (_from) FROM patched")
    return replace(staged, fields=fields)


def check_known(con: duckdb.DuckDBPyConnection, id_field: str, file: str) -> None:
    """Refuse rows of the table ``patched`` that matched no current record, naming the first."""
    found = con.execute(
        "SELECT _row, _id, count(*) OVER () FROM patched WHERE _from IS NULL "
        f"ORDER BY _row LIMIT {NAMED}"
    ).fetchall()
    if not found:
        return
    total = int(found[0][2])
    named = ", ".join(f"row {int(row)}: {record_id!r}" for row, record_id, _n in found)
    more = f" and {total - len(found):,} more" if total > len(found) else ""
    raise CommitError(
        f"{total:,} {'row names a record' if total == 1 else 'rows name records'} this resource "
        f"does not have ({named}{more}); a patch only corrects existing records, so check the "
        "ids, or add new records with mode update",
        file=file,
        row=int(found[0][0]),
        column=id_field,
    )
