"""Round trip: every shape of Darwin Core Archive download is read back, row by row and value by
value, by python-dwca-reader and by Holotype's own ingest, and compared with an independent read
of the same records (search, or the rows of the file that was ingested). meta.xml and eml.xml
are validated against the TDWG text schema and the GBIF EML profile every time.

What the archive changes on purpose (docs/downloads.md, "Darwin Core Archive") is asserted here
in so many words: tabs and line breaks in values and field names become spaces; every other
character, control characters included, is kept."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import pytest
import xmlschema
from dwca.read import DwCAReader
from lxml import etree

from holotype.darwin_core import DCTERMS_TERMS, DWC_TERMS
from holotype.ingest.errors import IngestError
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.downloads.conftest import MEDIA, Site, copy_site, drain, finished_zip, queue
from tests.downloads.helpers import searched

DWC = "http://rs.tdwg.org/dwc/terms/"
DC = "http://purl.org/dc/terms/"
GBIF = "http://rs.gbif.org/terms/1.0/"
DEMO = "demo-specimens/records"
HOSTILE = "hostile/records"
ARCHIVE = "archived/records"
JSON_FIELDS = {"Multimedia", GBIF + "Multimedia", "Identification"}  # extensions, as ingested
EXPORTED = str.maketrans("\t\n\r", "   ")  # what the archive does to tabs and line breaks

Core = dict[str, dict[str, str]]  # core id -> field -> value (no empty values)

HOSTILE_ROWS: list[dict[str, str]] = [
    {"occurrenceID": "h-1", "scientificName": "Quercus\trobur", "locality": "line\nbreak",
     "fieldNotes": "cr\ronly and crlf\r\nend", "recordedBy": 'say "hi", ok, \'quoted\'',
     "remarks x": "back\\slash \\t \\n \\N", "habitat": "  padded  ", "country": "Šimůnek 北京 🦋",
     "control": "bell\x07 vt\x0b ff\x0c fs\x1c us\x1f del\x7f nel\x85 ls\u2028 ps\u2029 end",
     "höhe/x#y": "non-ASCII and URI characters in the name", "depth (m)": "12",
     "note\nline": "a field name with a line break", "tab\tname": "a field name with a tab",
     "associatedMedia": "https://img.example.org/h 1.jpg;/media/h/2.png|",
     "id": "a field named id"},
    {"occurrenceID": "h-2", "scientificName": "x" * 200_000, "habitat": " ", "control": "\x01\x1b",
     "locality": "\n", "recordedBy": "NULL"},
    {"occurrenceID": "h-3", "scientificName": "=1+2", "recordedBy": "\\N", "locality": ",",
     "fieldNotes": "\t"},
    # Fields empty in most rows: "rare" has a value in one row of 200.
    *({"occurrenceID": f"h-{n}", "scientificName": f"Species {n}"} for n in range(4, 200)),
    {"occurrenceID": "h-200", "scientificName": "Last", "rare": "only here"},
]

# A Darwin Core Archive with two extensions, as an institution would upload it.
TEXT = 'encoding="UTF-8" fieldsTerminatedBy="\\t" fieldsEnclosedBy="" ignoreHeaderLines="1"'
ARCHIVE_META = f"""<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/">
 <core {TEXT} rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
  <files><location>occurrence.txt</location></files>
  <id index="0"/>
  <field index="0" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>
  <field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
  <field index="2" term="http://rs.tdwg.org/dwc/terms/country"/>
 </core>
 <extension {TEXT} rowType="http://rs.gbif.org/terms/1.0/Multimedia">
  <files><location>multimedia.txt</location></files>
  <coreid index="0"/>
  <field index="1" term="http://purl.org/dc/terms/identifier"/>
  <field index="2" term="http://purl.org/dc/terms/title"/>
 </extension>
 <extension {TEXT} rowType="http://rs.tdwg.org/dwc/terms/Identification">
  <files><location>identification.txt</location></files>
  <coreid index="0"/>
  <field index="1" term="http://rs.tdwg.org/dwc/terms/identifiedBy"/>
  <field index="2" term="http://rs.tdwg.org/dwc/terms/dateIdentified"/>
 </extension>
