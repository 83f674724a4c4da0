"""Dataset DOIs from creation to tombstone, sent to the fake DataCite registrar through the
outbox, on a real SQLite and PostgreSQL catalogue."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from holotype.catalog.citations import Doi, DoiKind, DoiState
from holotype.catalog.models import Dataset
from holotype.config import load_settings
from holotype.registrar import datacite_attributes
from holotype.services import catalogue
from holotype.services.citations.dataset_dois import reconcile_dataset_dois
from holotype.services.citations.doi_sync import (
    DoiSyncer,
    backoff,
    doi_status,
    list_dois,
    retry_doi,
    sync_due,
)
from holotype.services.citations.dois import record_doi
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import delete_dataset, ingest
from tests.dois.conftest import BASE_URL, minting_settings
from tests.fixtures.datacite import PREFIX, FakeDataCite
from tests.fixtures.site import LiveServer


def create(portal: Portal, slug: str = "beetles", **fields: object) -> str:
    values: dict[str, object] = dict(
        slug=slug, title="Beetles of the Thames", licence="CC-BY-4.0",
        description="Beetles collected along the river.", visibility="private",
        creators=[{"name": "Ada Lovelace", "orcid": "0000-0002-1825-0097",
                   "affiliation": "Natural History Museum"}], keywords=["beetles"])
    values.update(fields)
    with portal.write_session() as session:
        dataset = catalogue.create_dataset(session, **values)  # type: ignore[arg-type]
        catalogue.create_resource(session, dataset.id, slug="records", name="Records",
                                  id_field="catalogNumber")
    reconcile_dataset_dois(portal, [dataset.id])
    return dataset.id


def update(portal: Portal, dataset_id: str, **fields: object) -> None:
    with portal.write_session() as session:
        catalogue.update_dataset(session, dataset_id, **fields)  # type: ignore[arg-type]
    reconcile_dataset_dois(portal, [dataset_id])


def doi_of(portal: Portal, dataset_id: str) -> str:
    with portal.session() as session:
        doi = session.scalar(select(Dataset.doi).where(Dataset.id == dataset_id))
    assert doi is not None
    return doi


def write_csv(path: Path, rows: int) -> Path:
    lines = ["catalogNumber,scientificName"] + [f"BMNH{n},Carabus {n}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_dataset_doi_from_reservation_to_tombstone(
        portal: Portal, datacite: FakeDataCite, tmp_path: Path) -> None:
    dataset_id = create(portal)
    doi = doi_of(portal, dataset_id)
    assert doi.startswith(PREFIX + "/")
    assert [s.sync_status for s in sync_due(portal)] == ["synced"]
    assert datacite.state(doi) == "draft"  # reserved: private
    held = datacite.attributes(doi)
    assert held["url"] == f"{BASE_URL}/dataset/beetles"
    assert held["titles"] == [{"title": "Beetles of the Thames"}]
    assert held["creators"][0]["affiliation"] == [{"name": "Natural History Museum"}]
    assert "version" not in held  # no data yet

    assert reconcile_dataset_dois(portal) == 0  # idempotent: nothing new to decide
    assert sync_due(portal) == []

    update(portal, dataset_id, visibility="public")
    sync_due(portal)
    assert datacite.state(doi) == "findable"

    update(portal, dataset_id, title="Beetles of the Thames estuary", licence="CC0-1.0")
    sync_due(portal)
    held = datacite.attributes(doi)
    assert held["titles"] == [{"title": "Beetles of the Thames estuary"}]
    assert held["rightsList"][0]["rightsIdentifier"] == "cc0-1.0"
    assert datacite.state(doi) == "findable"

    ingest(portal, OPERATOR, "beetles/records", write_csv(tmp_path / "a.csv", 5))
    ingest(portal, OPERATOR, "beetles/records", write_csv(tmp_path / "b.csv", 8))
    sync_due(portal)
    versions = portal.store.resource(
        catalogue_resource_id(portal, "beetles/records")).versions()
    held = datacite.attributes(doi)
    assert held["version"] == "2" and held["sizes"] == ["8 records"]
    latest = datetime.fromtimestamp(versions[-1].version / 1000, UTC).date().isoformat()
    assert {"date": latest, "dateType": "Updated"} in held["dates"]

    update(portal, dataset_id, visibility="private")
    sync_due(portal)
    assert datacite.state(doi) == "registered"  # hidden: never back to draft
    assert datacite.received[-1].body["data"]["attributes"]["event"] == "hide"

    delete_dataset(portal, OPERATOR, "beetles")
    sync_due(portal)
    status = doi_status(portal, doi)
    assert status.tombstone and status.state == "registered" and status.sync_status == "synced"
    assert datacite.attributes(doi)["url"] == f"{BASE_URL}/doi/{doi}"
    assert datacite.attributes(doi)["titles"] == [{"title": "Beetles of the Thames estuary"}]


def catalogue_resource_id(portal: Portal, ref: str) -> str:
    with portal.session() as session:
        return catalogue.get_resource(session, ref).id


def test_a_public_dataset_is_findable_at_once_and_a_doi_from_elsewhere_is_left_alone(
        portal: Portal, datacite: FakeDataCite) -> None:
    public = doi_of(portal, create(portal, "public", visibility="public", creators=[]))
    create(portal, "theirs", doi="10.1234/elsewhere")
    sync_due(portal)
    assert datacite.state(public) == "findable"
    creator = datacite.attributes(public)["creators"][0]  # no creators: the portal credited
    assert creator == {"name": portal.settings.site_name, "nameType": "Organizational"}
    assert "10.1234/elsewhere" not in datacite.dois
    assert [s.doi for s in list_dois(portal, OPERATOR)] == [public]


def test_a_registrar_outage_loses_nothing(portal: Portal, datacite: FakeDataCite) -> None:
    doi = doi_of(portal, create(portal, visibility="public"))
    datacite.fail(500, times=2)
    start = datetime.now(UTC)
    [first] = sync_due(portal, now=start)
    assert first.sync_status == "pending" and first.attempts == 1
    assert first.last_error is not None and "DataCite answered 500" in first.last_error
    assert sync_due(portal, now=start + timedelta(seconds=1)) == []  # backing off
    [second] = sync_due(portal, now=start + backoff(1))
    assert second.attempts == 2 and second.next_attempt is not None
    assert second.next_attempt - (start + backoff(1)) == backoff(2) == 2 * backoff(1)
    [third] = sync_due(portal, now=start + backoff(1) + backoff(2))
    assert third.sync_status == "synced" and third.attempts == 0 and third.last_error is None
    assert third.registrar_state == "findable" == datacite.state(doi)
    assert third.synced_revision == third.revision


def test_a_refusal_fails_until_retried(portal: Portal, datacite: FakeDataCite) -> None:
    datacite.refuse_url = "data.example.org"
    doi = doi_of(portal, create(portal, visibility="public"))
    [failed] = sync_due(portal)
    assert failed.sync_status == "failed"
    assert failed.last_error == ("DataCite answered 422: url: URL is not allowed by repository "
                                 "domain settings.")
    assert sync_due(portal) == []  # not retried by itself
    datacite.refuse_url = None
    assert retry_doi(portal, OPERATOR, doi.upper()).sync_status == "pending"
    [sent] = sync_due(portal)
    assert sent.sync_status == "synced" and datacite.state(doi) == "findable"


def test_two_senders_never_send_one_revision_twice(portal: Portal,
                                                   datacite: FakeDataCite) -> None:
    create(portal, visibility="public")
    datacite.delay = 0.5
    syncers = [DoiSyncer(portal, poll=0.1).start() for _ in range(2)]
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        while any(s.sync_status != "synced" for s in list_dois(portal, OPERATOR)):
            assert datetime.now(UTC) < deadline, list_dois(portal, OPERATOR)
            syncers[0].stop_event.wait(0.1)
    finally:
        for syncer in syncers:
            syncer.stop()
    assert [r.method for r in datacite.received] == ["POST"]


def test_no_dois_without_a_provider(tmp_path: Path) -> None:
    portal = Portal.open(load_settings(data_dir=tmp_path / "site"))
    try:
        dataset_id = create(portal, visibility="public")
        assert sync_due(portal) == []
        with portal.session() as session:
            assert session.scalars(select(Doi)).all() == []
            assert session.get(Dataset, dataset_id).doi is None  # type: ignore[union-attr]
    finally:
        portal.close()


def test_the_server_sends_dois_in_the_background(tmp_path: Path, datacite: FakeDataCite) -> None:
    settings = minting_settings(tmp_path / "site", datacite.url, rate_limit_per_minute=0,
                                download_workers=0)
    portal = Portal.open(settings)
    try:
        dataset_id = create(portal, visibility="public")  # decided while no server runs
        doi = doi_of(portal, dataset_id)
        assert doi not in datacite.dois
        with LiveServer(settings):
            deadline = time.monotonic() + 30
            while doi not in datacite.dois:
                assert time.monotonic() < deadline, "the server sent nothing"
                time.sleep(0.1)
        assert datacite.state(doi) == "findable"
    finally:
        portal.close()


def test_invalid_metadata_of_any_kind_fails_without_being_sent(
        portal: Portal, datacite: FakeDataCite) -> None:
    doi = f"{PREFIX}/qqqq-0001"
    attributes = datacite_attributes(title="Records of Carabus", creators=[],
                                     publisher="Holotype", publication_year=2026)
    with portal.write_session() as session:
        record_doi(session, doi=doi, kind=DoiKind.QUERY, url=f"{BASE_URL}/doi/{doi}",
                   state=DoiState.FINDABLE, metadata=attributes)
    [failed] = sync_due(portal)
    assert failed.kind == "query" and failed.sync_status == "failed"
    assert failed.last_error is not None
    assert "creators: [] should be non-empty" in failed.last_error
    assert datacite.received == []


def test_a_change_decided_while_sending_is_sent_next(portal: Portal,
                                                     datacite: FakeDataCite) -> None:
    dataset_id = create(portal, visibility="public")
    doi = doi_of(portal, dataset_id)
    datacite.delay = 1.0
    sender = threading.Thread(target=sync_due, args=(portal,))
    sender.start()
    while not datacite.received:  # the first revision is on its way
        time.sleep(0.02)
    update(portal, dataset_id, title="Renamed while sending")
    sender.join()
    status = doi_status(portal, doi)
    assert (status.synced_revision, status.revision, status.sync_status) == (1, 2, "pending")
    datacite.delay = 0.0
    [sent] = sync_due(portal)
    assert (sent.synced_revision, sent.sync_status) == (2, "synced")
    assert datacite.attributes(doi)["titles"] == [{"title": "Renamed while sending"}]
