"""Dataset DOIs decided by two transactions at once (an ingest's reconcile beside a dataset
update's, two servers starting): one DOI per dataset, and the latest decision kept, on SQLite
and PostgreSQL."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from holotype.catalog.citations import Doi
from holotype.catalog.models import Dataset
from holotype.services import catalogue
from holotype.services.citations import dataset_dois
from holotype.services.citations.dataset_dois import reconcile_dataset_dois
from holotype.services.citations.dois import metadata_of
from holotype.services.context import Portal
from tests.dois.test_dataset_dois import update


class Race:
    """Makes two reconciles overlap: the first, having read the dataset, waits (up to 2 s) for
    the second to have read it too, then takes ``hold`` seconds more before it writes. Without
    locks both then decide from what they read; with them the second cannot read until the first
    has committed, and the first goes on alone when the wait runs out."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, hold: float = 0.0) -> None:
        self.both_read = threading.Barrier(2, timeout=2.0)
        self.errors: list[BaseException] = []
        self.threads: list[threading.Thread] = []
        attributes = dataset_dois.dataset_attributes
        first = threading.Event()

        def after_both_read(portal: Portal, dataset: Dataset) -> dict[str, Any]:
            leading = not first.is_set()
            first.set()
            with contextlib.suppress(threading.BrokenBarrierError):
                self.both_read.wait()
            if leading:
                time.sleep(hold)
            return attributes(portal, dataset)

        monkeypatch.setattr(dataset_dois, "dataset_attributes", after_both_read)

    def run(self, work: Callable[[], object]) -> None:
        def guarded() -> None:
            try:
                work()
            except BaseException as exc:  # reported by finish()
                self.errors.append(exc)
        thread = threading.Thread(target=guarded)
        thread.start()
        self.threads.append(thread)
        if len(self.threads) == 1:  # the first has read the dataset before the second starts
            deadline = time.monotonic() + 10
            while self.both_read.n_waiting == 0:
                assert time.monotonic() < deadline and thread.is_alive(), self.errors
                time.sleep(0.01)

    def finish(self) -> None:
        for thread in self.threads:
            thread.join(30)
        assert not self.errors, self.errors


def new_dataset(portal: Portal) -> str:
    with portal.write_session() as session:  # created, its DOI not decided yet
        return catalogue.create_dataset(
            session, slug="beetles", title="Old title", licence="CC-BY-4.0",
            visibility="public", creators=[{"name": "Ada Lovelace"}]).id


def dois_of(portal: Portal, dataset_id: str) -> tuple[str | None, list[tuple[str, int, Any]]]:
    """The dataset's DOI, and every DOI row of it: name, revision and titles."""
    with portal.session() as session:
        doi = session.scalar(select(Dataset.doi).where(Dataset.id == dataset_id))
        return doi, [(row.doi, row.revision, metadata_of(row)["titles"]) for row in
                     session.scalars(select(Doi).where(Doi.dataset_id == dataset_id))]


def test_two_reconciles_of_a_new_dataset_give_it_one_doi(
        portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset_id = new_dataset(portal)
    race = Race(monkeypatch)
    race.run(lambda: reconcile_dataset_dois(portal, [dataset_id]))
    race.run(lambda: reconcile_dataset_dois(portal, [dataset_id]))
    race.finish()
    doi, rows = dois_of(portal, dataset_id)
    assert rows == [(doi, 1, [{"title": "Old title"}])]


def test_an_older_decision_never_overwrites_a_newer_one(
        portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset_id = new_dataset(portal)
    reconcile_dataset_dois(portal, [dataset_id])
    with portal.write_session() as session:  # changed, its DOI not decided again yet
        catalogue.update_dataset(session, dataset_id, title="Middle title")
    race = Race(monkeypatch, hold=0.5)  # the first, from the middle title, writes last
    race.run(lambda: reconcile_dataset_dois(portal, [dataset_id]))
    race.run(lambda: update(portal, dataset_id, title="New title"))  # and reconciles
    race.finish()
    doi, rows = dois_of(portal, dataset_id)
    assert rows == [(doi, 3, [{"title": "New title"}])]
