"""The Spark bulk engine beside DuckDB (issue 19): the same downloads and whole-resource counts
of the same site, made with ``bulk_engine = "duckdb"`` and ``bulk_engine = "spark"`` in one run.

The site (1,000,000 reference records in one resource by default, the download benchmark's
cached site) is copied twice into a scratch folder: one copy is opened with each engine. A
real standalone cluster (one master, one worker: :mod:`tests.fixtures.sparkcluster`) runs on
loopback for the run and is stopped after it.

* **fixed cost**: a fresh process per sample (:mod:`benchmarks.spark_phase`) makes a session
  and runs a tiny job twice, so it pays the driver's JVM, the application's registration and
  the executor's start;
* **downloads** in csv, tsv, jsonl, parquet and dwca of every record, and the statistics'
  whole-resource **value counts** (and taxonomy path counts), each timed with both engines,
  alternating (A, B, then B, A on the next repeat) and rotating the cases every repeat, in one
  process whose Spark session is already up (its start is the fixed cost). Every download is
  cold: a fresh portal, no earlier file, no earlier record set.

The first repeat checks the two engines' outputs are equal: the same rows in every file of the
zip (count and an order-free digest of the lines, or of the Parquet rows), the same counts.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from tests.fixtures.sparkcluster import SparkCluster, start_cluster

from holotype.config import load_settings
from holotype.engine import literal
from holotype.search.spark import bulk, stop_all
from holotype.search.spark.session import SparkConfig, run_job
from holotype.services import downloads
from holotype.services.context import Portal
from holotype.services.downloads import make_worker, parse_request
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.statistics.shape import FIELDS, TAXONOMY
from holotype.services.visible import visible_resources

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("csv", "tsv", "jsonl", "parquet", "dwca")
COUNTS = ("value_counts", "path_counts")
ENGINES = ("duckdb", "spark")
SKIPPED = ("manifest.json", "eml.xml")  # they name the download (its id, its time)


def say(message: str) -> None:
    print(f"[spark {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def _spark_time() -> Iterator[list[float]]:
    """Seconds spent inside Spark jobs while the context is open (the rest of a download on
    Spark is the same DuckDB work as on DuckDB: the record set, the file, the zip)."""
    spent: list[float] = []
    original = bulk.run_job

    def timed(config: SparkConfig, what: str, job: Callable[[Any], Any]) -> Any:
        began = time.perf_counter()
        try:
            return original(config, what, job)
        finally:
            spent.append(time.perf_counter() - began)

    bulk.run_job = timed  # type: ignore[assignment]
    try:
        yield spent
    finally:
        bulk.run_job = original


def _digest_lines(member: Any) -> tuple[int, int]:
    count, total = 0, 0
    for line in member:
        count += 1
        total = (total + hash(line.rstrip(b"\r\n"))) & 0xFFFFFFFFFFFFFFFF
    return count, total


def digest(path: Path, scratch: Path) -> dict[str, Any]:
    """Per file of the zip: its rows and an order-free digest of them."""
    found: dict[str, Any] = {}
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if name in SKIPPED:
                continue
            if name.endswith(".parquet"):
                out = scratch / "digest.parquet"
                with archive.open(name) as src, out.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                con = duckdb.connect()
                rel = f"read_parquet({literal(out)})"
                schema = con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
                rows = con.execute(f"SELECT count(*), sum(hash(t)) FROM {rel} t").fetchone()
                con.close()
                out.unlink()
                found[name] = [rows and rows[0], str(rows and rows[1]), str(schema)]
            else:
                with archive.open(name) as member:
                    found[name] = list(_digest_lines(member))
    return found


@dataclass(frozen=True)
class Engine:
    """One engine's copy of the site and the settings it is opened with."""

    name: str
    site: Path
    settings: dict[str, Any] = field(default_factory=dict)

    def portal(self) -> Portal:
        settings = load_settings(data_dir=self.site, rate_limit_per_minute=0,
                                 download_workers=0, download_max_attempts=1, **self.settings)
        shutil.rmtree(settings.downloads_dir, ignore_errors=True)  # every run starts cold
        return Portal.open(settings, migrate=True)


