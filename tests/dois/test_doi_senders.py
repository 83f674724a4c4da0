"""Several senders of one DOI at once (two servers, a claim that ran out, ``doi sync --now``):
each revision is recorded once, nothing is sent for ever, and the registrar ends up holding the
latest revision."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from holotype.registrar import registrar_for
from holotype.services.citations.doi_sync import CLAIM, backoff, doi_status, sync_due, sync_one
from holotype.services.context import Portal
from tests.dois.test_dataset_dois import create, doi_of, update
from tests.fixtures.datacite import FakeDataCite


def sending(portal: Portal, doi: str, now: datetime) -> threading.Thread:
    """A sender sending ``doi`` in the background; returns once its request is at DataCite."""
    registrar = registrar_for(portal.settings)
    sender = threading.Thread(target=sync_one, args=(portal, registrar, doi, now))
    sender.start()
    return sender


def wait_for_requests(datacite: FakeDataCite, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(datacite.received) < count:
        assert time.monotonic() < deadline, datacite.received
        time.sleep(0.01)


def test_one_revision_sent_twice_is_recorded_once_and_not_sent_again(
        portal: Portal, datacite: FakeDataCite) -> None:
    doi = doi_of(portal, create(portal, visibility="public"))
    start = datetime.now(UTC)
    datacite.delay = 0.3
    first = sending(portal, doi, start)
    wait_for_requests(datacite, 1)
    # The first sender's claim has run out for a second sender, which sends the same revision.
    second = sync_one(portal, registrar_for(portal.settings), doi, start + CLAIM + timedelta(1))
    first.join()
    assert second is not None
    status = doi_status(portal, doi)
    assert (status.sync_status, status.synced_revision, status.revision) == ("synced", 1, 1)
    sent = len(datacite.received)
    datacite.delay = 0.0
    assert sync_due(portal, now=start + timedelta(days=1)) == []  # nothing left to send
    assert len(datacite.received) == sent


def test_an_older_revision_landing_after_a_newer_one_is_corrected_once(
        portal: Portal, datacite: FakeDataCite) -> None:
    dataset_id = create(portal, visibility="public")
    doi = doi_of(portal, dataset_id)
    datacite.delay = 0.5
    old = sending(portal, doi, datetime.now(UTC))  # revision 1, slowly
    wait_for_requests(datacite, 1)
    datacite.delay = 0.0
    update(portal, dataset_id, title="Renamed")  # revision 2, sent at once by another sender
    [newer] = sync_due(portal)
    assert (newer.synced_revision, newer.sync_status) == (2, "synced")
    old.join()  # revision 1 reached DataCite after revision 2
    assert datacite.attributes(doi)["titles"] == [{"title": "Beetles of the Thames"}]
    status = doi_status(portal, doi)
    assert (status.synced_revision, status.sync_status) == (2, "pending")
    [again] = sync_due(portal)
    assert (again.synced_revision, again.revision, again.sync_status) == (2, 2, "synced")
    assert datacite.attributes(doi)["titles"] == [{"title": "Renamed"}]
    assert sync_due(portal, now=datetime.now(UTC) + timedelta(days=1)) == []


def test_sync_now_skips_a_back_off_but_not_another_senders_claim(
        portal: Portal, datacite: FakeDataCite) -> None:
    doi = doi_of(portal, create(portal, visibility="public"))
    datacite.delay = 0.5
    sender = sending(portal, doi, datetime.now(UTC))
    wait_for_requests(datacite, 1)
    assert sync_due(portal, include_waiting=True) == []  # claimed: not sent a second time
    sender.join()
    assert [r.method for r in datacite.received] == ["POST"]
    assert doi_status(portal, doi).sync_status == "synced"

    datacite.delay = 0.0
    backing_off = doi_of(portal, create(portal, "moths", visibility="public"))
    datacite.fail(500)
    [failed] = sync_due(portal)
    assert failed.doi == backing_off and failed.attempts == 1
    assert failed.next_attempt is not None
    assert failed.next_attempt > datetime.now(UTC) + backoff(1) / 2
    assert sync_due(portal) == []  # waiting out the back-off
    [sent] = sync_due(portal, include_waiting=True)
    assert (sent.doi, sent.sync_status) == (backing_off, "synced")
