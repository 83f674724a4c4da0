"""One benchmark phase in its own process, so its peak memory is its own. Prints JSON."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

from holotype.config import load_settings
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest

RESOURCE = "bench/records"


def main() -> None:
    phase, data_dir = sys.argv[1], Path(sys.argv[2])
    portal = Portal.open(load_settings(data_dir=data_dir))
    result: dict[str, object] = {"phase": phase}
    if phase in ("first-ingest", "re-ingest", "third-ingest"):
        if phase == "first-ingest":
            with portal.session() as session:
                catalogue.create_dataset(session, slug="bench", title="Bench", licence="CC0-1.0")
                catalogue.create_resource(session, "bench", slug="records", name="Records")
        started = time.perf_counter()
        outcome = ingest(portal, OPERATOR, RESOURCE, Path(sys.argv[3]), mode="replace", index=False)
        result["seconds"] = time.perf_counter() - started
        # The store's own peak, before the (derived) search index is built in this process.
        result["store_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        started = time.perf_counter()
        portal.build_index(outcome.resource.id)
        result["index_seconds"] = time.perf_counter() - started
        r = outcome.result
        result.update(added=r.added, changed=r.changed, removed=r.removed, total=r.total)
    elif phase == "counts":
        with portal.session() as session:
            found = catalogue.get_resource(session, RESOURCE)
        store = portal.store.resource(found.id)
        first, previous, current = (v.version for v in store.versions()[-3:])
        con = portal.duckdb()
        timings: dict[str, list[float]] = {"current": [], "previous": [], "first": []}
        counts = {}
        for _ in range(int(sys.argv[3])):
            for label, version in (("current", current), ("previous", previous), ("first", first)):
                started = time.perf_counter()
                counts[label] = store.count(version, con=con)
                timings[label].append(time.perf_counter() - started)
        result.update(
            {f"count_{k}_median_s": statistics.median(v) for k, v in timings.items()},
            counts=counts,
        )
    result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