</archive>
"""
ARCHIVE_CORE = [("a-1", "Quercus robur", "Kenya"), ("a-2", "Fagus sylvatica", "Åland"),
                ("a-3", "Betula pendula", "")]
ARCHIVE_MEDIA = [("a-1", "https://img.example.org/a1.jpg", "front \"side\""),
                 ("a-1", "https://img.example.org/a1b.jpg", ""),
                 ("a-3", "https://img.example.org/a3.jpg", "北京")]
ARCHIVE_IDS = [("a-2", "Ada Lovelace", "1843-01-01"), ("a-2", "C. Babbage", "")]


def _tsv(rows: list[tuple[str, ...]], header: str) -> str:
    return header + "\n" + "".join("\t".join(row) + "\n" for row in rows)


def _archive_rows() -> Core:
    """The uploaded archive as ingest documents it: one JSON field per extension."""
    rows: Core = {}
    for rid, name, country in ARCHIVE_CORE:
        rows[rid] = {k: v for k, v in {"occurrenceID": rid, "scientificName": name,
                                       "country": country}.items() if v}
    for rid, link, title in ARCHIVE_MEDIA:
        media = json.loads(rows[rid].get("Multimedia", "[]"))
        media.append({"identifier": link, "title": title or None})
        rows[rid]["Multimedia"] = json.dumps(media)
    for rid, who, when in ARCHIVE_IDS:
        found = json.loads(rows[rid].get("Identification", "[]"))
        found.append({"identifiedBy": who, "dateIdentified": when or None})
        rows[rid]["Identification"] = json.dumps(found)
    return rows


@pytest.fixture(scope="module")
def rt_site(base_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The download site with a resource of hostile values and one ingested from an archive."""
    folder = tmp_path_factory.mktemp("roundtrip")
    site = copy_site(base_site, folder / "site")
    portal = site.portal()
    try:
        with portal.session() as session:
            for slug in ("hostile", "archived"):
                catalogue.create_dataset(session, slug=slug, title=f"{slug} & <x> ]]>",
                                         licence="CC0-1.0", description="Šimůnek\n北京 🦋")
                catalogue.create_resource(session, slug, slug="records", name="Records",
                                          id_field="occurrenceID")
        upload = folder / "hostile.jsonl"
        upload.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE_ROWS), encoding="utf-8")
        ingest(portal, OPERATOR, HOSTILE, upload, mode="replace")
        zipped = folder / "archive.zip"
        with zipfile.ZipFile(zipped, "w") as archive:
            archive.writestr("meta.xml", ARCHIVE_META)
            archive.writestr("occurrence.txt", _tsv(ARCHIVE_CORE, "id\tname\tcountry"))
            archive.writestr("multimedia.txt", _tsv(ARCHIVE_MEDIA, "coreid\tlink\ttitle"))
            archive.writestr("identification.txt", _tsv(ARCHIVE_IDS, "coreid\twho\twhen"))
        ingest(portal, OPERATOR, ARCHIVE, zipped, mode="replace")
    finally:
        portal.close()
    return site


@pytest.fixture(scope="module")
def rt_portal(rt_site: Site) -> Iterator[Portal]:
    opened = rt_site.portal()
    yield opened
    opened.close()


def term(field: str, base_url: str) -> str:
    """The documented mapping: Darwin Core, Dublin Core, else the portal's own namespace."""
    if field in DWC_TERMS:
        return DWC + field
    if field in DCTERMS_TERMS:
        return DC + field
    return f"{base_url}/terms/{quote(field, safe='')}"


def media_links(value: str | None, base_url: str) -> list[str]:
    """The documented Multimedia rows of one record: links split on | or ;, relative ones made
    absolute."""
    links = [link.strip() for link in re.split(r"[|;]", value or "")]
    return [base_url + link if link.startswith("/") else link for link in links if link]


def core_of(found: Mapping[tuple[str, str], dict[str, str]], several: bool) -> Core:
    """Search's records keyed by the archive's core id."""
    return {(f"{res}:{rid}" if several else rid): data for (res, rid), data in found.items()}


