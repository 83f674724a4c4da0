"""A dataset's citation carries its DOI only once the DOI resolves: one of this portal's when
DataCite holds it findable or registered, one given by hand always."""

from __future__ import annotations

from datetime import date

from holotype.services.citations.doi_sync import sync_due
from holotype.services.citations.items import dataset_item
from holotype.services.context import Portal
from holotype.services.dataset_view import dataset_page
from holotype.services.identity import ANONYMOUS, OPERATOR
from tests.dois.conftest import BASE_URL
from tests.dois.test_dataset_dois import create, doi_of, update
from tests.fixtures.datacite import FakeDataCite


def cited_doi(portal: Portal, slug: str) -> object:
    page = dataset_page(portal, OPERATOR, slug)
    return dataset_item(page, BASE_URL, date(2026, 12, 6)).get("DOI")


def test_a_dataset_is_cited_with_its_doi_only_once_it_resolves(
        portal: Portal, datacite: FakeDataCite) -> None:
    dataset_id = create(portal)  # private: its DOI reserved, a draft
    doi = doi_of(portal, dataset_id)
    assert cited_doi(portal, "beetles") is None  # decided, not sent
    sync_due(portal)
    assert datacite.state(doi) == "draft" and cited_doi(portal, "beetles") is None

    datacite.refuse_url = "data.example.org"
    update(portal, dataset_id, visibility="public")
    [failed] = sync_due(portal)
    assert failed.sync_status == "failed" and cited_doi(portal, "beetles") is None

    datacite.refuse_url = None
    update(portal, dataset_id, title="Beetles of the Thames estuary")  # a new revision
    sync_due(portal)
    assert datacite.state(doi) == "findable"
    assert cited_doi(portal, "beetles") == doi
    assert dataset_page(portal, ANONYMOUS, "beetles").doi_held == "findable"


def test_a_doi_given_by_hand_is_always_cited(portal: Portal) -> None:
    create(portal, "theirs", visibility="public", doi="10.1234/elsewhere")
    assert cited_doi(portal, "theirs") == "10.1234/elsewhere"
    page = dataset_page(portal, ANONYMOUS, "theirs")
    assert (page.doi_held, page.doi_resolves) == (None, True)
