"""``holotype ingest --mode patch`` and the field-loss check, run through the real command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from holotype.cli.common import Cli
from holotype.cli.main import app
from holotype.config import load_settings
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import versions as list_versions
from tests.test_cli import environment

FIRST = (
    "occurrenceID,scientificName,country,locality\n"
    + "".join(f"id-{i},Aus bus,UK,Site {i}\n" for i in range(10))
)
PARTIAL = "occurrenceID,country\n" + "".join(f"id-{i},France\n" for i in range(4))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A data directory with dd/rr holding ten records of four fields."""
    data = tmp_path / "site"
    ok(run(data, "dataset", "create", "dd", "--title", "D", "--licence", "CC0-1.0"))
    ok(run(data, "resource", "create", "dd", "rr"))
    first = tmp_path / "first.csv"
    first.write_text(FIRST)
    assert "10 added" in ok(run(data, "ingest", str(first), "--resource", "dd/rr"))
    (tmp_path / "partial.csv").write_text(PARTIAL)
    return data


def run(data: Path, *args: str, interactive: bool = False, answer: str | None = None) -> Result:
    return CliRunner().invoke(
        app, list(args), env={"HOLOTYPE_DATA_DIR": str(data), "COLUMNS": "200"},
        obj=Cli(out=Console(width=200), err=Console(stderr=True, width=200),
                interactive=interactive),
        input=answer,
    )


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def versions(data: Path) -> int:
    """How many versions dd/rr has."""
    portal = Portal.open(load_settings(data_dir=data))
    try:
        return len(list_versions(portal, OPERATOR, "dd/rr")[1])
    finally:
        portal.close()


def show(data: Path, record: str) -> str:
    """The record's current fields, read back through the store (what the portal serves)."""
    portal = Portal.open(load_settings(data_dir=data))
    try:
        found, _ = list_versions(portal, OPERATOR, "dd/rr")
        return repr(portal.store.resource(found.id).get(record))
    finally:
        portal.close()


def test_patch_keeps_the_fields_the_file_lacks(site: Path) -> None:
    partial = site.parent / "partial.csv"
    out = ok(run(site, "ingest", str(partial), "--resource", "dd/rr", "--mode", "patch"))
    assert "0 added, 4 changed, 0 removed; 10 records" in out
    assert "'locality': 'Site 2'" in show(site, "id-2") and "'France'" in show(site, "id-2")
    again = ok(run(site, "ingest", str(partial), "--resource", "dd/rr", "--mode", "patch"))
    assert "No change" in again


def test_a_partial_update_is_refused_without_a_terminal(site: Path) -> None:
    partial = site.parent / "partial.csv"
    refused = run(site, "ingest", str(partial), "--resource", "dd/rr")
    assert refused.exit_code == 1
    assert "would remove fields from 4 of the 4 records it updates (100%" in refused.stderr
    assert "--max-field-loss is 10%" in refused.stderr
    assert "locality" in refused.stderr and "scientificName" in refused.stderr
    assert "│ locality       │                 4 │" in refused.stderr  # the field and its count
    assert "--mode patch" in str(refused.exception) and "--yes" in str(refused.exception)
    assert versions(site) == 1 and "'locality': 'Site 2'" in show(site, "id-2")


def test_yes_commits_the_loss_and_reports_it(site: Path) -> None:
    partial = site.parent / "partial.csv"
    done = run(site, "ingest", str(partial), "--resource", "dd/rr", "--yes")
    assert "4 changed" in ok(done)
    assert "removed fields from 4 of the 4 records" in done.stderr  # a warning of the version
    assert "locality" not in show(site, "id-2") and "id-5" in show(site, "id-5")


def test_a_higher_limit_lets_a_smaller_loss_through(site: Path) -> None:
    partial = site.parent / "partial.csv"
    refused = run(site, "ingest", str(partial), "--resource", "dd/rr", "--max-field-loss", "0.99")
    assert refused.exit_code == 1
    done = run(site, "ingest", str(partial), "--resource", "dd/rr", "--max-field-loss", "1")
    assert "4 changed" in ok(done)
    bad = run(site, "ingest", str(partial), "--resource", "dd/rr", "--max-field-loss", "2")
    assert bad.exit_code == 2 and "less than or equal to 1" in bad.output


def test_the_operator_is_asked_at_a_terminal(site: Path) -> None:
    partial = site.parent / "partial.csv"
    declined = run(site, "ingest", str(partial), "--resource", "dd/rr", interactive=True,
                   answer="n\n")
    assert declined.exit_code == 1 and "Remove these fields and commit?" in declined.stderr
    assert "nothing was committed" in str(declined.exception)
    assert versions(site) == 1
    confirmed = run(site, "ingest", str(partial), "--resource", "dd/rr", interactive=True,
                    answer="y\n")
    assert "4 changed" in ok(confirmed)
    assert versions(site) == 2 and "locality" not in show(site, "id-0")


def test_the_refusal_as_a_user_sees_it(site: Path) -> None:
    """The real program, standard input not a terminal: the fields, then one error line."""
    partial = site.parent / "partial.csv"
    result = subprocess.run(
        [sys.executable, "-m", "holotype", "ingest", str(partial), "--resource", "dd/rr"],
        capture_output=True, text=True, env=environment(site), timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: nothing was committed: run again with --yes"), result.stderr
    assert "locality" in result.stderr and versions(site) == 1
