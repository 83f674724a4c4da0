"""The store is an open table: the recipes of docs/storage-model.md ("Reading a version without
Holotype") read any version with plain DuckDB, Polars and Spark, and give exactly the records
Holotype reads. The recipes are taken from the page itself, so the page cannot drift."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from holotype.store.store import ResourceStore
from tests.store.helpers import stage_rows

DOC = Path(__file__).resolve().parents[2] / "docs" / "storage-model.md"


def _recipes() -> tuple[str, dict[str, str]]:
    """(the manifest block, {engine: its block}) from the page's section."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Reading a version without Holotype", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"(?:\*\*(\w+)\*\*[^\n]*\n\n)?```python\n(.*?)```", section, re.S)
    first = blocks[0][1]
    engines = {name: code for name, code in blocks[1:]}
    assert set(engines) == {"DuckDB", "Polars", "Spark"}, list(engines)
    return first, engines


def _rows(engine: str, records: Any) -> list[dict[str, str]]:
    if engine == "DuckDB":
        names = records.columns
        found = [dict(zip(names, row, strict=True)) for row in records.fetchall()]
    elif engine == "Polars":
        found = records.to_dicts()
    else:
        found = [row.asDict() for row in records.collect()]
    return sorted(({k: v for k, v in r.items() if k != "_from" and v is not None}
                   for r in found), key=lambda r: r["_id"])


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[ResourceStore, list[int]]:
    from holotype.engine import connect
    from holotype.store.store import RecordStore

    root = tmp_path_factory.mktemp("open-table")
    resource = RecordStore(root / "store", lambda: connect(threads=2)).resource("r1")
    work = root / "work"
    one = resource.commit(stage_rows(work, [
        {"occurrenceID": "a", "scientificName": "Aus bus"},
        {"occurrenceID": "b", "scientificName": "Cus dus"},
        {"occurrenceID": "c", "scientificName": "Eus fus"}]))
    two = resource.commit(stage_rows(work, [  # b changed, c removed, d added, a new field
        {"occurrenceID": "a", "scientificName": "Aus bus", "country": None},
        {"occurrenceID": "b", "scientificName": "Cus dus", "country": "Kenya"},
        {"occurrenceID": "d", "scientificName": "Gus hus", "country": "Peru"}]), mode="replace")
    three = resource.commit(stage_rows(work, [  # c back, b changed again
        {"occurrenceID": "b", "scientificName": "Cus ultimus", "country": "Kenya"},
        {"occurrenceID": "c", "scientificName": "Eus fus", "country": None}]))
    stamps = [v.version for v in (one, two, three) if v.version is not None]
    assert len(stamps) == 3
    return resource, stamps


@pytest.mark.parametrize("engine", ["DuckDB", "Polars", "Spark"])
def test_each_recipe_reads_every_version_as_holotype_does(
        versions: tuple[ResourceStore, list[int]], engine: str) -> None:
    resource, stamps = versions
    manifest_block, engines = _recipes()
    checked = 0
    for at in [*stamps, stamps[1] + 1, stamps[-1] + 10_000]:
        scope: dict[str, Any] = {"STORE": str(resource.root), "V": at}
        exec(manifest_block, scope)
        exec(engines[engine], scope)
        expected = resource.records(at, limit=1000)
        assert _rows(engine, scope["records"]) == expected, (engine, at)
        checked += len(expected)
    assert checked > 0
    scope = {"STORE": str(resource.root), "V": stamps[0] - 1}  # before the first version
    exec(manifest_block, scope)
    assert scope["segments"] == [] and resource.records(stamps[0] - 1) == []
