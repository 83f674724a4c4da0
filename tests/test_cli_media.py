"""``holotype media add``: image files attached to the records their names give, as one
version; bad files refuse the whole folder and change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pyvips

from holotype.config import load_settings
from holotype.errors import Invalid
from holotype.media.files import candidates, record_value
from holotype.media.refs import record_media
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.media.originals import original_for
from holotype.services.records import versions as list_versions
from tests.test_cli_patch import ok, run, versions

RECORDS = "occurrenceID,catalogNumber,scientificName\n" + "".join(
    f"id-{i},NHMUK-{i},Aus bus\n" for i in range(5)) + "id-9,BM_7,Aus cus\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    data = tmp_path / "site"
    ok(run(data, "dataset", "create", "dd", "--title", "D", "--licence", "CC0-1.0"))
    ok(run(data, "resource", "create", "dd", "rr"))
    first = tmp_path / "first.csv"
    first.write_text(RECORDS)
    ok(run(data, "ingest", str(first), "--resource", "dd/rr"))
    return data


def _image(path: Path, width: int = 24) -> Path:
    pyvips.Image.black(width, 16).write_to_file(str(path))
    return path


def _record(data: Path, record: str) -> dict[str, str]:
    portal = Portal.open(load_settings(data_dir=data))
    try:
        found, _ = list_versions(portal, OPERATOR, "dd/rr")
        got = portal.store.resource(found.id).get(record)
        assert got is not None
        return got
    finally:
        portal.close()


def test_the_file_name_rule() -> None:
    assert candidates("NHMUK-1_2") == ["NHMUK-1_2", "NHMUK-1", "NHMUK"]
    assert record_value("NHMUK-1_2", ["NHMUK-1", "NHMUK"]) == "NHMUK-1"
    assert record_value("NHMUK-1-dorsal", ["NHMUK-1"]) == "NHMUK-1"
    assert record_value("NHMUK-1", ["NHMUK-1"]) == "NHMUK-1"
    assert record_value("NHMUK-12", ["NHMUK-1"]) is None
    assert record_value("BM_7", ["BM_7", "BM"]) == "BM_7"


def test_images_are_added_as_one_version(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    _image(folder / "NHMUK-1.jpg")
    _image(folder / "NHMUK-1_2.png", 30)
    _image(folder / "NHMUK-3-dorsal.tif")
    _image(folder / "BM_7.webp")
    _image(folder / "NHMUK-99.jpg")  # no such record
    (folder / "notes.txt").write_text("not an image")
    before = versions(site)
    result = run(site, "media", "add", "dd/rr", str(folder), "--match", "catalogNumber",
                 "--creator", "A. Photographer", "--licence", "CC-BY-4.0")
    out = ok(result)
    assert "4 images added to 3 records" in out
    assert "NHMUK-99.jpg" in result.stderr and "notes.txt" in result.stderr
    assert versions(site) == before + 1
    record = _record(site, "id-1")
    rows = json.loads(record["Multimedia"])
    assert [row["title"] for row in rows] == ["NHMUK-1.jpg", "NHMUK-1_2.png"]
    assert rows[0]["format"] == "image/jpeg" and rows[1]["format"] == "image/png"
    assert rows[0]["creator"] == "A. Photographer" and rows[0]["license"] == "CC-BY-4.0"
    media = record_media(record)
    assert all(ref.stored for ref in media)
    assert record["scientificName"] == "Aus bus"  # the other fields are kept
    portal = Portal.open(load_settings(data_dir=site))
    try:  # the media registry knows them, so readers get their files
        got = original_for(portal, ANONYMOUS, media[1].id)
        assert got.read_bytes() == (folder / "NHMUK-1_2.png").read_bytes()
    finally:
        portal.close()
    # The same folder again: nothing new, no version.
    again = ok(run(site, "media", "add", "dd/rr", str(folder)))
    assert "No change" in again
    assert versions(site) == before + 1


def test_one_bad_file_refuses_the_folder(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    _image(folder / "NHMUK-1.jpg")
    (folder / "NHMUK-2.jpg").write_bytes(b"\xff\xd8\xff not really a JPEG")
    (folder / "NHMUK-3.png").write_bytes(b"")
    before = versions(site)
    result = run(site, "media", "add", "dd/rr", str(folder))
    assert result.exit_code != 0
    assert isinstance(result.exception, Invalid)
    message = str(result.exception)
    assert "NHMUK-2.jpg: not a readable image" in message and "NHMUK-3.png" in message
    assert "nothing was added" in message
    assert versions(site) == before
    assert not (site / "media" / "stored").exists()


def test_the_command_line_error(site: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "NHMUK-2.jpg").write_text("text")
    done = subprocess.run(
        [sys.executable, "-c", "from holotype.cli.main import main; main()", "media", "add",
         "dd/rr", str(folder)],
        capture_output=True, text=True, env={"HOLOTYPE_DATA_DIR": str(site),
                                             "PYTHONPATH": str(Path("src").resolve())},
    )
    assert done.returncode == 1
    assert "error:" in done.stderr and "NHMUK-2.jpg: not a readable image" in done.stderr


def test_a_field_the_records_lack_is_refused(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    _image(folder / "NHMUK-1.jpg")
    result = run(site, "media", "add", "dd/rr", str(folder), "--match", "barcode")
    assert isinstance(result.exception, Invalid)
    assert "have no field 'barcode'" in str(result.exception)
    nothing = ok(run(site, "media", "add", "dd/rr", str(folder), "--match", "scientificName"))
    assert "no image file's name is a record's scientificName" in nothing
