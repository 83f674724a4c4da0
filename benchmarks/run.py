"""`make bench`: run the benchmarks, print a table, write JSON to benchmarks/results/."""

from __future__ import annotations

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import (
    citation_bench,
    download_bench,
    drafts_bench,
    images_bench,
    maps_bench,
    pages_bench,
    search_bench,
    spark_bench,
    stats_bench,
    store_bench,
    upload_bench,
)

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only",
                        choices=("store", "search", "pages", "download", "citation", "maps",
                                 "images", "stats", "upload", "drafts", "spark", "all"),
                        default="all",
                        help="which benchmark to run (default: all; spark runs only when "
                        "named: `make bench-spark`)")
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of each store count")
    parser.add_argument("--ingests", type=int, default=3, help="ingest rounds (medians)")
    parser.add_argument("--search-repeats", type=int, default=20,
                        help="timed runs of each search query class (after 2 warm-up runs)")
    parser.add_argument("--page-repeats", type=int, default=20,
                        help="timed requests of each page (after 2 warm-up requests)")
    parser.add_argument("--download-records", type=int, default=1_000_000,
                        help="records each timed download holds (the peak-memory download "
                        "holds --records)")
    parser.add_argument("--download-repeats", type=int, default=3,
                        help="timed runs of each download format (medians)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--per-client", type=int, default=25,
                        help="requests each concurrent client sends")
    parser.add_argument("--peers", default="sqlite,postgres",
                        help="peer engines to compare with: sqlite,postgres (or none)")
    parser.add_argument("--map-repeats", type=int, default=20,
                        help="timed tiles of each map case (after 2 warm-up tiles)")
    parser.add_argument("--map-per-client", type=int, default=40,
                        help="tiles each concurrent panning client asks for")
    parser.add_argument("--maps-engines", default="holotype,postgis",
                        help="what the maps benchmark measures: holotype,postgis (postgis alone "
                        "works before the tile engine is merged)")
    parser.add_argument("--images-engines", default="holotype,iipsrv",
                        help="what the images benchmark measures: holotype,iipsrv (iipsrv alone "
                        "works before the IIIF image server is merged)")
    parser.add_argument("--image-photos", type=int, default=2,
                        help="100-megapixel photographs in the images benchmark's set")
    parser.add_argument("--image-repeats", type=int, default=5,
                        help="timed rounds of the images benchmark's tiles and thumbnails")
    parser.add_argument("--stats-events", type=int, default=1_000_000,
                        help="download events seeded into the statistics benchmark's site")
    parser.add_argument("--gallery-per-client", type=int, default=48,
                        help="thumbnails each concurrent gallery client asks for")
    parser.add_argument("--upload-records", type=int, default=None,
                        help="records of the reference CSV the upload benchmark sends (default: "
                        "--records; 2,000,000 are about 1 GB, 400,000 about 200 MB)")
    parser.add_argument("--upload-runs", type=int, default=3,
                        help="timed uploads of the file (median), after one warm-up upload")
    parser.add_argument("--spark-site", type=Path, default=None,
                        help="a site to copy for the Spark benchmark (default: the download "
                        "benchmark's cached site of --download-records records)")
    parser.add_argument("--spark-work", type=Path, default=Path("/tmp/holotype-spark-bench"),
                        help="scratch folder of the Spark benchmark (two copies of the site; "
                        "emptied after)")
    parser.add_argument("--spark-cores", type=int, default=2, help="the Spark worker's cores")
    parser.add_argument("--spark-memory", default="2g",
                        help="the Spark worker's and executor's memory")
    args = parser.parse_args()
    if args.only in ("store", "all"):
        run_store(args)
    if args.only in ("drafts", "all"):
        run_drafts(args)
    if args.only in ("search", "all"):
        run_search(args)
    if args.only in ("pages", "all"):
        run_pages(args)
    if args.only in ("download", "all"):
        run_download(args)
    if args.only in ("citation", "all"):
        run_citation(args)
    if args.only in ("maps", "all"):
        run_maps(args)
    if args.only in ("images", "all"):
        run_images(args)
    if args.only in ("stats", "all"):
        run_stats(args)
    if args.only in ("upload", "all"):
        run_upload(args)
    if args.only == "spark":
        run_spark(args)


