"""The ingest use case end to end: catalogue + readers + store, on real files."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.errors import Invalid, NotFound
from holotype.ingest.errors import IngestError
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import dataset_summaries, ingest, record_count, versions
from holotype.store.stats import field_type

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site", max_upload_bytes=5_000_000))
    with opened.session() as session:
        catalogue.create_dataset(session, slug="nhm", title="NHM", licence="CC-BY-4.0")
        catalogue.create_resource(session, "nhm", slug="specimens", name="Specimens")
        catalogue.create_resource(session, "nhm", slug="lots", name="Index lots")
        catalogue.create_resource(session, "nhm", slug="readme", name="Readme", kind="file")
    yield opened
    opened.close()


def test_real_nhm_specimens_then_a_changed_copy(portal: Portal, tmp_path: Path) -> None:
    sample = SHARED / "nhm-specimens-10k.csv"
    first = ingest(portal, OPERATOR, "nhm/specimens", sample).result
    assert (first.added, first.total) == (10_000, 10_000)
    with sample.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    old_locality = rows[0]["locality"] or None
    rows[0]["locality"] = "Somewhere new"
    del rows[1]
    changed = tmp_path / "changed.csv"
    with changed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    second = ingest(portal, OPERATOR, "nhm/specimens", changed, mode="replace").result
    assert (second.added, second.changed, second.removed, second.total) == (0, 1, 1, 9_999)
    resource, found = versions(portal, OPERATOR, "nhm/specimens")
    assert resource.id_field == "occurrenceID"
    assert [v.total for v in found] == [10_000, 9_999]
    store = portal.store.resource(resource.id)
    history = store.history(rows[0]["occurrenceID"])
    assert history[-1].changes == {"locality": (old_locality, "Somewhere new")}
    # Sparse real data: empty cells are absent fields, present values are kept as text.
    stats = found[-1].stats
    assert stats["catalogNumber"]["present"] == sum(1 for r in rows if r["catalogNumber"])
    # Real NHM years include ranges such as "1901 - 1902": kept as text, so the field is a string.
    years = [r["year"] for r in rows if r["year"]]
    assert stats["year"]["present"] == len(years)
    assert stats["year"]["integer"] == sum(1 for y in years if y.isdigit()) < len(years)
    assert field_type(stats["year"]) == "string"


def test_real_index_lots_generate_ids_when_no_occurrence_id(portal: Portal) -> None:
    sample = SHARED / "nhm-indexlots-2k.csv"
    header = sample.read_text(encoding="utf-8").splitlines()[0]
    result = ingest(portal, OPERATOR, "nhm/lots", sample).result
    assert result.total == 2_000
    resource, _ = versions(portal, OPERATOR, "nhm/lots")
    expected = "occurrenceID" if "occurrenceID" in header.split(",") else None
    assert resource.id_field == expected


def test_identical_upload_is_a_no_op(portal: Portal) -> None:
    sample = SHARED / "nhm-specimens-10k.csv"
    ingest(portal, OPERATOR, "nhm/specimens", sample)
    again = ingest(portal, OPERATOR, "nhm/specimens", sample).result
    assert again.unchanged and again.total == 10_000
    _, found = versions(portal, OPERATOR, "nhm/specimens")
    assert len(found) == 1


def test_every_format_through_the_service(portal: Portal, tmp_path: Path) -> None:
    from openpyxl import Workbook

    xlsx = tmp_path / "r.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["occurrenceID", "count"])
    sheet.append(["x1", 3])
    book.save(xlsx)
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text('{"occurrenceID": "x2", "count": 4}\n')
    tsv = tmp_path / "r.tsv"
    tsv.write_text("occurrenceID\tcount\nx3\t5\n")
    archive = tmp_path / "r.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("occurrence.txt", "id\tcount\nx4\t6\n")
        z.writestr(
            "meta.xml",
            '<archive xmlns="http://rs.tdwg.org/dwc/text/"><core encoding="UTF-8" '
            'fieldsTerminatedBy="\\t" linesTerminatedBy="\\n" ignoreHeaderLines="1" '
            'rowType="http://rs.tdwg.org/dwc/terms/Occurrence"><files><location>occurrence.txt'
            '</location></files><id index="0"/><field index="0" '
            'term="http://rs.tdwg.org/dwc/terms/occurrenceID"/><field index="1" '
            'term="http://rs.tdwg.org/dwc/terms/individualCount"/></core></archive>',
        )
    for path in (xlsx, jsonl, tsv, archive):
        result = ingest(portal, OPERATOR, "nhm/specimens", path).result
        assert result.added == 1, path
    resource, found = versions(portal, OPERATOR, "nhm/specimens")
    assert [v.source.format for v in found if v.source] == ["xlsx", "jsonl", "tsv", "dwca"]
    store = portal.store.resource(resource.id)
    assert store.get("x1") == {"_id": "x1", "occurrenceID": "x1", "count": "3"}
    assert store.get("x4") == {"_id": "x4", "occurrenceID": "x4", "individualCount": "6"}
    assert record_count(portal, resource) == 4


def test_bad_input_changes_nothing(portal: Portal, tmp_path: Path) -> None:
    ingest(portal, OPERATOR, "nhm/specimens", SHARED / "nhm-specimens-10k.csv")
    _resource, before = versions(portal, OPERATOR, "nhm/specimens")
    files_before = sorted(portal.settings.data_dir.rglob("*"))
    cases = {
        "empty.csv": b"",
        "dups.csv": b"occurrenceID,a\n1,x\n1,y\n",
        "ragged.csv": b"occurrenceID,a\n1,x\n2\n",
        "big.csv": b"occurrenceID\n" + b"1\n" * 3_000_000,
        "nodwc.zip": _zip({"data.csv": "a\n1\n"}),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(IngestError) as caught:
            ingest(portal, OPERATOR, "nhm/specimens", path)
        assert caught.value.file is not None and name in caught.value.location_message()
    _, after = versions(portal, OPERATOR, "nhm/specimens")
    assert after == before
    assert sorted(portal.settings.data_dir.rglob("*")) == files_before  # no work left behind


def test_limit_message_names_the_sizes(portal: Portal, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"occurrenceID\n" + b"1\n" * 3_000_000)
    with pytest.raises(IngestError, match="6,000,013 bytes; the limit is 5,000,000"):
        ingest(portal, OPERATOR, "nhm/specimens", path)


def test_wrong_resource(portal: Portal, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a\n1\n")
    with pytest.raises(NotFound):
        ingest(portal, OPERATOR, "nhm/nothing", path)
    with pytest.raises(Invalid, match="plain file"):
        ingest(portal, OPERATOR, "nhm/readme", path)


def test_summaries_hide_private_datasets(portal: Portal) -> None:
    ingest(portal, OPERATOR, "nhm/specimens", SHARED / "nhm-specimens-10k.csv")
    with portal.session() as session:
        catalogue.create_dataset(
            session, slug="secret", title="S", licence="CC0-1.0", visibility="private"
        )
    public = dataset_summaries(portal, ANONYMOUS)
    assert [s.dataset.slug for s in public] == ["nhm"] and public[0].records == 10_000
    assert {s.dataset.slug for s in dataset_summaries(portal, OPERATOR)} == {
        "nhm", "secret"
    }


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buffer.getvalue()


def test_max_fields_setting_limits_wide_files(tmp_path: Path) -> None:
    portal = Portal.open(load_settings(data_dir=tmp_path / "site", max_fields=5))
    try:
        with portal.session() as session:
            catalogue.create_dataset(session, slug="wide", title="Wide", licence="CC0-1.0")
            catalogue.create_resource(session, "wide", slug="rows", name="Rows")
        path = tmp_path / "wide.csv"
        path.write_text(",".join(f"f{i}" for i in range(6)) + "\n" + ",".join("x" * 6) + "\n")
        with pytest.raises(IngestError, match="6 fields; the limit is 5"):
            ingest(portal, OPERATOR, "wide/rows", path)
    finally:
        portal.close()
