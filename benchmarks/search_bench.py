"""Search benchmark (issue 3, item 8): Holotype's search against SQLite FTS5 and PostgreSQL.

On the reference data after one revision (a site with two versions), each query class runs
``warm-up + repeats`` times, cycling through its words; in every repetition each engine answers
the same query, in rotating order, so a noisy machine slows all engines alike. Engines:

* ``holotype``: in process, the API's action functions called directly (they validate the query,
  resolve the resource's view and run count, facets and page through the search service);
* ``holotype-http``: ``datastore_search`` / ``vds_multi_count`` on a real uvicorn server over
  loopback (one client, one kept-alive connection);
* ``sqlite`` and ``postgres``: the peers (see ``peers_sqlite`` and ``peers_postgres``).

Then 8 HTTP clients at once send (a) queries. Built artefacts are cached in benchmarks/data/.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any, Protocol

import duckdb

from benchmarks import store_bench
from benchmarks.http_load import HolotypeHTTP, Server, load_test, outcome_of, request_for
from benchmarks.member_class import ensure_member, measure_member
from benchmarks.peers_postgres import Cluster, PostgresPeer
from benchmarks.peers_postgres import load as load_postgres
from benchmarks.peers_sqlite import SQLitePeer, ensure_database
from benchmarks.reference import DATA, SEED, modified_csv, reference_csv
from benchmarks.search_queries import FACETS, Query, choose_words, nhm_query, query_set
from benchmarks.store_phase import RESOURCE
from holotype.config import load_settings
from holotype.index import FORMAT as INDEX_FORMAT
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, Identity
from holotype.services.visible import visible_resources
from holotype.web.actions import ACTIONS
from holotype.web.actions.coerce import coerce
from holotype.web.actions.registry import Context

SITE_FORMAT = 1  # bump when the cached site must be rebuilt
WARMUP = 2
WALK_PAGE = 1_000  # page size of the (untimed) walk to the deep-paging cursor (API max)
COMPARED = ("a_rare", "a_common", "a_none", "b_facets", "c_after")  # classes peers answer too
TARGETS = {
    "a_p50_ms": 50.0,
    "geomean_speedup": 5.0,
    "slower_than_faster_peer": 1.5,
    "c_p50_ms": 100.0,
    "d_ratio": 1.5,
    "load_errors": 0,
    "load_p95_ms": 300.0,
    "mixed_errors": 0,  # searches and download requests at once (issue 21)
}


Samples = dict[str, dict[str, list[float]]]  # engine -> class or query -> milliseconds


class Engine(Protocol):
    name: str

    def run(self, query: Query) -> dict[str, Any]: ...

    def close(self) -> None: ...


def say(message: str) -> None:
    print(f"[search {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def summary(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    p95 = ordered[0]
    if len(ordered) > 1:
        p95 = statistics.quantiles(ordered, n=100, method="inclusive")[94]
    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered),
        "p95_ms": p95,
        "mean_ms": statistics.fmean(ordered),
        "min_ms": ordered[0],
        "max_ms": ordered[-1],
    }


# -- Holotype -------------------------------------------------------------------------------------


def ensure_site(reference: Path, revision: Path, records: int) -> tuple[Path, dict[str, Any]]:
    """A site with the reference as its first version and revision 1 as its second (cached).

    The cache keeps the record store; the search index is derived from it, so a cached site
    whose index format is older gets its index rebuilt (both versions, timed)."""
    site = DATA / f"search-site-{records}"
    note = DATA / f"search-site-{records}.json"
    key = {"records": records, "seed": SEED, "reference": reference.stat().st_size,
           "revision": revision.stat().st_size, "duckdb": duckdb.__version__,
           "site_format": SITE_FORMAT}
    if site.is_dir() and note.exists():
        saved = json.loads(note.read_text())
        if {k: v for k, v in saved.get("key", {}).items() if k != "index_format"} == key:
            build = {**saved["build"], "cached": True}
            if saved["key"].get("index_format") != INDEX_FORMAT:
                build.update(_rebuild_index(site))
                saved["key"]["index_format"] = INDEX_FORMAT
                saved["build"] = {k: v for k, v in build.items() if k != "cached"}
                note.write_text(json.dumps(saved, indent=1) + "\n")
            return site, build
    note.unlink(missing_ok=True)
    shutil.rmtree(site, ignore_errors=True)
    say(f"building the Holotype site ({records:,} records, two versions)")
    first = store_bench.phase("first-ingest", str(site), str(reference))
    second = store_bench.phase("re-ingest", str(site), str(revision))
    build = {
        "first_ingest_s": first["seconds"],  # store + search index
        "re_ingest_s": second["seconds"],
        "index_bytes": sum(p.stat().st_size for p in (site / "index").rglob("*") if p.is_file()),
        "store_bytes": sum(p.stat().st_size for p in (site / "store").rglob("*") if p.is_file()),
    }
    note.write_text(json.dumps({"key": {**key, "index_format": INDEX_FORMAT}, "build": build},
                               indent=1) + "\n")
    return site, {**build, "cached": False}


def _rebuild_index(site: Path) -> dict[str, Any]:
    """Index both versions of the cached site's resource anew (first in full, then the update)."""
    say(f"building the search index (format {INDEX_FORMAT}) of the cached site")
    portal = Portal.open(load_settings(data_dir=site), migrate=False)
    try:
        resource_id = visible_resources(portal, ANONYMOUS, [RESOURCE])[0].id
        stored = portal.store.resource(resource_id).versions()
        seconds = []
        for version in stored:
            began = time.perf_counter()
            portal.build_index(resource_id, version.version)
            seconds.append(time.perf_counter() - began)
    finally:
        portal.close()
    return {
        "index_build_s": seconds,
        "index_bytes": sum(p.stat().st_size for p in (site / "index").rglob("*") if p.is_file()),
    }


