"""Ingesting Darwin Core Archives through the service: the id rule kept on every re-ingest, a
failed ``create`` leaving nothing behind, and the reader's warnings kept with the version (shown
by the API and the dataset page)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from holotype.config import Settings, load_settings
from holotype.errors import NotFound
from holotype.ingest.errors import IngestError
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest, versions
from holotype.web.app import create_app

DWC = "http://rs.tdwg.org/dwc/terms/"
META = f"""<archive xmlns="http://rs.tdwg.org/dwc/text/">
<core fieldsTerminatedBy="\\t" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="{DWC}Occurrence">
  <files><location>occurrence.txt</location></files>
  <id index="0"/>
  <field index="1" term="{DWC}occurrenceID"/>
  <field index="2" term="{DWC}scientificName"/>
</core>
<extension rowType="http://rs.gbif.org/terms/1.0/Multimedia">
  <files><location>multimedia.txt</location></files>
  <coreid index="0"/>
  <field index="1" term="http://purl.org/dc/terms/identifier"/>
</extension>
</archive>"""


def archive(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """An archive whose occurrenceID is sometimes empty, with a Multimedia extension whose file
    is missing (as publishers' hand-edited exports sometimes are)."""
    lines = ["catalogue\toccurrenceID\tscientificName", *("\t".join(row) for row in rows)]
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("meta.xml", META)
        zipped.writestr("occurrence.txt", "\n".join(lines) + "\n")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "site", rate_limit_per_minute=0)


@pytest.fixture
def portal(settings: Settings) -> Iterator[Portal]:
    opened = Portal.open(settings)
    with opened.write_session() as session:
        catalogue.create_dataset(session, slug="museum", title="Museum", licence="CC-BY-4.0")
    yield opened
    opened.close()


def test_weekly_republication_follows_the_archive_id_column(
    portal: Portal, tmp_path: Path
) -> None:
    first = archive(tmp_path / "week1.zip", [("BM1", "o1", "Parus major"), ("BM2", "", "Apis")])
    outcome = ingest(portal, OPERATOR, "museum/specimens", first, create=True)
    assert outcome.created and outcome.result.added == 2
    assert outcome.resource.id_field == "id"
    second = archive(tmp_path / "week2.zip", [("BM1", "", "Parus major"), ("BM2", "o2", "Apis"),
                                              ("BM3", "", "Bombus")])
    again = ingest(portal, OPERATOR, "museum/specimens", second, create=True)
    assert not again.created
    assert (again.result.added, again.result.changed, again.result.removed) == (1, 2, 0)


def test_a_refused_file_leaves_no_resource_behind(portal: Portal, tmp_path: Path) -> None:
    bad = archive(tmp_path / "bad.zip", [("BM1", "o1", "A"), ("", "o2", "B")])
    with pytest.raises(IngestError, match=r"empty in 1 of 2 records \(row 3\)"):
        ingest(portal, OPERATOR, "museum/new", bad, create=True)
    with portal.session() as session, pytest.raises(NotFound):
        catalogue.get_resource(session, "museum/new")
    leftovers = list(portal.store.root.iterdir()) if portal.store.root.exists() else []
    assert leftovers == []


def test_warnings_are_kept_with_the_version_and_shown(
    portal: Portal, settings: Settings, tmp_path: Path
) -> None:
    path = archive(tmp_path / "export.zip", [("BM1", "o1", "Parus major")])
    ingest(portal, OPERATOR, "museum/specimens", path, create=True)
    _resource, found = versions(portal, OPERATOR, "museum/specimens")
    assert len(found) == 1
    (warning,) = found[0].warnings
    assert "'multimedia.txt' is not in the archive" in warning and "skipped" in warning
    with TestClient(create_app(settings)) as client:
        api = client.get("/api/3/action/vds_version_resource",
                         params={"resource_id": "museum/specimens"}).json()["result"]
        assert api[0]["warnings"] == [warning]
        twin = client.get("/dataset/museum.json").json()
        assert twin["resources"][0]["versions"][0]["warnings"] == [warning]
        page = client.get("/dataset/museum").text
        assert "multimedia.txt" in page and "Notes from reading the file" in page
