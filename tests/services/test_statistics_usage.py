"""Download and citation usage figures equal counts made straight from the catalogue tables,
leave out what the reader may not see, show a new download at once, and refuse bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from holotype.catalog.db import downgrade, upgrade
from holotype.errors import Invalid
from holotype.services import catalogue
from holotype.services.citations.query_citations import cite
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.statistics.model import Params, Scope, scope
from holotype.services.statistics.usage import (
    FIGURES,
    NO_DOIS,
    downloads_over_time,
    top_datasets_citations,
    top_datasets_downloads,
)
from tests.downloads.conftest import (  # noqa: F401 (fixtures)
    MEDIA,
    Site,
    base_site,
    copy_site,
    drain,
    queue,
)
from tests.fixtures import citations_site

QUERY = {"search": "forest"}
SINCE = "2024-01"


def _serve(portal: Portal) -> None:
    """Downloads of every kind: made by a worker, answered from an earlier one, of one
    resource and of all; then two of them moved to earlier months (before any figure is
    read), and the media survey's category changed so categories differ. The download
    totals follow the events as they are written, not a move by hand: migration 0007 back-fills
    them afresh from the moved events."""
    queue(portal, "csv", QUERY)
    queue(portal, "parquet", {}, resource_ids=[MEDIA])
    drain(portal)
    queue(portal, "csv", QUERY)  # identical: served at once from the first file
    queue(portal, "dwca", {"search": "Kenya"})
    drain(portal)
    with portal.write_session() as session:
        session.execute(text("UPDATE download_events SET created = '2024-03-10 12:00:00.000000' "
                             "WHERE id = 1"))
        session.execute(text("UPDATE download_events SET created = '2025-11-30 23:59:00.000000' "
                             "WHERE id = 2"))
        catalogue.update_dataset(session, "media-survey", category="research")
    downgrade(portal.engine, "0006")
    upgrade(portal.engine)


@pytest.fixture(scope="module")
def served(base_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Site:  # noqa: F811
    """The download site with downloads served (read only by the tests that use it)."""
    site = copy_site(base_site, tmp_path_factory.mktemp("usage"))
    portal = site.portal()
    try:
        _serve(portal)
    finally:
        portal.close()
    return site


@pytest.fixture
def portal(served: Site, tmp_path: Path) -> Iterator[Portal]:
    """A private copy of the served site (tests add downloads and change visibility)."""
    opened = copy_site(served, tmp_path / "site").portal()
    yield opened
    opened.close()


def _direct(portal: Portal, reader: Scope, group: str | None) -> dict[tuple[str, ...], list[int]]:
    """Downloads by month (and group) counted in SQL over the tables: distinct events with a
    resource in the scope, and those resources' records."""
    rids = [r.id for r in reader.resources]
    column = {None: "''", "format": "e.format", "dataset": "d.title",
              "category": "d.category"}[group]
    marks = ", ".join(f":r{i}" for i in range(len(rids)))
    sql = (f"SELECT strftime('%Y-%m', e.created), {column}, count(DISTINCT e.id), "
           "sum(r.records) FROM download_events e "
           "JOIN download_event_resources r ON r.event_id = e.id "
           "JOIN datasets d ON d.id = r.dataset_id "
           f"WHERE r.resource_id IN ({marks}) GROUP BY 1, 2")
    with portal.session() as session:
        rows = session.execute(text(sql), {f"r{i}": rid for i, rid in enumerate(rids)}).all()
    return {(m, g) if group else (m,): [n, records] for m, g, n, records in rows}


def _figure(table: Any, group: str | None) -> dict[tuple[str, ...], list[int]]:
    return {(r["period"], r[group]) if group else (r["period"],): [r["events"], r["records"]]
            for r in table.rows if r["events"]}


