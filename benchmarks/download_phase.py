"""One download measurement in its own process, so its peak memory is its own. Prints JSON.

``python -m benchmarks.download_phase SITE FORMAT``: a fresh download (no earlier file or record
set) of every record of the site, queued through the service and made by a worker, timed from
the request to the finished zip. ``FORMAT`` ``floor`` instead times the engine's own raw export
of the same rows (the same compiled filter, the same engine settings) to one uncompressed CSV
file.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path

from holotype.config import load_settings
from holotype.engine import ident, literal
from holotype.search.rowsets import fields_of
from holotype.search.views import matching_sql
from holotype.services import downloads, search
from holotype.services.context import Portal
from holotype.services.downloads import make_worker, parse_request
from holotype.services.identity import ANONYMOUS


def _download(portal: Portal, fmt: str) -> dict[str, object]:
    began = time.perf_counter()
    queued = downloads.queue_download(portal, ANONYMOUS, parse_request({}, {"format": fmt}, None))
    make_worker(portal).run_once()
    seconds = time.perf_counter() - began
    found = downloads.status(portal, ANONYMOUS, queued.id)
    if found["status"] != "complete":
        raise RuntimeError(f"the {fmt} download did not complete: {found['reason']}")
    return {"seconds": seconds, "records": found["total"], "bytes": found["file_size"],
            "worker_seconds": found["seconds"]}


def _floor(portal: Portal, out: Path) -> dict[str, object]:
    began = time.perf_counter()
    views = search.resource_views(portal, ANONYMOUS, None, None)
    fields = fields_of(views)
    rows = matching_sql(views, {}, fields)
    columns = ", ".join(["_id", *map(ident, fields)])
    # The same engine settings as a download's files (export_connection: the download memory
    # limit, insertion order not preserved), so the floor differs from a download only in
    # what a download adds: the record set, the zip and the bookkeeping.
    settings = portal.settings
    with portal.searcher.export_connection(
            views, memory_limit=settings.download_memory_limit,
            threads=settings.duckdb_threads, temp_dir=portal.work_dir / "duckdb",
    ) as cursor:
        cursor.execute(f"COPY (SELECT {columns} FROM ({rows})) TO {literal(out)} (HEADER)")
        seconds = time.perf_counter() - began
        count = cursor.execute(f"SELECT count(*) FROM read_csv({literal(out)})").fetchone()
    return {"seconds": seconds, "records": int(count[0]) if count else 0,
            "bytes": out.stat().st_size}


def main() -> None:
    site, fmt = Path(sys.argv[1]), sys.argv[2]
    settings = load_settings(data_dir=site, rate_limit_per_minute=0, download_workers=0)
    shutil.rmtree(settings.downloads_dir, ignore_errors=True)  # every run starts cold
    portal = Portal.open(settings, migrate=True)
    try:
        if fmt == "floor":
            out = settings.data_dir / "tmp" / "floor.csv"
            out.parent.mkdir(parents=True, exist_ok=True)
            result = _floor(portal, out)
            out.unlink()
        else:
            result = _download(portal, fmt)
    finally:
        portal.close()
        shutil.rmtree(settings.downloads_dir, ignore_errors=True)
    result["format"] = fmt
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_bytes"] = usage.ru_maxrss * 1024
    # CPU seconds of the whole process (every thread), start-up included: on a loaded shared
    # machine they move far less than the wall-clock seconds.
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(result))


if __name__ == "__main__":
    main()
