"""Bulk work as PySpark jobs over the record store's Parquet files: the rows of a download and
the raw counts of the statistics that scan whole resources.

Spark does the heavy part, reading each resource at its version (:mod:`.version`) and joining,
grouping or writing its records; everything whose meaning must match the DuckDB path exactly
stays in one place and is not written again for Spark:

* the **query filter** is compiled once (:mod:`holotype.query.compile`) over the search index
  and evaluated by DuckDB, which writes the matching record ids; Spark semi-joins them (an
  empty query needs no ids: every record of the version). The filter's SQL uses the index's
  own tables (tokens, numeric columns, points), so translating it to Spark SQL would be a
  second compiler to keep in step;
* the **file formats** are written by the same DuckDB SQL as ever (:mod:`holotype.services
  .downloads.formats`), reading the rows Spark wrote instead of the index's;
* the **grouping of values** (lower-cased, the commonest spelling) is done by the same DuckDB
  SQL (:mod:`holotype.search.stats`) over the exact-value counts Spark made. Exact values
  group the same in any engine; lower-casing and ordering text need not, so DuckDB does them.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from holotype.engine import literal
from holotype.errors import Unavailable
from holotype.search.rowsets import RecordSet
from holotype.search.spark.session import SparkConfig, run_job
from holotype.search.spark.version import column, version_frame
from holotype.search.stats import grouping_label
from holotype.search.views import View
from holotype.store import RecordStore


@dataclass(frozen=True)
class SparkBulk:
    """The cluster, and a folder it shares with this process (same path on every machine)."""

    config: SparkConfig
    store: RecordStore
    work_dir: Path

    def _records(self, spark: Any, view: View) -> Any:
        resource = self.store.resource(view.rid)
        manifest = resource.manifest()
        version = manifest.resolve(view.version)
        frame = None if version is None else version_frame(spark, resource.root, manifest,
                                                          version)
        if frame is None:
            raise Unavailable(f"the store holds no records of {view.rid} at {view.version}")
        return frame

    def _fields(self, frame: Any, names: Sequence[str]) -> list[Any]:
        from pyspark.sql import functions as F

        have = set(frame.columns)
        return [(column(n) if n in have else F.lit(None).cast("string")).alias(n)
                for n in names]

    def extract(
        self, views: Sequence[View], records: RecordSet, whole: bool, directory: Path,
        cursor: duckdb.DuckDBPyConnection,
    ) -> RecordSet:
        """``records`` read from the rows Spark writes to ``directory``: per resource, ``_id``
        and the index's fields of each record in the set (``whole``: every record at the
        version). The rows written are counted against the record set: a store and an index
        that disagree fail the download rather than give a different file."""
        from pyspark.sql import functions as F

        extracted: list[tuple[str, Path]] = []

        def job(spark: Any) -> None:
            ids = spark.read.parquet(str(records.path))
            for n, view in enumerate(views):
                frame = self._records(spark, view)
                if not whole:
                    mine = ids.where(F.col("_res") == view.rid).select("_id")
                    frame = frame.join(mine, on="_id", how="left_semi")
                out = directory / f"{n}"
                frame.select(column("_id"), *self._fields(frame, view.columns)).write \
                    .mode("error").parquet(str(out))
                extracted.append((view.rid, out))

        directory.mkdir(parents=True, exist_ok=True)
        run_job(self.config, "writing the download's rows", job)
        result = replace(records, extracted=tuple(extracted))
        for view in views:
            wanted = cursor.execute(f"SELECT count(*) FROM read_parquet({literal(records.path)})"
                                    f" WHERE _res = {literal(view.rid)}").fetchone()
            got = cursor.execute(f"SELECT count(*) FROM ({result.rows(view, ['_id'])})"
                                 ).fetchone()
            if wanted != got:
                raise Unavailable(f"Spark read {got and got[0]} records of {view.rid} at "
                                  f"{view.version} where the search index has "
                                  f"{wanted and wanted[0]}: rebuild the index")
        return result

    @contextmanager
    def _counted(self, view: View, ids_sql: str | None, indexes_cursor: Any,
                 make: Any, what: str) -> Iterator[str]:
        """Run ``make(spark, frame, out)`` over the view's records (only those ``ids_sql``
        yields, when given) and yield the result as a DuckDB relation."""
        folder = self.work_dir / f"{uuid.uuid4().hex}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            ids_path = folder / "ids.parquet"
            if ids_sql is not None:
                indexes_cursor.execute(f"COPY ({ids_sql}) TO {literal(ids_path)} "
                                       "(FORMAT parquet)")

            def job(spark: Any) -> None:
                frame = self._records(spark, view)
                if ids_sql is not None:
                    frame = frame.join(spark.read.parquet(str(ids_path)), on="_id",
                                       how="left_semi")
                make(spark, frame).write.mode("error").parquet(str(folder / "out"))

            run_job(self.config, what, job)
            yield f"read_parquet({literal(folder / 'out' / '*.parquet')})"
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def value_counts(
        self, view: View, fields: Sequence[str], ids_sql: str | None, cursor: Any
    ) -> Any:
        """Context: a relation ``(g, v, n)``: records by the exact value of each of
        ``fields``, ``g`` being the GROUPING bits as DuckDB's ``GROUPING`` sets them."""
        k = len(fields)

        def make(spark: Any, frame: Any) -> Any:
            name = f"m_{uuid.uuid4().hex}"
            frame.select(*[f.alias(f"c{i}") for i, f in enumerate(self._fields(frame, fields))]
                         ).createOrReplaceTempView(name)
            keys = ", ".join(f"c{i}" for i in range(k))
            sets = ", ".join(f"(c{i})" for i in range(k))
            return spark.sql(
                f"SELECT CAST(grouping_id({keys}) AS BIGINT) AS g, "
                f"{grouping_label(k, 'grouping_id')} AS v, count(*) AS n FROM {name} "
                f"GROUP BY GROUPING SETS ({sets})")

        return self._counted(view, ids_sql, cursor, make, "counting values")

    def path_counts(
        self, view: View, fields: Sequence[str], ids_sql: str | None, cursor: Any
    ) -> Any:
        """Context: a relation ``(c0, ..., ck, n)``: records by the exact values of
        ``fields`` together."""

        def make(spark: Any, frame: Any) -> Any:
            picked = frame.select(*[f.alias(f"c{i}")
                                    for i, f in enumerate(self._fields(frame, fields))])
            return picked.groupBy(*[f"c{i}" for i in range(len(fields))]).count() \
                .withColumnRenamed("count", "n")

        return self._counted(view, ids_sql, cursor, make, "counting paths of values")
