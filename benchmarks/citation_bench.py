"""Citations at scale: minting a query DOI, its landing page, and re-running it 10 versions back.

The site is the search benchmark's (the reference records, then revision 1), copied and given
10 more versions, each an update of 2,000 records (0.1%), so a citation can be pinned 10 versions
back. The portal mints DOIs (prefix 10.5072) but no registrar is reached: registration happens
later, in the outbox, and is excluded as the issue asks.

Measured in process through the real ASGI app (Starlette's test client), so each sample is a
whole request:

- mint: ``query_doi_create`` for a common word over the resource (counting the matches is part
  of it). Each timed mint is a new citation: the one made by the previous sample is deleted
  (untimed) first, else the second would only find the first.
- landing: ``/doi/<prefix>/<suffix>`` of a citation (HTML).
- re-run: the citation's search (``vds_multi_query``, 100 records) pinned 10 versions back,
  against the same search at the current version, the two interleaved; the ratio of the p50s.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete

from benchmarks.reference import DATA, modified_csv, reference_csv
from benchmarks.search_bench import ensure_site, summary
from benchmarks.search_queries import choose_words
from benchmarks.store_phase import RESOURCE
from holotype.catalog.citations import Doi, QueryCitation
from holotype.config import load_settings
from holotype.engine import connect, literal
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from holotype.web.app import create_app

EXTRA_VERSIONS = 10
CHANGED_PER_VERSION = 1_000  # every 1,000th record by catalogue number: 0.1%
WARMUP = 2
TARGETS = {"mint_p50_ms": 100.0, "landing_p50_ms": 100.0, "rerun_ratio": 1.5}
DOIS = {"doi_provider": "datacite", "datacite_prefix": "10.5072",
        "datacite_username": "BENCH.HOLOTYPE", "datacite_password": "unused",
        "public_base_url": "https://data.example.org", "rate_limit_per_minute": 0}


def say(message: str) -> None:
    print(f"[citation {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_citation_site(records: int) -> tuple[Path, dict[str, Any]]:
    """The search benchmark's site plus 10 versions (cached)."""
    reference = reference_csv(records)
    base, build = ensure_site(reference, modified_csv(reference, 1), records)
    site = DATA / f"citation-site-{records}"
    done = site / "versions-added"
    if done.exists() and done.read_text() == f"{EXTRA_VERSIONS}:{build.get('first_ingest_s')}":
        return site, {"cached": True}
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(base, site)
    portal = Portal.open(load_settings(data_dir=site))
    con = connect(threads=2)
    serial = "CAST(substr(catalogNumber, -9) AS BIGINT)"
    seconds = []
    try:
        for step in range(EXTRA_VERSIONS):
            path = DATA / f"citation-update-{records}-{step}.csv"
            con.execute(
                f"COPY (SELECT * REPLACE (coalesce(locality, '') || ' (update {step})' "
                f"AS locality) FROM read_csv({literal(reference)}, all_varchar = true) "
                f"WHERE {serial} % {records // CHANGED_PER_VERSION} = {step}) "
                f"TO {literal(path)} (HEADER, FORMAT csv)")
            began = time.perf_counter()
            ingest(portal, OPERATOR, RESOURCE, path, mode="update")
            seconds.append(time.perf_counter() - began)
            path.unlink()
            say(f"version {step + 3} of 12 ingested ({seconds[-1]:.1f} s)")
    finally:
        portal.close()
    done.write_text(f"{EXTRA_VERSIONS}:{build.get('first_ingest_s')}")
    return site, {"cached": False, "update_ingest_s": seconds}


def timed(call: Any, repeats: int, before: Any = None) -> list[float]:
    samples = []
    for i in range(WARMUP + repeats):
        if before is not None:
            before()
        began = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
        if i >= WARMUP:
            samples.append(elapsed)
    return samples


def run(records: int = 2_000_000, repeats: int = 20) -> dict[str, Any]:
    site, build = ensure_citation_site(records)
    revision = modified_csv(reference_csv(records), 1)
    common = choose_words(revision, records, DATA / f"search-words-{records}.json")["common"]
    word = str(common[0]["word"])
    settings = load_settings(data_dir=site, **DOIS)
    with TestClient(create_app(settings)) as client:
        portal: Portal = client.app.state.portal  # type: ignore[attr-defined]
        rid = client.post("/api/3/action/resource_show", json={"id": RESOURCE}).json()
        resource_id = rid["result"]["id"]
        versions = client.post("/api/3/action/vds_version_resource",
                               json={"resource_id": resource_id}).json()["result"]
        stamps = [v["version"] for v in versions]
        back = stamps[-1 - EXTRA_VERSIONS]
        query = {"search": word}

        def forget() -> None:
            with portal.write_session() as session:
                session.execute(delete(Doi).where(Doi.kind == "query"))
                session.execute(delete(QueryCitation))

        def mint() -> Any:
            return client.post("/api/3/action/query_doi_create",
                               json={"query": query, "resource_ids": [resource_id]})

        say(f"minting query DOIs for {word!r} ({repeats} timed, each a new citation)")
        mint_samples = timed(mint, repeats, before=forget)
        made = mint().json()["result"]
        pinned = client.post("/api/3/action/query_doi_create", json={
            "query": query, "resource_ids": [resource_id], "version": back}).json()["result"]
        say("landing pages")
        landing_samples = timed(lambda: client.get(f"/doi/{made['doi']}"), repeats)
        say(f"re-running the citation pinned {EXTRA_VERSIONS} versions back, against now")

        def search(version: int | None) -> Any:
            return client.post("/api/3/action/vds_multi_query", json={
                "query": query, "resource_ids": [resource_id], "version": version,
                "size": 100})

        old, now = [], []
        for i in range(WARMUP + repeats):  # interleaved: the machine's noise hits both
            for version, into in ((pinned["moment"], old), (None, now)):
                began = time.perf_counter()
                response = search(version)
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    raise RuntimeError(response.text[:300])
                if i >= WARMUP:
                    into.append(elapsed)
    stats = {"mint": summary(mint_samples), "landing": summary(landing_samples),
             "rerun_pinned": summary(old), "search_current": summary(now)}
    measured = {
        "mint_p50_ms": stats["mint"]["p50_ms"],
        "landing_p50_ms": stats["landing"]["p50_ms"],
        "rerun_ratio": stats["rerun_pinned"]["p50_ms"] / stats["search_current"]["p50_ms"],
    }
    return {
        "records": records, "repeats": repeats, "word": word, "site": build,
        "matches": made["total"], "pinned_versions_back": EXTRA_VERSIONS,
        "pinned_matches": pinned["total"], "stats": stats, "measured": measured,
        "targets": TARGETS, "met": {k: v <= TARGETS[k] for k, v in measured.items()},
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"\nCitations, {result['records']:,} reference records, word {result['word']!r} "
          f"({result['matches']:,} matches)")
    print(f"{'measure':<22}{'result':>10}{'target':>10}  met")
    for key, value in result["measured"].items():
        met = "yes" if result["met"][key] else "NO"
        print(f"{key:<22}{value:>10.2f}{'<= ' + str(result['targets'][key]):>10}  {met}")
    s = result["stats"]
    print(f"re-run p50 {s['rerun_pinned']['p50_ms']:.1f} ms vs current "
          f"{s['search_current']['p50_ms']:.1f} ms")