def test_event_resources_hold_each_jobs_pinned_counts(portal: Portal) -> None:
    with portal.session() as session:
        events = session.execute(text(
            "SELECT e.id, e.records, e.resource_ids, j.request FROM download_events e "
            "JOIN download_jobs j ON j.id = e.job_id")).all()
        rows = session.execute(text(
            "SELECT r.event_id, r.resource_id, r.dataset_id, r.records, s.dataset_id "
            "FROM download_event_resources r JOIN resources s ON s.id = r.resource_id")).all()
    assert len(events) == 4
    for event_id, records, resource_ids, request in events:
        pins = {p["id"]: p["count"] for p in json.loads(request)["resources"]}
        mine = {rid: n for e, rid, _d, n, _s in rows if e == event_id}
        assert mine == pins and sorted(mine) == json.loads(resource_ids)
        assert sum(mine.values()) == records
    assert all(dataset == now for *_, dataset, _n, now in rows)


def test_downloads_over_time_equal_direct_counts_for_every_grouping(portal: Portal) -> None:
    for reader in (scope(portal, ANONYMOUS), scope(portal, OPERATOR),
                   scope(portal, ANONYMOUS, "media-survey")):
        for group in (None, "format", "dataset", "category"):
            table = downloads_over_time(portal, reader, Params(since=SINCE, by=group))
            expected = _direct(portal, reader, group)
            assert _figure(table, group) == expected, (reader.key, group)
            assert expected  # something was counted
    table = downloads_over_time(portal, scope(portal, ANONYMOUS), Params(since=SINCE))
    assert table.rows[2] == {"period": "2024-03", "events": 1,
                             "records": _direct(portal, scope(portal, ANONYMOUS), None)[
                                 ("2024-03",)][1]}
    assert sum(r["events"] for r in table.rows) == table.total == 4
    yearly = downloads_over_time(portal, scope(portal, ANONYMOUS),
                                 Params(granularity="year", since="2024", by="format"))
    assert {(r["period"], r["format"]) for r in yearly.rows} >= {("2024", "csv"),
                                                                 ("2025", "parquet")}
    assert sum(r["events"] for r in yearly.rows) == 4
    # The default range starts at the first download's month.
    assert downloads_over_time(portal, scope(portal, ANONYMOUS), Params()).rows[0][
        "period"] == "2024-03"


def test_a_private_datasets_downloads_are_left_out_for_who_may_not_see_it(
        portal: Portal) -> None:
    before = top_datasets_downloads(portal, scope(portal, ANONYMOUS), Params())
    assert "Media survey <2024>" in [r["dataset"] for r in before.rows]
    with portal.write_session() as session:
        catalogue.update_dataset(session, "media-survey", visibility="private")
    public, everything = scope(portal, ANONYMOUS), scope(portal, OPERATOR)
    after = top_datasets_downloads(portal, public, Params())
    assert "Media survey <2024>" not in [r["dataset"] for r in after.rows]
    for reader in (public, everything):
        for group in (None, "dataset"):
            table = downloads_over_time(portal, reader, Params(since=SINCE, by=group))
            assert _figure(table, group) == _direct(portal, reader, group)
    with pytest.raises(Invalid):
        scope(portal, ANONYMOUS, "media-survey")
    public_events = sum(r["events"] for r in downloads_over_time(
        portal, public, Params(since=SINCE)).rows)
    assert public_events == 3  # the parquet download of the media survey alone is gone


def test_top_datasets_downloads_equal_direct_counts(portal: Portal) -> None:
    reader = scope(portal, ANONYMOUS)
    rids = [r.id for r in reader.resources]
    with portal.session() as session:
        expected = session.execute(text(
            "SELECT d.title, count(DISTINCT e.id), sum(r.records) FROM download_events e "
            "JOIN download_event_resources r ON r.event_id = e.id "
            "JOIN datasets d ON d.id = r.dataset_id WHERE r.resource_id IN "
            f"({', '.join(repr(r) for r in rids)}) GROUP BY d.title "
            "ORDER BY 2 DESC, 3 DESC")).all()
    table = top_datasets_downloads(portal, reader, Params(limit=2))
    assert [(r["dataset"], r["events"], r["records"]) for r in table.rows] == [
        tuple(row) for row in expected[:2]]
    assert table.total == len(expected) > 2
    since = top_datasets_downloads(portal, reader, Params(since="2025-12"))
    assert sum(r["events"] for r in since.rows) < sum(
        r["events"] for r in top_datasets_downloads(portal, reader, Params()).rows)


