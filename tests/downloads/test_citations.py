"""Every download of public data is cited, and a citation (DOI or id) downloads exactly its
records again, whatever was ingested since."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from holotype.errors import NotFound
from holotype.services import catalogue, downloads
from holotype.services.citations.query_citations import find
from holotype.services.context import Portal
from holotype.services.downloads import parse_request
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest
from tests.downloads.conftest import (
    MEDIA,
    PRIVATE,
    Site,
    copy_site,
    drain,
    finished_zip,
    manifest_of,
    queue,
)
from tests.downloads.helpers import without_empty

QUERY = {"search": "kenya"}


def rows(portal: Portal, download_id: str) -> list[dict[str, str]]:
    archive = finished_zip(portal, download_id)
    name = next(n for n in archive.namelist() if n.endswith(".csv"))
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_a_download_is_cited_and_its_citation_downloads_the_same_records(
    portal: Portal, tmp_path: Path
) -> None:
    first = queue(portal, "csv", QUERY, resource_ids=[MEDIA])
    drain(portal)
    cited = downloads.status(portal, ANONYMOUS, first)["citation"]
    assert cited and cited["path"] == f"/citation/{cited['id']}" and cited["doi"] is None
    manifest = manifest_of(finished_zip(portal, first))
    assert manifest["citation_url"].endswith(cited["path"])
    assert manifest["citation"].endswith(manifest["citation_url"])
    before = rows(portal, first)
    assert before
    # Change the data: the citation still downloads what it cited.
    changed = tmp_path / "changed.csv"
    changed.write_text("occurrenceID,country\nnew-1,Kenya\n", encoding="utf-8")
    ingest(portal, OPERATOR, MEDIA, changed, mode="update")
    same = queue(portal, "csv", None, slug_or_doi=cited["id"])
    assert same == first  # the same records in the same file: the same download
    # Other file options make a new file, from the pinned versions.
    again = queue(portal, "csv", None, slug_or_doi=cited["id"],
                  file={"ignore_empty_fields": False})
    assert again != first
    drain(portal)
    assert [without_empty(r) for r in rows(portal, again)] == [
        without_empty(r) for r in before]
    assert downloads.status(portal, ANONYMOUS, again)["citation"]["id"] == cited["id"]
    # The latest data is another record set, so another citation.
    latest = queue(portal, "csv", QUERY, resource_ids=[MEDIA])
    assert downloads.status(portal, ANONYMOUS, latest)["citation"]["id"] != cited["id"]


def test_private_data_is_downloaded_uncited(portal: Portal) -> None:
    request = parse_request({"query": {}, "resource_ids": [PRIVATE]}, {"format": "csv"}, None)
    job = downloads.queue_download(portal, OPERATOR, request).id
    assert downloads.status(portal, OPERATOR, job)["citation"] is None


def test_an_unknown_citation_is_not_found_at_its_field(portal: Portal) -> None:
    for ref in ("10.5072/none-such", "0" * 32):
        request = parse_request({"slug_or_doi": ref}, {"format": "csv"}, None)
        with pytest.raises(NotFound) as caught:
            downloads.queue_download(portal, ANONYMOUS, request)
        assert caught.value.field == "query.slug_or_doi"


def test_with_dois_the_download_names_its_doi(base_site: Site, tmp_path: Path) -> None:
    site = copy_site(base_site, tmp_path / "site", doi_provider="datacite",
                     datacite_prefix="10.5072", datacite_username="TEST.HOLOTYPE",
                     datacite_password="secret", public_base_url="https://data.example.org")
    portal = site.portal()
    try:
        job = queue(portal, "csv", QUERY)
        drain(portal)
        cited = downloads.status(portal, ANONYMOUS, job)["citation"]
        assert cited["doi"].startswith("10.5072/")
        manifest = manifest_of(finished_zip(portal, job))
        assert manifest["doi"] == cited["doi"]
        assert manifest["citation_url"] == f"https://doi.org/{cited['doi']}"
        assert find(portal, cited["doi"]).id == cited["id"]
        by_doi = queue(portal, "csv", None, slug_or_doi=f"doi:{cited['doi'].upper()}")
        assert by_doi == job  # the same records and file options: the same download
    finally:
        portal.close()


def test_a_citation_downloads_what_of_it_is_still_public(portal: Portal) -> None:
    cited = downloads.status(portal, ANONYMOUS, queue(portal, "csv", QUERY))["citation"]
    with portal.write_session() as session:
        catalogue.update_dataset(session, "media-survey", visibility="private")
    job = queue(portal, "csv", None, slug_or_doi=cited["id"])
    pinned = {r["id"] for r in downloads.status(portal, ANONYMOUS, job)["resources"]}
    assert pinned
    media = {r.id for r in find(portal, cited["id"]).resources if r.dataset == "media-survey"}
    assert media and not pinned & media
