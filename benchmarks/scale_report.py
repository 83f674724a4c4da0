"""The scale benchmark's tables in docs/benchmarks.md, generated from its JSON (never typed).

``python -m benchmarks.scale_report [RESULT.json]`` (default: the newest
benchmarks/results/scale-*.json of the largest scale run) rewrites what lies between the
``<!-- scale-shape:begin -->``/``end`` and ``<!-- scale-results:begin -->``/``end`` markers of
docs/benchmarks.md, and the ``scale-summary``, ``scale-disk`` and ``scale-projection`` ones of
docs/scaling.md (the targets, what each part of the site takes on disk, and what a billion
records would take, projected from the measures).
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from benchmarks.scale_shape import markdown

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
SCALING = ROOT / "docs" / "scaling.md"
BILLION = 1_000_000_000
INTERACTIVE_S = 0.150
CLASSES = ("a_rare", "a_common", "a_none", "b_facets", "c_after", "d_first", "d_current")
LABELS = {
    "a_rare": "rare word + filters", "a_common": "common word + filters",
    "a_none": "filters alone", "b_facets": "facets", "c_after": "deep page (after cursor)",
    "d_first": "count, 10 versions back", "d_current": "count, current version",
}


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _verdict(result: dict[str, Any], key: str) -> str:
    return "met" if result["met"][key] else "**not met**"


def summary_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(measure, result, target, verdict) for each target of issue 19."""
    m, t = result["measured"], result["targets"]
    return [
        ("search p50, worst class, Everything", f"{m['search_p50_ms']:.1f} ms",
         f"<= {t['search_p50_ms']:.0f} ms", _verdict(result, "search_p50_ms")),
        ("first ingest (store)", f"{m['ingest_records_per_s']:,.0f} records/s",
         f">= {t['ingest_records_per_s']:,.0f}/s", _verdict(result, "ingest_records_per_s")),
        ("1% re-ingest of the specimens + index", f"{m['reingest_s']:.1f} s at scale 1",
         f"<= {t['reingest_s']:.0f} s", _verdict(result, "reingest_s")),
        ("download, slowest format", f"{m['download_records_per_s']:,.0f} records/s",
         f">= {t['download_records_per_s']:,.0f}/s", _verdict(result, "download_records_per_s")),
        ("peak memory (process tree)", f"{m['peak_rss_bytes'] / 1024**3:.2f} GiB",
         f"<= {t['peak_rss_bytes'] / 1024**3:.0f} GiB", _verdict(result, "peak_rss_bytes")),
        ("disk / Parquet of current records", f"{m['disk_ratio_to_parquet']:.2f}x",
         f"<= {t['disk_ratio_to_parquet']:.1f}x", _verdict(result, "disk_ratio_to_parquet")),
    ]


