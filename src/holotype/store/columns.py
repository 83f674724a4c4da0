"""A few columns of many records, read without the rest: for work that needs only some fields
(the media registry reads ``Multimedia`` and ``associatedMedia``; ``holotype media add`` finds
records by one field's value).

Parquet is columnar, so reading two columns of two million records takes a fraction of reading
them whole. A field no segment holds reads as empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb

from holotype.engine import ident, path_list
from holotype.store.manifest import Manifest, Version
from holotype.store.reader import relation_sql, segment_paths

BATCH = 10_000

Row = tuple[str | None, ...]


def _present(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """The relation's columns, by casefolded name (the engine ignores letter case)."""
    described = con.execute(f"DESCRIBE SELECT * FROM ({relation})").fetchall()
    return {str(row[0]).casefold(): str(row[0]) for row in described}


def _columns(present: dict[str, str], fields: Sequence[str]) -> list[str]:
    return [
        f"CAST({ident(present[name.casefold()])} AS VARCHAR)" if name.casefold() in present
        else "CAST(NULL AS VARCHAR)"
        for name in fields
    ]


def written_values(
    con: duckdb.DuckDBPyConnection, root: Path, versions: list[Version], fields: Sequence[str]
) -> Iterator[Row]:
    """The distinct combinations of ``fields`` in the records that ``versions`` wrote (current
    or not), leaving out records where all of them are empty."""
    segments = segment_paths(root, versions)
    if not segments:
        return
    relation = f"SELECT * FROM read_parquet({path_list(segments)}, union_by_name = true)"
    present = _present(con, relation)
    if not any(name.casefold() in present for name in fields):
        return
    columns = _columns(present, fields)
    filled = " OR ".join(f"coalesce({column}, '') <> ''" for column in columns)
    cursor = con.execute(f"SELECT DISTINCT {', '.join(columns)} FROM ({relation}) WHERE {filled}")
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def matching_records(
    con: duckdb.DuckDBPyConnection, root: Path, manifest: Manifest, field: str,
    values: Sequence[str], fields: Sequence[str],
) -> list[Row]:
    """``(field, *fields)`` of the latest version's records whose ``field`` is one of
    ``values``, in ``field``'s order; an empty list when no record has the field."""
    latest = manifest.latest
    if latest is None or not values:
        return []
    relation = relation_sql(root, manifest, latest)
    present = _present(con, relation)
    if field.casefold() not in present:
        return []
    key, *columns = _columns(present, [field, *fields])
    rows = con.execute(
        f"SELECT {key}, {', '.join(columns) or 'NULL'} FROM ({relation}) "
        f"WHERE list_contains(?, {key}) ORDER BY 1", [list(values)],
    ).fetchall()
    return [tuple(row[: 1 + len(fields)]) for row in rows]
