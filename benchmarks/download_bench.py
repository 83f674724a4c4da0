"""Download benchmark (issue 5, item 9; issue 19): zipped CSV, TSV, JSON Lines, Darwin Core
Archive and Parquet of 1,000,000 reference records, beside the engine's raw export of the same
rows to an uncompressed CSV (the floor); and the peak memory of a download of all 2,000,000 records.

Each measurement runs in its own process (``benchmarks.download_phase``) from a cold start: no
earlier file and no shared record set, so the record set is made in every run. Formats and the
floor alternate within each repeat, so a noisy machine slows them alike; medians are reported.
Sites are built once from the reference data and cached in ``benchmarks/data/``.

``python -m benchmarks.download_bench --site SITE --against OLD_SRC`` compares this tree with
another copy of ``src`` (e.g. ``git archive BASE src | tar -x -C /tmp/before``) on a copy of a
cached site, the two interleaved format by format (A, B, A, B ...), and prints the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from benchmarks import store_bench
from benchmarks.reference import DATA, SEED, reference_csv
from holotype.index import FORMAT as INDEX_FORMAT

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("csv", "tsv", "jsonl", "dwca", "parquet")
SITE_FORMAT = 1
TARGETS = {  # issue 19: 300,000 records/s in every format
    "csv_records_per_s": 300_000,
    "tsv_records_per_s": 300_000,
    "jsonl_records_per_s": 300_000,
    "dwca_records_per_s": 300_000,
    "parquet_records_per_s": 300_000,
    "ratio_to_floor": 3.0,
    "peak_rss_bytes": 1_000_000_000,
}


def say(message: str) -> None:
    print(f"[download {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def phase(site: Path, fmt: str, src: Path | None = None) -> dict[str, Any]:
    """One measurement in its own process; ``src`` runs another copy of the portal's code."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-m", "benchmarks.download_phase", str(site), fmt],
                          cwd=ROOT, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"download phase {fmt} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def ensure_site(records: int) -> Path:
    """A site whose one resource holds the first ``records`` reference records (cached)."""
    site = DATA / f"download-site-{records}"
    note = DATA / f"download-site-{records}.json"
    reference = reference_csv(records)
    key = {"records": records, "seed": SEED, "site_format": SITE_FORMAT,
           "reference": reference.stat().st_size, "duckdb": duckdb.__version__,
           "index_format": INDEX_FORMAT}
    if site.is_dir() and note.exists() and json.loads(note.read_text()) == key:
        return site
    shutil.rmtree(site, ignore_errors=True)
    say(f"building a site of {records:,} reference records")
    store_bench.phase("first-ingest", str(site), str(reference))
    note.write_text(json.dumps(key))
    return site