def results_markdown(result: dict[str, Any], name: str) -> str:
    steps = result["steps"]
    lines = [
        f"From `benchmarks/results/{name}`: {result['records']:,} records in "
        f"{result['resources']} resources, scale {result['scale']:g} of "
        f"{result['full_records']:,}; {result['machine']['cpus']} CPUs, load average "
        f"{result['load_average']['before'][0]:.1f} before and "
        f"{result['load_average']['after'][0]:.1f} after"
        + (" (**a check run, not the measurement**: times in seconds are scaled up linearly, "
           "and fixed costs weigh on rates at this size)" if result["scale"] < 1 else "") + ".",
        "",
        "| measure | result | target | |",
        "|---|---:|---:|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in summary_rows(result)),
        "",
        "| step | seconds | records/s | peak RSS |",
        "|---|---:|---:|---:|",
    ]
    ingest, index, versions, reingest = (steps[k] for k in
                                         ("ingest", "index", "versions", "reingest"))
    rows = [
        ("first ingest, 40 resources (store)", ingest["seconds"], ingest["records_per_s"],
         ingest["peak_rss_bytes"]),
        ("search index of every resource", index["seconds"], index["records_per_s"],
         index["peak_rss_bytes"]),
        (f"9 patches of the specimens ({versions['versions']} versions) + index",
         sum(versions["patch_s"]) + versions["index_s"], None, versions["peak_rss_bytes"]),
        (f"1% re-ingest of the specimens: store {reingest['store_s']:.1f} s, index "
         f"{reingest['index_s']:.1f} s", reingest["seconds"], None, reingest["peak_rss_bytes"]),
    ]
    for fmt, d in steps["downloads"].items():
        rows.append((f"download, {fmt}: {d['records']:,} records, {_mb(d['bytes'])}",
                     d["seconds"], d["records_per_s"], d["peak_rss_bytes"]))
    for label, seconds, rate, peak in rows:
        lines.append(f"| {label} | {seconds:,.1f} | {f'{rate:,.0f}' if rate else ''} | "
                     f"{peak / 1024**3:.2f} GiB |")
    search = steps["search"]
    lines += ["", f"Search, p50 / p95 ms ({search['repeats']} timed runs per class after "
              f"{search['warmup']} warm-up runs; the count looks {search['versions_back']} "
              "versions back):", "",
              "| class | Everything (40 resources) | specimens |", "|---|---:|---:|"]
    for cls in CLASSES:
        cells = []
        for scope in ("everything", "specimens"):
            s = search["scopes"][scope]["stats"][cls]
            cells.append(f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f}")
        lines.append(f"| {LABELS[cls]} | {cells[0]} | {cells[1]} |")
    disk = steps["disk"]
    lines += ["", "| disk | bytes | per record |", "|---|---:|---:|"]
    for label, key in (("record store (segments and ends)", "store_records_bytes"),
                       ("the uploaded originals, kept", "originals_bytes"),
                       ("record store with the uploaded originals", "store_bytes"),
                       ("search indexes: DuckDB files", "index_columns_bytes"),
                       ("search indexes: row files", "index_rows_bytes"),
                       ("search indexes (the newest file of each resource)", "index_bytes"),
                       ("site (store with originals + indexes)", "site_bytes"),
                       ("current records as Parquet (zstd)", "current_parquet_bytes"),
                       ("the generated CSV files", "csv_bytes")):
        lines.append(f"| {label} | {_mb(disk[key])} | {disk[key] / disk['records']:,.0f} B |")
    lines.append(f"| ratio site / Parquet (without originals) | "
                 f"{disk['ratio_to_parquet']:.2f}x "
                 f"({disk['ratio_to_parquet_without_originals']:.2f}x) | |")
    lines += ["", "Each part of the indexes, against the Parquet: "
              "[scaling](scaling.md#disk)."]
    return "\n".join(lines)


def _source(result: dict[str, Any], name: str) -> str:
    note = (" **A check run at a small scale, not the measurement: run `make bench-scale` on a "
            "quiet machine for the real numbers.**" if result["scale"] < 1 else "")
    return (f"From `benchmarks/results/{name}` ({result['records']:,} records, scale "
            f"{result['scale']:g}, {result['machine']['cpus']} CPUs).{note}")


def summary_markdown(result: dict[str, Any], name: str) -> str:
    return "\n".join([_source(result, name), "", "| measure | result | target | |",
                      "|---|---:|---:|---|",
                      *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in summary_rows(result))])


def projection(result: dict[str, Any]) -> dict[str, float]:
    """A billion records, projected linearly from the measures (see docs/scaling.md)."""
    steps = result["steps"]
    everything = steps["search"]["scopes"]["everything"]
    matched = everything["answers"]["b_facets:"]["total"]
    p50_s = everything["stats"]["b_facets"]["p50_ms"] / 1000
    rate = matched / p50_s  # matching rows through the grouped pass per second, one machine
    share = matched / result["records"]
    one_machine_s = share * BILLION / rate
    disk = steps["disk"]
    return {
        "matched": matched, "share": share, "rows_per_s": rate,
        "one_machine_s": one_machine_s,
        "nodes": math.ceil(one_machine_s / INTERACTIVE_S),
        "site_bytes": disk["bytes_per_record"] * BILLION,
        "index_bytes": disk["index_bytes"] / disk["records"] * BILLION,
        "download_hours": BILLION / result["measured"]["download_records_per_s"] / 3600,
    }