def run(portal: Portal, query: dict[str, Any], resources: list[str], tmp_path: Path) -> Path:
    download_id = queue(portal, "dwca", query, resource_ids=resources)
    drain(portal)
    archive = finished_zip(portal, download_id)
    assert archive.filename is not None
    path = tmp_path / f"{download_id}.zip"
    path.write_bytes(Path(archive.filename).read_bytes())
    return path


def check_archive(
    path: Path, expected: Core, base_url: str, meta_schema: xmlschema.XMLSchema,
    eml_schema: etree.XMLSchema,
) -> dict[str, list[str]]:
    """Validate meta.xml and eml.xml, read the archive with python-dwca-reader and compare
    every row and every value with ``expected``; returns the image links read per core id."""
    with zipfile.ZipFile(path) as archive:
        meta_schema.validate(archive.read("meta.xml").decode())
        eml = etree.fromstring(archive.read("eml.xml"))
        assert eml_schema.validate(eml), eml_schema.error_log
        names = set(archive.namelist())
        header = archive.read("occurrence.txt").decode().split("\n", 1)[0]
    fields = {f for data in expected.values() for f in data}
    terms = {term(f, base_url): f for f in fields}
    wanted_media = {cid: media_links(data.get("associatedMedia"), base_url)
                    for cid, data in expected.items()}
    media: dict[str, list[str]] = {}
    with DwCAReader(str(path)) as reader:
        core = reader.descriptor.core
        declared = core.terms
        # One header line, as wide as meta.xml says.
        indexes = {core.id_index} | {f["index"] for f in core.fields}
        assert indexes == set(range(len(header.split("\t"))))
        assert set(terms) <= declared
        rows = list(reader)
        ids = [row.id for row in rows]
        assert len(ids) == len(set(ids))
        assert set(ids) == set(expected)
        for row in rows:
            assert set(row.data) == declared
            for uri, value in row.data.items():
                want = expected[row.id].get(terms[uri], "") if uri in terms else ""
                assert value == want.translate(EXPORTED), (row.id, uri)
            assert all(m.data[DC + "type"] == "StillImage" for m in row.extensions)
            media[row.id] = [m.data[DC + "identifier"] for m in row.extensions]
    assert media == wanted_media
    assert ("multimedia.txt" in names) == any(wanted_media.values())
    return media


def check_reingest(
    portal: Portal, path: Path, expected: Core, media: dict[str, list[str]],
    renames: Mapping[str, str] | None = None, media_field: str = "Multimedia",
) -> None:
    """Ingest the archive into a new resource and compare what search gives with ``expected``.

    Deliberate differences (docs/downloads.md): the core id column becomes a field ``id`` (so a
    field of that name is named by its term URI, as ingest names the later of two terms ending
    in the same name), and the Multimedia rows a JSON field ``media_field``; ``renames`` maps
    other fields ingest names otherwise."""
    renames = {"id": f"{portal.settings.base_url}/terms/id", **(renames or {})}
    slug = f"back-{uuid4().hex[:8]}"
    with portal.session() as session:
        catalogue.create_dataset(session, slug=slug, title="Read back", licence="CC0-1.0")
        catalogue.create_resource(session, slug, slug="records", name="Records")
    # The archive's core id (unique even across resources) identifies the records, by the
    # record-id rule for archives, without --id-field.
    back = ingest(portal, OPERATOR, f"{slug}/records", path, mode="replace")
    assert back.resource.id_field == "id"
    found = {rid: data for (_res, rid), data in searched(portal, {}, [f"{slug}/records"]).items()}
    want: Core = {}
    for cid, data in expected.items():
        row = {renames.get(f, f): v.translate(EXPORTED) for f, v in data.items()}
        row["id"] = cid
        if media[cid]:
            row[media_field] = json.dumps(
                [{"type": "StillImage", "identifier": link} for link in media[cid]])
        want[cid] = row
    assert set(found) == set(want)
    for cid, row in want.items():
        assert readable(found[cid]) == readable(row), cid


