"""Darwin Core Archives carrying their images: files the multimedia extension names inside
the archive are stored by content and the rows point at them; a missing one is a warning."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyvips

from holotype.config import load_settings
from holotype.media.refs import media_id, record_media
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.media.originals import original_for
from holotype.services.records import ingest

DWC = "http://rs.tdwg.org/dwc/terms/"
DC = "http://purl.org/dc/terms/"
META = f"""<?xml version="1.0" encoding="UTF-8"?>
<archive xmlns="http://rs.tdwg.org/dwc/text/">
<core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" fieldsTerminatedBy="\\t"
      ignoreHeaderLines="1">
  <files><location>occurrence.txt</location></files>
  <id index="0"/>
  <field index="0" term="{DWC}occurrenceID"/>
  <field index="1" term="{DWC}catalogNumber"/>
</core>
<extension rowType="{{row_type}}" fieldsTerminatedBy="\\t"
           ignoreHeaderLines="1">
  <files><location>multimedia.txt</location></files>
  <coreid index="0"/>
  <field index="1" term="{{source_term}}"/>
  <field index="2" term="{DC}format"/>
  <field index="3" term="{DC}title"/>
  <field index="4" term="{DC}license"/>
</extension>
</archive>"""


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site"))
    with opened.write_session() as session:
        catalogue.create_dataset(session, slug="museum", title="Museum", licence="CC-BY-4.0")
        catalogue.create_resource(session, "museum", slug="specimens", name="Specimens")
    yield opened
    opened.close()


GBIF = ("http://rs.gbif.org/terms/1.0/Multimedia", f"{DC}identifier")
AUDUBON = ("http://rs.tdwg.org/ac/terms/Multimedia", "http://rs.tdwg.org/ac/terms/accessURI")


def _archive(path: Path, image: bytes, terms: tuple[str, str] = GBIF) -> Path:
    media = [
        "id\tidentifier\tformat\ttitle\tlicense",
        "o1\timages/a.jpg\timage/jpeg\tDorsal\tCC-BY-4.0",
        "o1\thttps://images.example.org/b.jpg\timage/jpeg\tVentral\tCC0-1.0",
        "o2\timages/A.jpg\timage/jpeg\tAgain\tCC0-1.0",  # the same file: matched ignoring case
        "o3\timages/missing.jpg\timage/jpeg\tGone\tCC0-1.0",
        "o3\t../../outside.jpg\timage/jpeg\tEscaping\tCC0-1.0",
    ]
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("meta.xml", META.replace("{row_type}", terms[0])
                        .replace("{source_term}", terms[1]))
        zipped.writestr("occurrence.txt", "id\tcatalogNumber\no1\tN1\no2\tN2\no3\tN3\n")
        zipped.writestr("multimedia.txt", "\n".join(media) + "\n")
        zipped.writestr("images/a.jpg", image)
    return path


@pytest.mark.parametrize("terms", [GBIF, AUDUBON], ids=["gbif", "audubon"])
def test_files_inside_the_archive_are_stored_and_named_by_their_content(
    portal: Portal, tmp_path: Path, terms: tuple[str, str]
) -> None:
    image = pyvips.Image.black(8, 8).jpegsave_buffer()
    archive = _archive(tmp_path / "a.zip", image, terms)
    outcome = ingest(portal, OPERATOR, "museum/specimens", archive)
    warnings = " ".join(outcome.result.warnings)
    assert "'images/missing.jpg'" in warnings and "not in the archive" in warnings
    assert "'../../outside.jpg'" in warnings
    store = portal.store.resource(outcome.resource.id)
    first = store.get("o1")
    assert first is not None
    rows = json.loads(first["Multimedia"])
    stored = f"stored:{hashlib.sha256(image).hexdigest()}.jpg"
    key = "identifier" if terms == GBIF else "accessURI"
    assert [row[key] for row in rows] == [stored, "https://images.example.org/b.jpg"]
    assert rows[0]["title"] == "Dorsal" and rows[0]["license"] == "CC-BY-4.0"
    second = store.get("o2")
    assert second is not None and json.loads(second["Multimedia"])[0][key] == stored
    third = store.get("o3")
    assert third is not None and record_media(third) == []  # kept as it was, not an image
    assert original_for(portal, ANONYMOUS, media_id(stored)).read_bytes() == image
    # One file, named twice (once in other letter case): stored once.
    files = sorted((portal.settings.data_dir / "media" / "stored").iterdir())
    assert [f.name for f in files] == [stored.removeprefix("stored:")]


def test_a_file_named_by_access_uri_beside_a_web_identifier_is_stored(
    portal: Portal, tmp_path: Path
) -> None:
    image = pyvips.Image.black(8, 8).jpegsave_buffer()
    meta = META.replace("{row_type}", AUDUBON[0]).replace("{source_term}", f"{DC}identifier") \
        .replace('<field index="2" term', f'<field index="5" term="{AUDUBON[1]}"/>\n'
                 '  <field index="2" term', 1)
    archive = tmp_path / "both.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("meta.xml", meta)
        zipped.writestr("occurrence.txt", "id\tcatalogNumber\no1\tN1\n")
        zipped.writestr("multimedia.txt", "id\tidentifier\tformat\ttitle\tlicense\taccessURI\n"
                        "o1\thttps://museum.example.org/media/1\timage/jpeg\tDorsal\tCC0-1.0"
                        "\timages/a.jpg\n")
        zipped.writestr("images/a.jpg", image)
    outcome = ingest(portal, OPERATOR, "museum/specimens", archive)
    record = portal.store.resource(outcome.resource.id).get("o1")
    assert record is not None
    stored = f"stored:{hashlib.sha256(image).hexdigest()}.jpg"
    (row,) = json.loads(record["Multimedia"])
    assert (row["identifier"], row["accessURI"]) == ("https://museum.example.org/media/1", stored)
    (ref,) = record_media(record)
    assert ref.source == stored and ref.title == "Dorsal"
    assert original_for(portal, ANONYMOUS, ref.id).read_bytes() == image
