"""Sweeping what killed index builds left: only under the resource's writer lock, so a build
running in another process keeps its files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from holotype.index import LOCK, sweep_all_leftovers, sweep_leftovers
from holotype.index.leftovers import leftovers

ROOT = Path(__file__).resolve().parents[2]
KEPT = ["lock", "100.duckdb", "100.rows.sqlite", "200.duckdb", "200.rows.sqlite"]
LEFT = [
    ".300-1a2b3c4d.duckdb.tmp",  # a DuckDB file being built
    ".300-1a2b3c4d.duckdb.tmp.wal",  # its write-ahead log
    ".300.rows.sqlite-5e6f7a8b.tmp",  # its row file being written
    "250.rows.sqlite",  # a row file renamed into place whose index file never was
]


def populate(root: Path) -> None:
    root.mkdir(parents=True)
    for name in KEPT + LEFT:
        (root / name).write_bytes(b"x" * 10)
    spill = root / ".300-1a2b3c4d.duckdb.tmp.tmp"  # DuckDB's spill folder beside its file
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"x")


def test_sweep_removes_temporary_files_and_lone_row_files(tmp_path: Path) -> None:
    root = tmp_path / "r1"
    populate(root)
    assert [p.name for p in leftovers(root)] == sorted(
        [*LEFT, ".300-1a2b3c4d.duckdb.tmp.tmp"]
    )
    sweep_leftovers(root)
    assert sorted(p.name for p in root.iterdir()) == sorted(KEPT)
    assert sweep_leftovers(root) == []


def test_a_folder_whose_build_runs_in_another_process_is_left_alone(tmp_path: Path) -> None:
    busy, idle, unlocked = tmp_path / "busy", tmp_path / "idle", tmp_path / "never-built"
    for root in (busy, idle, unlocked):
        populate(root)
    (unlocked / LOCK).unlink()
    builder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from holotype.locking import writer_lock\n"
         "with writer_lock(Path(sys.argv[1])):\n    print('building', flush=True); time.sleep(60)",
         str(busy / LOCK)],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        assert builder.stdout is not None and builder.stdout.readline().strip() == "building"
        removed = sweep_all_leftovers(tmp_path)
        assert {p.parent for p in removed} == {idle}
        assert len(leftovers(busy)) == len(LEFT) + 1  # the running build's files are kept
        assert len(leftovers(unlocked)) == len(LEFT) + 1  # no build ever held its lock
    finally:
        builder.send_signal(signal.SIGKILL)
        builder.wait(timeout=10)
    assert {p.parent for p in sweep_all_leftovers(tmp_path)} == {busy}  # its lock died with it
    assert sorted(p.name for p in busy.iterdir()) == sorted(KEPT)
    assert sweep_all_leftovers(tmp_path / "no-index-yet") == []