def test_a_new_download_shows_at_once(portal: Portal) -> None:
    reader = scope(portal, ANONYMOUS)
    first = downloads_over_time(portal, reader, Params(since=SINCE, by="format"))
    queue(portal, "csv", QUERY)  # served at once from the earlier file: a new event
    again = downloads_over_time(portal, reader, Params(since=SINCE, by="format"))
    assert _figure(again, "format") == _direct(portal, reader, "format") != _figure(
        first, "format")
    assert sum(r["events"] for r in again.rows) == sum(r["events"] for r in first.rows) + 1


def test_the_migration_back_fills_events_from_their_jobs(portal: Portal) -> None:
    select_all = text("SELECT event_id, resource_id, dataset_id, records "
                      "FROM download_event_resources ORDER BY 1, 2")
    with portal.session() as session:
        written = session.execute(select_all).all()
    assert written
    downgrade(portal.engine, "0006")
    upgrade(portal.engine)
    with portal.session() as session:
        assert session.execute(select_all).all() == written


@pytest.mark.parametrize(("params", "field"), [
    (Params(by="colour"), "by"),
    (Params(granularity="fortnight"), "granularity"),  # type: ignore[arg-type]
    (Params(since="2026-02", until="2025-01"), "since"),
    (Params(since="1066"), "since"),
    (Params(until="3000-01"), "until"),
    (Params(limit=0), "limit"),
])
def test_bad_parameters_are_refused_naming_them(
        served: Site, params: Params, field: str) -> None:
    portal = served.portal()
    try:
        public = scope(portal, ANONYMOUS)
        refused = [f for f in FIGURES if field in f.params]
        assert refused
        for figure in refused:
            with pytest.raises(Invalid) as caught:
                figure.compute(portal, public, params)
            assert caught.value.field == field, (figure.id, caught.value)
    finally:
        portal.close()


def test_citations_are_not_yet_available_without_query_dois(tmp_path: Path) -> None:
    portal = citations_site.make(tmp_path)
    try:
        cite(portal, ANONYMOUS, {"search": "quercus"}, None, None)  # a citation, no DOI
        table = top_datasets_citations(portal, scope(portal, ANONYMOUS), Params())
        assert table.unavailable == NO_DOIS and table.rows == []
    finally:
        portal.close()


def test_citations_count_query_dois_per_dataset_in_the_scope(tmp_path: Path) -> None:
    portal = citations_site.make(tmp_path, **citations_site.DOIS)
    try:
        cite(portal, ANONYMOUS, {"search": "quercus"}, None, None)  # oaks and elms
        cite(portal, ANONYMOUS, {"search": "kenya"}, ["oaks/trees"], None)
        table = top_datasets_citations(portal, scope(portal, ANONYMOUS), Params())
        assert table.unavailable is None
        with portal.session() as session:
            cited = [json.loads(r) for r in session.execute(text(
                "SELECT resources FROM query_citations WHERE doi IS NOT NULL")).scalars()]
        expected: dict[str, int] = {}
        for resources in cited:
            for title in {r["dataset_title"] for r in resources}:
                expected[title] = expected.get(title, 0) + 1
        assert {r["dataset"]: r["citations"] for r in table.rows} == expected == {
            "Oak trees": 2, "Elm trees": 1}
        assert [r["dataset"] for r in table.rows] == ["Oak trees", "Elm trees"]
        elms = top_datasets_citations(portal, scope(portal, ANONYMOUS, "elms"), Params())
        assert [(r["dataset"], r["citations"]) for r in elms.rows] == [("Elm trees", 1)]
        # A new citation shows at once.
        cite(portal, ANONYMOUS, {"search": "ulmus"}, None, None)
        assert top_datasets_citations(portal, scope(portal, ANONYMOUS, "elms"),
                                      Params()).rows[0]["citations"] == 2
    finally:
        portal.close()
