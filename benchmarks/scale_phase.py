"""One step of the scale benchmark in its own process, so the parent samples its memory alone.

``python -m benchmarks.scale_phase STEP SITE DATA SCALE SEED [ARG]`` prints one line of JSON
(DATA: where the generated files are cached). Steps:
``ingest`` (every resource, the specimens last, no index), ``index`` (every resource's
index), ``versions`` (nine patches of the specimens, then their index), ``reingest`` (the
specimens' 1% revision, replacing the resource, then its index: timed together), ``search``
(ARG: timed runs per class; see :mod:`benchmarks.scale_search`), ``download`` (ARG: a format)
and ``disk``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from benchmarks import scale_data
from benchmarks.scale_shape import DOWNLOAD, SPECIMENS, Part
from holotype.config import load_settings
from holotype.engine import ident, literal
from holotype.services import catalogue, downloads
from holotype.services.context import Portal
from holotype.services.downloads import make_worker, parse_request
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest

ID_FIELD = "occurrenceID"


def open_portal(site: Path, **overrides: Any) -> Portal:
    return Portal.open(load_settings(data_dir=site, rate_limit_per_minute=0, download_workers=0,
                                     **overrides))


def resource_id(portal: Portal, part: Part) -> str:
    with portal.session() as session:
        return catalogue.get_resource(session, part.name).id


def _ingest_all(portal: Portal, files: scale_data.Files) -> dict[str, Any]:
    with portal.write_session() as session:
        for dataset in dict.fromkeys(part.dataset for part, _n, _p in files.parts):
            catalogue.create_dataset(session, slug=dataset, title=dataset.replace("-", " "),
                                     licence="CC0-1.0")
        for part, _n, _path in files.parts:
            catalogue.create_resource(session, part.dataset, slug=part.slug, name=part.slug)
    ordered = sorted(files.parts, key=lambda entry: entry[0] == SPECIMENS)  # specimens last
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    for part, _n, path in ordered:
        started = time.perf_counter()
        ingest(portal, OPERATOR, part.name, path, mode="replace", id_field=ID_FIELD, index=False)
        seconds[part.name] = time.perf_counter() - started
    total = time.perf_counter() - began
    return {"seconds": total, "records": files.records, "records_per_s": files.records / total,
            "by_resource_s": seconds}


def _index_all(portal: Portal, files: scale_data.Files) -> dict[str, Any]:
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    for part, _n, _path in files.parts:
        started = time.perf_counter()
        portal.build_index(resource_id(portal, part))
        seconds[part.name] = time.perf_counter() - started
    total = time.perf_counter() - began
    return {"seconds": total, "records": files.records, "records_per_s": files.records / total,
            "by_resource_s": seconds}


def _versions(portal: Portal, files: scale_data.Files) -> dict[str, Any]:
    patches = []
    for patch in files.patches:
        started = time.perf_counter()
        ingest(portal, OPERATOR, SPECIMENS.name, patch, mode="patch", id_field=ID_FIELD,
               index=False)
        patches.append(time.perf_counter() - started)
    started = time.perf_counter()
    portal.build_index(resource_id(portal, SPECIMENS))
    return {"patch_s": patches, "index_s": time.perf_counter() - started,
            "versions": len(portal.store.resource(resource_id(portal, SPECIMENS)).versions())}


def _reingest(portal: Portal, files: scale_data.Files) -> dict[str, Any]:
    began = time.perf_counter()
    outcome = ingest(portal, OPERATOR, SPECIMENS.name, files.revision, mode="replace",
                     id_field=ID_FIELD, index=False)
    stored = time.perf_counter() - began
    portal.build_index(outcome.resource.id)
    total = time.perf_counter() - began
    r = outcome.result
    return {"seconds": total, "store_s": stored, "index_s": total - stored, "added": r.added,
            "changed": r.changed, "removed": r.removed, "total": r.total}


def _download(portal: Portal, fmt: str) -> dict[str, Any]:
    ids = [resource_id(portal, part) for part in DOWNLOAD]
    began = time.perf_counter()
    queued = downloads.queue_download(
        portal, ANONYMOUS, parse_request({"resource_ids": ids}, {"format": fmt}, None))
    make_worker(portal).run_once()
    seconds = time.perf_counter() - began
    found = downloads.status(portal, ANONYMOUS, queued.id)
    if found["status"] != "complete":
        raise RuntimeError(f"the {fmt} download did not complete: {found['reason']}")
    return {"format": fmt, "seconds": seconds, "records": found["total"],
            "records_per_s": found["total"] / seconds, "bytes": found["file_size"]}


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _index_parts(index: Path) -> dict[str, int]:
    """Bytes of each part of the index files: the DuckDB ``records`` and ``tokens`` tables
    (their storage blocks) and the row files' record blocks and postings (their pages)."""
    parts = {"index_records_table_bytes": 0, "index_tokens_table_bytes": 0,
             "rows_record_blocks_bytes": 0, "rows_postings_bytes": 0, "rows_other_bytes": 0}
    for path in index.rglob("*.duckdb"):
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()
            block = int(found[0]) if found else 0
            for table in ("records", "tokens"):
                found = con.execute("SELECT count(DISTINCT block_id) FROM "
                                    f"pragma_storage_info({literal(table)})").fetchone()
                parts[f"index_{table}_table_bytes"] += block * int(found[0] if found else 0)
    for path in index.rglob("*.rows.sqlite"):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            for name, size in con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
                key = ("rows_record_blocks_bytes" if name == "blocks" else
                       "rows_postings_bytes" if str(name).startswith("postings") else
                       "rows_other_bytes")
                parts[key] += int(size)
        finally:
            con.close()
    return parts


