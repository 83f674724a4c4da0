"""Record ids: which field identifies a resource's records, and each staged row's id.

The id field is chosen once, by the first version, and kept for every later version:
``--id-field`` when given; else, for a format that declares its id (a Darwin Core Archive's
``<id>`` column), the field the reader says (None when that column is empty for every record);
else occurrenceID when the file has it, else the reader's default. Without one, a record's id is
generated from its content. Rows with no id, or with
an id another row has, are refused with the rows named.
"""

from __future__ import annotations

import duckdb

from holotype.engine import ident, literal
from holotype.store.errors import CommitError
from holotype.store.manifest import Manifest
from holotype.store.staged import StagedSource


def check_id_field(manifest: Manifest, requested: str | None, file: str) -> None:
    """Refuse changing a resource's id field after its first version."""
    if manifest.versions and requested is not None and requested != manifest.id_field:
        current = manifest.id_field or "(generated ids)"
        raise CommitError(
            f"this resource identifies records by {current}; it cannot change to "
            f"{requested!r} in a later version",
            file=file,
        )


def choose_id_field(manifest: Manifest, staged: StagedSource, requested: str | None) -> str | None:
    """The field that identifies records, kept the same across a resource's versions."""
    if manifest.versions:
        check_id_field(manifest, requested, staged.path.name)
        chosen = manifest.id_field
    elif requested is not None:
        chosen = requested
    elif staged.declared_id:
        chosen = staged.default_id_field
    elif "occurrenceID" in staged.fields:
        chosen = "occurrenceID"
    else:
        chosen = staged.default_id_field
    return chosen


def check_id_field_usable(
    manifest: Manifest, staged: StagedSource, chosen: str | None, mode: str, file: str
) -> None:
    """Refuse an update that cannot match records, and an id field the file lacks."""
    if chosen is None and manifest.versions and mode == "update":
        raise CommitError(
            "this resource has no id field, so records cannot be matched for an update (a "
            "changed record would be added beside its old version); ingest with --mode replace",
            file=file,
        )
    if chosen is not None and chosen not in staged.fields:
        raise CommitError(
            f"the id field {chosen!r} is not in the file (fields: "
            f"{', '.join(staged.fields[:12])}{'...' if len(staged.fields) > 12 else ''})",
            file=file,
            column=chosen,
        )


def key_staged_rows(
    con: duckdb.DuckDBPyConnection, staged: StagedSource, id_field: str | None, file: str
) -> None:
    """Make the temporary view ``staged``: the staged rows with their ids; refuse bad ids."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW staged AS {keyed_sql(staged, id_field)}")
    check_ids(con, id_field, file)


def keyed_sql(staged: StagedSource, id_field: str | None) -> str:
    """The staged rows with ``_id`` and ``_row`` (the row number in the uploaded file)."""
    source = f"read_parquet({literal(staged.path)}, file_row_number = true)"
    fields = ", ".join(ident(f) for f in staged.fields)
    row = f"(file_row_number + {staged.first_row})::BIGINT AS _row"
    if id_field is not None:
        return f"SELECT {ident(id_field)} AS _id, {row}, {fields} FROM {source}"
    # The content hash covers the non-empty (name, value) pairs in name order, so the same
    # record gets the same id whatever the column order and whichever empty columns the file has.
    pairs = ", ".join(
        f"CASE WHEN {ident(f)} IS NOT NULL THEN {literal(f)} || chr(31) || {ident(f)} END"
        for f in sorted(staged.fields)
    )
    hashed = f"SELECT md5(concat_ws(chr(30), {pairs})) AS _h, {row}, {fields} FROM {source}"
    return (
        "SELECT _h || CASE WHEN _n > 1 THEN '-' || _n::VARCHAR ELSE '' END AS _id, _row, "
        f"{fields} FROM (SELECT *, row_number() OVER (PARTITION BY _h ORDER BY _row) AS _n "
        f"FROM ({hashed}))"
    )


def check_ids(con: duckdb.DuckDBPyConnection, id_field: str | None, file: str) -> None:
    """Refuse a row of the view ``staged`` without an id, or sharing one (generated ids can't)."""
    if id_field is None:
        return
    summary = con.execute(
        "SELECT count(*) FILTER (WHERE _id IS NULL OR trim(_id) = ''), "
        "count(*) - count(DISTINCT _id) FROM staged"
    ).fetchone()
    if summary is None or summary == (0, 0):
        return  # the common case: one pass, no problems; the queries below name the rows
    missing = con.execute(
        "SELECT _row FROM staged WHERE _id IS NULL OR trim(_id) = '' ORDER BY _row LIMIT 1"
    ).fetchone()
    if missing:
        raise CommitError("the record has no id", file=file, row=int(missing[0]), column=id_field)
    duplicate = con.execute(
        "SELECT _id, min(_row), max(_row), count(*) FROM staged GROUP BY _id "
        "HAVING count(*) > 1 ORDER BY min(_row) LIMIT 1"
    ).fetchone()
    if duplicate:
        dup_id, first, last, count = duplicate
        raise CommitError(
            f"duplicate id {dup_id!r}: {count} records in the file share it (first in row "
            f"{first}, again in row {last})",
            file=file,
            row=int(last),
            column=id_field,
        )