def _download(engine: Engine, fmt: str, scratch: Path | None) -> dict[str, Any]:
    portal = engine.portal()
    try:
        with _spark_time() as spent:
            began = time.perf_counter()
            queued = downloads.queue_download(
                portal, ANONYMOUS, parse_request({}, {"format": fmt}, None))
            make_worker(portal).run_once()
            seconds = time.perf_counter() - began
        found = downloads.status(portal, ANONYMOUS, queued.id)
        if found["status"] != "complete":
            raise RuntimeError(f"the {fmt} download on {engine.name} did not complete: "
                               f"{found['reason']}")
        result: dict[str, Any] = {"seconds": seconds, "records": found["total"],
                                  "bytes": found["file_size"], "spark_job_s": sum(spent)}
        if scratch is not None:
            path = downloads.file_path(portal, queued.id, found["file_name"])
            result["digest"] = digest(path, scratch)
        return result
    finally:
        portal.close()
        shutil.rmtree(portal.settings.downloads_dir, ignore_errors=True)


def _counts(engine: Engine, kind: str, keep: bool) -> dict[str, Any]:
    portal = engine.portal()
    try:
        views = portal.searcher.views(visible_resources(portal, OPERATOR, None), None)
        with _spark_time() as spent:
            began = time.perf_counter()
            if kind == "value_counts":
                found: Any = portal.searcher.value_counts(views, {}, FIELDS)
            else:
                found = portal.searcher.path_counts(views, {}, TAXONOMY)
            seconds = time.perf_counter() - began
        records = sum(portal.searcher.count(views, {}).values())
        result: dict[str, Any] = {"seconds": seconds, "records": records,
                                  "spark_job_s": sum(spent)}
        if keep:
            result["digest"] = repr(found)
        return result
    finally:
        portal.close()


def fixed_cost(cluster: SparkCluster, memory: str, repeats: int) -> dict[str, Any]:
    """Medians of a fresh process's session start and tiny jobs (before the main process
    takes the cluster's cores: the master gives each application all of them)."""
    samples = []
    for n in range(repeats):
        say(f"fixed cost {n + 1}/{repeats}: a session and a tiny job in a new process")
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.spark_phase", cluster.master_url, memory],
            cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the fixed-cost phase failed:\n{done.stderr[-3000:]}")
        sample = dict(json.loads(done.stdout.strip().splitlines()[-1]))
        sample["process_s"] = time.perf_counter() - began
        samples.append(sample)
    return {"median": {k: statistics.median(s[k] for s in samples) for k in samples[0]},
            "samples": samples}


def _copy(source: Path, to: Path) -> Path:
    shutil.rmtree(to, ignore_errors=True)
    shutil.copytree(source, to, ignore=shutil.ignore_patterns("downloads", "tmp", "*.lock"))
    return to


def _measure(engines: dict[str, Engine], case: str, order: tuple[str, ...],
             scratch: Path | None) -> dict[str, Any]:
    if case in FORMATS:
        return {e: _download(engines[e], case, scratch) for e in order}
    return {e: _counts(engines[e], case, scratch is not None) for e in order}