def _disk(portal: Portal, files: scale_data.Files) -> dict[str, Any]:
    """The site's store and index on disk against the current records as one Parquet file per
    resource (zstd, the record fields and ``_id`` only)."""
    site = portal.settings.data_dir
    store = site / "store"
    segments = sum(p.stat().st_size for sub in ("segments", "ends")
                   for p in store.glob(f"*/{sub}/*.parquet"))
    out = site / "tmp" / "current-parquet"
    out.mkdir(parents=True, exist_ok=True)
    con = portal.duckdb()
    try:
        for part, _n, _path in files.parts:
            relation = portal.store.resource(resource_id(portal, part)).relation()
            names = [str(row[0]) for row in con.execute(f"DESCRIBE {relation}").fetchall()]
            keep = ", ".join(ident(n) for n in names if n == "_id" or not n.startswith("_"))
            con.execute(f"COPY (SELECT {keep} FROM ({relation})) TO "
                        f"{literal(out / (part.dataset + '--' + part.slug + '.parquet'))} "
                        "(FORMAT parquet, COMPRESSION zstd)")
        parquet = _tree_bytes(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    index = site / "index"
    result = {"records": files.records, "store_records_bytes": segments,
              "originals_bytes": sum(p.stat().st_size for p in store.glob("*/originals/*/*")),
              "index_columns_bytes": sum(p.stat().st_size for p in index.rglob("*.duckdb")),
              "index_rows_bytes": sum(p.stat().st_size for p in index.rglob("*.rows.sqlite")),
              "store_bytes": _tree_bytes(store), "index_bytes": _tree_bytes(site / "index"),
              "current_parquet_bytes": parquet, "csv_bytes": files.bytes()}
    result.update(_index_parts(index))
    result["site_bytes"] = result["store_bytes"] + result["index_bytes"]
    result["bytes_per_record"] = result["site_bytes"] / files.records
    result["parquet_bytes_per_record"] = parquet / files.records
    result["ratio_to_parquet"] = result["site_bytes"] / parquet
    result["ratio_to_parquet_without_originals"] = (
        (segments + result["index_bytes"]) / parquet)
    return result


def main() -> None:
    step, site, data = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    scale, seed = float(sys.argv[4]), int(sys.argv[5])
    arg = sys.argv[6] if len(sys.argv) > 6 else ""
    files = scale_data.files(scale, seed, data=data)
    if step == "download":
        # every format starts cold: no earlier file or record set
        shutil.rmtree(load_settings(data_dir=site).downloads_dir, ignore_errors=True)
    portal = open_portal(site)
    try:
        if step == "ingest":
            result = _ingest_all(portal, files)
        elif step == "index":
            result = _index_all(portal, files)
        elif step == "versions":
            result = _versions(portal, files)
        elif step == "reingest":
            result = _reingest(portal, files)
        elif step == "search":
            from benchmarks.scale_search import measure_search

            result = measure_search(portal, files, int(arg))
        elif step == "download":
            result = _download(portal, arg)
        elif step == "disk":
            result = _disk(portal, files)
        else:
            raise SystemExit(f"unknown step {step!r}")
    finally:
        portal.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
