"""A correction accepted while an ingest is under way is never silently undone: the ingest's
check of its file against the corrections in force and its commit are one step, and so are a
correction's commit and its recording (the resource's corrections lock). Each test forces the
other request into the window between the two."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from holotype.catalog.corrections import CorrectionRow
from holotype.errors import Conflict
from holotype.services import correction_guard, corrections
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.fixtures.corrections_site import (
    RESOURCE,
    ROWS,
    CorrectionsSite,
    make_corrections_site,
)
from tests.fixtures.threads import in_thread


@pytest.fixture
def site(tmp_path: Path) -> Iterator[CorrectionsSite]:
    made = make_corrections_site(tmp_path)
    yield made
    made.portal.close()


def second_file(site: CorrectionsSite) -> Path:
    """The first file with another locality for h-2, and h-1's country still misspelt."""
    rows = [list(r) for r in ROWS]
    rows[1][4] = "Fontainebleau"
    return site.write("second.csv", rows)


def corrections_in_force_hold(site: CorrectionsSite) -> None:
    """Every correction in force has its value in the latest version of its record."""
    with site.portal.session() as session:
        in_force = [corrections.from_row(row) for row in session.scalars(
            select(CorrectionRow).where(CorrectionRow.superseded_version.is_(None)))]
    for correction in in_force:
        record = site.record(correction.record_id) or {}
        for change in correction.changes:
            assert record.get(change.field) == change.new, (correction, record)


def test_a_correction_accepted_between_an_ingests_check_and_its_commit(
    site: CorrectionsSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked = correction_guard.guard_staged
    accepted: list[Any] = []

    def check_then_accept(*args: Any, **kwargs: Any) -> Any:
        result = checked(*args, **kwargs)
        if not accepted:  # the ingest has checked its file; a correction comes in now
            accepted.append(None)  # once: the other request comes through here too
            accepted[0] = in_thread(lambda: corrections.accept(
                site.portal, OPERATOR, RESOURCE, "h-1", {"country": "France"}))
        return result

    monkeypatch.setattr(correction_guard, "guard_staged", check_then_accept)
    outcome = ingest(site.portal, OPERATOR, RESOURCE, second_file(site))
    assert outcome.result.version is not None
    assert site.record("h-2") is not None and site.record("h-2")["locality"] == "Fontainebleau"
    # the correction had to wait for the ingest (409: try again); it was not undone unseen
    assert isinstance(accepted[0], Conflict), accepted
    corrections_in_force_hold(site)


def test_an_ingest_between_a_corrections_commit_and_its_recording(
    site: CorrectionsSite, monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = corrections.utcnow
    ingested: list[Any] = []

    def ingest_then_now() -> Any:
        if not ingested:  # the correction is committed, not yet recorded; an ingest comes in
            ingested.append(None)  # once: the other request comes through here too
            ingested[0] = in_thread(lambda: ingest(site.portal, OPERATOR, RESOURCE,
                                                     second_file(site)))
        return now()

    monkeypatch.setattr(corrections, "utcnow", ingest_then_now)
    done = corrections.accept(site.portal, OPERATOR, RESOURCE, "h-1", {"country": "France"})
    assert not done.unchanged
    assert isinstance(ingested[0], Conflict), ingested
    corrections_in_force_hold(site)
    assert site.record("h-1") is not None and site.record("h-1")["country"] == "France"
