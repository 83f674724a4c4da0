"""Review before publishing, benchmarked: the seeded reference CSV (benchmarks/reference.py;
about 1 GB at 2,000,000 records) read as a draft (from start to its review ready: the job's
staging, digest, types and validation checks) against the CLI's ingest of the same file
(``holotype ingest``'s path, :func:`holotype.services.records.ingest`, with its search index
and the other post-commit hooks), in the same run, each in a fresh site and process of its
own. Medians over the rounds; the target is draft <= 1.2 x CLI. Publishing the draft (the
commit and the hooks) is timed too, for the record.

``python -m benchmarks.run --only drafts [--records N] [--ingests R]``
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.reference import reference_csv

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"draft_over_cli": 1.2}


def _phase(kind: str, csv: Path) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="holotype-drafts-bench-"))
    try:
        done = subprocess.run([sys.executable, "-m", "benchmarks.drafts_bench", kind,
                               str(data_dir), str(csv)], cwd=ROOT, capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"phase {kind} failed:\n{done.stderr}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(records: int = 2_000_000, ingests: int = 3) -> dict[str, Any]:
    csv = reference_csv(records)
    rounds = [{"cli": _phase("cli", csv), "draft": _phase("draft", csv)}
              for _ in range(ingests)]
    cli = median(r["cli"]["seconds"] for r in rounds)
    draft = median(r["draft"]["seconds"] for r in rounds)
    measured = {"draft_over_cli": draft / cli}
    return {
        "benchmark": "drafts", "records": records, "csv_bytes": csv.stat().st_size,
        "rounds": rounds, "cli_median_s": cli, "draft_median_s": draft,
        "publish_median_s": median(r["draft"]["publish_seconds"] for r in rounds),
        "draft_findings": rounds[-1]["draft"]["findings"],
        "measured": measured, "targets": TARGETS,
        "met": {k: measured[k] <= TARGETS[k] for k in TARGETS},
    }


def print_table(result: dict[str, Any]) -> None:
    mb = result["csv_bytes"] / 1e6
    print(f"Drafts: {result['records']:,} records, {mb:,.0f} MB CSV, "
          f"{len(result['rounds'])} rounds (medians)")
    print(f"  CLI ingest (holotype ingest, with the search index)  {result['cli_median_s']:8.2f} s")
    print(f"  draft: start to review ready                          "
          f"{result['draft_median_s']:8.2f} s")
    print(f"  draft: publish (commit + post-commit hooks)           "
          f"{result['publish_median_s']:8.2f} s")
    ratio, target = result["measured"]["draft_over_cli"], TARGETS["draft_over_cli"]
    print(f"  draft / CLI = {ratio:.2f} (target <= {target}) "
          f"{'met' if ratio <= target else 'NOT met'}")


def _site(data_dir: Path) -> Any:
    from holotype.config import load_settings
    from holotype.services import catalogue
    from holotype.services.context import Portal

    portal = Portal.open(load_settings(data_dir=data_dir, max_upload_bytes=20 * 1024**3))
    with portal.write_session() as session:
        catalogue.create_dataset(session, slug="bench", title="Bench", licence="CC0-1.0")
        catalogue.create_resource(session, "bench", slug="records", name="Records")
    return portal


def phase() -> None:
    """One measurement in this process: ``cli`` or ``draft`` (then its publishing)."""
    from holotype.services import drafts
    from holotype.services.drafts.worker import make_worker
    from holotype.services.identity import OPERATOR
    from holotype.services.records import ingest

    kind, data_dir, csv = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    portal = _site(data_dir)
    result: dict[str, Any] = {"phase": kind}
    try:
        if kind == "cli":
            started = time.perf_counter()
            outcome = ingest(portal, OPERATOR, "bench/records", csv)
            result["seconds"] = time.perf_counter() - started
            result["total"] = outcome.result.total
        else:
            given = data_dir / "incoming" / csv.name  # the upload, on the site's file system
            given.parent.mkdir()
            shutil.copyfile(csv, given)
            started = time.perf_counter()
            draft = drafts.start(portal, OPERATOR, "bench", "records", given, csv.name)
            make_worker(portal, 0.01).run_once()
            shown = drafts.show(portal, OPERATOR, draft.id)
            result["seconds"] = time.perf_counter() - started
            assert shown.status == "ready", shown.reason
            review = shown.review
            assert review is not None
            result["findings"] = [f"{f.severity} {f.check} {f.column}: {f.count}"
                                  for f in review.findings]
            started = time.perf_counter()
            published = drafts.publish(portal, OPERATOR, draft.id)
            result["publish_seconds"] = time.perf_counter() - started
            result["total"] = published.result.total
        result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    finally:
        portal.close()
    print(json.dumps(result))


if __name__ == "__main__":
    phase()
