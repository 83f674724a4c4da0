"""A query DOI goes through the outbox to the fake registrar: findable, with valid metadata
that names the datasets it was derived from, and its landing page as its URL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from holotype.errors import Invalid, NotFound
from holotype.services import catalogue
from holotype.services.citations.dataset_dois import reconcile_dataset_dois
from holotype.services.citations.doi_sync import sync_due
from holotype.services.citations.items import query_item
from holotype.services.citations.landing import query_landing
from holotype.services.citations.query_citations import cite, find
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest
from tests.dois.conftest import BASE_URL
from tests.fixtures.datacite import FakeDataCite


def test_a_query_doi_is_registered_findable(
    portal: Portal, datacite: FakeDataCite, tmp_path: Path
) -> None:
    with portal.write_session() as session:
        dataset = catalogue.create_dataset(session, slug="moths", title="Moths", licence="CC0-1.0",
                                           creators=[{"name": "Grace Hopper"}])
        catalogue.create_resource(session, "moths", slug="records", name="Records")
    reconcile_dataset_dois(portal, [dataset.id])
    source = tmp_path / "moths.csv"
    source.write_text("catalogNumber,scientificName\nM1,Tyria jacobaeae\nM2,Zygaena filipendulae\n")
    ingest(portal, OPERATOR, "moths/records", source)
    c = cite(portal, ANONYMOUS, {"search": "tyria"}, None, None).citation
    assert c.doi is not None
    # Cited by its landing page until DataCite holds the DOI, then by the DOI.
    waiting = query_landing(portal, ANONYMOUS, c.id)
    assert not waiting.doi_resolves
    assert "DOI" not in query_item(c, "Portal", BASE_URL, date(2026, 12, 5), False)
    sync_due(portal)
    assert datacite.state(c.doi) == "findable"
    assert query_landing(portal, ANONYMOUS, c.id).doi_resolves
    sent = datacite.attributes(c.doi)
    assert sent["url"] == f"{BASE_URL}/doi/{c.doi}"
    assert sent["types"] == {"resourceTypeGeneral": "Dataset", "resourceType": "Query"}
    assert [x["name"] for x in sent["creators"]] == ["Grace Hopper"]
    with portal.session() as session:
        dataset_doi = catalogue.get_dataset(session, "moths").doi
    assert dataset_doi and {"relatedIdentifier": dataset_doi, "relatedIdentifierType": "DOI",
                            "relationType": "IsDerivedFrom"} in sent["relatedIdentifiers"]
    assert sent["sizes"] == ["1 record"]


def test_odd_references_never_reach_the_database(portal: Portal) -> None:
    """NUL and other control characters name no citation, on PostgreSQL too (which refuses
    NUL in text): NotFound for an id, Invalid for a DOI, never a database error."""
    for ref in ("ab\x00cd", "0" * 31 + "\x00"):
        with pytest.raises(NotFound):
            find(portal, ref)
    with pytest.raises(Invalid):
        find(portal, "10.5072/ab\x00cd")
