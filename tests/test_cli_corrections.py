"""``holotype ingest --corrections keep|source``: a file that would undo an accepted correction
is refused with the records and fields listed, until the operator chooses."""

from __future__ import annotations

from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.services import corrections
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from tests.test_cli_patch import FIRST, ok, run, show, versions


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """dd/rr with ten records, id-3's country corrected from UK to Wales."""
    data = tmp_path / "site"
    ok(run(data, "dataset", "create", "dd", "--title", "D", "--licence", "CC0-1.0"))
    ok(run(data, "resource", "create", "dd", "rr"))
    first = tmp_path / "first.csv"
    first.write_text(FIRST)
    ok(run(data, "ingest", str(first), "--resource", "dd/rr"))
    portal = Portal.open(load_settings(data_dir=data))
    try:
        corrections.accept(portal, OPERATOR, "dd/rr", "id-3", {"country": "Wales"})
    finally:
        portal.close()
    (tmp_path / "again.csv").write_text(FIRST.replace("Site 5", "Site five"))
    return data


def test_an_undo_is_refused_listing_the_record_and_field(site: Path) -> None:
    before = versions(site)
    refused = run(site, "ingest", str(site.parent / "again.csv"), "--resource", "dd/rr")
    assert refused.exit_code == 1
    assert "would change 1 corrected field:" in refused.stderr
    assert "id-3" in refused.stderr and "Wales" in refused.stderr and "undo" in refused.stderr
    assert "--corrections keep" in str(refused.exception)
    assert versions(site) == before and "'Wales'" in show(site, "id-3")


def test_keep_and_source(site: Path) -> None:
    again = str(site.parent / "again.csv")
    kept = run(site, "ingest", again, "--resource", "dd/rr", "--corrections", "keep")
    assert "1 changed" in ok(kept) and "kept 1 corrected field" in kept.stderr
    assert "'Wales'" in show(site, "id-3") and "'Site five'" in show(site, "id-5")
    first = site.parent / "first.csv"
    taken = run(site, "ingest", str(first), "--resource", "dd/rr", "--corrections", "source")
    assert "2 changed" in ok(taken) and "superseded" in taken.stderr
    assert "'UK'" in show(site, "id-3")


def test_an_unknown_choice_is_refused(site: Path) -> None:
    refused = run(site, "ingest", str(site.parent / "again.csv"), "--resource", "dd/rr",
                  "--corrections", "mine")
    assert refused.exit_code != 0
    assert "on_corrections" in refused.stderr or "on_corrections" in str(refused.exception)
