"""Maps benchmark (issue 14): Holotype's map tiles against PostGIS's ``ST_AsMVT``.

On the search benchmark's site (the reference records, then revision 1) and a PostGIS table
loaded from the same revision (see ``peers_postgis``), both engines answer the same Mapbox
Vector Tiles, in one run, interleaved (the engine going first alternates), medians reported:

* uncached tiles: world (z2), regional (z6) and local (z10), each unfiltered, with a common word
  and with a rare word (the search benchmark's words, cycled through). The tile of each zoom is
  the one holding the most reference records. Holotype's tile cache is emptied (untimed) before
  every Holotype sample (see ``maps_holotype``); PostGIS has no tile cache;
* a filtered search's first tile: the same tiles again with the search's matches forgotten
  (Holotype keeps a search's matches in memory for the next tile of a map being panned);
* Holotype's cached tiles (the same tiles asked again, cache kept);
* a tile at a version 10 versions back against the current one (the citation benchmark's site,
  12 versions), uncached, interleaved;
* 8 HTTP clients panning over a real server (``/map/{z}/{x}/{y}.mvt``), a bounded run.

Each engine's answers are decoded (mapbox-vector-tile) and their record totals kept, so a
difference in what the engines draw shows in the JSON.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import mapbox_vector_tile

from benchmarks import maps_holotype as holotype
from benchmarks.citation_bench import EXTRA_VERSIONS, ensure_citation_site
from benchmarks.http_load import Server, load_test
from benchmarks.peers_postgis import MAX_LAT, Cluster, PostGISTiles
from benchmarks.peers_postgis import load as load_postgis
from benchmarks.reference import DATA, modified_csv, reference_csv
from benchmarks.search_bench import ensure_site, geomean, summary
from benchmarks.search_queries import choose_words
from benchmarks.store_phase import RESOURCE
from holotype.config import load_settings
from holotype.engine import connect, literal
from holotype.query.tokens import token_list_sql
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from holotype.services.visible import visible_resources

WARMUP = 2
ZOOMS = {"world": 2, "regional": 6, "local": 10}
FILTERS = ("none", "common", "rare")
PAN_ZOOMS = (6, 8, 10)
PAN_STEPS = 12  # tiles panned east at each zoom, two rows each
TARGETS = {
    "uncached_p50_ms": 30.0,  # every Holotype tile
    "geomean_speedup": 3.0,  # PostGIS p50 / Holotype p50, geometric mean over the 9 tiles
    "cached_p50_ms": 2.0,
    "version_ratio": 1.5,  # 10 versions back / current, worst zoom
    "load_errors": 0,
    "load_p95_ms": 150.0,
}
ENGINES = ("holotype", "postgis")


def say(message: str) -> None:
    print(f"[maps {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


Tiles = dict[tuple[int, str], tuple[int, int, int]]  # (zoom, word or "") -> (x, y, records)


def busiest_tiles(csv: Path, zooms: list[int], words: list[str]) -> Tiles:
    """For each zoom and word ("" for every record), (x, y, records) of the tile holding the most
    records matching it (untimed, cached next to the data): a map is looked at where its
    records are. A word matches a record holding it as a token in any field, as search does."""
    cache = DATA / f"maps-tiles-{csv.stem}.json"
    wanted = {"csv": csv.name, "size": csv.stat().st_size, "zooms": zooms, "words": words}
    if cache.exists() and json.loads(cache.read_text()).get("key") == wanted:
        saved = json.loads(cache.read_text())["tiles"]
        return {(int(z), w): tuple(t) for z, w, t in saved}  # type: ignore[misc]
    con = connect(threads=2)
    lat, lon = "TRY_CAST(decimalLatitude AS DOUBLE)", "TRY_CAST(decimalLongitude AS DOUBLE)"
    text = "concat_ws(' ', *COLUMNS(*))"
    con.execute(
        f"CREATE TEMP TABLE points AS SELECT {lat} AS lat, {lon} AS lon, "
        f"list_intersect({token_list_sql(text)}, {literal(words)}) AS hits "
        f"FROM read_csv({literal(csv)}, all_varchar = true) "
        f"WHERE abs({lat}) <= {MAX_LAT} AND abs({lon}) <= 180")
    con.execute("CREATE TEMP TABLE matched AS SELECT lat, lon, '' AS word FROM points "
                "UNION ALL SELECT lat, lon, unnest(list_distinct(hits)) FROM points")
    found: Tiles = {}
    for z in zooms:
        n = 2**z
        rows = con.execute(
            f"SELECT word, arg_max([x, y, c], c) FROM (SELECT word, "
            f"least(floor((lon + 180) / 360 * {n}), {n - 1})::BIGINT AS x, "
            f"floor((1 - ln(tan(radians(lat)) + 1 / cos(radians(lat))) / pi()) / 2 * {n})"
            f"::BIGINT AS y, count(*) AS c FROM matched GROUP BY ALL) GROUP BY word").fetchall()
        for word, (x, y, c) in rows:
            found[(z, str(word))] = (int(x), int(y), int(c))
    con.close()
    cache.write_text(json.dumps({"key": wanted, "tiles": [[z, w, t] for (z, w), t in
                                                          sorted(found.items())]}) + "\n")
    return found


def tile_of(tiles: Tiles, z: int, word: str | None) -> tuple[int, int, int]:
    """The busiest tile of ``word`` at zoom ``z``; a word in no record there: every record's."""
    return tiles.get((z, word or ""), tiles[(z, "")])


