"""The field-loss check: an update or replace that would strip fields is refused past a limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from holotype.store import FieldLossError, ResourceStore
from tests.store.helpers import stage_rows


def full(i: int) -> dict[str, str | None]:
    return {
        "occurrenceID": f"id-{i}",
        "scientificName": "Aus bus",
        "country": "UK",
        "locality": f"Site {i}" if i % 2 else None,  # held by odd records only
    }


@pytest.fixture
def loaded(resource: ResourceStore, tmp_path: Path) -> None:
    resource.commit(stage_rows(tmp_path, [full(i) for i in range(20)]))


def test_a_partial_update_is_refused_with_the_fields_named(
    resource: ResourceStore, tmp_path: Path, loaded: None
) -> None:
    fix = [{"occurrenceID": f"id-{i}", "scientificName": "Cus dus"} for i in range(4)]
    with pytest.raises(FieldLossError) as caught:
        resource.commit(stage_rows(tmp_path, fix), max_field_loss=0.1)
    loss = caught.value.loss
    assert (loss.updated, loss.losing, loss.share) == (4, 4, 1.0)
    assert loss.fields == {"country": 4, "locality": 2}
    assert "from 4 of the 4 records it updates (100%)" in caught.value.message
    assert "country (4), locality (2)" in caught.value.message
    assert "more than the limit of 10%" in caught.value.message
    assert "mode patch" in caught.value.message
    assert len(resource.versions()) == 1  # nothing committed
    assert len(list((resource.root / "segments").glob("*"))) == 1


def test_the_share_counts_only_records_that_lose_a_field(
    resource: ResourceStore, tmp_path: Path, loaded: None
) -> None:
    # Every record in the file has a country column; only odd records hold a locality, which
    # the file lacks: 2 of the 4 updated records lose a field.
    fix = [{**full(i), "locality": None} for i in range(4)]
    rows = [{k: v for k, v in r.items() if k != "locality"} for r in fix]
    with pytest.raises(FieldLossError) as caught:
        resource.commit(stage_rows(tmp_path, rows), max_field_loss=0.4)
    assert (caught.value.loss.losing, caught.value.loss.share) == (2, 0.5)
    assert caught.value.loss.fields == {"locality": 2}
    result = resource.commit(stage_rows(tmp_path, rows), max_field_loss=0.5)  # not more than
    assert result.changed == 2
    assert any("removed fields from 2 of the 4 records" in w for w in result.warnings)
    assert resource.get("id-1") == {
        "_id": "id-1", "occurrenceID": "id-1", "scientificName": "Aus bus", "country": "UK",
    }


def test_new_records_and_empty_cells_are_not_losses(
    resource: ResourceStore, tmp_path: Path, loaded: None
) -> None:
    # An empty cell in a column the file has is what the file says, and a new record has no
    # fields to lose: neither counts.
    rows = [{**full(1), "country": None}, {"occurrenceID": "new", "scientificName": "X"}]
    result = resource.commit(stage_rows(tmp_path, rows), max_field_loss=0.0)
    assert (result.added, result.changed) == (1, 1)
    assert not result.warnings


def test_replace_is_checked_too_and_no_limit_means_no_check(
    resource: ResourceStore, tmp_path: Path, loaded: None
) -> None:
    rows = [{"occurrenceID": f"id-{i}", "scientificName": "Aus bus"} for i in range(20)]
    with pytest.raises(FieldLossError, match="this replace would remove fields from 20 of"):
        resource.commit(stage_rows(tmp_path, rows), mode="replace", max_field_loss=0.9)
    result = resource.commit(stage_rows(tmp_path, rows), mode="replace")
    assert result.changed == 20 and not result.warnings


def test_a_patch_is_never_refused_for_field_loss(
    resource: ResourceStore, tmp_path: Path, loaded: None
) -> None:
    fix = [{"occurrenceID": "id-1", "country": "France"}]
    result = resource.commit(stage_rows(tmp_path, fix), mode="patch", max_field_loss=0.0)
    assert result.changed == 1 and resource.get("id-1")["locality"] == "Site 1"  # type: ignore[index]