def run(site: Path | None, records: int, repeats: int, work: Path, cores: int = 2,
        memory: str = "2g") -> dict[str, Any]:
    """Both engines over copies of ``site`` (None: the download benchmark's cached site of
    ``records`` records) in ``work``, which is emptied after."""
    if site is None:
        from benchmarks.download_bench import ensure_site

        site = ensure_site(records)
    work.mkdir(parents=True, exist_ok=True)
    say(f"copying {site} twice into {work}")
    engines = {"duckdb": Engine("duckdb", _copy(site, work / "duckdb"))}
    spark_site = _copy(site, work / "spark")
    load = {"before": os.getloadavg()}
    say(f"starting a Spark master and a worker ({cores} cores, {memory})")
    cluster = start_cluster(work / "cluster", cores=cores, memory=memory)
    try:
        engines["spark"] = Engine("spark", spark_site, {
            "bulk_engine": "spark", "spark_master": cluster.master_url,
            "spark_driver_host": "127.0.0.1", "spark_executor_memory": memory})
        fixed = fixed_cost(cluster, memory, repeats)
        config = SparkConfig(cluster.master_url, "127.0.0.1", memory)
        began = time.perf_counter()
        run_job(config, "warming up", lambda spark: spark.range(1000).count())
        fixed["in_process_ready_s"] = time.perf_counter() - began
        cases = [*FORMATS, *COUNTS]
        samples: dict[str, dict[str, list[dict[str, Any]]]] = {
            c: {e: [] for e in ENGINES} for c in cases}
        equal: dict[str, bool] = {}
        for repeat in range(repeats):
            order = cases[repeat % len(cases):] + cases[: repeat % len(cases)]
            turn = ENGINES if repeat % 2 == 0 else ENGINES[::-1]
            for case in order:
                say(f"repeat {repeat + 1}/{repeats}: {case} ({' then '.join(turn)}), "
                    f"load {os.getloadavg()[0]:.2f}")
                scratch = work if repeat == 0 else None
                got = _measure(engines, case, turn, scratch)
                if scratch is not None:
                    digests = [got[e].pop("digest") for e in ENGINES]
                    equal[case] = digests[0] == digests[1] and got["duckdb"]["records"] \
                        == got["spark"]["records"]
                    if not equal[case]:
                        raise RuntimeError(f"{case}: Spark's output differs from DuckDB's: "
                                           f"{digests[0]!r:.400} against {digests[1]!r:.400}")
                for e in ENGINES:
                    got[e]["load"] = os.getloadavg()[0]
                    samples[case][e].append(got[e])
        app_cores = cluster.app_cores_used("holotype-bulk")
    finally:
        stop_all()
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    load["after"] = os.getloadavg()
    summary = summarise(samples)
    return {"records": summary["csv"]["duckdb"]["records"], "repeats": repeats,
            "site": str(site),
            "cluster": {"workers": 1, "cores": cores, "worker_memory": memory,
                        "executor_memory": memory, "app_cores": app_cores},
            "fixed_cost": fixed, "summary": summary, "equal": equal,
            "load_average": load, "samples": samples}


def summarise(samples: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for case, by_engine in samples.items():
        row: dict[str, Any] = {}
        for e, runs in by_engine.items():
            seconds = statistics.median(r["seconds"] for r in runs)
            count = runs[0]["records"]
            row[e] = {"seconds": seconds, "records": count, "records_per_s": count / seconds,
                      "spark_job_s": statistics.median(r["spark_job_s"] for r in runs)}
        row["ratio_spark_to_duckdb"] = row["spark"]["seconds"] / row["duckdb"]["seconds"]
        summary[case] = row
    return summary


def print_table(result: dict[str, Any]) -> None:
    fixed = result["fixed_cost"]["median"]
    print(f"\nSpark beside DuckDB, {result['records']:,} records (median of "
          f"{result['repeats']}; Spark: 1 worker, {result['cluster']['cores']} cores, "
          f"executor {result['cluster']['executor_memory']})")
    print(f"{'case':<14}{'duckdb s':>9}{'rec/s':>11}{'spark s':>9}{'rec/s':>11}"
          f"{'in jobs s':>10}{'spark/duckdb':>14}  equal")
    for case, row in result["summary"].items():
        d, s = row["duckdb"], row["spark"]
        print(f"{case:<14}{d['seconds']:>9.2f}{d['records_per_s']:>11,.0f}{s['seconds']:>9.2f}"
              f"{s['records_per_s']:>11,.0f}{s['spark_job_s']:>10.2f}"
              f"{row['ratio_spark_to_duckdb']:>14.2f}  {result['equal'].get(case)}")
    print(f"fixed cost (new process): session {fixed['session_s']:.1f} s, first tiny job "
          f"{fixed['first_job_s']:.1f} s, a warm tiny job {fixed['warm_job_s']:.2f} s; "
          f"load average {result['load_average']['before'][0]:.2f} before, "
          f"{result['load_average']['after'][0]:.2f} after")


def markdown(result: dict[str, Any]) -> str:
    """The table of docs/benchmarks.md ("Spark"), from a result's JSON."""
    lines = ["| case | DuckDB s | DuckDB records/s | Spark s | Spark records/s | in Spark jobs s"
             " | Spark / DuckDB | equal |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for case, row in result["summary"].items():
        d, s = row["duckdb"], row["spark"]
        lines.append(f"| {case} | {d['seconds']:.2f} | {d['records_per_s']:,.0f} | "
                     f"{s['seconds']:.2f} | {s['records_per_s']:,.0f} | "
                     f"{s['spark_job_s']:.2f} | {row['ratio_spark_to_duckdb']:.1f} | "
                     f"{'yes' if result['equal'].get(case) else 'NO'} |")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m benchmarks.spark_bench RESULT.json: the docs' table
    print(markdown(json.loads(Path(sys.argv[1]).read_text())))
