"""Versions: commit, read at any version, history, no-ops and removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from holotype.store import CommitError, ResourceStore
from tests.store.helpers import stage_rows


def rec(i: int, name: str = "Aus bus", **extra: str) -> dict[str, str | None]:
    return {"occurrenceID": f"id-{i}", "scientificName": name, **extra}


def test_first_ingest_reads_back(resource: ResourceStore, tmp_path: Path) -> None:
    result = resource.commit(stage_rows(tmp_path, [rec(1), rec(2, "Cus dus")]))
    assert (result.added, result.changed, result.removed, result.total) == (2, 0, 0, 2)
    assert result.version is not None
    assert resource.count() == 2
    assert resource.get("id-2") == {
        "_id": "id-2",
        "occurrenceID": "id-2",
        "scientificName": "Cus dus",
    }
    assert resource.manifest().id_field == "occurrenceID"


def test_update_keeps_absent_records_and_rewrites_only_changes(
    resource: ResourceStore, tmp_path: Path
) -> None:
    first = resource.commit(stage_rows(tmp_path, [rec(i) for i in range(100)]))
    second = resource.commit(stage_rows(tmp_path, [rec(5, "Changed name"), rec(200)]))
    assert (second.added, second.changed, second.removed, second.total) == (1, 1, 0, 101)
    latest = resource.versions()[-1]
    assert latest.segment_rows == 2  # unchanged records were not rewritten
    assert resource.get("id-5")["scientificName"] == "Changed name"  # type: ignore[index]
    assert resource.get("id-5", first.version)["scientificName"] == "Aus bus"  # type: ignore[index]
    assert resource.get("id-200", first.version) is None
    assert resource.count(first.version) == 100


def test_replace_removes_absent_records(resource: ResourceStore, tmp_path: Path) -> None:
    first = resource.commit(stage_rows(tmp_path, [rec(1), rec(2), rec(3)]))
    second = resource.commit(stage_rows(tmp_path, [rec(1), rec(3)]), mode="replace")
    assert (second.added, second.changed, second.removed, second.total) == (0, 0, 1, 2)
    assert resource.get("id-2") is None
    assert resource.get("id-2", first.version) is not None
    assert resource.count() == 2 and resource.count(first.version) == 3


def test_identical_content_is_a_no_op(resource: ResourceStore, tmp_path: Path) -> None:
    resource.commit(stage_rows(tmp_path, [rec(1), rec(2)]))
    again = resource.commit(stage_rows(tmp_path, [rec(2), rec(1)]), mode="replace")
    assert again.unchanged and again.total == 2
    assert len(resource.versions()) == 1


def test_versions_are_increasing_millisecond_timestamps(
    resource: ResourceStore, tmp_path: Path
) -> None:
    for i in range(3):
        resource.commit(stage_rows(tmp_path, [rec(i)]))
    numbers = [v.version for v in resource.versions()]
    assert numbers == sorted(set(numbers))
    assert all(1_600_000_000_000 < n < 10_000_000_000_000 for n in numbers)


def test_read_before_first_version_is_empty(resource: ResourceStore, tmp_path: Path) -> None:
    assert resource.count() == 0
    result = resource.commit(stage_rows(tmp_path, [rec(1)]))
    assert result.version is not None
    assert resource.count(result.version - 1) == 0
    assert resource.count(result.version + 10_000) == 1  # as of a later moment: still current


def test_history_lists_versions_with_diffs_and_tombstones(
    resource: ResourceStore, tmp_path: Path
) -> None:
    v1 = resource.commit(stage_rows(tmp_path, [rec(1, country="France"), rec(2)])).version
    v2 = resource.commit(stage_rows(tmp_path, [rec(1, "Other", locality="Paris")])).version
    v3 = resource.commit(stage_rows(tmp_path, [rec(2)]), mode="replace").version
    v4 = resource.commit(stage_rows(tmp_path, [rec(1), rec(2)])).version
    history = resource.history("id-1")
    assert [h.version for h in history] == [v1, v2, v3, v4]
    assert [h.until for h in history] == [v2, v3, v4, None]
    assert history[0].changes["scientificName"] == (None, "Aus bus")
    assert history[1].changes == {
        "scientificName": ("Aus bus", "Other"),
        "country": ("France", None),
        "locality": (None, "Paris"),
    }
    assert history[2].deleted and history[2].data is None
    assert history[3].data == {"occurrenceID": "id-1", "scientificName": "Aus bus"}
    assert resource.history("nope") == []


def test_duplicate_ids_refused_with_rows_and_nothing_committed(
    resource: ResourceStore, tmp_path: Path
) -> None:
    resource.commit(stage_rows(tmp_path, [rec(1)]))
    files_before = sorted(p.name for p in resource.root.rglob("*"))
    with pytest.raises(CommitError) as caught:
        resource.commit(stage_rows(tmp_path, [rec(7), rec(8), rec(7)]))
    assert caught.value.row == 4 and caught.value.column == "occurrenceID"
    assert "duplicate id 'id-7'" in str(caught.value) and "row 2" in str(caught.value)
    assert len(resource.versions()) == 1
    assert sorted(p.name for p in resource.root.rglob("*")) == files_before


def test_missing_id_refused(resource: ResourceStore, tmp_path: Path) -> None:
    rows = [rec(1), {"occurrenceID": None, "scientificName": "x"}]
    with pytest.raises(CommitError) as caught:
        resource.commit(stage_rows(tmp_path, rows))
    assert caught.value.row == 3
    assert resource.versions() == []


def test_unknown_id_field_refused(resource: ResourceStore, tmp_path: Path) -> None:
    with pytest.raises(CommitError, match="'catalogNumber' is not in the file"):
        resource.commit(stage_rows(tmp_path, [rec(1)]), id_field="catalogNumber")


def test_id_field_cannot_change_between_versions(resource: ResourceStore, tmp_path: Path) -> None:
    resource.commit(stage_rows(tmp_path, [rec(1, catalogNumber="c1")]))
    with pytest.raises(CommitError, match="cannot change"):
        resource.commit(
            stage_rows(tmp_path, [rec(1, catalogNumber="c1")]), id_field="catalogNumber"
        )


def test_generated_ids_are_stable_and_handle_identical_rows(
    resource: ResourceStore, tmp_path: Path
) -> None:
    rows: list[dict[str, str | None]] = [{"name": "a"}, {"name": "b"}, {"name": "a"}]
    first = resource.commit(stage_rows(tmp_path, rows))
    assert first.total == 3 and resource.manifest().id_field is None
    ids = {r["_id"] for r in resource.records()}
    assert len(ids) == 3
    again = resource.commit(stage_rows(tmp_path, list(reversed(rows))), mode="replace")
    assert again.unchanged
    assert {r["_id"] for r in resource.records()} == ids


def test_new_fields_and_dropped_fields(resource: ResourceStore, tmp_path: Path) -> None:
    v1 = resource.commit(stage_rows(tmp_path, [rec(1, country="UK")])).version
    resource.commit(stage_rows(tmp_path, [rec(1, habitat="forest")]), mode="replace")
    assert resource.get("id-1") == {
        "_id": "id-1",
        "occurrenceID": "id-1",
        "scientificName": "Aus bus",
        "habitat": "forest",
    }
    assert resource.get("id-1", v1)["country"] == "UK"  # type: ignore[index]
    latest = resource.versions()[-1]
    assert "country" not in latest.fields and "habitat" in latest.fields


def test_unknown_mode_refused(resource: ResourceStore, tmp_path: Path) -> None:
    with pytest.raises(CommitError, match="unknown mode"):
        resource.commit(stage_rows(tmp_path, [rec(1)]), mode="merge")


def test_generated_ids_ignore_column_order_and_empty_columns(
    resource: ResourceStore, tmp_path: Path
) -> None:
    resource.commit(stage_rows(tmp_path, [{"name": "a", "n": "1"}, {"name": "b", "n": "2"}]))
    reordered = [{"n": "2", "name": "b", "extra": None}, {"n": "1", "name": "a", "extra": None}]
    assert resource.commit(stage_rows(tmp_path, reordered), mode="replace").unchanged


def test_update_mode_needs_an_id_field_after_the_first_version(
    resource: ResourceStore, tmp_path: Path
) -> None:
    resource.commit(stage_rows(tmp_path, [{"name": "a", "n": "1"}]))
    with pytest.raises(CommitError, match="--mode replace"):
        resource.commit(stage_rows(tmp_path, [{"name": "a", "n": "2"}]), mode="update")
    assert (
        resource.commit(stage_rows(tmp_path, [{"name": "a", "n": "2"}]), mode="replace").total == 1
    )


def test_underscore_fields_are_kept_and_internal_names_never_leak(
    resource: ResourceStore, tmp_path: Path
) -> None:
    resource.commit(stage_rows(tmp_path, [rec(1, _notes="kept")]))
    assert resource.get("id-1") == {
        "_id": "id-1",
        "occurrenceID": "id-1",
        "scientificName": "Aus bus",
        "_notes": "kept",
    }


def test_field_case_cannot_change_between_versions(resource: ResourceStore, tmp_path: Path) -> None:
    resource.commit(stage_rows(tmp_path, [rec(1, country="UK")]))
    with pytest.raises(CommitError, match="differs only in letter case from 'country'"):
        resource.commit(stage_rows(tmp_path, [rec(1, Country="UK")]))
    assert len(resource.versions()) == 1


def test_damaged_manifest_is_a_clear_error(resource: ResourceStore, tmp_path: Path) -> None:
    from holotype.store.manifest import CorruptManifest

    resource.commit(stage_rows(tmp_path, [rec(1)]))
    (resource.root / "manifest.json").write_text('{"format": 1, "versi')
    with pytest.raises(CorruptManifest, match="damaged"):
        resource.count()