def run(records: int = 2_000_000, download_records: int = 1_000_000,
        repeats: int = 3) -> dict[str, Any]:
    site = ensure_site(download_records)
    samples: dict[str, list[dict[str, Any]]] = {f: [] for f in ("floor", *FORMATS)}
    for repeat in range(repeats):
        order = ["floor", *FORMATS]
        order = order[repeat % len(order):] + order[: repeat % len(order)]
        for fmt in order:
            say(f"repeat {repeat + 1}/{repeats}: {fmt}")
            samples[fmt].append(phase(site, fmt))
    summary: dict[str, dict[str, float]] = {}
    for fmt, runs in samples.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        size = statistics.median(r["bytes"] for r in runs)
        count = runs[0]["records"]
        summary[fmt] = {"seconds": seconds, "records": count, "bytes": size,
                        "records_per_s": count / seconds, "mb_per_s": size / 1e6 / seconds,
                        "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs)}
    floor = summary["floor"]["seconds"]
    for fmt in FORMATS:
        summary[fmt]["ratio_to_floor"] = summary[fmt]["seconds"] / floor
    say(f"peak memory of a zipped CSV download of all {records:,} records")
    big = phase(ensure_site(records), "csv")
    met = {f"{fmt}_records_per_s": summary[fmt]["records_per_s"]
           >= TARGETS[f"{fmt}_records_per_s"] for fmt in FORMATS}
    met.update({f"{fmt}_ratio_to_floor": summary[fmt]["ratio_to_floor"]
                <= TARGETS["ratio_to_floor"] for fmt in FORMATS})
    met["peak_rss_bytes"] = big["peak_rss_bytes"] <= TARGETS["peak_rss_bytes"]
    return {"records": download_records, "rss_records": records, "repeats": repeats,
            "summary": summary, "rss_run": big, "samples": samples, "targets": TARGETS,
            "met": met}


def print_table(result: dict[str, Any]) -> None:
    summary = result["summary"]
    print(f"\nDownloads of {result['records']:,} reference records "
          f"(median of {result['repeats']}, cold: record set made every run)")
    print(f"{'format':<10}{'seconds':>9}{'records/s':>12}{'MB/s':>8}{'MB':>8}"
          f"{'x floor':>9}{'peak RSS':>10}  target")
    for fmt in ("floor", *FORMATS):
        s = summary[fmt]
        ratio = f"{s['ratio_to_floor']:.2f}" if fmt != "floor" else ""
        target = ""
        if fmt != "floor":
            ok = result["met"][f"{fmt}_records_per_s"] and result["met"][f"{fmt}_ratio_to_floor"]
            target = (f">= {TARGETS[f'{fmt}_records_per_s']:,}/s, <= 3x floor: "
                      + ("met" if ok else "NOT MET"))
        print(f"{fmt:<10}{s['seconds']:>9.2f}{s['records_per_s']:>12,.0f}{s['mb_per_s']:>8.1f}"
              f"{s['bytes'] / 1e6:>8.1f}{ratio:>9}{s['peak_rss_bytes'] / 1e9:>9.2f}G  {target}")
    big = result["rss_run"]
    met = "met" if result["met"]["peak_rss_bytes"] else "NOT MET"
    print(f"zipped CSV of all {big['records']:,} records: {big['seconds']:.1f} s, peak RSS "
          f"{big['peak_rss_bytes'] / 1e9:.2f} GB (target <= 1 GB: {met})")


def compare(site: Path, against: Path, repeats: int,
            formats: tuple[str, ...] = FORMATS) -> dict[str, Any]:
    """Medians of this tree ("after") and of the code in ``against`` ("before"), each format
    measured before, after, before, after ... on the same site."""
    samples: dict[str, dict[str, list[dict[str, Any]]]] = {
        fmt: {"before": [], "after": []} for fmt in formats}
    for repeat in range(repeats):
        for fmt in formats:
            for side in (("before", "after") if repeat % 2 == 0 else ("after", "before")):
                run = phase(site, fmt, against if side == "before" else None)
                samples[fmt][side].append(run)
                say(f"repeat {repeat + 1}/{repeats} {fmt} {side}: {run['seconds']:.2f} s, "
                    f"{run['bytes'] / 1e6:.1f} MB, {run['cpu_seconds']:.1f} cpu-s, "
                    f"load {os.getloadavg()[0]:.1f}")
    summary = {fmt: {side: {"seconds": statistics.median(r["seconds"] for r in runs),
                            "records_per_s": runs[0]["records"]
                            / statistics.median(r["seconds"] for r in runs),
                            "bytes": statistics.median(r["bytes"] for r in runs),
                            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs)}
                     for side, runs in sides.items()}
               for fmt, sides in samples.items()}
    return {"site": str(site), "against": str(against), "repeats": repeats,
            "load_average": os.getloadavg(), "summary": summary, "samples": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, required=True, help="a (copy of a) cached site")
    parser.add_argument("--against", type=Path, required=True, help="the src to compare with")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    result = compare(args.site, args.against.resolve(), args.repeats,
                     tuple(args.formats.split(",")))
    out = ROOT / "benchmarks" / "results" / (
        f"download-compare-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json")
    out.write_text(json.dumps(result, indent=2))
    print(f"{'format':<9}{'before s':>9}{'after s':>9}{'before/s':>11}{'after/s':>11}"
          f"{'before MB':>11}{'after MB':>10}{'before cpu':>12}{'after cpu':>11}")
    for fmt, sides in result["summary"].items():
        b, a = sides["before"], sides["after"]
        print(f"{fmt:<9}{b['seconds']:>9.2f}{a['seconds']:>9.2f}{b['records_per_s']:>11,.0f}"
              f"{a['records_per_s']:>11,.0f}{b['bytes'] / 1e6:>11.1f}{a['bytes'] / 1e6:>10.1f}"
              f"{b['cpu_seconds']:>12.2f}{a['cpu_seconds']:>11.2f}")
    print(f"load average at the end: {result['load_average']} ({out.name})")


if __name__ == "__main__":
    main()