class HolotypeLocal:
    """Holotype in process: the API's action functions (``datastore_search``,
    ``vds_multi_count``) called directly with the same parameters as over HTTP, so every request
    validates its query, resolves the resource's view and runs count, facets and page through the
    search service exactly as the API does, minus HTTP and JSON."""

    name = "holotype"

    def __init__(self, portal: Portal, resource_id: str, versions: dict[str, int],
                 cursor: str | None, identity: Identity = ANONYMOUS) -> None:
        self.context = Context(portal=portal, identity=identity, client="benchmark")
        self.resource_id = resource_id
        self.versions = versions
        self.cursor = cursor

    def close(self) -> None:
        pass

    def call(self, name: str, body: dict[str, Any]) -> Any:
        action = ACTIONS[name]
        return action.func(self.context, coerce(action.params, body, from_text=False))

    def run(self, query: Query) -> dict[str, Any]:
        name, body = request_for(query, self.resource_id, self.versions, self.cursor)
        return outcome_of(name, self.call(name, body))


def walk_to(local: HolotypeLocal, position: int) -> tuple[str, str]:
    """The ``after`` cursor of the record at ``position`` (1-based) in id order and its id,
    found by walking there with the API's largest pages, ids only (untimed)."""
    cursor, seen, last = None, 0, ""
    while seen < position:
        size = min(WALK_PAGE, position - seen)
        page = local.call("datastore_search", {
            "resource_id": local.resource_id, "limit": size, "after": cursor,
            "include_total": False, "fields": ["_id"],
        })
        if page["after"] is None:
            raise RuntimeError(f"the walk ended after {seen:,} records")
        cursor, seen, last = page["after"], seen + size, page["records"][-1]["_id"]
    assert cursor is not None
    return cursor, last


# -- Measuring ------------------------------------------------------------------------------------


def measure(
    engines: list[Engine],
    classes: dict[str, list[Query]],
    repeats: int,
    answers: Callable[[Engine, Query], bool],
) -> tuple[Samples, Samples, dict[str, dict[str, Any]]]:
    """Samples (ms) per engine and class, per engine and query, and each engine's first answer
    to each query."""
    samples: Samples = {e.name: {} for e in engines}
    by_query: Samples = {e.name: {} for e in engines}
    outcomes: dict[str, dict[str, Any]] = {e.name: {} for e in engines}
    for cls, queries in classes.items():
        started = time.perf_counter()
        for rep in range(WARMUP + repeats):
            query = queries[rep % len(queries)]
            turn = rep % len(engines)
            for engine in engines[turn:] + engines[:turn]:
                if not answers(engine, query):
                    continue
                began = time.perf_counter()
                out = engine.run(query)
                elapsed = (time.perf_counter() - began) * 1000
                if rep >= WARMUP:
                    samples[engine.name].setdefault(cls, []).append(elapsed)
                    by_query[engine.name].setdefault(query.key, []).append(elapsed)
                outcomes[engine.name].setdefault(query.key, out)
        say(f"{cls}: {time.perf_counter() - started:.1f} s")
    return samples, by_query, outcomes


