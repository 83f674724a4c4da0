"""A resource's records at a version, as a Spark DataFrame, read exactly as the store defines
a version (:func:`holotype.store.reader.relation_sql`): the rows of every segment up to the
version, less the record versions an ends file up to it closed, joined on ``(_id, _from)``.
Segments may differ in columns (a field added later): they are merged by name, a missing
column being null, as DuckDB's ``union_by_name`` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from holotype.store.manifest import Manifest, Version
from holotype.store.reader import ends_paths, segment_paths


def column(name: str) -> Any:
    """The column ``name``, however it is spelled (dots and backquotes included)."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def version_frame(spark: Any, root: Path, manifest: Manifest, version: Version) -> Any | None:
    """The records current at ``version`` (None: no segment holds any)."""
    upto = manifest.upto(version)
    segments = [str(p) for p in segment_paths(root, upto)]
    if not segments:
        return None
    rows = spark.read.option("mergeSchema", "true").parquet(*segments)
    ends = [str(p) for p in ends_paths(root, upto)]
    if not ends:
        return rows
    closed = spark.read.parquet(*ends).select("_id", "_from")
    return rows.join(closed, on=["_id", "_from"], how="left_anti")
