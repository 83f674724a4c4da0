"""Server-side render time of the portal's pages on the reference site.

The cached search site (the reference records as a first version, revision 1 as a second; see
search_bench.ensure_site) is served in process by the real ASGI app through Starlette's test
client, so each sample is one whole request: routing, services, search index, template and
response, minus the network. Each page gets warm-up requests, then timed ones; p50 and p95 are
reported against the issue's target of 100 ms p50.

The site is read only: the share button (which writes a short link) is not measured.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi.testclient import TestClient

from benchmarks.reference import modified_csv, reference_csv
from benchmarks.search_bench import ensure_site, summary
from benchmarks.store_phase import RESOURCE
from holotype.config import load_settings
from holotype.web.app import create_app

TARGET_P50_MS = 100.0
WARMUP = 2


def say(message: str) -> None:
    print(f"[pages {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def page_set(client: TestClient) -> dict[str, str]:
    """The URLs measured, with ids and cursors found on the site itself (untimed)."""
    first = client.get("/search.json?preset=everything").json()
    record = first["records"][0]
    rid, record_id = record["resource"], record["id"]
    twin = client.get(f"/record/{rid}/{quote(record_id, safe='')}.json").json()
    occurrence = twin["data"].get("occurrenceID", record_id)
    resource_json = client.get(f"/search.json?resource_ids={rid}").json()
    versions = client.get(f"/dataset/{RESOURCE.split('/')[0]}.json").json()["resources"][0]
    oldest = versions["versions"][-1]["version"]
    filters = {"and": [
        {"string_equals": {"fields": ["country"], "value": "United Kingdom"}},
        {"number_range": {"fields": ["year"], "greater_than": 1900, "less_than": 1950}},
    ]}
    word = _common_word()
    return {
        "home": "/",
        "datasets": "/datasets",
        "dataset": f"/dataset/{RESOURCE.split('/')[0]}",
        "search_none": "/search?preset=everything",
        "search_word": "/search?" + urlencode({"preset": "everything", "q": word}),
        "search_filters": "/search?" + urlencode({"preset": "everything",
                                                  "filters": json.dumps(filters)}),
        "search_list": "/search?preset=everything&view=list",
        "search_gallery": "/search?preset=everything&view=gallery",
        "search_next_page": resource_json["next"],
        "search_past_version": f"/search?resource_ids={rid}&version={oldest}",
        "record": f"/record/{rid}/{quote(record_id, safe='')}",
        "record_past_version": f"/record/{rid}/{quote(record_id, safe='')}?version={oldest}",
        "object_redirect": f"/object/{quote(occurrence, safe='')}",
    }


def _common_word() -> str:
    """A common locality word, as the search benchmark chose it (falls back to 'forest')."""
    for path in sorted(Path(__file__).parent.joinpath("data").glob("search-words-*.json")):
        words = json.loads(path.read_text()).get("words", {}).get("common", [])
        if words:
            return str(words[0]["word"])
    return "forest"


def time_page(get: Callable[[], Any], repeats: int) -> list[float]:
    samples = []
    for i in range(WARMUP + repeats):
        began = time.perf_counter()
        response = get()
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code not in (200, 303):
            raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
        if i >= WARMUP:
            samples.append(elapsed)
    return samples


def run(records: int = 2_000_000, repeats: int = 20) -> dict[str, Any]:
    reference = reference_csv(records)
    site, build = ensure_site(reference, modified_csv(reference, 1), records)
    say(f"site ready ({'cached' if build.get('cached') else 'built'}): {site}")
    settings = load_settings(data_dir=site, rate_limit_per_minute=0,
                             specimen_resources=[RESOURCE], indexlot_resources=[])
    stats: dict[str, dict[str, Any]] = {}
    with TestClient(create_app(settings)) as client:
        pages = page_set(client)
        for name, url in pages.items():
            samples = time_page(lambda u=url: client.get(u, follow_redirects=False), repeats)
            stats[name] = {"url": url, **summary(samples)}
            say(f"{name}: p50 {stats[name]['p50_ms']:.1f} ms")
    met = {name: s["p50_ms"] <= TARGET_P50_MS for name, s in stats.items()}
    return {
        "records": records,
        "repeats": repeats,
        "site": build,
        "pages": stats,
        "target_p50_ms": TARGET_P50_MS,
        "met": met,
        "all_met": all(met.values()),
        "p50_median_ms": statistics.median(s["p50_ms"] for s in stats.values()),
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"\nPages, {result['records']:,} reference records "
          f"({result['repeats']} timed requests each)")
    print(f"{'page':<22}{'p50 ms':>10}{'p95 ms':>10}  met (p50 <= {result['target_p50_ms']:.0f})")
    for name, s in result["pages"].items():
        met = "yes" if result["met"][name] else "NO"
        print(f"{name:<22}{s['p50_ms']:>10.1f}{s['p95_ms']:>10.1f}  {met}")
