"""Sites for the download tests: the demo datasets (3,000 records), a dataset with images and
hostile values in two versions, and a private dataset. Built once per session, then copied for
each test that changes it (downloads write to the catalogue and the download directory)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from lxml import etree
from sqlalchemy import func, select

from holotype.catalog.downloads import DownloadJob
from holotype.config import Settings, load_settings
from holotype.services import catalogue, downloads
from holotype.services.context import Portal
from holotype.services.downloads import make_worker, parse_request
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest
from tests.fixtures.mail import Inbox, mail_server
from tests.fixtures.site import AREAS, make_site

SHARED = Path(__file__).resolve().parents[3] / "shared"
MEDIA_FIRST = [
    {"occurrenceID": "m-1", "scientificName": "Quercus robur", "country": "Kenya",
     "locality": '=HYPERLINK("http://evil.example/","click")', "decimalLatitude": "-12.5",
     "decimalLongitude": "36.8", "fieldNotes": "tab\there, \"quoted\"\nnew line",
     "associatedMedia": "https://img.example.org/m-1a.jpg | https://img.example.org/m-1b.jpg",
     "recordedBy": "+cmd|' /C calc'!A0"},
    {"occurrenceID": "m-2", "scientificName": "Fagus sylvatica", "country": "Åland",
     "locality": "@SUM(1+1)*cmd", "decimalLatitude": "60.1", "decimalLongitude": "19.9",
     "fieldNotes": "", "associatedMedia": "", "recordedBy": "-2+3"},
    {"occurrenceID": "m-3", "scientificName": "Betula pendula", "country": "Kenya",
     "locality": "Old forest", "decimalLatitude": "", "decimalLongitude": "",
     "fieldNotes": "plain", "associatedMedia": "https://img.example.org/m-3.png",
     "recordedBy": "A. Collector"},
]
MEDIA_SECOND = [
    {**MEDIA_FIRST[0], "scientificName": "Quercus petraea"},
    MEDIA_FIRST[1],
    {"occurrenceID": "m-4", "scientificName": "Alnus glutinosa", "country": "Kenya",
     "locality": "River bank", "decimalLatitude": "1.5", "decimalLongitude": "37",
     "fieldNotes": "", "associatedMedia": "", "recordedBy": ""},
]
META_XSD = SHARED / "spec" / "darwin-core" / "tdwg_dwc_text.xsd"
# eml.xsd is the GBIF profile's entry point: it declares <eml:eml> and imports
# eml-gbif-profile.xsd, which declares the rest.
EML_XSD = SHARED / "spec" / "eml-gbif-profile" / "eml.xsd"
MEDIA = "media-survey/records"
PRIVATE = "secret-survey/records"


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class Site:
    settings: Settings
    media_id: str
    media_first: int  # version of the first upload
    private_id: str

    def portal(self) -> Portal:
        return Portal.open(self.settings)


def _build(directory: Path) -> Site:
    settings = make_site(directory, smtp_host=None, download_workers=0,
                         rate_limit_per_minute=0)
    portal = Portal.open(settings)
    try:
        with portal.session() as session:
            catalogue.create_dataset(
                session, slug="media-survey", title="Media survey <2024>", licence="CC-BY-4.0",
                description="Records with images & hostile values.", organisation="demo-museum",
                creators=[{"name": "Ada Lovelace"}], keywords=["images"],
            )
            media = catalogue.create_resource(session, "media-survey", slug="records",
                                              name="Records", id_field="occurrenceID")
            catalogue.create_dataset(session, slug="secret-survey", title="Secret",
                                     licence="CC0-1.0", visibility="private")
            private = catalogue.create_resource(session, "secret-survey", slug="records",
                                                name="Records", id_field="occurrenceID")
        first = directory / "media-1.csv"
        first.write_text(_csv(MEDIA_FIRST), encoding="utf-8")
        version = ingest(portal, OPERATOR, MEDIA, first, mode="replace").result.version
        second = directory / "media-2.csv"
        second.write_text(_csv(MEDIA_SECOND), encoding="utf-8")
        ingest(portal, OPERATOR, MEDIA, second, mode="replace")
        ingest(portal, OPERATOR, PRIVATE, first, mode="replace")
    finally:
        portal.close()
    assert version is not None
    return Site(settings, media.id, version, private.id)


@pytest.fixture(scope="session")
def meta_schema() -> xmlschema.XMLSchema:
    # The schema imports the Darwin Core terms and xml.xsd from the web, which meta.xml does
    # not use: stay offline (allow="local": no remote files) and ignore those imports.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", xmlschema.XMLSchemaImportWarning)
        return xmlschema.XMLSchema(str(META_XSD), allow="local")


@pytest.fixture(scope="session")
def eml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(EML_XSD)))


@pytest.fixture(scope="session")
def base_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return _build(tmp_path_factory.mktemp("download-site"))


def copy_site(base: Site, directory: Path, **overrides: Any) -> Site:
    shutil.copytree(base.settings.data_dir, directory, dirs_exist_ok=True)
    values: dict[str, Any] = {"download_workers": 0, "rate_limit_per_minute": 0, **overrides}
    settings = load_settings(data_dir=directory, geo_areas_dir=AREAS, **values)
    return Site(settings, base.media_id, base.media_first, base.private_id)


@pytest.fixture
def site(base_site: Site, tmp_path: Path) -> Site:
    """A private copy of the download site, for a test that queues downloads."""
    return copy_site(base_site, tmp_path / "site")


@pytest.fixture
def portal(site: Site) -> Iterator[Portal]:
    opened = site.portal()
    try:
        yield opened
    finally:
        opened.close()


def queue(portal: Portal, fmt: str = "csv", query: dict[str, Any] | None = None,
          **extra: Any) -> str:
    file = {"format": fmt, **extra.pop("file", {})}
    request = parse_request({"query": query or {}, **extra}, file, extra.pop("notifier", None))
    return downloads.queue_download(portal, ANONYMOUS, request).id


def count_jobs(site: Site) -> int:
    """Download jobs in the site's catalogue (read through a portal of its own)."""
    portal = site.portal()
    try:
        with portal.session() as session:
            return int(session.scalar(select(func.count()).select_from(DownloadJob)) or 0)
    finally:
        portal.close()


def drain(portal: Portal) -> None:
    """Run queued downloads in this thread until none is left."""
    worker = make_worker(portal)
    while worker.run_once():
        pass


def finished_zip(portal: Portal, download_id: str) -> zipfile.ZipFile:
    found = downloads.status(portal, ANONYMOUS, download_id)
    assert found["status"] == "complete", found
    return zipfile.ZipFile(downloads.file_path(portal, download_id, found["file_name"]))


def manifest_of(archive: zipfile.ZipFile) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(archive.read("manifest.json"))
    return data


Download = Callable[..., zipfile.ZipFile]


@pytest.fixture
def download(portal: Portal) -> Download:
    """Queue a download, run it, return its zip."""

    def run(fmt: str = "csv", query: dict[str, Any] | None = None, **extra: Any) -> Any:
        download_id = queue(portal, fmt, query, **extra)
        drain(portal)
        return finished_zip(portal, download_id)

    return run


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a loopback port, and the inbox it delivers to."""
    with mail_server() as found:
        yield found