def readable(row: Mapping[str, str]) -> dict[str, Any]:
    """Extension rows are compact JSON: compare what they hold, not their spacing."""
    return {k: json.loads(v) if k in JSON_FIELDS else v for k, v in row.items()}


def test_one_resource(rt_portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
                      eml_schema: etree.XMLSchema) -> None:
    base = rt_portal.settings.base_url
    expected = core_of(searched(rt_portal, {}, [DEMO]), several=False)
    assert len(expected) > 500
    path = run(rt_portal, {}, [DEMO], tmp_path)
    media = check_archive(path, expected, base, meta_schema, eml_schema)
    # Some demo specimens have photographs in a Multimedia field of their own, a core column:
    # the extension written from associatedMedia is then named by its row type on ingest.
    check_reingest(rt_portal, path, expected, media, media_field=GBIF + "Multimedia")


def test_several_resources_in_one_download(
    rt_portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
    eml_schema: etree.XMLSchema,
) -> None:
    base = rt_portal.settings.base_url
    resources = [MEDIA, HOSTILE, ARCHIVE]
    expected = core_of(searched(rt_portal, {}, resources), several=True)
    assert len(expected) == 3 + len(HOSTILE_ROWS) + len(ARCHIVE_CORE)
    path = run(rt_portal, {}, resources, tmp_path)
    media = check_archive(path, expected, base, meta_schema, eml_schema)
    # The archived resource's own Multimedia field is a core column; the Multimedia extension
    # written from associatedMedia ends in the same name, so ingest names it by its row type.
    check_reingest(rt_portal, path, expected, media, media_field=GBIF + "Multimedia")


def test_filtered_query(rt_portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
                        eml_schema: etree.XMLSchema) -> None:
    base = rt_portal.settings.base_url
    query = {"filters": {"and": [{"string_equals": {"fields": ["country"], "value": "Kenya"}}]}}
    resources = [DEMO, "demo-index-lots/records", "demo-beetle-survey/records", MEDIA]
    found = searched(rt_portal, query, resources)
    assert 1 < len(found) < 3000 and len({res for res, _rid in found}) > 1
    expected = core_of(found, several=True)
    path = run(rt_portal, query, resources, tmp_path)
    media = check_archive(path, expected, base, meta_schema, eml_schema)
    check_reingest(rt_portal, path, expected, media)


def test_resource_with_images(rt_portal: Portal, tmp_path: Path,
                              meta_schema: xmlschema.XMLSchema,
                              eml_schema: etree.XMLSchema) -> None:
    base = rt_portal.settings.base_url
    expected = core_of(searched(rt_portal, {}, [MEDIA]), several=False)
    path = run(rt_portal, {}, [MEDIA], tmp_path)
    media = check_archive(path, expected, base, meta_schema, eml_schema)
    assert media["m-1"] == ["https://img.example.org/m-1a.jpg",
                            "https://img.example.org/m-1b.jpg"]
    assert media["m-2"] == [] and media["m-4"] == []
    check_reingest(rt_portal, path, expected, media)


def test_resource_ingested_from_an_archive_with_extensions(
    rt_portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
    eml_schema: etree.XMLSchema,
) -> None:
    base = rt_portal.settings.base_url
    uploaded = _archive_rows()
    found = core_of(searched(rt_portal, {}, [ARCHIVE]), several=False)
    # What the store holds is what was uploaded (the extensions' JSON compared as JSON) ...
    assert {cid: readable(row) for cid, row in found.items()} == {
        cid: readable(row) for cid, row in uploaded.items()}
    path = run(rt_portal, {}, [ARCHIVE], tmp_path)
    # ... and the download holds that text: each extension stays one JSON column of the core,
    # in the portal's namespace; no extension file is written from it.
    media = check_archive(path, found, base, meta_schema, eml_schema)
    with DwCAReader(str(path)) as reader:
        assert reader.descriptor.extensions == []
        first = reader.get_corerow_by_id("a-1")
        assert json.loads(first.data[f"{base}/terms/Multimedia"]) == json.loads(
            uploaded["a-1"]["Multimedia"])
    check_reingest(rt_portal, path, found, media)