def compare(
    outcomes: dict[str, dict[str, Any]], reference: str = "holotype"
) -> list[dict[str, Any]]:
    """Where another engine's answer differs from Holotype's (count, facets, page ids)."""
    differences = []
    for engine, answers in outcomes.items():
        if engine == reference:
            continue
        for key, answer in answers.items():
            mine = outcomes[reference].get(key, {})
            for part in ("count", "facets", "ids"):
                if part in answer and part in mine and answer[part] != mine[part]:
                    differences.append({"engine": engine, "query": key, "part": part,
                                        "holotype": mine[part], engine: answer[part]})
    return differences


def geomean(values: list[float]) -> float:
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else float("nan")


# -- The run --------------------------------------------------------------------------------------


def run(
    records: int = 2_000_000,
    repeats: int = 20,
    clients: int = 8,
    per_client: int = 25,
    peers: tuple[str, ...] = ("sqlite", "postgres"),
) -> dict[str, Any]:
    started = time.perf_counter()
    load_before = os.getloadavg()
    reference = reference_csv(records)
    revision = modified_csv(reference, 1)
    site, site_build = ensure_site(reference, revision, records)
    say(f"site ready ({'cached' if site_build['cached'] else 'built'}); choosing words")
    words = choose_words(revision, records, DATA / f"search-words-{records}.json")
    portal = Portal.open(load_settings(data_dir=site, rate_limit_per_minute=0))
    builds: dict[str, Any] = {"holotype": site_build}
    with ExitStack() as stack:
        stack.callback(portal.close)
        resource_id = visible_resources(portal, ANONYMOUS, [RESOURCE])[0].id
        stored = portal.store.resource(resource_id).versions()
        versions = {"first": stored[0].version, "current": stored[-1].version}
        position = records // 4  # 500,000 of 2,000,000
        say(f"walking to record {position:,} for the deep-paging cursor")
        cursor, after_id = walk_to(HolotypeLocal(portal, resource_id, versions, None), position)
        classes = query_set(words, after_id)
        peer_engines: list[SQLitePeer | PostgresPeer] = []
        if "sqlite" in peers:
            path = DATA / f"search-sqlite-{records}.db"
            say("SQLite database: " + ("checking" if path.exists() else "building"))
            builds["sqlite"] = ensure_database(revision, path)
            peer_engines.append(stack.enter_context(closing(SQLitePeer(path))))
        if "postgres" in peers:
            say("PostgreSQL: starting a throwaway cluster and loading (COPY, tsvector, GIN)")
            cluster = stack.enter_context(Cluster())
            builds["postgres"] = load_postgres(cluster.url, revision)
            builds["postgres"]["cluster_bytes"] = cluster.data_bytes()
            peer_engines.append(stack.enter_context(closing(PostgresPeer(cluster.url))))
        for peer in peer_engines:
            found = peer.id_at(position - 1)
            if found != after_id:
                raise RuntimeError(f"{peer.name}: record {position:,} is {found}, "
                                   f"Holotype's cursor says {after_id}")
        server = stack.enter_context(Server(site))
        engines: list[Engine] = [
            HolotypeLocal(portal, resource_id, versions, cursor),
            stack.enter_context(closing(HolotypeHTTP(server.url, resource_id, versions, cursor))),
            *peer_engines,
        ]
        say(f"measuring {', '.join(e.name for e in engines)}: {repeats} repetitions after "
            f"{WARMUP} warm-up runs per class")

        def answers(engine: Engine, query: Query) -> bool:
            return engine.name.startswith("holotype") or not query.cls.startswith("d_")

        samples, by_query, outcomes = measure(engines, classes, repeats, answers)
        say("a member of an organisation with private datasets against anonymous")
        member = measure_member(
            lambda who: HolotypeLocal(portal, resource_id, versions, cursor, who),
            ensure_member(portal), [q for c in ("a_rare", "a_common") for q in classes[c]],
            repeats)
        say(f"{clients} concurrent HTTP clients, up to {per_client} (a) requests each")
        mix = [q for cls in ("a_rare", "a_common", "a_none") for q in classes[cls]]
        searches = [request_for(q, resource_id, versions, cursor) for q in mix]
        load = load_test(server.url, searches, clients=clients, per_client=per_client)
        say(f"{MIXED_CLIENTS} concurrent HTTP clients, searches with download requests mixed in")
        mixed = load_test(server.url, mixed_requests(searches, classes["a_rare"], resource_id),
                          clients=MIXED_CLIENTS, per_client=MIXED_PER_CLIENT)
    result = _report(samples, outcomes, load, classes, words, builds, versions, position)
    result["mixed_load"] = _mixed_report(mixed)
    result["member"] = {k: v for k, v in member.items() if k != "samples_ms"}
    result["met"]["member_ratio"] = member["met"]
    result["met"]["mixed_errors"] = mixed["errors"] <= TARGETS["mixed_errors"]
    result["stats_by_query"] = {engine: {key: summary(s) for key, s in by_key.items()}
                                for engine, by_key in by_query.items()}
    result.update(records=records, repeats=repeats, warmup=WARMUP,
                  seconds=time.perf_counter() - started,
                  load_average={"before": load_before, "after": os.getloadavg()})
    return result


