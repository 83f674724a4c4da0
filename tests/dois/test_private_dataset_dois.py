"""A dataset made private keeps its DOI saying only what it said publicly: nothing of the
dataset as it is now reaches DataCite (where a registered DOI's metadata can be read by anyone)
or the portal's page for the DOI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from holotype.catalog.citations import DoiKind, DoiState
from holotype.errors import NotFound
from holotype.services.citations.dataset_dois import reconcile_dataset_dois
from holotype.services.citations.doi_sync import doi_status, sync_due
from holotype.services.citations.dois import record_doi
from holotype.services.citations.landing import DatasetTarget, resolve
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest
from holotype.web.pages.citations import tombstone_data
from tests.dois.conftest import BASE_URL
from tests.dois.test_dataset_dois import create, doi_of, update, write_csv
from tests.fixtures.datacite import PREFIX, FakeDataCite

SECRET = ("Secret", "Unpublished", "Grace Hopper", "7 records")


def test_a_private_datasets_doi_keeps_what_it_last_said_publicly(
        portal: Portal, datacite: FakeDataCite, tmp_path: Path) -> None:
    dataset_id = create(portal, visibility="public")
    doi = doi_of(portal, dataset_id)
    sync_due(portal)
    public = {k: v for k, v in datacite.attributes(doi).items() if k not in ("state", "url")}
    assert datacite.state(doi) == "findable"

    update(portal, dataset_id, visibility="private")
    update(portal, dataset_id, title="Secret beetles", description="Unpublished finds.",
           creators=[{"name": "Grace Hopper"}])
    ingest(portal, OPERATOR, "beetles/records", write_csv(tmp_path / "a.csv", 7))
    assert reconcile_dataset_dois(portal) == 0  # nothing new to say while private
    sync_due(portal)
    held = datacite.attributes(doi)
    assert datacite.state(doi) == "registered"
    assert held["url"] == f"{BASE_URL}/doi/{doi}"  # the portal's page: not available
    assert {k: v for k, v in held.items() if k not in ("state", "url")} == public
    sent = json.dumps([r.body for r in datacite.received])
    assert not [word for word in SECRET if word in sent]

    target = resolve(portal, ANONYMOUS, doi)
    assert isinstance(target, DatasetTarget) and target.slug is None
    page = tombstone_data(target, BASE_URL)
    assert page["title"] == "Beetles of the Thames"
    assert page["creators"] == ["Ada Lovelace"]
    assert not [word for word in SECRET if word in json.dumps(page)]
    assert resolve(portal, OPERATOR, doi).slug == "beetles"  # type: ignore[union-attr]

    update(portal, dataset_id, visibility="public")  # public again: the dataset as it is now
    sync_due(portal)
    held = datacite.attributes(doi)
    assert datacite.state(doi) == "findable"
    assert held["url"] == f"{BASE_URL}/dataset/beetles"
    assert held["titles"] == [{"title": "Secret beetles"}]
    assert held["sizes"] == ["7 records"]


def test_a_doi_the_registrar_never_published_stays_a_draft(
        portal: Portal, datacite: FakeDataCite) -> None:
    dataset_id = create(portal)  # private: a draft
    doi = doi_of(portal, dataset_id)
    sync_due(portal)
    update(portal, dataset_id, visibility="public")  # decided findable, never sent
    update(portal, dataset_id, visibility="private")
    update(portal, dataset_id, title="Secret beetles")
    [status] = sync_due(portal)
    assert (status.state, status.registrar_state, status.sync_status) == (
        "draft", "draft", "synced")
    assert datacite.state(doi) == "draft"
    assert datacite.attributes(doi)["titles"] == [{"title": "Beetles of the Thames"}]
    with pytest.raises(NotFound):
        resolve(portal, ANONYMOUS, doi)  # it never resolved: unknown
    assert doi_status(portal, doi).url == f"{BASE_URL}/doi/{doi}"


def test_the_portal_never_shows_a_decision_about_a_dataset_not_public_now(
        portal: Portal) -> None:
    dataset_id = create(portal, "moths", visibility="private")
    doi = f"{PREFIX}/moth-0001"
    with portal.write_session() as session:  # decided, but not (yet) frozen by a reconcile
        record_doi(session, doi=doi, kind=DoiKind.DATASET, url=f"{BASE_URL}/dataset/moths",
                   state=DoiState.REGISTERED, dataset_id=dataset_id,
                   metadata={"titles": [{"title": "Secret moths"}]})
    target = resolve(portal, ANONYMOUS, doi)
    assert target == DatasetTarget(doi, None, {})
    assert tombstone_data(target, BASE_URL)["title"] == ""  # the page shows the DOI only
