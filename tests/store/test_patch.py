"""Patch mode: a correction file changes only its columns and keeps every other field."""

from __future__ import annotations

from pathlib import Path

import pytest

from holotype.store import CommitError, ResourceStore
from tests.store.helpers import stage_rows


def full(i: int, **changes: str | None) -> dict[str, str | None]:
    """A record with several fields, as a first version holds it."""
    record: dict[str, str | None] = {
        "occurrenceID": f"id-{i}",
        "scientificName": "Aus bus",
        "country": "UK",
        "locality": f"Site {i}",
        "recordedBy": "A. Collector",
        "year": "1950",
    }
    record.update(changes)
    return record


@pytest.fixture
def loaded(resource: ResourceStore, tmp_path: Path) -> int:
    """Ten full records; the first version."""
    first = resource.commit(stage_rows(tmp_path, [full(i) for i in range(10)]))
    assert first.version is not None
    return first.version


def test_patch_changes_only_the_files_columns(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    fix = [{"occurrenceID": "id-3", "country": "France"}, {"occurrenceID": "id-7", "country": "UK"}]
    result = resource.commit(stage_rows(tmp_path, fix), mode="patch")
    assert (result.added, result.changed, result.removed, result.total) == (0, 1, 0, 10)
    assert resource.get("id-3") == {"_id": "id-3", **full(3, country="France")}
    assert resource.versions()[-1].mode == "patch"
    assert resource.versions()[-1].segment_rows == 1  # id-7 already said UK: not rewritten
    assert resource.get("id-4") == {"_id": "id-4", **full(4)}  # records not in the file: as were
    assert resource.get("id-3", loaded) == {"_id": "id-3", **full(3)}  # the past is unchanged


def test_an_empty_cell_clears_its_field(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    fix = [{"occurrenceID": "id-7", "country": None, "year": "1951"}]
    resource.commit(stage_rows(tmp_path, fix), mode="patch")
    expected = {k: v for k, v in full(7, year="1951").items() if k != "country"}
    assert resource.get("id-7") == {"_id": "id-7", **expected}


def test_rerunning_a_patch_is_a_no_op(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    fix = [{"occurrenceID": "id-3", "country": "France"}]
    assert resource.commit(stage_rows(tmp_path, fix), mode="patch").changed == 1
    again = resource.commit(stage_rows(tmp_path, fix), mode="patch")
    assert again.unchanged and again.total == 10
    assert len(resource.versions()) == 2
    # A patch that sets the values already there is a no-op too.
    same = [{"occurrenceID": "id-4", "country": "UK", "year": "1950"}]
    assert resource.commit(stage_rows(tmp_path, same), mode="patch").unchanged


def test_history_shows_only_the_patched_fields(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    fix = [{"occurrenceID": "id-5", "country": "Spain", "locality": None}]
    patched = resource.commit(stage_rows(tmp_path, fix), mode="patch").version
    history = resource.history("id-5")
    assert [h.version for h in history] == [loaded, patched]
    assert history[-1].changes == {"country": ("UK", "Spain"), "locality": ("Site 5", None)}


def test_a_new_column_is_added(resource: ResourceStore, tmp_path: Path, loaded: int) -> None:
    fix = [{"occurrenceID": "id-2", "habitat": "woodland"}]
    resource.commit(stage_rows(tmp_path, fix), mode="patch")
    assert resource.get("id-2") == {"_id": "id-2", **full(2), "habitat": "woodland"}
    assert "habitat" in resource.manifest().columns
    stats = resource.versions()[-1].stats
    assert stats["habitat"]["present"] == 1 and stats["country"]["present"] == 10


def test_unknown_ids_are_refused_with_the_rows_named(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    fix = [
        {"occurrenceID": "id-1", "country": "France"},
        {"occurrenceID": "id-l2", "country": "France"},  # a typo
        {"occurrenceID": "id-99", "country": "France"},
    ]
    with pytest.raises(CommitError) as caught:
        resource.commit(stage_rows(tmp_path, fix), mode="patch")
    error = caught.value
    assert (error.row, error.column) == (3, "occurrenceID")
    assert "2 rows name records this resource does not have" in error.message
    assert "row 3: 'id-l2', row 4: 'id-99'" in error.message
    assert len(resource.versions()) == 1 and resource.get("id-1") == {"_id": "id-1", **full(1)}
    assert len(list((resource.root / "segments").glob("*"))) == 1  # nothing new written


def test_many_unknown_ids_name_the_first_few(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    fix = [{"occurrenceID": f"new-{i}", "country": "X"} for i in range(8)]
    with pytest.raises(CommitError, match=r"8 rows name .*row 6: 'new-4' and 3 more"):
        resource.commit(stage_rows(tmp_path, fix), mode="patch")


def test_a_patch_needs_the_id_column(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    with pytest.raises(CommitError, match="'occurrenceID' is not in the file"):
        resource.commit(stage_rows(tmp_path, [{"country": "France"}]), mode="patch")


def test_generated_ids_cannot_be_patched(resource: ResourceStore, tmp_path: Path) -> None:
    resource.commit(stage_rows(tmp_path, [{"name": "a", "n": "1"}]))
    assert resource.manifest().id_field is None
    with pytest.raises(CommitError, match=r"generated from their content.*mode replace"):
        resource.commit(stage_rows(tmp_path, [{"name": "a", "n": "2"}]), mode="patch")
    assert len(resource.versions()) == 1


def test_a_resource_without_records_cannot_be_patched(
    resource: ResourceStore, tmp_path: Path
) -> None:
    with pytest.raises(CommitError, match="no records yet"):
        resource.commit(stage_rows(tmp_path, [full(1)]), mode="patch")
    assert resource.versions() == []


def test_update_still_replaces_whole_records(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    fix = [{"occurrenceID": "id-3", "country": "France"}]
    result = resource.commit(stage_rows(tmp_path, fix), mode="update")
    assert result.changed == 1
    assert resource.get("id-3") == {"_id": "id-3", "occurrenceID": "id-3", "country": "France"}
    stats = resource.versions()[-1].stats
    assert stats["locality"]["present"] == 9 and stats["country"]["present"] == 10


def test_patched_statistics_match_a_full_recount(
    resource: ResourceStore, tmp_path: Path, loaded: int
) -> None:
    fix = [{"occurrenceID": f"id-{i}", "year": "19x", "locality": None} for i in range(4)]
    resource.commit(stage_rows(tmp_path, fix), mode="patch")
    stats = resource.versions()[-1].stats
    assert stats["year"] == {
        "present": 10, "integer": 6, "number": 6, "boolean": 0, "date": 0, "partial_date": 6,
    }
    assert stats["locality"]["present"] == 6 and stats["recordedBy"]["present"] == 10
