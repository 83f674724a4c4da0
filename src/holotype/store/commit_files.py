"""The files a commit writes: durable before the manifest names them, removed if it fails.

A commit writes at most one segment (the record versions it begins), one ends file (the ranges
it closes) and a compressed copy of the uploaded file (:mod:`holotype.store.originals`). Each is
fsynced with its directory entries before the manifest that names it is written, so a crash
leaves only files that no manifest names.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from holotype.engine import ident, literal
from holotype.store.compare import Changes
from holotype.store.manifest import fsync_dir, fsync_file


@dataclass
class CommitFiles:
    """Where one commit writes, and what it has written so far."""

    root: Path
    segment: str  # relative to ``root``
    ends: str
    written: list[Path] = field(default_factory=list)

    @classmethod
    def for_version(cls, root: Path, version: int) -> CommitFiles:
        """Fresh names: a random part keeps them apart from an interrupted commit's leftovers."""
        return cls(
            root,
            segment=f"segments/{version}-{uuid.uuid4().hex[:8]}.parquet",
            ends=f"ends/{version}-{uuid.uuid4().hex[:8]}.parquet",
        )

    @property
    def segment_path(self) -> Path:
        return self.root / self.segment

    @property
    def ends_path(self) -> Path:
        return self.root / self.ends

    def write_parquet(self, con: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
        """Write the query's rows to ``target``, durably."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fsync_dir(target.parent.parent)  # the new folder's entry, if it was just made
        # No reader relies on a segment's row order (they join and sort by ``_id``; the ends
        # file's ORDER BY is kept regardless): unordered, the engine's threads write row groups
        # as they come, a fifth less CPU for a first version's segment.
        ordered = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
        con.execute("SET preserve_insertion_order = false")
        try:
            con.execute(
                f"COPY ({query}) TO {literal(target)} (FORMAT parquet, COMPRESSION zstd, "
                "COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 122880)"
            )
        finally:
            con.execute(f"SET preserve_insertion_order = {bool(ordered and ordered[0])}")
        fsync_file(target)
        fsync_dir(target.parent)  # the file's directory entry, before the manifest names it
        self.written.append(target)

    def remove(self) -> None:
        """Delete every file written so far (the commit failed; no manifest names them)."""
        for path in self.written:
            path.unlink(missing_ok=True)


def write_changes(
    con: duckdb.DuckDBPyConnection,
    files: CommitFiles,
    changes: Changes,
    version: int,
    fields: list[str],
) -> None:
    """Write the new and changed rows of the view ``staged``, and the ranges they close."""
    fields_sql = ", ".join(ident(f) for f in fields)
    if changes.first:
        rows = f"SELECT _id, {version}::BIGINT AS _from, {fields_sql} FROM staged"
        files.write_parquet(con, rows, files.segment_path)
        return
    if changes.has_segment:
        rows = (
            f"SELECT s._id, {version}::BIGINT AS _from, {fields_sql} FROM staged AS s "
            "SEMI JOIN delta AS d ON s._id = d._id"
        )
        files.write_parquet(con, rows, files.segment_path)
    if changes.has_ends:
        ends = (
            f"SELECT _id, _from, {version}::BIGINT AS _to FROM (SELECT _id, "
            "_old_from AS _from FROM delta WHERE _old_from IS NOT NULL "
            "UNION ALL SELECT _id, _from FROM removed) ORDER BY _id"
        )
        files.write_parquet(con, ends, files.ends_path)
