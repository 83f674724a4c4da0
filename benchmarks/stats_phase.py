"""One step of the statistics benchmark in its own process (a fresh process, like an ingest run
by ``holotype ingest``, so nothing is cached in memory). Prints one line of JSON.

* ``setup DATA_DIR``: the organisation and the four datasets of ``benchmarks.stats_site``;
* ``ingest DATA_DIR DATASET CSV``: a replace ingest of the dataset's resource, with every
  post-commit hook; the JSON has the whole time and each hook's (see :func:`hook_seconds`);
* ``events DATA_DIR N``: ``benchmarks.stats_events.seed`` (N download events);
* ``hooks DATA_DIR NAME``: run the post-commit hooks whose name holds NAME for the current
  version of every resource (a site built before those hooks existed is brought up to date).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.stats_site import DATASETS
from holotype.config import load_settings
from holotype.errors import NotFound
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.post_commit import POST_COMMIT_HOOKS, run_post_commit_hooks
from holotype.services.records import ingest


def open_portal(data_dir: Path) -> Portal:
    return Portal.open(load_settings(data_dir=data_dir, rate_limit_per_minute=0))


def setup(portal: Portal) -> dict[str, Any]:
    with portal.write_session() as session:
        try:
            catalogue.get_organisation(session, "bench")
        except NotFound:
            catalogue.create_organisation(session, slug="bench", name="Benchmark",
                                          description="Generated records for the benchmarks.")
        for d in DATASETS:
            catalogue.create_dataset(session, slug=d.slug, title=d.title, licence="CC0-1.0",
                                     description="Reference records for the statistics bench.",
                                     category=d.category, visibility=d.visibility,
                                     organisation="bench", creators=[{"name": "benchmarks"}])
            catalogue.create_resource(session, d.slug, slug="records", name="Records",
                                      id_field="catalogNumber")
    return {"datasets": [d.slug for d in DATASETS]}


def hook_seconds(steps: list[tuple[float, str]], end: float) -> dict[str, float]:
    """Each post-commit hook's time, from its progress line to the next hook's (or ``end``).

    ``run_post_commit_hooks`` says each hook's ``step`` before running it; lines a hook says
    itself (the index's progress) count towards the hook running."""
    names = {h.step: h.name for h in POST_COMMIT_HOOKS}
    marks = [(t, names[s]) for t, s in steps if s in names]
    return {name: (marks[i + 1][0] if i + 1 < len(marks) else end) - t
            for i, (t, name) in enumerate(marks)}


def run_ingest(portal: Portal, dataset: str, csv: Path) -> dict[str, Any]:
    steps: list[tuple[float, str]] = []
    began = time.perf_counter()
    outcome = ingest(portal, OPERATOR, f"{dataset}/records", csv, mode="replace",
                     progress=lambda step: steps.append((time.perf_counter(), step)))
    end = time.perf_counter()
    hooks = hook_seconds(steps, end)
    r = outcome.result
    return {"dataset": dataset, "resource": outcome.resource.id, "version": r.version,
            "seconds": end - began, "hooks_s": hooks,
            "commit_s": (min(t for t, s in steps if s in {h.step for h in POST_COMMIT_HOOKS})
                         - began) if hooks else end - began,
            "added": r.added, "changed": r.changed, "removed": r.removed, "total": r.total}


def run_hooks(portal: Portal, name: str) -> dict[str, Any]:
    hooks = tuple(h for h in POST_COMMIT_HOOKS if name in h.name)
    if not hooks:
        return {"hooks": [], "seconds": 0.0}
    began = time.perf_counter()
    done = {}
    for d in DATASETS:
        with portal.session() as session:
            rid = catalogue.get_resource(session, d.resource).id
        latest = portal.store.resource(rid).resolve()
        if latest is not None:
            run_post_commit_hooks(portal, rid, latest.version, hooks=hooks)
            done[d.slug] = latest.version
    return {"hooks": [h.name for h in hooks], "versions": done,
            "seconds": time.perf_counter() - began}


def main() -> None:
    step, data_dir = sys.argv[1], Path(sys.argv[2])
    portal = open_portal(data_dir)
    try:
        if step == "setup":
            result = setup(portal)
        elif step == "ingest":
            result = run_ingest(portal, sys.argv[3], Path(sys.argv[4]))
        elif step == "events":
            from benchmarks.stats_events import seed

            result = seed(portal, int(sys.argv[3]))
        elif step == "hooks":
            result = run_hooks(portal, sys.argv[3])
        else:
            raise SystemExit(f"unknown step {step!r}")
    finally:
        portal.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
