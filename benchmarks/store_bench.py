"""Record store benchmark: first ingest, re-ingest, counts at two versions, storage, memory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median
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


def run(records: int = 2_000_000, repeats: int = 15, ingests: int = 3) -> dict[str, Any]:
    """Each ingest round starts from an empty site: first ingest, then two revisions.

    Medians over ``ingests`` rounds; the counts are timed on the last round's store, at the
    current version (3), the previous one (2: two segments and an ends file, like the current)
    and the first (one segment).
    """
    reference = reference_csv(records)
    revisions = [modified_csv(reference, 1), modified_csv(reference, 2)]
    rounds: list[dict[str, Any]] = []
    for round_number in range(ingests):
        data_dir = Path(tempfile.mkdtemp(prefix="holotype-bench-"))
        try:
            first = phase("first-ingest", str(data_dir), str(reference))
            before = record_bytes(data_dir)
            second = phase("re-ingest", str(data_dir), str(revisions[0]))
            after = record_bytes(data_dir)
            sizes = {"before": before, "after": after, "with_originals": total_bytes(data_dir)}
            third = phase("third-ingest", str(data_dir), str(revisions[1]))
            counts = (
                phase("counts", str(data_dir), str(repeats)) if round_number == ingests - 1 else {}
            )
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        rounds.append(
            {"first": first, "second": second, "third": third, "sizes": sizes, "counts": counts}
        )
    counts = rounds[-1]["counts"]
    peak = max(r[p]["store_peak_rss_bytes"] for r in rounds for p in ("first", "second", "third"))
    peak = max(peak, counts["peak_rss_bytes"])
    measured = {
        "first_ingest_s": median(r["first"]["seconds"] for r in rounds),
        "re_ingest_s": median(r["second"]["seconds"] for r in rounds),
        "storage_ratio": median(r["sizes"]["after"] / r["sizes"]["before"] for r in rounds),
        "past_count_ratio": counts["count_previous_median_s"] / counts["count_current_median_s"],
        "peak_rss_gb": peak / 1024**3,
    }
    return {
        "benchmark": "store",
        "records": records,
        "reference_csv_bytes": reference.stat().st_size,
        "rounds": rounds,
        "first_ingest_samples_s": [r["first"]["seconds"] for r in rounds],
        "re_ingest_samples_s": [r["second"]["seconds"] for r in rounds],
        "third_ingest_median_s": median(r["third"]["seconds"] for r in rounds),
        "index_first_build_median_s": median(r["first"]["index_seconds"] for r in rounds),
        "index_update_median_s": median(r["second"]["index_seconds"] for r in rounds),
        "counts": counts,
        "measured": measured,
        "targets": TARGETS,
        "met": {k: measured[k] <= TARGETS[k] for k in TARGETS},
    }
