"""Record store benchmark: first ingest, re-ingest, counts at two versions, storage, memory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.reference import modified_csv, reference_csv

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "first_ingest_s": 20.0,
    "re_ingest_s": 15.0,
    "storage_ratio": 1.1,
    "past_count_ratio": 1.5,
    "peak_rss_gb": 3.0,
}


def phase(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.store_phase", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"phase {args[0]} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def record_bytes(data_dir: Path) -> int:
    return sum(
        p.stat().st_size
        for sub in ("segments", "ends")
        for p in (data_dir / "store").glob(f"*/{sub}/*.parquet")
    )


def total_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in (data_dir / "store").rglob("*") if p.is_file())


def run(records: int = 2_000_000, repeats: int = 15) -> dict[str, Any]:
    reference = reference_csv(records)
    modified = modified_csv(reference)
    data_dir = Path(tempfile.mkdtemp(prefix="holotype-bench-"))
    try:
        first = phase("first-ingest", str(data_dir), str(reference))
        before, before_all = record_bytes(data_dir), total_bytes(data_dir)
        second = phase("re-ingest", str(data_dir), str(modified))
        after, after_all = record_bytes(data_dir), total_bytes(data_dir)
        counts = phase("counts", str(data_dir), str(repeats))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    peak = max(first["peak_rss_bytes"], second["peak_rss_bytes"], counts["peak_rss_bytes"])
    measured = {
        "first_ingest_s": first["seconds"],
        "re_ingest_s": second["seconds"],
        "storage_ratio": after / before,
        "past_count_ratio": counts["count_previous_median_s"] / counts["count_current_median_s"],
        "peak_rss_gb": peak / 1024**3,
    }
    return {
        "benchmark": "store",
        "records": records,
        "reference_csv_bytes": reference.stat().st_size,
        "first_ingest": first,
        "re_ingest": second,
        "counts": counts,
        "record_bytes_before": before,
        "record_bytes_after": after,
        "store_bytes_with_originals_before": before_all,
        "store_bytes_with_originals_after": after_all,
        "measured": measured,
        "targets": TARGETS,
        "met": {k: measured[k] <= TARGETS[k] for k in TARGETS},
    }