def test_empty_result(rt_portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
                      eml_schema: etree.XMLSchema) -> None:
    query = {"search": "nothingmatchesthiswordatall"}
    assert searched(rt_portal, query, [MEDIA, HOSTILE]) == {}
    path = run(rt_portal, query, [MEDIA, HOSTILE], tmp_path)
    check_archive(path, {}, rt_portal.settings.base_url, meta_schema, eml_schema)
    with zipfile.ZipFile(path) as archive:
        assert archive.read("occurrence.txt").decode().count("\n") == 1  # the header alone
    # Ingest refuses a file without records (docs/ingest-formats.md): nothing to round-trip.
    with pytest.raises(IngestError, match="holds no records"):
        check_reingest(rt_portal, path, {}, {})


def test_hard_values_and_field_names(
    rt_portal: Portal, tmp_path: Path, meta_schema: xmlschema.XMLSchema,
    eml_schema: etree.XMLSchema,
) -> None:
    base = rt_portal.settings.base_url
    uploaded = {row["occurrenceID"]: {k: v for k, v in row.items() if v}
                for row in HOSTILE_ROWS}
    found = core_of(searched(rt_portal, {}, [HOSTILE]), several=False)
    assert found == uploaded  # the store kept every value exactly
    path = run(rt_portal, {}, [HOSTILE], tmp_path)
    media = check_archive(path, uploaded, base, meta_schema, eml_schema)
    with DwCAReader(str(path)) as reader:
        rows = {row.id: row.data for row in reader}
    # What the archive changes, in so many words: a tab, line feed or carriage return becomes
    # a space (each one; nothing else moves) ...
    assert rows["h-1"][DWC + "scientificName"] == "Quercus robur"
    assert rows["h-1"][DWC + "locality"] == "line break"
    assert rows["h-1"][DWC + "fieldNotes"] == "cr only and crlf  end"
    assert rows["h-2"][DWC + "locality"] == " " and rows["h-3"][DWC + "fieldNotes"] == " "
    # ... and everything else is kept: quotes, commas, backslashes, spaces, "NULL" and "\N",
    # non-ASCII, other control characters, long values.
    assert rows["h-1"][DWC + "recordedBy"] == 'say "hi", ok, \'quoted\''
    assert rows["h-1"][f"{base}/terms/remarks%20x"] == "back\\slash \\t \\n \\N"
    assert rows["h-1"][DWC + "habitat"] == "  padded  " and rows["h-2"][DWC + "habitat"] == " "
    assert rows["h-1"][DWC + "country"] == "Šimůnek 北京 🦋"
    assert rows["h-1"][f"{base}/terms/control"] == HOSTILE_ROWS[0]["control"]
    assert rows["h-2"][f"{base}/terms/control"] == "\x01\x1b"
    assert rows["h-2"][DWC + "recordedBy"] == "NULL" and rows["h-3"][DWC + "recordedBy"] == "\\N"
    assert rows["h-2"][DWC + "scientificName"] == "x" * 200_000
    assert rows["h-200"][f"{base}/terms/rare"] == "only here"
    assert sum(1 for data in rows.values() if data[f"{base}/terms/rare"]) == 1
    # Field names that are no Darwin Core term get a percent-escaped term of the portal's own.
    assert rows["h-1"][f"{base}/terms/h%C3%B6he%2Fx%23y"] == HOSTILE_ROWS[0]["höhe/x#y"]
    assert rows["h-1"][f"{base}/terms/note%0Aline"] == "a field name with a line break"
    assert rows["h-1"][f"{base}/terms/tab%09name"] == "a field name with a tab"
    assert media["h-1"] == ["https://img.example.org/h 1.jpg", f"{base}/media/h/2.png"]
    # The header line names the fields, a tab or line break in a name made a space too.
    with zipfile.ZipFile(path) as archive:
        header = archive.read("occurrence.txt").decode().split("\n", 1)[0].split("\t")
    assert "note line" in header and "tab name" in header
    # Ingest names fields from meta.xml's terms, so even those names come back exactly.
    check_reingest(rt_portal, path, uploaded, media)
