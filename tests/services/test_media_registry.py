"""The media registry: each committed version's media registered with the resource naming
them, read from the media fields alone; visibility by the one policy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.media.refs import media_id, record_media
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.media.registry import (
    _sources,
    media_of,
    register_media,
    visible_source,
)
from holotype.services.post_commit import (
    DATASET_DOI,
    MAP_TILES,
    MEDIA,
    POST_COMMIT_HOOKS,
    SEARCH_INDEX,
    STATISTICS,
)
from holotype.services.records import delete_resource, ingest
from tests.fixtures.media_datasets import open_and_shut

A = "https://images.example.org/a.jpg"
B = "https://images.example.org/b.jpg"
C = "stored:" + "c" * 64 + ".png"


@pytest.fixture
def portal(tmp_path: Path, catalogue_url: str) -> Iterator[Portal]:
    """On SQLite and on PostgreSQL (the registry writes with each one's own bulk insert)."""
    opened = Portal.open(load_settings(data_dir=tmp_path / "site", database_url=catalogue_url))
    open_and_shut(opened)
    yield opened
    opened.close()


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_media_runs_after_the_doi_metadata_and_before_the_map_tiles() -> None:
    assert POST_COMMIT_HOOKS == (SEARCH_INDEX, DATASET_DOI, MEDIA, MAP_TILES, STATISTICS)


def test_every_medium_of_a_version_is_registered_with_its_resource(
    portal: Portal, tmp_path: Path
) -> None:
    rows = [
        {"occurrenceID": "1", "associatedMedia": f"{A} | {B}"},
        {"occurrenceID": "2", "Multimedia": json.dumps([{"identifier": C, "format": "image/png"}])},
        {"occurrenceID": "3", "associatedMedia": A},  # the same medium, once
        {"occurrenceID": "4", "associatedMedia": "not a source"},
    ]
    outcome = ingest(portal, OPERATOR, "open/rows", _jsonl(tmp_path / "a.jsonl", rows))
    assert sorted(media_of(portal, outcome.resource.id)) == sorted(
        media_id(s) for s in (A, B, C))
    assert visible_source(portal, ANONYMOUS, media_id(C)) == C
    # A later version that drops a medium keeps it registered (record pages show old versions)
    ingest(portal, OPERATOR, "open/rows", _jsonl(tmp_path / "b.jsonl", rows[2:]),
           mode="replace")
    assert len(list(media_of(portal, outcome.resource.id))) == 3


def test_a_private_medium_is_seen_by_the_operator_only(portal: Portal, tmp_path: Path) -> None:
    ingest(portal, OPERATOR, "shut/rows",
           _jsonl(tmp_path / "a.jsonl", [{"occurrenceID": "1", "associatedMedia": B}]))
    assert visible_source(portal, ANONYMOUS, media_id(B)) is None
    assert visible_source(portal, OPERATOR, media_id(B)) == B
    assert visible_source(portal, OPERATOR, "0" * 32) is None
    # Named by a public resource too: now anyone sees it.
    ingest(portal, OPERATOR, "open/rows",
           _jsonl(tmp_path / "b.jsonl", [{"occurrenceID": "1", "associatedMedia": B}]))
    assert visible_source(portal, ANONYMOUS, media_id(B)) == B


def test_versions_committed_without_hooks_are_registered_later(
    portal: Portal, tmp_path: Path
) -> None:
    first = ingest(portal, OPERATOR, "open/rows", index=False, path=_jsonl(
        tmp_path / "a.jsonl", [{"occurrenceID": "1", "associatedMedia": A}]))
    assert list(media_of(portal, first.resource.id)) == []
    ingest(portal, OPERATOR, "open/rows", mode="patch", path=_jsonl(
        tmp_path / "b.jsonl", [{"occurrenceID": "1", "title": "x"}]))
    assert list(media_of(portal, first.resource.id)) == [media_id(A)]
    assert register_media(portal, first.resource.id) == 0  # nothing new to read


@pytest.mark.parametrize("row", [
    (None, A), (None, f"{A} | {B}"), (None, f" {A}"), (None, f"{A};{B}"), (None, f"{A}, {B}"),
    (None, "ftp://x/a.jpg"), (None, C), ("", A), (json.dumps([{"identifier": B}]), A),
    ("not json", A), (None, "https://x/a,b.jpg"),
])
def test_the_quick_reading_agrees_with_record_media(row: tuple[str | None, str | None]) -> None:
    expected = [(ref.id, ref.source) for ref in record_media(
        {"Multimedia": row[0], "associatedMedia": row[1]})]
    assert _sources(row) == expected


def test_a_deleted_resource_takes_its_uses_along(portal: Portal, tmp_path: Path) -> None:
    outcome = ingest(portal, OPERATOR, "open/rows", _jsonl(
        tmp_path / "a.jsonl", [{"occurrenceID": "1", "associatedMedia": A}]))
    assert visible_source(portal, ANONYMOUS, media_id(A)) == A
    delete_resource(portal, OPERATOR, "open/rows")
    assert list(media_of(portal, outcome.resource.id)) == []
    assert visible_source(portal, OPERATOR, media_id(A)) is None


@pytest.mark.slow
def test_many_records_each_with_its_own_image_register_once_each(
    tmp_path: Path,
) -> None:
    # How long it takes at two million is the benchmark's to say, not a test's.
    import duckdb

    portal = Portal.open(load_settings(data_dir=tmp_path / "site"))  # SQLite, the default
    with portal.session() as session:
        catalogue.create_dataset(session, slug="open", title="Open", licence="CC0-1.0")
        catalogue.create_resource(session, "open", slug="rows", name="Rows")
    try:
        csv = tmp_path / "big.csv"
        duckdb.sql(
            "COPY (SELECT i::VARCHAR AS occurrenceID, 'x' || i AS other, "
            "'https://images.example.org/' || i || '.jpg' AS associatedMedia "
            f"FROM range(100000) t(i)) TO '{csv}'"
        )
        outcome = ingest(portal, OPERATOR, "open/rows", csv, index=False)
        assert register_media(portal, outcome.resource.id) == 100_000
        assert len(list(media_of(portal, outcome.resource.id))) == 100_000
    finally:
        portal.close()