def projection_markdown(result: dict[str, Any], name: str) -> str:
    p = projection(result)
    cpus = result["machine"]["cpus"]
    return "\n".join([
        _source(result, name), "",
        "| | measured | at 1,000,000,000 records |", "|---|---:|---:|",
        f"| facets search across Everything: matching records | {p['matched']:,} "
        f"({p['share']:.1%}) | {p['share'] * BILLION:,.0f} |",
        f"| grouped pass, matching rows per second ({cpus} cores) | {p['rows_per_s']:,.0f} | |",
        f"| that search on one such machine | | {p['one_machine_s']:,.1f} s |",
        f"| {cpus}-core nodes for p50 <= {INTERACTIVE_S * 1000:.0f} ms (scan split evenly) | "
        f"| {p['nodes']:,} |",
        f"| site on disk (store with originals + indexes) | "
        f"{result['steps']['disk']['bytes_per_record']:,.0f} B/record | "
        f"{p['site_bytes'] / 1e12:,.2f} TB |",
        f"| search indexes alone (twice that with each partition on two nodes) | | "
        f"{p['index_bytes'] / 1e12:,.2f} TB |",
        f"| a download of every record, slowest format, one worker | | "
        f"{p['download_hours']:,.1f} h |",
    ])


DISK_PARTS = (
    ("record store: every version's records (Parquet)", "store_records_bytes"),
    ("record store: the uploaded originals (Zstandard)", "originals_bytes"),
    ("index: records table (fields as columns, numbers, points)", "index_records_table_bytes"),
    ("index: tokens table (each common word's records)", "index_tokens_table_bytes"),
    ("row files: whole records (compressed blocks)", "rows_record_blocks_bytes"),
    ("row files: postings (the records of rare words)", "rows_postings_bytes"),
)


def disk_markdown(result: dict[str, Any], name: str) -> str:
    """What each part of the site takes, against the Parquet of the current records."""
    disk = result["steps"]["disk"]
    if "index_records_table_bytes" not in disk:
        return _source(result, name) + "\n\n(This run did not measure the index's parts.)"
    parquet, records = disk["current_parquet_bytes"], disk["records"]
    named = sum(disk[key] for _label, key in DISK_PARTS)
    rows = [*((label, disk[key]) for label, key in DISK_PARTS),
            ("the rest (file headers, free pages, row files' ends and keys)",
             disk["site_bytes"] - named),
            ("**site**", disk["site_bytes"]),
            ("current records as one Parquet file per resource (zstd)", parquet)]
    return "\n".join([
        _source(result, name), "", "| part | bytes | per record | x Parquet |",
        "|---|---:|---:|---:|",
        *(f"| {label} | {_mb(size)} | {size / records:,.0f} B | {size / parquet:.2f} |"
          for label, size in rows)])


def _replace(text: str, marker: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {marker}:begin -->).*?(<!-- {marker}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"no <!-- {marker}:begin/end --> markers where they should be")
    return pattern.sub(lambda m: f"{m.group(1)}\n{body}\n{m.group(2)}", text)


def newest() -> Path:
    runs = sorted(RESULTS.glob("scale-*.json"))
    if not runs:
        raise SystemExit("no benchmarks/results/scale-*.json yet: run `make bench-scale`")
    # the largest scale wins (a check run never hides the measurement), then the newest
    return max(runs, key=lambda p: (json.loads(p.read_text())["scale"], p.name))


def update(path: Path, doc: Path = DOC, scaling: Path = SCALING) -> None:
    result = json.loads(path.read_text())
    text = _replace(doc.read_text(), "scale-shape", markdown())
    text = _replace(text, "scale-results", results_markdown(result, path.name))
    doc.write_text(text)
    text = _replace(scaling.read_text(), "scale-summary", summary_markdown(result, path.name))
    text = _replace(text, "scale-disk", disk_markdown(result, path.name))
    scaling.write_text(_replace(text, "scale-projection", projection_markdown(result, path.name)))


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else newest()
    update(path)
    print(f"docs/benchmarks.md and docs/scaling.md: the scale tables from {path.name}")


if __name__ == "__main__":
    main()
