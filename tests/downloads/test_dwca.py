"""Darwin Core Archives: meta.xml and eml.xml valid against their schemas, readable by
python-dwca-reader, with the GBIF Multimedia extension where records have images."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xmlschema
from dwca.read import DwCAReader
from lxml import etree

from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.downloads.conftest import MEDIA, Download, drain, finished_zip, queue
from tests.downloads.helpers import searched

DWC = "http://rs.tdwg.org/dwc/terms/"
DC = "http://purl.org/dc/terms/"


def _save(archive: zipfile.ZipFile, tmp_path: Path) -> Path:
    path = tmp_path / "archive.zip"
    assert archive.filename is not None
    path.write_bytes(Path(archive.filename).read_bytes())
    return path


def test_archive_with_images_is_valid_and_readable(
    download: Download, portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
    eml_schema: etree.XMLSchema,
) -> None:
    archive = download("dwca", {}, resource_ids=[MEDIA])
    names = set(archive.namelist())
    assert {"meta.xml", "eml.xml", "occurrence.txt", "multimedia.txt", "manifest.json"} <= names
    meta_schema.validate(archive.read("meta.xml").decode())
    eml = etree.fromstring(archive.read("eml.xml"))
    assert eml_schema.validate(eml), eml_schema.error_log
    assert eml.find("dataset/title").text == "Media survey <2024>"
    expected = searched(portal, {}, [MEDIA])
    with DwCAReader(str(_save(archive, tmp_path))) as reader:
        assert reader.descriptor.core.type == DWC + "Occurrence"
        rows = list(reader)
        assert {row.id for row in rows} == {rid for _res, rid in expected}
        for row in rows:
            data = expected[(next(iter(expected))[0], row.id)]
            assert row.data[DWC + "scientificName"] == data["scientificName"]
            assert row.data[DWC + "occurrenceID"] == row.id
        by_id = {row.id: row for row in rows}
        notes = by_id["m-1"].data[DWC + "fieldNotes"]
        assert notes == 'tab here, "quoted" new line'  # tabs and line breaks made spaces
        media = by_id["m-1"].extensions
        assert [m.data[DC + "identifier"] for m in media] == [
            "https://img.example.org/m-1a.jpg", "https://img.example.org/m-1b.jpg"]
        assert all(m.data[DC + "type"] == "StillImage" for m in media)
        assert by_id["m-2"].extensions == []


def test_archive_of_several_resources(
    download: Download, portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
    eml_schema: etree.XMLSchema,
) -> None:
    query = {"search": "forest"}
    archive = download("dwca", query)
    meta_schema.validate(archive.read("meta.xml").decode())
    assert eml_schema.validate(etree.fromstring(archive.read("eml.xml"))), eml_schema.error_log
    expected = searched(portal, query)
    with DwCAReader(str(_save(archive, tmp_path))) as reader:
        rows = list(reader)
        links = [m.data[DC + "identifier"] for row in rows for m in row.extensions]
    ids = [row.id for row in rows]
    first = rows[0]
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == {f"{res}:{rid}" for res, rid in expected}
    # A field that is not a Darwin Core term gets a term in the portal's own namespace.
    assert "http://127.0.0.1:8000/terms/department" in first.data
    # The demo's image links are relative to the portal: the archive makes them absolute.
    assert links and all(link.startswith("http://127.0.0.1:8000/media/demo/") for link in links)


def test_no_multimedia_extension_without_images(download: Download,
                                                meta_schema: xmlschema.XMLSchema) -> None:
    query = {"filters": {"and": [{"string_equals": {"fields": ["occurrenceID"],
                                                    "value": "m-2"}}]}}
    archive = download("dwca", query, resource_ids=[MEDIA])
    assert "multimedia.txt" not in archive.namelist()
    meta = archive.read("meta.xml").decode()
    meta_schema.validate(meta)
    assert "Multimedia" not in meta and "associatedMedia" not in meta


def test_the_schemas_do_reject_a_broken_archive(
    meta_schema: xmlschema.XMLSchema, eml_schema: etree.XMLSchema
) -> None:
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        meta_schema.validate('<archive xmlns="http://rs.tdwg.org/dwc/text/"><core/></archive>')
    broken = etree.fromstring(
        b'<eml:eml xmlns:eml="https://eml.ecoinformatics.org/eml-2.2.0" packageId="x" '
        b'system="x" scope="system"><dataset><title>t</title></dataset></eml:eml>')
    assert not eml_schema.validate(broken)


def test_eml_stays_valid_with_control_characters_in_what_users_typed(
    portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
    eml_schema: etree.XMLSchema,
) -> None:
    with portal.session() as session:
        catalogue.create_dataset(
            session, slug="odd", title="Odd title & <tags> \"quoted\"", licence="CC0-1.0",
            description="Bell\x07 and form\x0cfeed ]]> \ufffe end", keywords=["k&w"],
            creators=[{"name": "Ada & <Bob>"}])
        catalogue.create_resource(session, "odd", slug="records", name="Records",
                                  id_field="occurrenceID")
    upload = tmp_path / "odd.csv"
    upload.write_text("occurrenceID,scientificName\no-1,Quercus robur\n", encoding="utf-8")
    ingest(portal, OPERATOR, "odd/records", upload, mode="replace")
    download_id = queue(portal, "dwca", resource_ids=["odd/records"])
    drain(portal)
    archive = finished_zip(portal, download_id)
    eml = etree.fromstring(archive.read("eml.xml"))
    assert eml_schema.validate(eml), eml_schema.error_log
    assert eml.find("dataset/title").text == 'Odd title & <tags> "quoted"'
    meta_schema.validate(archive.read("meta.xml").decode())
    with DwCAReader(str(_save(archive, tmp_path))) as reader:
        assert [row.id for row in reader] == ["o-1"]


def test_an_archive_of_no_records_is_still_valid(
    download: Download, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
    eml_schema: etree.XMLSchema,
) -> None:
    archive = download("dwca", {"search": "nothingmatchesthiswordatall"}, resource_ids=[MEDIA])
    meta_schema.validate(archive.read("meta.xml").decode())
    assert eml_schema.validate(etree.fromstring(archive.read("eml.xml"))), eml_schema.error_log
    with DwCAReader(str(_save(archive, tmp_path))) as reader:
        assert list(reader) == []
