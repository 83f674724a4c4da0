"""Atomicity across processes: a killed or failing ingest leaves the previous version intact,
and readers in other processes only ever see whole versions."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from holotype.demo.generator import generate_table
from holotype.engine import connect
from holotype.store import RecordStore, ResourceStore, StagedSource
from tests.store.helpers import stage_rows

ROOT = Path(__file__).resolve().parents[2]


def staged_generated(work: Path, n: int, seed: int) -> StagedSource:
    import pyarrow.parquet as pq

    table = generate_table(n, seed=seed)
    path = work / f"gen-{seed}-{n}.parquet"
    pq.write_table(table, path)
    return StagedSource(path=path, fields=table.column_names, rows=n, format="test")


def run_python(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "PATH": "/usr/bin:/bin"},
    )


def test_killed_ingest_leaves_previous_version(resource: ResourceStore, tmp_path: Path) -> None:
    first = resource.commit(stage_rows(tmp_path, [{"occurrenceID": "keep", "x": "1"}]))
    big = staged_generated(tmp_path, 300_000, seed=5)
    child = run_python(f"""
        import sys, time
        from pathlib import Path
        from holotype.engine import connect
        from holotype.store import RecordStore, StagedSource
        store = RecordStore(Path({str(resource.root.parent)!r}), lambda: connect(threads=1))
        staged = StagedSource(Path({str(big.path)!r}), {big.fields!r}, {big.rows}, "test")
        def progress(step):
            print(step, flush=True)
        store.resource("r1").commit(staged, progress=progress)
        print("finished", flush=True)
    """)
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "writing changed records":
            time.sleep(0.05)
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    # The previous version is whole; nothing partial is visible; the lock was released.
    assert [v.version for v in resource.versions()] == [first.version]
    assert resource.count() == 1 and resource.get("keep") is not None
    again = resource.commit(stage_rows(tmp_path, [{"occurrenceID": "new", "x": "2"}]))
    assert again.total == 2
    # The next commit swept away what the killed one had written.
    named = {v.segment for v in resource.versions()} | {v.ends for v in resource.versions()}
    on_disk = {str(p.relative_to(resource.root)) for p in resource.root.rglob("*.parquet")}
    assert on_disk <= named, on_disk - named


def test_next_commit_sweeps_files_of_interrupted_commits(
    resource: ResourceStore, tmp_path: Path
) -> None:
    resource.commit(stage_rows(tmp_path, [{"occurrenceID": "a"}]))
    stray = [resource.root / "segments" / "1-dead.parquet", resource.root / "originals" / "1" / "x"]
    for path in stray:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    resource.commit(stage_rows(tmp_path, [{"occurrenceID": "b"}]))
    assert not any(p.exists() for p in stray)
    assert resource.count() == 2


def test_error_mid_commit_removes_written_files(resource: ResourceStore, tmp_path: Path) -> None:
    resource.commit(stage_rows(tmp_path, [{"occurrenceID": "a", "x": "1"}]))
    before = sorted(p.relative_to(resource.root) for p in resource.root.rglob("*.parquet"))

    def explode(step: str) -> None:
        if step == "updating statistics":  # after the segment and ends files were written
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        resource.commit(stage_rows(tmp_path, [{"occurrenceID": "a", "x": "2"}]), progress=explode)
    after = sorted(p.relative_to(resource.root) for p in resource.root.rglob("*.parquet"))
    assert after == before
    assert resource.get("a") == {"_id": "a", "occurrenceID": "a", "x": "1"}


def test_concurrent_writer_is_refused(resource: ResourceStore, tmp_path: Path) -> None:
    from holotype.locking import Busy, writer_lock

    with writer_lock(resource.root / "lock"), pytest.raises(Busy):
        resource.commit(stage_rows(tmp_path, [{"occurrenceID": "a"}]))


def test_readers_in_other_processes_see_whole_versions(store: RecordStore, tmp_path: Path) -> None:
    resource = store.resource("r1")
    n = 20_000
    resource.commit(staged_generated(tmp_path, n, seed=1))
    reader = run_python(f"""
        import json, time
        from pathlib import Path
        from holotype.engine import connect
        from holotype.store.store import RecordStore
        store = RecordStore(Path({str(store.root)!r}), lambda: connect(threads=1))
        con = connect(threads=1)
        r = store.resource("r1")
        seen = []
        deadline = time.time() + 6
        print("ready", flush=True)
        while time.time() < deadline:
            rel = r.relation()
            total, distinct_sets = con.execute(
                f"SELECT count(*), count(DISTINCT scientificName) FROM ({{rel}})").fetchone()
            seen.append(total)
        print(json.dumps(sorted(set(seen))))
    """)
    assert reader.stdout is not None
    assert reader.stdout.readline().strip() == "ready"
    totals = {n}
    for step in range(4):  # replace with a growing prefix of other records, then back
        size = 10_000 + step * 7_000
        result = resource.commit(staged_generated(tmp_path, size, seed=10 + step), mode="replace")
        totals.add(result.total)
        time.sleep(0.3)
    out, errors = reader.communicate(timeout=60)
    assert reader.returncode == 0, errors
    seen = set(json.loads(out))
    assert seen <= totals, f"reader saw partial versions: {seen - totals}"
    assert len(seen) >= 2  # it really read while versions were being committed
    con = connect(threads=1)
    assert resource.count(con=con) == result.total


def test_sweep_at_start_up_removes_files_of_interrupted_commits(
    store: RecordStore, tmp_path: Path
) -> None:
    from holotype.locking import writer_lock

    resource = store.resource("r1")
    resource.commit(stage_rows(tmp_path, [{"occurrenceID": "a"}]))
    stray = resource.root / "segments" / "2-dead.parquet"
    stray.write_bytes(b"partial")
    with writer_lock(resource.root / "lock"):  # a commit is running: its files are kept
        assert store.sweep() == []
    assert stray.exists()
    (store.root / "never-committed").mkdir()  # no commit ever took its lock: left alone
    damaged = store.resource("r2")
    damaged.commit(stage_rows(tmp_path, [{"occurrenceID": "b"}]))
    (damaged.root / "manifest.json").write_text("{")  # which files it names is unknown
    assert store.sweep() == ["r1"]
    assert len(list(damaged.root.rglob("*.parquet"))) == 1
    assert not stray.exists()
    assert resource.count() == 1