def drawn(body: bytes) -> dict[str, int]:
    """Features and records an MVT tile draws (a cell's ``count``, else 1 a point)."""
    features = mapbox_vector_tile.decode(body).get("records", {}).get("features", [])
    return {"features": len(features),
            "records": sum(int(f["properties"].get("count", 1)) for f in features)}


def _timed(call: Any, *args: Any) -> tuple[float, bytes]:
    began = time.perf_counter()
    body = call(*args)
    return (time.perf_counter() - began) * 1000, body


def run(records: int = 2_000_000, repeats: int = 20, clients: int = 8, per_client: int = 40,
        engines: tuple[str, ...] = ENGINES) -> dict[str, Any]:
    if "holotype" in engines:
        holotype.engine()  # a clear message now, not after the loads
    started, load_before = time.perf_counter(), os.getloadavg()
    reference = reference_csv(records)
    revision = modified_csv(reference, 1)
    words = choose_words(revision, records, DATA / f"search-words-{records}.json")
    chosen: dict[str, list[str | None]] = {
        "none": [None], "common": [str(w["word"]) for w in words["common"]],
        "rare": [str(w["word"]) for w in words["rare"]]}
    say("choosing each zoom's and word's busiest tile")
    tiles = busiest_tiles(revision, sorted({*ZOOMS.values(), *PAN_ZOOMS}),
                          [w for ws in chosen.values() for w in ws if w])
    result: dict[str, Any] = {"benchmark": "maps", "records": records, "repeats": repeats,
                              "warmup": WARMUP, "engines": list(engines), "words": chosen,
                              "tiles": {f"{z}:{w}": t for (z, w), t in tiles.items()}, "builds": {}}
    samples: dict[str, dict[str, list[float]]] = {e: {} for e in engines}
    first: dict[str, list[float]] = {f"{label}_{f}": [] for label in ZOOMS for f in FILTERS
                                     if f != "none"}
    answers: dict[str, dict[str, dict[str, int]]] = {e: {} for e in engines}
    with ExitStack() as stack:
        portal = None
        keys: dict[str, list[str | None]] = {}
        if "holotype" in engines:
            site, build = ensure_site(reference, revision, records)
            result["builds"]["holotype"] = build
            portal = Portal.open(load_settings(data_dir=site, rate_limit_per_minute=0))
            stack.callback(portal.close)
            keys = {f: [holotype.share_key(portal, w) for w in ws] for f, ws in chosen.items()}
        postgis = None
        if "postgis" in engines:
            say("PostGIS: a throwaway cluster; COPY, tsvector + GIN, geometry + GiST, CLUSTER")
            cluster = stack.enter_context(Cluster())
            result["builds"]["postgis"] = load_postgis(cluster.url, revision)
            result["builds"]["postgis"]["cluster_bytes"] = cluster.data_bytes()
            postgis = stack.enter_context(closing(PostGISTiles(cluster.url)))
        for label, z in ZOOMS.items():
            for filt in FILTERS:
                case = f"{label}_{filt}"
                for rep in range(WARMUP + repeats):
                    i = rep % len(chosen[filt])
                    x, y, _ = tile_of(tiles, z, chosen[filt][i])
                    if "holotype" in engines and filt != "none":
                        # the tile as a search's first (its matches not yet found); the
                        # uncached sample below then finds them known, as the next tile of a
                        # map being panned does
                        assert portal is not None
                        holotype.bypass_cache(portal)
                        holotype.forget_matches(portal, keys[filt][i], None)
                        ms, _ = _timed(holotype.tile, portal, keys[filt][i], None, z, x, y)
                        if rep >= WARMUP:
                            first[case].append(ms)
                    order = engines if rep % 2 == 0 else tuple(reversed(engines))
                    for name in order:
                        if name == "holotype":
                            assert portal is not None
                            holotype.bypass_cache(portal)
                            key = keys[filt][i]
                            ms, body = _timed(holotype.tile, portal, key, None, z, x, y)
                        else:
                            assert postgis is not None
                            ms, body = _timed(postgis.tile, z, x, y, chosen[filt][i])
                        if rep >= WARMUP:
                            samples[name].setdefault(case, []).append(ms)
                        seen = f"{case}:{chosen[filt][i] or ''}"
                        if seen not in answers[name]:  # decoded once (untimed)
                            answers[name][seen] = drawn(body)
                say(f"{case} (z{z}): " + ", ".join(
                    f"{e} p50 {summary(samples[e][case])['p50_ms']:.1f} ms" for e in engines))
        if portal is not None:
            result["cache_dir_written"] = holotype.cache_seen(portal)
            result["cached"] = _cached(portal, keys, chosen, tiles, repeats)
            result["http_load"] = _pan_load(site, keys, chosen, tiles, clients, per_client)
    if "holotype" in engines:
        result["versions"] = _versions(records, tiles, repeats)
        result["first_tile_of_search"] = {case: summary(got) for case, got in first.items()}
    result.update(_report(samples, answers, result))
    result.update(seconds=time.perf_counter() - started,
                  load_average={"before": load_before, "after": os.getloadavg()})
    return result


