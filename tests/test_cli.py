"""The command line, run as a user runs it: a real process on a real data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def holotype(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLOTYPE_")}
    env.update(HOLOTYPE_DATA_DIR=str(data_dir), COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "holotype", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def test_full_flow_with_real_nhm_data(tmp_path: Path) -> None:
    data = tmp_path / "site"
    assert "ready" in ok(holotype(data, "init"))
    ok(
        holotype(
            data,
            "dataset",
            "create",
            "nhm-sample",
            "--title",
            "NHM specimens sample",
            "--licence",
            "CC0-1.0",
            "--creator",
            "Ada Lovelace|0000-0002-1825-0097",
            "--keyword",
            "specimens",
        )
    )
    ok(holotype(data, "resource", "create", "nhm-sample", "specimens"))
    sample = SHARED / "nhm-specimens-10k.csv"
    out = ok(holotype(data, "ingest", str(sample), "--resource", "nhm-sample/specimens"))
    assert "10,000 added" in out and "10,000 records" in out
    again = ok(holotype(data, "ingest", str(sample), "--resource", "nhm-sample/specimens"))
    assert "No change" in again
    listed = json.loads(ok(holotype(data, "dataset", "list", "--json")))
    assert listed == [
        {
            "slug": "nhm-sample",
            "title": "NHM specimens sample",
            "records": 10000,
            "category": "collection",
            "visibility": "public",
        }
    ]
    versions = ok(holotype(data, "versions", "nhm-sample/specimens"))
    assert "nhm-specimens-10k.csv" in versions and "10,000" in versions
    shown = ok(holotype(data, "dataset", "show", "nhm-sample"))
    assert "0000-0002-1825-0097" in shown and "id field occurrenceID" in shown
    # The original is kept byte for byte for "download as uploaded".
    originals = list((data / "store").glob("*/originals/*/nhm-specimens-10k.csv"))
    assert len(originals) == 1 and originals[0].read_bytes() == sample.read_bytes()


def test_bad_input_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "site"
    ok(holotype(data, "dataset", "create", "dd", "--title", "D", "--licence", "CC0-1.0"))
    ok(holotype(data, "resource", "create", "dd", "rr"))
    bad = tmp_path / "bad.csv"
    bad.write_text("occurrenceID,name\n1,a\n2,b,extra\n")
    result = holotype(data, "ingest", str(bad), "--resource", "dd/rr")
    assert result.returncode == 1
    assert "bad.csv, row 3" in result.stderr and "expected 2 fields, found 3" in result.stderr
    assert "Traceback" not in result.stderr
    assert "0 records" in ok(holotype(data, "dataset", "show", "dd"))
    result = holotype(data, "dataset", "create", "d2", "--title", "D", "--licence", "GPL")
    assert result.returncode == 1 and "licence" in result.stderr
    result = holotype(data, "ingest", str(bad), "--resource", "dd/missing")
    assert result.returncode == 1 and "missing" in result.stderr


def test_config_check_reports_bad_values(tmp_path: Path) -> None:
    config = tmp_path / "h.toml"
    config.write_text("port = 0\n")
    result = holotype(tmp_path, "--config", str(config), "config", "check")
    assert result.returncode == 1 and "port" in result.stderr and "h.toml" in result.stderr
    out = ok(holotype(tmp_path, "config", "check"))
    assert "max_upload_bytes" in out and "valid" in out


@pytest.mark.slow
def test_demo_loads_and_is_idempotent(tmp_path: Path) -> None:
    out = ok(holotype(tmp_path, "demo", "--records", "3000"))
    assert "demo-specimens/records: 3,000 records" in out
    assert "already loaded" in ok(holotype(tmp_path, "demo", "--if-empty"))
    assert "(unchanged)" in ok(holotype(tmp_path, "demo", "--records", "3000"))