MIXED_CLIENTS = 16
MIXED_PER_CLIENT = 12  # 192 requests, a quarter of them download requests


def mixed_requests(
    searches: list[tuple[str, dict[str, Any]]], rare: list[Query], resource_id: str
) -> list[tuple[str, dict[str, Any]]]:
    """Three searches to one download request (of a rare word's few records, as CSV, so the
    worker's files stay small; each word and format is a new download, a repeat is reused)."""
    downloads = [
        ("vds_download_queue", {
            "query": {"query": nhm_query(q), "resource_ids": [resource_id]},
            "file": {"format": fmt},
        })
        for fmt in ("csv", "tsv") for q in rare
    ]
    mixed: list[tuple[str, dict[str, Any]]] = []
    for i, search in enumerate(searches):
        mixed.append(search)
        if i % 3 == 2:
            mixed.append(downloads[(i // 3) % len(downloads)])
    return mixed


def _mixed_report(load: dict[str, Any]) -> dict[str, Any]:
    by_action = load.pop("samples_ms_by_action")
    return {**{k: v for k, v in load.items() if k != "samples_ms"},
            **summary(load["samples_ms"]),
            "by_action": {action: summary(s) for action, s in by_action.items()},
            "samples_ms": load["samples_ms"]}


def _report(
    samples: Samples,
    outcomes: dict[str, dict[str, Any]],
    load: dict[str, Any],
    classes: dict[str, list[Query]],
    words: dict[str, Any],
    builds: dict[str, Any],
    versions: dict[str, int],
    position: int,
) -> dict[str, Any]:
    stats = {engine: {cls: summary(s) for cls, s in by_class.items()}
             for engine, by_class in samples.items()}
    peers = [e for e in stats if not e.startswith("holotype")]
    local = stats["holotype"]
    ratios: dict[str, dict[str, float]] = {p: {} for p in peers}
    flagged = []
    for cls in COMPARED:
        mine = local[cls]["p50_ms"]
        for peer in peers:
            ratios[peer][cls] = stats[peer][cls]["p50_ms"] / mine
        if peers:
            fastest = min(stats[p][cls]["p50_ms"] for p in peers)
            if mine > TARGETS["slower_than_faster_peer"] * fastest:
                flagged.append({"class": cls, "holotype_p50_ms": mine,
                                "faster_peer_p50_ms": fastest, "slower_by": mine / fastest})
    geomeans = {p: geomean(list(ratios[p].values())) for p in peers}
    load.pop("samples_ms_by_action", None)
    load_stats = summary(load["samples_ms"])
    d_ratio = {mode: stats[mode]["d_first"]["p50_ms"] / stats[mode]["d_current"]["p50_ms"]
               for mode in ("holotype", "holotype-http")}
    a_worst = {mode: max(stats[mode][c]["p50_ms"] for c in ("a_rare", "a_common", "a_none"))
               for mode in ("holotype", "holotype-http")}
    met = {
        "a_p50_ms": all(v <= TARGETS["a_p50_ms"] for v in a_worst.values()),
        "geomean_speedup": all(g >= TARGETS["geomean_speedup"] for g in geomeans.values())
        if peers else None,
        "slower_than_faster_peer": not flagged if peers else None,
        "c_p50_ms": all(stats[m]["c_after"]["p50_ms"] <= TARGETS["c_p50_ms"]
                        for m in ("holotype", "holotype-http")),
        "d_ratio": all(v <= TARGETS["d_ratio"] for v in d_ratio.values()),
        "load_errors": load["errors"] <= TARGETS["load_errors"],
        "load_p95_ms": load_stats.get("p95_ms", math.inf) <= TARGETS["load_p95_ms"],
    }
    return {
        "benchmark": "search",
        "queries": {cls: [q.describe() for q in qs] for cls, qs in classes.items()},
        "nhm_queries": {cls: nhm_query(qs[0]) for cls, qs in classes.items()},
        "words": words,
        "facets": list(FACETS),
        "cursor_position": position,
        "versions": versions,
        "builds": builds,
        "stats": stats,
        "samples_ms": samples,
        "ratios_peer_over_holotype": ratios,
        "geomean_ratio": geomeans,
        "flagged": flagged,
        "a_worst_p50_ms": a_worst,
        "d_ratio": d_ratio,
        "load": {**{k: v for k, v in load.items() if k != "samples_ms"}, **load_stats,
                 "samples_ms": load["samples_ms"]},
        "outcomes": outcomes,
        "differences": compare(outcomes),
        "targets": TARGETS,
        "met": met,
    }


def print_table(result: dict[str, Any]) -> None:
    stats = result["stats"]
    engines = list(stats)
    peers = [e for e in engines if not e.startswith("holotype")]
    print(f"\nSearch, {result['records']:,} reference records, {result['repeats']} runs per class"
          " (p50 / p95 ms)")
    header = f"{'class':<11}" + "".join(f"{e:>22}" for e in engines)
    header += "".join(f"{p + '/ht':>13}" for p in peers)
    print(header)
    for cls in result["queries"]:
        row = f"{cls:<11}"
        for engine in engines:
            s = stats[engine].get(cls)
            row += f"{s['p50_ms']:>12.1f} /{s['p95_ms']:>8.1f}" if s and s["n"] else f"{'-':>22}"
        for peer in peers:
            ratio = result["ratios_peer_over_holotype"][peer].get(cls)
            row += f"{ratio:>12.2f}x" if ratio else f"{'-':>13}"
        print(row)
    for peer in peers:
        print(f"geometric mean {peer}/holotype: {result['geomean_ratio'][peer]:.2f}x")
    for flag in result["flagged"]:
        print(f"FLAG {flag['class']}: Holotype {flag['holotype_p50_ms']:.1f} ms is "
              f"{flag['slower_by']:.1f}x the faster peer's {flag['faster_peer_p50_ms']:.1f} ms")
    d = result["d_ratio"]
    print(f"count at the first version / at the current: in process {d['holotype']:.2f}, "
          f"HTTP {d['holotype-http']:.2f}")
    load = result["load"]
    print(f"{load['clients']} HTTP clients, (a) queries: {load['requests']} requests, "
          f"{load['errors']} errors, p50 {load['p50_ms']:.1f} ms, p95 {load['p95_ms']:.1f} ms, "
          f"{load['throughput_per_s']:.1f} requests/s")
    member = result.get("member")
    if member:
        print(f"member of an organisation with {member['private_datasets']} private datasets: "
              f"p50 {member['p50_ms']['member']:.1f} ms against anonymous "
              f"{member['p50_ms']['anonymous']:.1f} ms, ratio {member['ratio']:.2f} "
              f"(target <= {member['target']})")
    mixed = result.get("mixed_load")
    if mixed:
        parts = ", ".join(f"{action} p95 {st['p95_ms']:.1f} ms"
                          for action, st in mixed["by_action"].items())
        print(f"{mixed['clients']} HTTP clients, searches and download requests: "
              f"{mixed['requests']} requests, {mixed['errors']} errors, p50 {mixed['p50_ms']:.1f} "
              f"ms, p95 {mixed['p95_ms']:.1f} ms ({parts})")
        for sample in mixed["error_samples"]:
            print(f"  error: {sample}")
    if result["differences"]:
        print(f"answers differing from Holotype's: {len(result['differences'])} (see the JSON)")
        for diff in result["differences"][:5]:
            print(f"  {diff['engine']} {diff['query']} {diff['part']}")
    for name, build in result["builds"].items():
        cached = " (cached)" if build.get("cached") else ""
        sizes = {k: v for k, v in build.items() if k.endswith("bytes")}
        times = {k: [round(x, 1) for x in v] if isinstance(v, list) else round(v, 1)
                 for k, v in build.items() if k.endswith("_s")}
        print(f"build {name}{cached}: {times} {sizes}")
    verdict = {True: "met", False: "NOT met", None: "n/a (no peers)"}
    print("targets: " + ", ".join(f"{k} {verdict[v]}" for k, v in result["met"].items()))
