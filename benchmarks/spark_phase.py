"""Spark's fixed cost, in a process of its own so it pays all of it. Prints JSON.

``python -m benchmarks.spark_phase MASTER EXECUTOR_MEMORY``: the time to make the session
(import PySpark, start the driver's JVM, register the application with the master), then a
tiny job twice (``range(1000).count()``): the first waits for the worker to start the
application's executor, the second is what any job costs once everything is up. Then the
session is stopped, which gives the master's cores back.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    master, memory = sys.argv[1], sys.argv[2]
    began = time.perf_counter()
    from holotype.search.spark.session import SparkConfig, run_job, session, stop_all

    config = SparkConfig(master, driver_host="127.0.0.1", executor_memory=memory)
    session(config)
    made = time.perf_counter()
    first = run_job(config, "a tiny job", lambda spark: spark.range(1000).count())
    first_done = time.perf_counter()
    second = run_job(config, "a tiny job", lambda spark: spark.range(1000).count())
    second_done = time.perf_counter()
    stop_all()
    stopped = time.perf_counter()
    if first != 1000 or second != 1000:
        raise SystemExit(f"a tiny job counted {first} and {second} rows, not 1000")
    print(json.dumps({"session_s": made - began, "first_job_s": first_done - made,
                      "warm_job_s": second_done - first_done, "stop_s": stopped - second_done,
                      "ready_s": first_done - began}))


if __name__ == "__main__":
    main()
