"""`make bench`: run the benchmarks, print a table, write JSON to benchmarks/results/."""

from __future__ import annotations

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import store_bench

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of each count")
    parser.add_argument("--ingests", type=int, default=3, help="ingest rounds (medians)")
    args = parser.parse_args()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = store_bench.run(args.records, args.repeats, args.ingests)
    result["machine"] = {"python": platform.python_version(), "cpus": _cpus()}
    result["finished"] = stamp
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"store-{stamp}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nRecord store, {result['records']:,} reference records ({out.name})")
    print(f"{'measure':<20}{'result':>12}{'target':>12}  met")
    for key, value in result["measured"].items():
        target = result["targets"][key]
        met = "yes" if result["met"][key] else "NO"
        print(f"{key:<20}{value:>12.3f}{'<= ' + str(target):>12}  {met}")
    counts = result["counts"]
    medians = [counts[f"count_{k}_median_s"] * 1000 for k in ("current", "previous", "first")]
    print("count medians: current {:.1f} ms, previous {:.1f} ms, first {:.1f} ms".format(*medians))
    for label, key in (
        ("first ingest", "first_ingest_samples_s"),
        ("re-ingest", "re_ingest_samples_s"),
    ):
        print(f"{label} samples: " + ", ".join(f"{s:.2f} s" for s in result[key]))


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
