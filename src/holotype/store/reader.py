"""Reading a resource at any version: the SQL relation of the records current then.

A record version is a row ``(_id, _from, fields...)`` in the segment written by the commit that
created it. Its range ends when a later commit writes ``(_id, _from, _to)`` to that commit's ends
file. Records as of version V are therefore the rows of every segment up to V that no ends file up
to V has closed: one anti-join, the same shape for the current and for any past version.
"""

from __future__ import annotations

from pathlib import Path

from holotype.engine import path_list
from holotype.store.manifest import Manifest, Version

EMPTY = "SELECT NULL::VARCHAR AS _id, NULL::BIGINT AS _from WHERE false"


def segment_paths(root: Path, versions: list[Version]) -> list[Path]:
    return [root / v.segment for v in versions if v.segment]


def ends_paths(root: Path, versions: list[Version]) -> list[Path]:
    return [root / v.ends for v in versions if v.ends]


def rows_sql(root: Path, versions: list[Version]) -> str | None:
    """Every record version written by ``versions``, current or not."""
    segments = segment_paths(root, versions)
    if not segments:
        return None
    return f"SELECT * FROM read_parquet({path_list(segments)}, union_by_name = true)"


def relation_sql(root: Path, manifest: Manifest, version: Version | None) -> str:
    """SQL for the records current at ``version`` (no rows when ``version`` is None)."""
    if version is None:
        return EMPTY
    upto = manifest.upto(version)
    rows = rows_sql(root, upto)
    if rows is None:
        return EMPTY
    ends = ends_paths(root, upto)
    if not ends:
        return rows
    return (
        f"SELECT r.* FROM ({rows}) AS r ANTI JOIN read_parquet({path_list(ends)}) AS e "
        "ON r._id = e._id AND r._from = e._from"
    )


def history_sql(root: Path, manifest: Manifest) -> tuple[str, str] | None:
    """(rows with their end, tombstones) SQL for one record, with a ``?`` for its id.

    The first query yields every version of the record with ``_to`` (NULL while current); the
    second yields the versions at which the record was removed without a new row.
    """
    rows = rows_sql(root, manifest.versions)
    if rows is None:
        return None
    ends = ends_paths(root, manifest.versions)
    if not ends:
        return f"SELECT *, NULL::BIGINT AS _to FROM ({rows}) WHERE _id = ? ORDER BY _from", ""
    ends_rel = f"read_parquet({path_list(ends)})"
    versions_sql = (
        f"SELECT r.*, e._to FROM ({rows}) AS r LEFT JOIN {ends_rel} AS e "
        "ON r._id = e._id AND r._from = e._from WHERE r._id = ? ORDER BY r._from"
    )
    deletions_sql = (
        f"SELECT e._to FROM {ends_rel} AS e WHERE e._id = ? AND NOT EXISTS ("
        f"SELECT 1 FROM ({rows}) AS r WHERE r._id = e._id AND r._from = e._to) ORDER BY e._to"
    )
    return versions_sql, deletions_sql
