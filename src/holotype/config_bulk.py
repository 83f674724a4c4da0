"""The settings of bulk work (part of :class:`holotype.config.Settings`, kept here so the
settings module stays small): which engine makes downloads and the whole-resource statistics,
and how to reach a Spark cluster when that engine is Spark."""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator

_SPARK_MASTER = re.compile(r"^(spark://[^/:\s]+:[0-9]{1,5}|local(\[([0-9]+|\*)\])?)$")
_JVM_MEMORY = re.compile(r"^[1-9][0-9]*[kmgt]$")


class BulkSettings(BaseModel):
    bulk_engine: Literal["duckdb", "spark"] = Field(
        default="duckdb", description="Engine that writes downloads and counts the "
        "statistics that scan whole resources: duckdb (in the portal's own processes) or spark "
        "(PySpark jobs on the cluster at spark_master, reading the record store's Parquet "
        "files, which the cluster must see at the same paths).")
    spark_master: str = Field(
        default="", description="The Spark master bulk work runs on when bulk_engine is spark, "
        "e.g. spark://spark.example.org:7077 (local[N] runs Spark inside the worker process).")
    spark_driver_host: str = Field(
        default="", description="Address of this machine that the Spark executors connect "
        "back to (spark.driver.host). Empty: Spark's own choice.")
    spark_executor_memory: str = Field(
        default="1g", description="Memory of each Spark executor (spark.executor.memory), "
        "e.g. 1g, 8g.")
    spark_task_retries: int = Field(
        default=4, ge=1, description="Times Spark tries one task before the job fails "
        "(spark.task.maxFailures). A failed job fails the download, which is tried again up "
        "to download_max_attempts times.")
    spark_job_timeout_seconds: int = Field(
        default=3600, ge=1, description="Longest one Spark job may run; a job still running "
        "then (for example because the cluster lost its workers) is cancelled and fails with "
        "that reason.")

    @field_validator("spark_master")
    @classmethod
    def _master(cls, value: str) -> str:
        if value and not _SPARK_MASTER.match(value):
            raise ValueError(f"{value!r} is not a Spark master URL: spark://HOST:PORT or "
                             "local[N]")
        return value

    @field_validator("spark_executor_memory")
    @classmethod
    def _executor_memory(cls, value: str) -> str:
        if not _JVM_MEMORY.match(value):
            raise ValueError(f"{value!r} is not a Spark memory size: a number and k, m, g or "
                             "t, e.g. 4g")
        return value

    @model_validator(mode="after")
    def _spark_needs_master(self) -> Self:
        if self.bulk_engine == "spark" and not self.spark_master:
            raise ValueError("bulk_engine = \"spark\" needs spark_master set")
        return self
