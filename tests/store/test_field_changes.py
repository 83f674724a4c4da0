"""Per-version field change counts: which fields a version's changed records changed, and how
often; stored at commit, and worked out the same way for versions committed before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from holotype.engine import connect
from holotype.store import RecordStore, ResourceStore
from tests.store.helpers import stage_rows


def rec(i: int, **changes: str | None) -> dict[str, str | None]:
    record: dict[str, str | None] = {
        "occurrenceID": f"id-{i}", "scientificName": "Aus bus", "country": "UK",
        "locality": f"Site {i}", "year": "1950",
    }
    record.update(changes)
    return record


@pytest.fixture
def first(resource: ResourceStore, tmp_path: Path) -> int:
    result = resource.commit(stage_rows(tmp_path, [rec(i) for i in range(10)]))
    assert result.version is not None
    assert resource.versions()[-1].changed_fields == {}  # a first version changes nothing
    return result.version


def latest_counts(resource: ResourceStore) -> dict[str, int] | None:
    return resource.versions()[-1].changed_fields


def test_update_counts_altered_emptied_and_added_fields(
    resource: ResourceStore, tmp_path: Path, first: int
) -> None:
    rows = [rec(i) for i in range(10)]
    rows[1] = rec(1, country="France")  # altered
    rows[2] = rec(2, country="Spain", year=None)  # altered and emptied
    rows[3] = rec(3, year="1951")
    rows[4] = {**rec(4), "habitat": "Forest"}  # a field the record did not have
    rows.append(rec(10, country="Chile"))  # added: a new record changes no field
    result = resource.commit(stage_rows(tmp_path, rows))
    assert (result.added, result.changed) == (1, 4)
    assert latest_counts(resource) == {"country": 2, "year": 2, "habitat": 1}
    assert list(latest_counts(resource) or {}) == ["country", "year", "habitat"]  # most first


def test_update_without_a_column_counts_it_as_emptied(
    resource: ResourceStore, tmp_path: Path, first: int
) -> None:
    rows = [{k: v for k, v in rec(i).items() if k != "locality"} for i in range(3)]
    resource.commit(stage_rows(tmp_path, rows))
    assert latest_counts(resource) == {"locality": 3}


def test_patch_counts_only_the_values_it_changed(
    resource: ResourceStore, tmp_path: Path, first: int
) -> None:
    fix = [
        {"occurrenceID": "id-3", "country": "France", "year": "1950"},  # year as it was
        {"occurrenceID": "id-5", "country": None, "year": "1960"},
        {"occurrenceID": "id-7", "country": "UK", "year": "1950"},  # no change at all
    ]
    result = resource.commit(stage_rows(tmp_path, fix), mode="patch")
    assert result.changed == 2
    assert latest_counts(resource) == {"country": 2, "year": 1}


def test_replace_does_not_count_removed_records(
    resource: ResourceStore, tmp_path: Path, first: int
) -> None:
    rows = [rec(i) for i in range(5)]  # 5 to 9 removed
    rows[0] = rec(0, locality="Elsewhere")
    result = resource.commit(stage_rows(tmp_path, rows), mode="replace")
    assert (result.changed, result.removed) == (1, 5)
    assert latest_counts(resource) == {"locality": 1}
    only_removed = resource.commit(stage_rows(tmp_path, rows[:4]), mode="replace")
    assert (only_removed.changed, only_removed.removed) == (0, 1)
    assert latest_counts(resource) == {}


def test_a_record_changed_again_is_compared_with_its_latest_version(
    resource: ResourceStore, tmp_path: Path, first: int
) -> None:
    resource.commit(stage_rows(tmp_path, [rec(1, country="France")]))
    resource.commit(stage_rows(tmp_path, [rec(1, country="France", year="1999")]))
    assert latest_counts(resource) == {"year": 1}


def strip_counts(root: Path) -> None:
    """Make the manifest as a store written before the counts were kept would have it."""
    path = root / "manifest.json"
    data = json.loads(path.read_text())
    for version in data["versions"]:
        del version["changed_fields"]
    path.write_text(json.dumps(data))


def test_versions_without_counts_are_counted_on_request_the_same_way(
    store: RecordStore, resource: ResourceStore, tmp_path: Path, first: int
) -> None:
    resource.commit(stage_rows(tmp_path, [rec(i, country="France") for i in range(6)]))
    resource.commit(stage_rows(tmp_path, [{**rec(i), "habitat": "Bog"} for i in range(4)]),
                    mode="replace")
    resource.commit(stage_rows(tmp_path, [{"occurrenceID": "id-2", "year": None}]),
                    mode="patch")
    stored = [resource.changed_fields(v) for v in resource.versions()]
    assert stored[1:] == [{"country": 6}, {"country": 4, "habitat": 4}, {"year": 1}]
    strip_counts(resource.root)
    old = RecordStore(store.root, lambda: connect(threads=2, memory_limit="1GB"))
    versions = old.resource("r1").versions()
    assert [v.changed_fields for v in versions] == [None] * 4  # the old manifest loads
    assert [old.resource("r1").changed_fields(v) for v in versions] == stored


def test_counts_worked_out_later_are_kept(
    store: RecordStore, resource: ResourceStore, tmp_path: Path, first: int
) -> None:
    resource.commit(stage_rows(tmp_path, [rec(1, country="France")]))
    strip_counts(resource.root)
    old = RecordStore(store.root, lambda: connect(threads=2, memory_limit="1GB"))
    later = old.resource("r1").versions()[-1]
    assert old.resource("r1").changed_fields(later) == {"country": 1}
    assert later.segment is not None
    (resource.root / later.segment).unlink()  # the kept answer no longer needs the files
    assert old.resource("r1").changed_fields(later) == {"country": 1}