def _cached(portal: Portal, keys: dict[str, list[str | None]],
            chosen: dict[str, list[str | None]], tiles: Tiles, repeats: int) -> dict[str, Any]:
    say("Holotype, cached tiles")
    stats = {}
    for label, z in ZOOMS.items():
        for filt in FILTERS:
            key = keys[filt][0]
            x, y, _ = tile_of(tiles, z, chosen[filt][0])
            holotype.tile(portal, key, None, z, x, y)  # made once, then served from the cache
            got = [_timed(holotype.tile, portal, key, None, z, x, y)[0]
                   for _ in range(WARMUP + repeats)][WARMUP:]
            stats[f"{label}_{filt}"] = summary(got)
    return stats


def _versions(records: int, tiles: Tiles,
              repeats: int) -> dict[str, Any]:
    site, build = ensure_citation_site(records)
    say(f"Holotype, tiles {EXTRA_VERSIONS} versions back against now (citation site)")
    portal = Portal.open(load_settings(data_dir=site, rate_limit_per_minute=0))
    try:
        resource_id = visible_resources(portal, ANONYMOUS, [RESOURCE])[0].id
        stamps = [v.version for v in portal.store.resource(resource_id).versions()]
        back = stamps[-1 - EXTRA_VERSIONS]
        out: dict[str, Any] = {"site": build, "versions": len(stamps), "back": back}
        for label, z in ZOOMS.items():
            x, y, _ = tile_of(tiles, z, None)
            old, now = [], []
            for rep in range(WARMUP + repeats):
                for version, into in ((back, old), (None, now))[:: 1 if rep % 2 else -1]:
                    holotype.bypass_cache(portal)
                    ms, _ = _timed(holotype.tile, portal, None, version, z, x, y)
                    if rep >= WARMUP:
                        into.append(ms)
            out[label] = {"back": summary(old), "current": summary(now),
                          "ratio": summary(old)["p50_ms"] / summary(now)["p50_ms"]}
    finally:
        portal.close()
    return out


