"""Statistics benchmark (issue 16): the statistics pages over HTTP on 2,000,000 records and
1,000,000 download events, cold and warm, and the recompute after a 1% re-ingest.

The site (``benchmarks.stats_site``): the reference records over four datasets (one private),
two versions each, and the download events of ``benchmarks.stats_events``. Each run:

1. brings the statistics up to the current versions (the post-commit hooks named
   "statistics", untimed: a site built before the hook existed has never run it);
2. **recompute**: re-ingests revision 2 (or back to 1) of every dataset's slice, each in a fresh
   process with every post-commit hook, as ``holotype ingest`` does. Only one resource changes
   (1% of the portal's records); its statistics hook time is the recompute, reported apart
   from the ingest's own time (each hook is timed from its progress line, see ``stats_phase``);
3. **cold**: right after that ingest, each page is asked once of a fresh server process (a real
   uvicorn server, ``benchmarks.http_load.Server``: no in-memory cache), ``repeats`` times;
4. **warm**: one server, each page asked ``WARMUP`` times untimed, then ``repeats`` times.

Pages: the statistics home page (``/statistics``, HTML, and its JSON twin), a dataset page with
its statistics panel (``/dataset/stats-a``), the home page scoped to a dataset
(``/statistics?dataset=stats-a``) and each figure's JSON. An anonymous reader must not see the
private dataset: its slug, title and resource id are looked for in the answers, and asking for
its statistics must be refused with 400.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.http_load import Server
from benchmarks.reference import DATA, modified_csv, reference_csv
from benchmarks.search_bench import summary
from benchmarks.stats_site import DATASETS, ensure_stats_site, ingest_all, phase, say, slices

WARMUP = 2
HOOK = "statistic"  # the post-commit hook whose time is the recompute (its name holds this)
PANEL = DATASETS[0].slug  # the dataset page timed (the largest dataset)
PRIVATE = next(d for d in DATASETS if d.visibility == "private")
TARGETS = {
    "cold_home_p50_ms": 300.0,
    "warm_home_p50_ms": 50.0,
    "warm_panel_p50_ms": 50.0,
    "recompute_s": 10.0,
}
#: issue 16's figure ids (lane A's and lane B's), each timed warm as ``/statistics/<id>.json``
FIGURES = ("taxonomy", "countries", "years", "basis", "type-status", "completeness",
           "records-over-time", "datasets-over-time", "downloads-over-time",
           "top-datasets-downloads", "top-datasets-citations")
MISSING = (
    "the statistics benchmark needs Holotype's statistics pages (/statistics and the dataset "
    "page's panel, issue 16), which this checkout does not have; merge the statistics lanes "
    "first (module holotype.web.pages.statistics)"
)


def check_routes() -> None:
    """A clear SystemExit unless this checkout has the statistics pages."""
    if importlib.util.find_spec("holotype.web.pages.statistics") is None:
        raise SystemExit(MISSING)


def pages() -> dict[str, str]:
    """The URLs timed cold and warm (name -> path); each must answer 200."""
    return {"home": "/statistics", "home_json": "/statistics.json", "panel": f"/dataset/{PANEL}"}


def optional_pages() -> dict[str, str]:
    """More URLs timed cold and warm when they answer 200 (else listed as missing)."""
    return {"home_dataset": f"/statistics?dataset={PANEL}",
            "home_dataset_json": f"/statistics.json?dataset={PANEL}"}


def figure_pages() -> dict[str, str]:
    """Each figure's JSON (timed warm), and the downloads by format and by dataset."""
    urls = {f"figure:{f}": f"/statistics/{f}.json" for f in FIGURES}
    for by in ("format", "dataset", "category"):
        urls[f"figure:downloads-by-{by}"] = f"/statistics/downloads-over-time.json?by={by}"
    return urls


def recompute(site: Path, records: int, note: Path) -> dict[str, Any]:
    """Re-ingest the revision that is not current (2, or back to 1); see the module docstring."""
    reference = reference_csv(records)
    saved = json.loads(note.read_text())
    order = (2, 1) if saved.get("current", 1) == 1 else (1, 2)
    for step in order:
        ingests = ingest_all(site, slices(modified_csv(reference, step), records))
        committed = {slug: r for slug, r in ingests.items() if r["version"] is not None}
        if committed:
            break
    else:
        raise RuntimeError("neither revision changed the site: rebuild it (delete "
                           f"{note.name})")
    saved["current"] = step
    note.write_text(json.dumps(saved, indent=1) + "\n")
    hooks: dict[str, float] = {}
    for r in committed.values():
        for name, seconds in r["hooks_s"].items():
            hooks[name] = hooks.get(name, 0.0) + seconds
    stats_hook = [name for name in hooks if HOOK in name]
    changed = sum(r["changed"] + r["added"] + r["removed"] for r in committed.values())
    return {
        "revision": step,
        "datasets": sorted(committed),
        "records_changed": changed,
        "share_changed": changed / max(1, sum(r["total"] for r in ingests.values())),
        "ingest_s": sum(r["seconds"] for r in committed.values()),
        "commit_s": sum(r["commit_s"] for r in committed.values()),
        "hooks_s": hooks,
        "recompute_s": sum(hooks[name] for name in stats_hook) if stats_hook else None,
        "no_op_ingest_s": sum(r["seconds"] for s, r in ingests.items() if s not in committed),
        "ingests": ingests,
    }


def get(client: httpx.Client, url: str) -> tuple[float, httpx.Response]:
    began = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - began) * 1000, response


def checked(url: str, response: httpx.Response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}: {response.text[:300]}")