def engines_of(text: str, known: tuple[str, ...], flag: str) -> tuple[str, ...]:
    """The engines a comma-separated ``flag`` names, each one of ``known``; else SystemExit."""
    engines = tuple(e for e in text.split(",") if e)
    unknown = set(engines) - set(known)
    if unknown or not engines:
        raise SystemExit(f"{flag}: unknown {', '.join(sorted(unknown)) or 'empty'}; "
                         f"choose from {', '.join(known)}")
    return engines


def run_drafts(args: argparse.Namespace) -> None:
    result = drafts_bench.run(args.records, args.ingests)
    out = _write("drafts", result)
    drafts_bench.print_table(result)
    print(f"({out.name})")


def run_stats(args: argparse.Namespace) -> None:
    result = stats_bench.run(args.records, args.page_repeats, args.stats_events)
    out = _write("stats", result)
    stats_bench.print_table(result)
    print(f"({out.name})")


def run_upload(args: argparse.Namespace) -> None:
    result = upload_bench.run(args.upload_records or args.records, args.upload_runs)
    out = _write("upload", result)
    upload_bench.print_table(result)
    print(f"({out.name})")


def run_spark(args: argparse.Namespace) -> None:
    result = spark_bench.run(args.spark_site, args.download_records, args.download_repeats,
                             args.spark_work, args.spark_cores, args.spark_memory)
    out = _write("spark", result)
    spark_bench.print_table(result)
    print(f"({out.name})")


def run_images(args: argparse.Namespace) -> None:
    engines = engines_of(args.images_engines, images_bench.ENGINES, "--images-engines")
    result = images_bench.run(args.image_photos, args.image_repeats, args.clients,
                              args.gallery_per_client, engines)
    out = _write("images", result)
    images_bench.print_table(result)
    print(f"({out.name})")


def run_maps(args: argparse.Namespace) -> None:
    engines = engines_of(args.maps_engines, maps_bench.ENGINES, "--maps-engines")
    result = maps_bench.run(args.records, args.map_repeats, args.clients, args.map_per_client,
                            engines)
    out = _write("maps", result)
    maps_bench.print_table(result)
    print(f"({out.name})")


def run_citation(args: argparse.Namespace) -> None:
    result = citation_bench.run(args.records, args.page_repeats)
    out = _write("citation", result)
    citation_bench.print_table(result)
    print(f"({out.name})")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _write(name: str, result: dict[str, Any]) -> Path:
    stamp = _stamp()
    result["machine"] = {"python": platform.python_version(), "cpus": _cpus()}
    result["finished"] = stamp
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return out


def run_store(args: argparse.Namespace) -> None:
    result = store_bench.run(args.records, args.repeats, args.ingests)
    out = _write("store", result)
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


def run_search(args: argparse.Namespace) -> None:
    peers = tuple(p for p in args.peers.split(",") if p and p != "none")
    unknown = set(peers) - {"sqlite", "postgres"}
    if unknown:
        raise SystemExit(f"unknown peers: {', '.join(sorted(unknown))}")
    result = search_bench.run(args.records, args.search_repeats, args.clients, args.per_client,
                              peers)
    out = _write("search", result)
    search_bench.print_table(result)
    print(f"({out.name})")


def run_pages(args: argparse.Namespace) -> None:
    result = pages_bench.run(args.records, args.page_repeats)
    out = _write("pages", result)
    pages_bench.print_table(result)
    print(f"({out.name})")


def run_download(args: argparse.Namespace) -> None:
    result = download_bench.run(args.records, args.download_records, args.download_repeats)
    out = _write("download", result)
    download_bench.print_table(result)
    print(f"({out.name})")


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
