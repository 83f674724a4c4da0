"""Build staged files straight from Python rows, for store tests."""

from __future__ import annotations

import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from holotype.store import StagedSource


def stage_rows(
    work: Path, rows: list[dict[str, str | None]], fields: list[str] | None = None
) -> StagedSource:
    """A staging Parquet file holding ``rows`` (all values text), as a reader would write it."""
    if fields is None:
        fields = []
        for row in rows:
            fields += [k for k in row if k not in fields]
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"staged-{uuid.uuid4().hex}.parquet"
    table = pa.table({f: pa.array([r.get(f) for r in rows], pa.string()) for f in fields})
    pq.write_table(table, path)
    return StagedSource(path=path, fields=fields, rows=len(rows), format="test")