def cold(site: Path, urls: dict[str, str], repeats: int) -> dict[str, list[float]]:
    """Each URL asked once of a fresh server process, ``repeats`` times."""
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(repeats):
        for name, url in urls.items():
            with Server(site) as server, httpx.Client(base_url=server.url, timeout=300) as http:
                ms, response = get(http, url)
                checked(url, response)
                samples[name].append(ms)
    return samples


def warm(http: httpx.Client, urls: dict[str, str], repeats: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    for name, url in urls.items():
        for i in range(WARMUP + repeats):
            ms, response = get(http, url)
            checked(url, response)
            if i >= WARMUP:
                samples.setdefault(name, []).append(ms)
    return samples


def answering(http: httpx.Client, urls: dict[str, str]) -> tuple[dict[str, str], dict[str, int]]:
    """Those of ``urls`` that answer 200 (name -> url), and the status of the others."""
    found, refused = {}, {}
    for name, url in urls.items():
        status = http.get(url).status_code
        if status == 200:
            found[name] = url
        else:
            refused[name] = status
    return found, refused


def privacy(http: httpx.Client, site: Path) -> dict[str, Any]:
    """What an anonymous reader is told about the private dataset (nothing, and 400)."""
    saved = json.loads((DATA / f"{site.name}.json").read_text())
    rid = saved["build"]["first"][PRIVATE.slug]["resource"]
    leaks = {}
    for url in ("/statistics", "/statistics.json", *figure_pages().values()):
        text = http.get(url).text
        found = [w for w in (PRIVATE.slug, PRIVATE.title, rid) if w in text]
        if found:
            leaks[url] = found
    refused = http.get(f"/statistics.json?dataset={PRIVATE.slug}").status_code
    return {"leaks": leaks, "private_dataset_status": refused,
            "ok": not leaks and refused == 400}


def run(records: int = 2_000_000, repeats: int = 20, events: int = 1_000_000) -> dict[str, Any]:
    check_routes()
    reference = reference_csv(records)
    site, saved = ensure_stats_site(reference, modified_csv(reference, 1), records, events)
    say(f"site ready: {site}")
    caught_up = phase("hooks", str(site), HOOK)
    say(f"statistics hooks brought up to date in {caught_up['seconds']:.1f} s")
    say("re-ingesting 1% of the records (the recompute)")
    redone = recompute(site, records, DATA / f"{site.name}.json")
    say(f"recompute: statistics hook {redone['recompute_s']} s "
        f"(the whole ingest {redone['ingest_s']:.1f} s)")
    urls = pages()
    with Server(site) as server, httpx.Client(base_url=server.url, timeout=300) as http:
        for url in urls.values():  # a clear failure before minutes of timing
            checked(url, http.get(url))
        extra, refused = answering(http, optional_pages())
        urls.update(extra)
        figures, missing = answering(http, figure_pages())
        refused.update(missing)
    say(f"cold: {len(urls)} pages x {repeats} fresh servers")
    cold_samples = cold(site, urls, repeats)
    with Server(site) as server, httpx.Client(base_url=server.url, timeout=300) as http:
        say(f"warm: {len(urls) + len(figures)} pages x {repeats}")
        warm_samples = warm(http, {**urls, **figures}, repeats)
        private = privacy(http, site)
    result_cold = {name: {"url": urls[name], **summary(s), "samples_ms": s}
                   for name, s in cold_samples.items()}
    result_warm = {name: {"url": {**urls, **figures}[name], **summary(s), "samples_ms": s}
                   for name, s in warm_samples.items()}
    measured = {
        "cold_home_p50_ms": result_cold["home"]["p50_ms"],
        "warm_home_p50_ms": result_warm["home"]["p50_ms"],
        "warm_panel_p50_ms": result_warm["panel"]["p50_ms"],
        "recompute_s": redone["recompute_s"],
    }
    met = {k: v is not None and v <= TARGETS[k] for k, v in measured.items()}
    return {
        "benchmark": "stats",
        "records": records,
        "events": events,
        "repeats": repeats,
        "site": {"path": str(site), "build": saved.get("build", {}).get("seconds"),
                 "events": saved.get("events")},
        "caught_up": caught_up,
        "recompute": redone,
        "cold": result_cold,
        "warm": result_warm,
        "missing": refused,  # pages and figures that did not answer 200 (name -> status)
        "privacy": private,
        "measured": measured,
        "targets": TARGETS,
        "met": met,
        "all_met": all(met.values()) and private["ok"],
        "warm_figure_p50_median_ms": statistics.median(
            [s["p50_ms"] for n, s in result_warm.items() if n.startswith("figure:")] or [0.0]),
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"\nStatistics, {result['records']:,} reference records and {result['events']:,} "
          f"download events ({result['repeats']} requests each)")
    print(f"{'page':<34}{'cold p50':>10}{'cold p95':>10}{'warm p50':>10}{'warm p95':>10}")
    for name, w in result["warm"].items():
        c = result["cold"].get(name)
        cold_cells = f"{c['p50_ms']:>10.1f}{c['p95_ms']:>10.1f}" if c else f"{'':>20}"
        print(f"{name:<34}{cold_cells}{w['p50_ms']:>10.1f}{w['p95_ms']:>10.1f}")
    r = result["recompute"]
    hook = "none" if r["recompute_s"] is None else f"{r['recompute_s']:.2f} s"
    print(f"1% re-ingest ({', '.join(r['datasets'])}: {r['records_changed']:,} records): "
          f"ingest {r['ingest_s']:.1f} s, of which the statistics hook {hook}")
    print(f"private dataset hidden from anonymous readers: "
          f"{'yes' if result['privacy']['ok'] else 'NO'}")
    for key, value in result["measured"].items():
        met = "yes" if result["met"][key] else "NO"
        shown = "none" if value is None else f"{value:.3f}"
        print(f"{key:<22}{shown:>12}{'<= ' + str(TARGETS[key]):>12}  {met}")
