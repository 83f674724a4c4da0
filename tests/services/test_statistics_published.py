"""Records and datasets published over time equal what the version manifests say, for what
the reader may see, and a new version shows at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from holotype.errors import Invalid
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest
from holotype.services.statistics.model import Params, scope
from holotype.services.statistics.published import (
    FIGURES,
    datasets_over_time,
    records_over_time,
)
from tests.fixtures.citations_site import csv, make


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = make(tmp_path)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """A site the tests only read."""
    opened = make(tmp_path_factory.mktemp("published"))
    yield opened
    opened.close()


def _month(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return f"{moment.year:04d}-{moment.month:02d}"


def _expected(portal: Portal, rids: list[str], months: list[str]) -> list[dict[str, object]]:
    """The same figure read straight from the manifests, month by month."""
    rows = []
    for month in months:
        row = {"period": month, "records": 0, "added": 0, "changed": 0, "removed": 0}
        for rid in rids:
            versions = portal.store.resource(rid).versions()
            before = [v for v in versions if _month(v.version) <= month]
            row["records"] += before[-1].total if before else 0
            for v in versions:
                if _month(v.version) == month:
                    row["added"] += v.added
                    row["changed"] += v.changed
                    row["removed"] += v.removed
        rows.append(row)
    return rows


def _months(since: str, until: str) -> list[str]:
    year, month = map(int, since.split("-"))
    found = []
    while f"{year:04d}-{month:02d}" <= until:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def test_records_over_time_equal_the_manifests_for_what_the_reader_may_see(
        portal: Portal, tmp_path: Path) -> None:
    ingest(portal, OPERATOR, "oaks/trees", csv(tmp_path / "o2.csv", [
        "o1,Quercus robur,Kenya", "o4,Quercus ilex,Spain"]), mode="replace")
    now = _month(int(datetime.now(UTC).timestamp() * 1000))
    months = _months(f"{int(now[:4]) - 1}-11", now)
    public = scope(portal, ANONYMOUS)
    everything = scope(portal, OPERATOR)
    assert len(everything.resources) == len(public.resources) + 1  # the private dataset
    for reader in (public, everything):
        table = records_over_time(portal, reader, Params(since=months[0]))
        rids = [r.id for r in reader.resources]
        assert table.rows == _expected(portal, rids, months)
        assert table.total == sum(portal.store.resource(r).versions()[-1].total for r in rids)
        assert table.versions == {r: portal.store.resource(r).versions()[-1].version
                                  for r in rids}
    # oaks now holds 2 (o1 kept, o4 added, o2 and o3 removed), elms 2, the private one 1.
    assert records_over_time(portal, public, Params()).rows[-1]["records"] == 4
    assert records_over_time(portal, everything, Params()).rows[-1]["records"] == 5
    last = records_over_time(portal, public, Params()).rows[-1]
    assert (last["added"], last["changed"], last["removed"]) == (3 + 2 + 1, 0, 2)
    # By year: one row per year, the last holding what is current now.
    yearly = records_over_time(portal, public, Params(granularity="year", since="2024"))
    assert [r["period"] for r in yearly.rows] == [str(y) for y in range(2024, int(now[:4]) + 1)]
    assert yearly.rows[-1]["records"] == 4 and yearly.rows[0]["records"] == 0


def test_a_new_version_shows_at_once(portal: Portal, tmp_path: Path) -> None:
    public = scope(portal, ANONYMOUS)
    assert records_over_time(portal, public, Params()).total == 5
    ingest(portal, OPERATOR, "elms/trees", csv(tmp_path / "e2.csv", ["e3,Ulmus glabra,Peru"]))
    table = records_over_time(portal, public, Params())
    assert table.total == 6 and table.rows[-1]["added"] == 6


def test_datasets_over_time_count_each_dataset_once_at_its_first_version(
        portal: Portal, tmp_path: Path) -> None:
    ingest(portal, OPERATOR, "oaks/trees", csv(tmp_path / "o2.csv", ["o9,Quercus ilex,Spain"]))
    for reader, datasets in ((scope(portal, ANONYMOUS), 2), (scope(portal, OPERATOR), 3)):
        table = datasets_over_time(portal, reader, Params(since="2025-01"))
        firsts = {}
        for r in reader.resources:
            first = portal.store.resource(r.id).versions()[0].version
            firsts[r.dataset_id] = min(firsts.get(r.dataset_id, first), first)
        expected = [sum(1 for f in firsts.values() if _month(f) == row["period"])
                    for row in table.rows]
        assert [row["datasets"] for row in table.rows] == expected
        assert table.rows[-1]["cumulative"] == datasets == table.total
        assert sum(row["datasets"] for row in table.rows) == datasets
    one = datasets_over_time(portal, scope(portal, ANONYMOUS, "elms"), Params())
    assert one.rows[-1]["cumulative"] == 1 and one.rows[0]["period"] == one.rows[-1]["period"]


@pytest.mark.parametrize(("params", "field"), [
    (Params(since="2026-05", until="2025-01"), "since"),
    (Params(since="1500"), "since"),
    (Params(until="2999"), "until"),
    (Params(since="1700-01"), "since"),  # more than 1,200 months
    (Params(since="2024-13"), "since"),
    (Params(since="last year"), "since"),
    (Params(granularity="week"), "granularity"),  # type: ignore[arg-type]
])
def test_bad_ranges_and_granularities_are_refused_naming_the_parameter(
        shared: Portal, params: Params, field: str) -> None:
    public = scope(shared, ANONYMOUS)
    for figure in FIGURES:
        with pytest.raises(Invalid) as caught:
            figure.compute(shared, public, params)
        assert caught.value.field == field, caught.value


def test_an_unknown_or_private_dataset_is_refused_alike(shared: Portal) -> None:
    for ref in ("nowhere", "secret"):
        with pytest.raises(Invalid) as caught:
            scope(shared, ANONYMOUS, ref)
        assert caught.value.field == "dataset"
        assert str(caught.value).endswith(f"there is no dataset {ref!r}")
    assert len(scope(shared, OPERATOR, "secret").resources) == 1
