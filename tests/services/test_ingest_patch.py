"""Corrections without loss, through the ingest use case on real files: patch mode, and the
field-loss check that stops an update from stripping fields."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.errors import Invalid
from holotype.ingest.errors import IngestError
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import FieldLossRefused, ingest, versions
from holotype.store import MODES

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SAMPLE = SHARED / "nhm-specimens-10k.csv"


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site", max_upload_bytes=5_000_000))
    with opened.session() as session:
        catalogue.create_dataset(session, slug="nhm", title="NHM", licence="CC-BY-4.0")
        catalogue.create_resource(session, "nhm", slug="specimens", name="Specimens")
    yield opened
    opened.close()


def sample_rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def stored(portal: Portal, record_id: str) -> dict[str, str] | None:
    resource, _ = versions(portal, OPERATOR, "nhm/specimens")
    return portal.store.resource(resource.id).get(record_id)


def test_patch_is_a_mode_everywhere_modes_are_listed() -> None:
    assert MODES == ("update", "patch", "replace")


def test_a_correction_file_patches_real_records(portal: Portal, tmp_path: Path) -> None:
    ingest(portal, OPERATOR, "nhm/specimens", SAMPLE)
    a, b = [r for r in sample_rows() if r["locality"]][:2]
    before_a = stored(portal, a["occurrenceID"])
    assert before_a is not None and len(before_a) > 10  # a real record with many fields
    fix = write_csv(
        tmp_path / "fix.csv",
        ["occurrenceID", "locality", "habitat"],
        [[a["occurrenceID"], "Corrected locality", "woodland"], [b["occurrenceID"], "", ""]],
    )
    result = ingest(portal, OPERATOR, "nhm/specimens", fix, mode="patch").result
    assert (result.added, result.changed, result.removed, result.total) == (0, 2, 0, 10_000)
    after_a = stored(portal, a["occurrenceID"])
    assert after_a == {**before_a, "locality": "Corrected locality", "habitat": "woodland"}
    after_b = stored(portal, b["occurrenceID"])
    assert after_b is not None and "locality" not in after_b  # the empty cell cleared it
    assert after_b["catalogNumber"] == b["catalogNumber"]
    resource, found = versions(portal, OPERATOR, "nhm/specimens")
    history = portal.store.resource(resource.id).history(a["occurrenceID"])
    assert history[-1].changes == {
        "locality": (a["locality"], "Corrected locality"),
        "habitat": (None, "woodland"),
    }
    assert found[-1].mode == "patch"
    # The same corrections again: no new version.
    assert ingest(portal, OPERATOR, "nhm/specimens", fix, mode="patch").result.unchanged
    copy = write_csv(tmp_path / "fix-again.csv", ["occurrenceID", "locality", "habitat"],
                     [[a["occurrenceID"], "Corrected locality", "woodland"]])
    assert ingest(portal, OPERATOR, "nhm/specimens", copy, mode="patch").result.unchanged
    assert len(versions(portal, OPERATOR, "nhm/specimens")[1]) == 2


def test_a_patch_naming_unknown_records_commits_nothing(portal: Portal, tmp_path: Path) -> None:
    ingest(portal, OPERATOR, "nhm/specimens", SAMPLE)
    known = sample_rows()[0]["occurrenceID"]
    fix = write_csv(
        tmp_path / "fix.csv", ["occurrenceID", "locality"],
        [[known, "Fixed"], [known + "x", "Fixed"]],
    )
    with pytest.raises(IngestError) as caught:
        ingest(portal, OPERATOR, "nhm/specimens", fix, mode="patch")
    assert caught.value.file == "fix.csv" and caught.value.row == 3
    assert f"row 3: '{known}x'" in caught.value.message
    assert len(versions(portal, OPERATOR, "nhm/specimens")[1]) == 1
    assert stored(portal, known).get("locality") != "Fixed"  # type: ignore[union-attr]


def test_a_resource_with_generated_ids_cannot_be_patched(
    portal: Portal, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "lots.csv", ["scientificName", "count"], [["Aus bus", "3"]])
    ingest(portal, OPERATOR, "nhm/lots", first, create=True)
    with pytest.raises(IngestError, match="generated from their content"):
        ingest(portal, OPERATOR, "nhm/lots", first, mode="patch")


def test_an_update_that_would_strip_fields_is_refused(portal: Portal, tmp_path: Path) -> None:
    ingest(portal, OPERATOR, "nhm/specimens", SAMPLE)
    rows = sample_rows()[:50]
    partial = write_csv(
        tmp_path / "partial.csv", ["occurrenceID", "locality"],
        [[r["occurrenceID"], "Fixed"] for r in rows],
    )
    with pytest.raises(FieldLossRefused) as caught:
        ingest(portal, OPERATOR, "nhm/specimens", partial, max_field_loss=0.1)
    refused = caught.value
    assert refused.status == 409 and refused.loss.updated == 50 and refused.loss.losing == 50
    holding = sum(1 for r in rows if r["catalogNumber"])
    assert refused.loss.fields["catalogNumber"] == holding > 0
    assert "partial.csv: this update would remove fields from 50 of the 50" in refused.message
    assert "catalogNumber" in refused.message and "mode patch" in refused.message
    assert len(versions(portal, OPERATOR, "nhm/specimens")[1]) == 1  # nothing committed
    # Without a limit (the API's default) the update is what it always was: whole records.
    result = ingest(portal, OPERATOR, "nhm/specimens", partial).result
    assert result.changed == 50
    assert stored(portal, rows[0]["occurrenceID"]) == {
        "_id": rows[0]["occurrenceID"], "occurrenceID": rows[0]["occurrenceID"],
        "locality": "Fixed",
    }


def test_the_limit_must_be_a_share(portal: Portal) -> None:
    with pytest.raises(Invalid) as caught:
        ingest(portal, OPERATOR, "nhm/specimens", SAMPLE, max_field_loss=10)
    assert caught.value.field == "max_field_loss"