def pan_route(keys: dict[str, list[str | None]], chosen: dict[str, list[str | None]],
              tiles: Tiles) -> list[tuple[str, dict[str, Any]]]:
    """Tile requests of a map panned east, two rows of tiles, at each pan zoom and filter."""
    route = []
    for filt in FILTERS:
        query = f"?key={keys[filt][0]}" if keys[filt][0] else ""
        for z in PAN_ZOOMS:
            x0, y0, _ = tile_of(tiles, z, chosen[filt][0])
            n = 2**z
            for step in range(PAN_STEPS):
                for dy in (0, 1):
                    x, y = (x0 - PAN_STEPS // 2 + step) % n, min(y0 + dy, n - 1)
                    route.append(("GET", {"url": f"/map/{z}/{x}/{y}.mvt{query}"}))
    return route


def _pan_load(site: Path, keys: dict[str, list[str | None]],
              chosen: dict[str, list[str | None]], tiles: Tiles, clients: int,
              per_client: int) -> dict[str, Any]:
    route = pan_route(keys, chosen, tiles)
    say(f"{clients} HTTP clients panning, {per_client} tiles each (cache emptied first)")
    holotype.clear_cache(site)
    with Server(site) as server:
        load = load_test(server.url, route, clients=clients, per_client=per_client,
                         max_seconds=120.0)
    load.pop("samples_ms_by_action", None)
    return {**{k: v for k, v in load.items() if k != "samples_ms"}, **summary(load["samples_ms"]),
            "route_tiles": len(route), "samples_ms": load["samples_ms"]}


def _report(samples: dict[str, dict[str, list[float]]],
            answers: dict[str, dict[str, dict[str, int]]],
            result: dict[str, Any]) -> dict[str, Any]:
    stats = {e: {case: summary(s) for case, s in by_case.items()}
             for e, by_case in samples.items()}
    out: dict[str, Any] = {"stats": stats, "samples_ms": samples, "drawn": answers,
                           "targets": TARGETS}
    differences = [
        {"tile": tile, **{e: answers[e].get(tile) for e in answers}}
        for tile in answers.get("holotype", {})
        if "postgis" in answers and answers["postgis"].get(tile, {}).get("records")
        != answers["holotype"][tile]["records"]
    ]
    out["differences"] = differences
    met: dict[str, bool | None] = dict.fromkeys(TARGETS)
    if "holotype" in stats:
        mine = stats["holotype"]
        out["uncached_worst_p50_ms"] = max(s["p50_ms"] for s in mine.values())
        met["uncached_p50_ms"] = out["uncached_worst_p50_ms"] <= TARGETS["uncached_p50_ms"]
        if "postgis" in stats:
            ratios = {c: stats["postgis"][c]["p50_ms"] / mine[c]["p50_ms"] for c in mine}
            out["ratios_postgis_over_holotype"] = ratios
            out["geomean_ratio"] = geomean(list(ratios.values()))
            firsts = result.get("first_tile_of_search", {})
            cold = {c: stats["postgis"][c]["p50_ms"]
                    / (firsts[c]["p50_ms"] if c in firsts else mine[c]["p50_ms"]) for c in mine}
            out["ratios_first_tile_of_search"] = cold
            out["geomean_ratio_first_tile_of_search"] = geomean(list(cold.values()))
            met["geomean_speedup"] = out["geomean_ratio"] >= TARGETS["geomean_speedup"]
        cached = result.get("cached", {})
        if cached:
            out["cached_worst_p50_ms"] = max(s["p50_ms"] for s in cached.values())
            met["cached_p50_ms"] = out["cached_worst_p50_ms"] <= TARGETS["cached_p50_ms"]
        versions = result.get("versions", {})
        if versions:
            out["version_worst_ratio"] = max(versions[z]["ratio"] for z in ZOOMS)
            met["version_ratio"] = out["version_worst_ratio"] <= TARGETS["version_ratio"]
        load = result.get("http_load", {})
        if load:
            met["load_errors"] = load["errors"] <= TARGETS["load_errors"]
            met["load_p95_ms"] = load.get("p95_ms", math.inf) <= TARGETS["load_p95_ms"]
    out["met"] = met
    return out


def print_table(result: dict[str, Any]) -> None:
    stats = result["stats"]
    engines = list(stats)
    print(f"\nMaps, {result['records']:,} reference records, {result['repeats']} uncached "
          "tiles per case (p50 / p95 ms)")
    print(f"{'tile':<18}" + "".join(f"{e:>20}" for e in engines)
          + ("   postgis/ht" if len(engines) == 2 else ""))
    for label, z in ZOOMS.items():
        for filt in FILTERS:
            case = f"{label}_{filt}"
            row = f"{case + ' z' + str(z):<18}"
            for e in engines:
                s = stats[e][case]
                row += f"{s['p50_ms']:>10.1f} /{s['p95_ms']:>8.1f}"
            ratio = result.get("ratios_postgis_over_holotype", {}).get(case)
            print(row + (f"{ratio:>12.2f}x" if ratio else ""))
    if "geomean_ratio" in result:
        print(f"geometric mean postgis/holotype: {result['geomean_ratio']:.2f}x")
    firsts = result.get("first_tile_of_search")
    if firsts:
        print("a filtered search's first tile (its matches not yet found), p50 ms: " + ", ".join(
            f"{case} {s['p50_ms']:.1f}" for case, s in firsts.items()))
    if "geomean_ratio_first_tile_of_search" in result:
        print("geometric mean postgis/holotype, filtered tiles as a search's first: "
              f"{result['geomean_ratio_first_tile_of_search']:.2f}x")
    if "cached_worst_p50_ms" in result:
        print(f"cached tiles: worst p50 {result['cached_worst_p50_ms']:.2f} ms")
    if "version_worst_ratio" in result:
        v = result["versions"]
        print(f"{EXTRA_VERSIONS} versions back / current: " + ", ".join(
            f"{label} {v[label]['ratio']:.2f}" for label in ZOOMS))
    load = result.get("http_load")
    if load:
        print(f"{load['clients']} HTTP clients panning: {load['requests']} tiles, "
              f"{load['errors']} errors, p50 {load['p50_ms']:.1f} ms, p95 {load['p95_ms']:.1f} "
              f"ms, {load['throughput_per_s']:.1f} tiles/s")
        for sample in load["error_samples"]:
            print(f"  error: {sample}")
    if result["differences"]:
        print(f"tiles drawing other record totals than Holotype's: {len(result['differences'])} "
              "(see the JSON)")
    for name, build in result["builds"].items():
        times = {k: round(v, 1) for k, v in build.items()
                 if k.endswith("_s") and isinstance(v, float)}
        print(f"build {name}{' (cached)' if build.get('cached') else ''}: {times}")
    verdict = {True: "met", False: "NOT met", None: "not measured"}
    print("targets: " + ", ".join(f"{k} {verdict[v]}" for k, v in result["met"].items()))
