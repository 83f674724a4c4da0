"""A build keeps only the newest index file of a resource (it serves every version up to its
own), so readers that hold an older file, or found it a moment before it went, must carry on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from holotype.index import engine
from holotype.index.layout import index_path, indexed_versions, rows_path
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.services.two_resources import open_site, write


def rows(seed: int, count: int) -> list[dict[str, str]]:
    return [{"occurrenceID": f"occ-{i:03d}", "locality": f"Place {seed}-{i}"}
            for i in range(count)]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = open_site(tmp_path / "site")
    yield opened
    opened.close()


def put(portal: Portal, tmp: Path, seed: int, count: int = 30) -> int:
    done = ingest(portal, OPERATOR, "ds/res-a", write(tmp / f"a{seed}.csv", rows(seed, count)),
                  mode="replace")
    assert done.result.version is not None
    return done.result.version


def test_a_build_keeps_only_the_newest_index_file(portal: Portal, tmp_path: Path) -> None:
    first = put(portal, tmp_path, 1)
    second = put(portal, tmp_path, 2)
    root = next(p for p in portal.index_dir.iterdir() if indexed_versions(p))
    assert indexed_versions(root) == [second]
    assert sorted(p.name for p in root.iterdir() if p.name != "lock") == [
        index_path(root, second).name, rows_path(root, second).name]
    # the newest file answers for the version before it
    attached = portal.indexes.attach(root.name, first)
    assert attached is not None and attached.version == second


def test_a_row_file_deleted_under_its_readers_keeps_serving_them(
    portal: Portal, tmp_path: Path
) -> None:
    first = put(portal, tmp_path, 1)
    root = next(p for p in portal.index_dir.iterdir() if indexed_versions(p))
    old = portal.indexes.attach(root.name, first)
    assert old is not None and old.version == first
    put(portal, tmp_path, 2)
    assert not rows_path(root, first).exists()  # pruned while attached
    found: list[object] = []
    with old.rows._connection():  # the only open connection is in use: another reader
        reader = threading.Thread(target=lambda: found.append(old.rows.by_rid([1, 2])))
        reader.start()  # cannot open a new one by name, so it waits for this one
        reader.join(0.3)
        assert reader.is_alive() and not found
    reader.join(10)
    assert found == [{1: {"_id": "occ-000", "occurrenceID": "occ-000",
                          "locality": "Place 1-0"},
                      2: {"_id": "occ-001", "occurrenceID": "occ-001",
                          "locality": "Place 1-1"}}]
    # and a search now attaches the newest file, which also serves the first version
    fresh = portal.indexes.attach(root.name, first)
    assert fresh is not None and fresh.version > first


def test_a_reader_that_listed_a_file_a_build_then_pruned_attaches_the_newest(
    portal: Portal, tmp_path: Path
) -> None:
    first = put(portal, tmp_path, 1)
    root = next(p for p in portal.index_dir.iterdir() if indexed_versions(p))
    second = put(portal, tmp_path, 2)
    listings = [[first], [first, second]]  # the first listing was made just before the build
    real = engine.indexed_versions

    def listed(path: Path) -> list[int]:
        return listings.pop(0) if listings else real(path)

    fresh = engine.IndexEngine(portal.index_dir)  # nothing attached yet
    try:
        with mock.patch.object(engine, "indexed_versions", listed):
            attached = fresh.attach(root.name, first)
        assert not listings  # it listed again
        assert attached is not None and attached.version == second
        assert attached.rows.by_rid([1])[1]["locality"] == "Place 1-0"  # version 1's row 1
    finally:
        fresh.close()


def test_a_reader_gives_up_with_a_clear_error_when_files_keep_going(
    portal: Portal, tmp_path: Path
) -> None:
    first = put(portal, tmp_path, 1)
    root = next(p for p in portal.index_dir.iterdir() if indexed_versions(p))
    fresh = engine.IndexEngine(portal.index_dir)  # nothing attached yet
    try:
        with mock.patch.object(engine, "indexed_versions", lambda _path: [first - 1]), \
                pytest.raises(engine.Superseded, match="changed 5 times"):
            fresh.attach(root.name, first - 1)
    finally:
        fresh.close()


def deleted_files_open() -> set[str]:
    """Names of the deleted files this process still holds open (their space is not free)."""
    found = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue
        if target.endswith(" (deleted)"):
            found.add(Path(target.removesuffix(" (deleted)")).name)
    return found


def replaced_while_attached(portal: Portal, tmp_path: Path) -> tuple[Path, int, set[str]]:
    """A first version indexed and attached, then a second that replaces its index: the index
    folder, the first version, and the names of its deleted files."""
    first = put(portal, tmp_path, 1)
    root = next(p for p in portal.index_dir.iterdir() if indexed_versions(p))
    assert portal.indexes.attach(root.name, first) is not None
    put(portal, tmp_path, 2)
    return root, first, {index_path(root, first).name, rows_path(root, first).name}


def test_a_deleted_index_file_is_let_go_once_its_readers_are_done(
    portal: Portal, tmp_path: Path
) -> None:
    root, first, old = replaced_while_attached(portal, tmp_path)
    newest = portal.indexes.attach(root.name, first)  # notes the old one as superseded
    assert newest is not None and newest.version > first
    assert old <= deleted_files_open()  # requests may still be reading it
    with mock.patch.object(engine, "RELEASE_AFTER", 0.0):  # ... until they are done
        assert portal.indexes.attach(root.name, first) == newest
    assert not old & deleted_files_open()


def test_a_deleted_index_file_of_a_resource_nobody_searches_is_let_go_too(
    portal: Portal, tmp_path: Path
) -> None:
    """A search of another resource, once a minute, lets go of it."""
    root, _first, old = replaced_while_attached(portal, tmp_path)
    other = ingest(portal, OPERATOR, "ds/res-b", write(tmp_path / "b.csv", rows(9, 5)))
    assert other.result.version is not None
    other_id = next(p.name for p in portal.index_dir.iterdir() if p != root)
    with mock.patch.object(engine, "RELEASE_AFTER", 0.0), \
            mock.patch.object(engine, "SWEEP_EVERY", 0.0):
        portal.indexes.attach(other_id, other.result.version)  # never res-a
    assert not old & deleted_files_open()
