"""Query citations pin a search to the versions it read, and re-run to exactly those records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from holotype.catalog.citations import Doi
from holotype.errors import Invalid, NotFound
from holotype.search import SearchRequest
from holotype.services import catalogue
from holotype.services.citations.dois import parse_doi
from holotype.services.citations.landing import query_landing, resolve
from holotype.services.citations.query_citations import cite, find
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest
from holotype.services.search import open_search
from tests.fixtures.citations_site import DOIS, csv, make


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = make(tmp_path)
    yield opened
    opened.close()


def ids(portal: Portal, query: dict[str, object], resource_ids: list[str], version: int) -> list:
    search = open_search(portal, ANONYMOUS, query, resource_ids, version)
    return [r["data"]["_id"] for r in search.page(SearchRequest(size=100)).records]


def test_a_citation_pins_counts_creators_and_licences(portal: Portal) -> None:
    done = cite(portal, ANONYMOUS, {"search": "quercus"}, None, None)
    c = done.citation
    assert done.created and c.doi is None  # no DOI provider: citable by its URL
    assert c.total == 3
    assert {(r.dataset, r.count) for r in c.resources} == {("oaks", 2), ("elms", 1)}
    assert [p.name for p in c.creators] == ["Ali Khan", "Jane Smith"] or \
        [p.name for p in c.creators] == ["Jane Smith", "Ali Khan"]
    assert len(c.creators) == 2  # Ali Khan once
    assert [lic.id for lic in c.licences] == ["CC-BY-4.0", "CC0-1.0"]
    assert c.path == f"/citation/{c.id}"
    again = cite(portal, ANONYMOUS, {"search": "quercus"}, ["elms/trees", "oaks/trees"], None)
    assert not again.created and again.citation.id == c.id


def test_a_new_version_makes_a_new_citation_and_the_old_one_reruns(
    portal: Portal, tmp_path: Path
) -> None:
    old = cite(portal, ANONYMOUS, {"search": "quercus"}, None, None).citation
    ingest(portal, OPERATOR, "oaks/trees", csv(tmp_path / "o2.csv", [
        "o1,Quercus robur,Kenya", "o4,Quercus ilex,Spain"]), mode="replace")
    new = cite(portal, ANONYMOUS, {"search": "quercus"}, None, None).citation
    assert new.id != old.id and new.total == 3
    resources = [r.id for r in old.resources]
    assert sorted(ids(portal, old.query, resources, old.moment)) == ["e2", "o1", "o2"]
    assert sorted(ids(portal, new.query, resources, new.moment)) == ["e2", "o1", "o4"]


def test_private_data_is_neither_cited_nor_shown(portal: Portal) -> None:
    with pytest.raises(Invalid) as caught:
        cite(portal, OPERATOR, {"search": "quercus"}, ["secret/trees"], None)
    assert caught.value.field == "resource_ids" and "public" in caught.value.message
    with pytest.raises(NotFound):  # anonymous: the resource does not exist
        cite(portal, ANONYMOUS, {}, ["secret/trees"], None)
    c = cite(portal, ANONYMOUS, {"search": "quercus"}, None, None).citation
    assert "secret" not in {r.dataset for r in c.resources}
    with portal.write_session() as session:
        catalogue.update_dataset(session, "elms", visibility="private")
    landing = query_landing(portal, ANONYMOUS, c.id)
    assert not landing.complete
    assert {r.pinned.dataset: r.available for r in landing.resources} == {
        "oaks": True, "elms": False}


def test_bad_input_names_the_place(portal: Portal) -> None:
    with pytest.raises(Invalid) as caught:
        cite(portal, ANONYMOUS, {"filters": {"and": [{"nope": {}}]}}, None, None)
    assert caught.value.field == "query" and "filters" in caught.value.message
    with pytest.raises(NotFound) as missing:
        find(portal, "no-such-citation")
    assert missing.value.field == "doi"
    for bad in ("10.x/y", "11.1/abc", "10.1234/", "hello", "10.1234/a b", "10.1234/a\x00b",
                "doi:"):
        with pytest.raises(Invalid) as malformed:
            parse_doi(bad)
        assert malformed.value.field == "doi" and "10.1234/abcd-5678" in malformed.value.message
    assert parse_doi("https://doi.org/10.5072/AB-cd") == "10.5072/ab-cd"
    for odd in ("ab\x00cd", "", "x" * 500):
        with pytest.raises(NotFound):
            find(portal, odd)
    with pytest.raises(NotFound):
        resolve(portal, ANONYMOUS, "10.1234/none-such")


def test_with_dois_a_citation_gets_one_and_its_outbox_entry(tmp_path: Path) -> None:
    portal = make(tmp_path, **DOIS)
    try:
        c = cite(portal, ANONYMOUS, {"search": "quercus"}, None, None).citation
        assert c.doi is not None and c.doi.startswith("10.5072/")
        assert c.path == f"/doi/{c.doi}"
        with portal.session() as session:
            row = session.scalars(select(Doi).where(Doi.doi == c.doi)).one()
            assert (row.kind, row.state, row.sync_status) == ("query", "findable", "pending")
            assert row.url == f"https://data.example.org/doi/{c.doi}"
            meta = json.loads(row.metadata_json)
        assert meta["types"]["resourceTypeGeneral"] == "Dataset"
        assert "3 records from 2 datasets" in meta["titles"][0]["title"]
        assert isinstance(resolve(portal, ANONYMOUS, c.doi.upper()).citation.id, str)  # type: ignore[union-attr]
    finally:
        portal.close()
