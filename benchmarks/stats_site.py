"""The statistics benchmark's site: the reference records over four datasets, one private.

The reference CSV (and its revisions, see ``benchmarks.reference``) is cut into one slice per
dataset by the serial of its ``catalogNumber`` (``serial % 20``), so each revision's slices
hold the same records as the reference's, revised: revision 1 changes 1% of all the records
and removes 0.5%, every one of them in ``stats-a``; revision 2 changes another 1%, every one in
``stats-b``. Going from one revision to the other is therefore a 1% re-ingest of the portal
that changes one resource; the other slices are byte-identical and their ingest is a no-op.

The site (``benchmarks/data/stats-site-<records>``) is the slices of the reference as each
resource's first version and those of revision 1 as its second, ingested with every
post-commit hook, then 1,000,000 download events (``benchmarks.stats_events``). It is built
once and kept, named by a key file ``stats-site-<records>.json`` like the search site's; the
benchmark re-ingests revision 2 or 1 (whichever is not current) on every run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from benchmarks.reference import DATA, SEED
from holotype.engine import connect, literal

ROOT = Path(__file__).resolve().parents[1]
SITE_FORMAT = 1  # bump when the cached site must be rebuilt


@dataclass(frozen=True)
class BenchDataset:
    slug: str
    title: str
    category: str
    visibility: str
    buckets: tuple[int, int]  # serial % 20 in [first, last]

    @property
    def resource(self) -> str:
        return f"{self.slug}/records"


DATASETS = (
    BenchDataset("stats-a", "Statistics bench A", "collection", "public", (0, 9)),  # 50%
    BenchDataset("stats-b", "Statistics bench B", "collection", "public", (10, 14)),  # 25%
    BenchDataset("stats-c", "Statistics bench C", "research", "public", (15, 17)),  # 15%
    BenchDataset("stats-private", "Statistics bench (private)", "collection", "private",
                  (18, 19)),  # 10%
)


def say(message: str) -> None:
    print(f"[stats {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def slices(source: Path, records: int) -> dict[str, Path]:
    """``source`` cut into one CSV per dataset (slug -> path), cached next to the data."""
    folder = DATA / f"stats-slices-{records}"
    folder.mkdir(parents=True, exist_ok=True)
    out = {d.slug: folder / f"{source.stem}-{d.slug}.csv" for d in DATASETS}
    if all(p.exists() and p.stat().st_mtime >= source.stat().st_mtime for p in out.values()):
        return out
    con = connect(threads=2)
    con.execute(f"CREATE TEMP TABLE src AS SELECT *, "
                f"CAST(substr(catalogNumber, -9) AS BIGINT) % 20 AS _bucket "
                f"FROM read_csv({literal(source)}, all_varchar = true)")
    for d in DATASETS:
        first, last = d.buckets
        con.execute(f"COPY (SELECT * EXCLUDE (_bucket) FROM src WHERE _bucket BETWEEN {first} "
                    f"AND {last}) TO {literal(out[d.slug])} (HEADER, FORMAT csv)")
    con.close()
    return out


def phase(*args: str) -> dict[str, Any]:
    """One ``benchmarks.stats_phase`` step in its own process (its JSON answer)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.stats_phase", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"stats phase {args[0]} failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def ingest_all(site: Path, csvs: dict[str, Path]) -> dict[str, Any]:
    """Ingest each dataset's slice (with every post-commit hook), one process each."""
    return {slug: phase("ingest", str(site), slug, str(path)) for slug, path in csvs.items()}


def ensure_stats_site(reference: Path, revision: Path, records: int,
                      events: int) -> tuple[Path, dict[str, Any]]:
    """The site, built if its key file does not match (see the module's docstring)."""
    site = DATA / f"stats-site-{records}"
    note = DATA / f"stats-site-{records}.json"
    key = {"records": records, "seed": SEED, "reference": reference.stat().st_size,
           "revision": revision.stat().st_size, "duckdb": duckdb.__version__,
           "datasets": [d.slug for d in DATASETS], "site_format": SITE_FORMAT}
    saved = json.loads(note.read_text()) if note.exists() and site.is_dir() else {}
    if saved.get("key") != key:
        note.unlink(missing_ok=True)
        shutil.rmtree(site, ignore_errors=True)
        say(f"building the statistics site ({records:,} records, {len(DATASETS)} datasets)")
        began = time.perf_counter()
        phase("setup", str(site))
        first = ingest_all(site, slices(reference, records))
        second = ingest_all(site, slices(revision, records))
        saved = {"key": key, "build": {
            "first": first, "second": second, "seconds": time.perf_counter() - began,
            "store_bytes": _bytes(site / "store"), "index_bytes": _bytes(site / "index")}}
        note.write_text(json.dumps(saved, indent=1) + "\n")
    seeded = saved.get("events", {})
    if seeded.get("events") != events or not seeded.get("complete"):
        say(f"seeding {events:,} download events")
        done = phase("events", str(site), str(events))
        # a catalogue migrated since gets its per-event resources now; keep the first timing
        saved["events"] = ({**seeded, "complete": done["complete"], "resumed": done}
                           if seeded.get("events") == events else done)
        note.write_text(json.dumps(saved, indent=1) + "\n")
    return site, saved


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
