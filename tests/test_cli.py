"""The command line, run as a user runs it: a real process on a real data directory."""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from holotype.store import open_original
from tests.fixtures.demo_media import TEST_DEMO_MEDIA

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLOTYPE_")}
    env.update(HOLOTYPE_DATA_DIR=str(data_dir), COLUMNS="200", **TEST_DEMO_MEDIA)
    env.update(extra)
    return env


def holotype(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``holotype ARGS`` on ``data_dir``; ``env`` adds environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "holotype", *args],
        capture_output=True,
        text=True,
        env=environment(data_dir, **env),
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
    # The original is kept, compressed, and reads back byte for byte.
    originals = list((data / "store").glob("*/originals/*/nhm-specimens-10k.csv.zst"))
    assert len(originals) == 1
    with open_original(originals[0]) as kept:
        assert kept.read() == sample.read_bytes()


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
    assert "demo-specimens/specimen-drawers: 2 records" in out
    assert "already loaded" in ok(holotype(tmp_path, "demo", "--if-empty"))
    again = ok(holotype(tmp_path, "demo", "--records", "3000"))
    # the photographs and drawers are drawn again, byte for byte
    assert "demo-specimens/records: 3,000 records (unchanged)" in again
    assert "demo-specimens/specimen-drawers: 2 records (unchanged)" in again


def failed(result: subprocess.CompletedProcess[str]) -> str:
    """The one-line error of a command that must fail cleanly."""
    assert result.returncode == 1, result.stderr + result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_config_check_masks_the_database_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://u:hunter2@db.example/holotype"
    out = ok(holotype(tmp_path, "config", "check", HOLOTYPE_DATABASE_URL=url))
    assert "postgresql+psycopg://u:***@db.example/holotype" in out and "hunter2" not in out
    config = tmp_path / "h.toml"
    config.write_text(f'database_url = "{url}"\n')
    error = failed(holotype(tmp_path, "--config", str(config), "config", "check"))
    assert "HOLOTYPE_DATABASE_URL" in error and "hunter2" not in error


def test_bad_settings_from_the_environment_are_clear_errors(tmp_path: Path) -> None:
    error = failed(holotype(tmp_path, "config", "check", HOLOTYPE_GEO_FIELDS="lat,lon"))
    assert "geo_fields (from HOLOTYPE_GEO_FIELDS): expected a JSON list" in error
    error = failed(holotype(tmp_path, "init", HOLOTYPE_DATABASE_URL="nonsense"))
    assert "database_url (from HOLOTYPE_DATABASE_URL)" in error
    error = failed(holotype(tmp_path, "config", "check", HOLOTYPE_DUCKDB_MEMORY_LIMIT="2GBGB"))
    assert "duckdb_memory_limit (from HOLOTYPE_DUCKDB_MEMORY_LIMIT)" in error


def test_config_check_names_missing_datacite_credentials(tmp_path: Path) -> None:
    error = failed(holotype(tmp_path, "config", "check", HOLOTYPE_DOI_PROVIDER="datacite",
                            HOLOTYPE_DATACITE_USERNAME="ABC.XYZ",
                            HOLOTYPE_PUBLIC_BASE_URL="https://data.example.org"))
    assert "doi_provider datacite needs" in error
    assert "HOLOTYPE_DATACITE_PREFIX" in error and "HOLOTYPE_DATACITE_PASSWORD" in error
    assert "USERNAME" not in error and "PUBLIC_BASE_URL" not in error
    out = ok(holotype(tmp_path, "config", "check", HOLOTYPE_DOI_PROVIDER="datacite",
                      HOLOTYPE_DATACITE_USERNAME="ABC.XYZ", HOLOTYPE_DATACITE_PREFIX="10.5072",
                      HOLOTYPE_DATACITE_PASSWORD="hunter2",
                      HOLOTYPE_PUBLIC_BASE_URL="https://data.example.org"))
    assert "valid" in out and "hunter2" not in out


def test_an_unreachable_database_is_a_one_line_error(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://u:hunter2@127.0.0.1:{free_port()}/holotype"
    for args in (["init"], ["dataset", "list"]):
        error = failed(holotype(tmp_path, *args, HOLOTYPE_DATABASE_URL=url))
        masked = url.replace("hunter2", "***")
        assert error.startswith(f"error: cannot reach the catalogue database at {masked}: ")
        assert "hunter2" not in error


def test_user_text_is_printed_literally_never_as_markup(tmp_path: Path) -> None:
    data = tmp_path / "site"
    title, description = "Beetles [/] of Kent", "[red]Pinned[/red] [bold]drawers"
    create = ["dataset", "create", "brk", "--title", title, "--licence", "CC0-1.0"]
    ok(holotype(data, *create, "--description", description, "--keyword", "[i]x"))
    ok(holotype(data, "resource", "create", "brk", "rr"))
    shown = ok(holotype(data, "dataset", "show", "brk"))
    assert title in shown and description in shown and "[i]x" in shown
    assert title in ok(holotype(data, "dataset", "list"))
    # An error quoting a field name.
    header = tmp_path / "header.csv"
    header.write_text("id,x[/],x[/]\n1,2,3\n")
    error = failed(holotype(data, "ingest", str(header), "--resource", "brk/rr"))
    assert "'x[/]'" in error
    # A file name, in the progress line (forced on, as on a terminal) and in the versions.
    named = tmp_path / "[bold]x.csv"
    named.write_text("id,name\n1,a\n")
    result = holotype(data, "ingest", str(named), "--resource", "brk/rr", FORCE_COLOR="1")
    ok(result)
    assert "Ingesting [bold]x.csv" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stderr)
    assert "[bold]x.csv" in ok(holotype(data, "versions", "brk/rr"))


def test_versions_are_shown_whole_in_a_narrow_terminal(tmp_path: Path) -> None:
    data = tmp_path / "site"
    long_name = tmp_path / "a-rather-long-export-name-from-the-collection-database.csv"
    long_name.write_text("occurrenceID,name\n1,a\n2,b\n")
    ok(holotype(data, "dataset", "create", "dd", "--title", "D", "--licence", "CC0-1.0"))
    out = ok(holotype(data, "ingest", str(long_name), "--resource", "dd/rr", "--create"))
    version = re.search(r"Version (\d+)", out)
    assert version is not None
    for columns in ("80", "60"):
        listed = ok(holotype(data, "versions", "dd/rr", COLUMNS=columns))
        assert version.group(1) in listed, listed
        assert "…" not in listed


def test_a_busy_resource_is_named_in_the_error(tmp_path: Path) -> None:
    data = tmp_path / "site"
    ok(holotype(data, "dataset", "create", "dd", "--title", "D", "--licence", "CC0-1.0"))
    created = ok(holotype(data, "resource", "create", "dd", "rr"))
    resource_id = re.search(r"\(([0-9a-f]+)\)", created)
    assert resource_id is not None
    sample = tmp_path / "s.csv"
    sample.write_text("occurrenceID,name\n1,a\n")
    lock = data / "store" / resource_id.group(1) / "lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:  # another ingest holds the resource's writer lock
        fcntl.flock(handle, fcntl.LOCK_EX)
        error = failed(holotype(data, "ingest", str(sample), "--resource", "dd/rr"))
    assert error == ("error: another ingest is writing to dd/rr; try again when it has finished")
    assert "1 added" in ok(holotype(data, "ingest", str(sample), "--resource", "dd/rr"))


def test_parallel_init_on_a_fresh_data_directory(tmp_path: Path) -> None:
    data = tmp_path / "site"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "holotype", "init"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(data),
        )
        for _ in range(4)
    ]
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        assert "ready" in stdout
