"""The uploaded file each version keeps: compressed, read back byte for byte, or not kept at all
(``keep_originals = false``); an original kept uncompressed by an older version still reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import zstandard

from holotype.config import load_settings
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from holotype.store import open_original

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def open_portal(tmp_path: Path, **settings: object) -> Portal:
    portal = Portal.open(load_settings(data_dir=tmp_path / "site", **settings))
    with portal.session() as session:
        catalogue.create_dataset(session, slug="nhm", title="NHM", licence="CC-BY-4.0")
        catalogue.create_resource(session, "nhm", slug="specimens", name="Specimens")
    return portal


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = open_portal(tmp_path)
    yield opened
    opened.close()


def test_the_upload_is_kept_compressed_and_reads_back_whole(portal: Portal) -> None:
    sample = SHARED / "nhm-specimens-10k.csv"
    outcome = ingest(portal, OPERATOR, "nhm/specimens", sample)
    store = portal.store.resource(outcome.resource.id)
    kept = store.original()
    assert kept is not None and kept.name == "nhm-specimens-10k.csv.zst"
    assert kept.parent.name == str(outcome.result.version)
    assert kept.stat().st_size < sample.stat().st_size / 3  # CSV text compresses well
    with open_original(kept) as handle:
        assert handle.read() == sample.read_bytes()
    # A standard Zstandard frame: any zstd tool gives the upload back.
    assert zstandard.ZstdDecompressor().decompressobj().decompress(kept.read_bytes()) == (
        sample.read_bytes())
    version = store.resolve()
    assert version is not None and version.source is not None
    assert version.source.path == str(kept.relative_to(store.root))
    assert store.sweep() and kept.is_file()  # the manifest names it: the sweep keeps it


def test_keep_originals_off_keeps_no_file(tmp_path: Path) -> None:
    portal = open_portal(tmp_path, keep_originals=False)
    try:
        sample = SHARED / "nhm-specimens-10k.csv"
        outcome = ingest(portal, OPERATOR, "nhm/specimens", sample)
        store = portal.store.resource(outcome.resource.id)
        assert store.original() is None
        assert not (store.root / "originals").exists()
        version = store.resolve()
        assert version is not None and version.source is not None
        assert version.source.name == "nhm-specimens-10k.csv" and version.source.path == ""
        assert version.total == 10_000
        again = ingest(portal, OPERATOR, "nhm/specimens", sample)  # still known as the same file
        assert again.result.unchanged
    finally:
        portal.close()


def test_an_original_kept_uncompressed_reads_as_it_is(tmp_path: Path) -> None:
    plain = tmp_path / "originals" / "1" / "upload.csv"
    plain.parent.mkdir(parents=True)
    plain.write_bytes(b"occurrenceID,x\r\na,1\r\n")
    with open_original(plain) as handle:
        assert handle.read() == b"occurrenceID,x\r\na,1\r\n"
