"""The Spark session bulk work runs in, and running one job on it with a deadline.

PySpark allows one active session per process, so the session is made on first use and kept
(one per process, for the master it was made for); a session whose context has stopped (the
master gave the application up) is replaced on next use. Before each job the master is asked
for by a TCP connection, so a master that is down is a clear error at once rather than a job
waiting for resources; a job that does not finish within the timeout (for example, its workers
went away) is cancelled. Either way the caller gets :class:`~holotype.errors.Unavailable`
naming the master, and nothing it was writing is kept.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from holotype.errors import Unavailable

T = TypeVar("T")
_LOCK = threading.Lock()
_SESSIONS: dict[str, Any] = {}  # master URL -> SparkSession, filled on first use


@dataclass(frozen=True)
class SparkConfig:
    """Where the cluster is and how jobs run on it (from the bulk settings)."""

    master: str
    driver_host: str = ""
    executor_memory: str = "1g"
    task_retries: int = 4
    job_timeout_seconds: int = 3600
    connect_timeout_seconds: float = 5.0


def _stopped(session: Any) -> bool:
    return bool(session.sparkContext._jsc is None
                or session.sparkContext._jsc.sc().isStopped())


def check_master(config: SparkConfig) -> None:
    """Raise :class:`Unavailable` unless the master answers a TCP connection."""
    if not config.master.startswith("spark://"):
        return
    host, _, port = config.master.removeprefix("spark://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), config.connect_timeout_seconds):
            pass
    except OSError as exc:
        raise Unavailable(f"the Spark master at {config.master} is not answering ({exc}); "
                          "bulk work (downloads, statistics) needs it running") from exc


def session(config: SparkConfig) -> Any:
    """This process's session on ``config.master`` (made now if there is none or it stopped)."""
    check_master(config)
    from pyspark.sql import SparkSession  # imported on use: only sites on Spark need it

    with _LOCK:
        found = _SESSIONS.get(config.master)
        if found is not None and not _stopped(found):
            return found
        for other in list(_SESSIONS.values()):  # one active session per process
            other.stop()
        _SESSIONS.clear()
        from pyspark import SparkContext

        running = SparkContext._active_spark_context  # one made outside this module
        if running is not None and running.master != config.master:
            running.stop()
        builder = (SparkSession.builder.master(config.master).appName("holotype-bulk")
                   .config("spark.executor.memory", config.executor_memory)
                   .config("spark.task.maxFailures", str(config.task_retries))
                   .config("spark.sql.caseSensitive", "true")  # fields differ by case
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.parquet.compression.codec", "zstd"))
        if config.driver_host:
            builder = (builder.config("spark.driver.host", config.driver_host)
                       .config("spark.driver.bindAddress", config.driver_host))
        made = builder.getOrCreate()
        made.sparkContext.setLogLevel("ERROR")
        _SESSIONS[config.master] = made
        return made


def stop_all() -> None:
    """Stop this process's session (tests, and a worker shutting down)."""
    with _LOCK:
        for found in _SESSIONS.values():
            found.stop()
        _SESSIONS.clear()


@contextmanager
def _deadline(spark: Any, seconds: int, group: str) -> Iterator[threading.Event]:
    fired = threading.Event()

    def cancel() -> None:
        fired.set()
        spark.sparkContext.cancelJobGroup(group)

    timer = threading.Timer(seconds, cancel)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


def run_job(config: SparkConfig, what: str, job: Callable[[Any], T]) -> T:
    """Run ``job(spark)`` as one job group with the configured deadline. Any failure
    (master gone, workers lost, the deadline passed) is :class:`Unavailable` saying so."""
    spark = session(config)
    group = f"holotype-{uuid.uuid4().hex}"
    spark.sparkContext.setJobGroup(group, what, interruptOnCancel=True)
    with _deadline(spark, config.job_timeout_seconds, group) as fired:
        try:
            return job(spark)
        except Exception as exc:
            if fired.is_set():
                reason = (f"it did not finish within {config.job_timeout_seconds} s "
                          "(spark_job_timeout_seconds): the cluster may have lost its workers")
            else:
                reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else (
                    type(exc).__name__)
            raise Unavailable(f"{what} on the Spark master at {config.master} failed: "
                              f"{reason}") from exc
        finally:
            spark.sparkContext.setLocalProperty("spark.jobGroup.id", None)
