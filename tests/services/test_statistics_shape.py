"""The collection's shape and completeness figures: every row's count is the search count of
its filters over the same scope, and an independent count over the store's records; private
records are counted only for those who may read them; a new version is counted anew."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from holotype.errors import Invalid
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.post_commit import POST_COMMIT_HOOKS, STATISTICS
from holotype.services.records import ingest
from holotype.services.search import Search, checked_query
from holotype.services.statistics import cache
from holotype.services.statistics.completeness import FIGURES as COMPLETENESS
from holotype.services.statistics.completeness import MEASURES
from holotype.services.statistics.model import Params, Scope, Table, scope
from holotype.services.statistics.shape import FIGURES as SHAPE
from holotype.services.statistics.shape import views_of
from tests.services.two_resources import open_site, write

COUNTRIES = ["Kenya", "kenya", "KENYA", "Peru", "Chile", "United Kingdom", ""]
BASIS = ["PreservedSpecimen", "preservedspecimen", "FossilSpecimen", ""]
TAXA = [("Animalia", "Chordata", "Primates"), ("animalia", "Chordata", "Carnivora"),
        ("Plantae", "Tracheophyta", "Rosales"), ("Plantae", "", ""), ("", "", "")]
FIGURES = {f.id: f for f in (*SHAPE, *COMPLETENESS)}


def records(seed: int, ids: range, country: list[str] | None = None) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in ids:
        kingdom, phylum, order = rng.choice(TAXA)
        located = rng.random() < 0.6
        rows.append({
            "occurrenceID": f"occ-{i:04d}", "country": rng.choice(country or COUNTRIES),
            "basisOfRecord": rng.choice(BASIS), "typeStatus": rng.choice(["", "", "Holotype"]),
            "year": rng.choice(["1901", "1950", "1951", "2003", "", "circa 1900"]),
            "kingdom": kingdom, "phylum": phylum, "order": order,
            "decimalLatitude": f"{rng.uniform(-60, 60):.3f}" if located else "",
            "decimalLongitude": f"{rng.uniform(-120, 120):.3f}" if located else "",
            "associatedMedia": rng.choice(["", "https://example.org/a.jpg"]),
            "identifiedBy": rng.choice(["", "A. Person"]),
            "locality": f"Place {rng.randint(1, 4)}",
        })
    return rows


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    tmp = tmp_path_factory.mktemp("stats")
    opened = open_site(tmp / "site")
    with opened.session() as session:
        catalogue.create_dataset(session, slug="secret", title="Secret", licence="CC0-1.0",
                                 visibility="private")
        catalogue.create_resource(session, "secret", slug="rows", name="Rows")
    ingest(opened, OPERATOR, "ds/res-a", write(tmp / "a.csv", records(1, range(0, 300))))
    ingest(opened, OPERATOR, "ds/res-b", write(tmp / "b.csv", records(2, range(200, 400))))
    ingest(opened, OPERATOR, "secret/rows",
           write(tmp / "s.csv", records(3, range(0, 50), ["Secretland"])))
    yield opened
    opened.close()


def independent(portal: Portal, the_scope: Scope, group: dict[str, Any]) -> int:
    """The records of the scope matching ``group`` (an ``and`` of string_equals, not exists and
    exists terms), counted by DuckDB over the store's records, not through the index."""
    conditions = []
    for term in group["and"]:
        if "string_equals" in term:
            spec = term["string_equals"]
            value = spec["value"].replace("'", "''")
            conditions.append(f'lower("{spec["fields"][0]}") = lower(\'{value}\')')
        elif "not" in term:
            conditions.append(f'"{term["not"][0]["exists"]["fields"][0]}" IS NULL')
        elif "geo_field" in term["exists"]:
            conditions.append('"decimalLatitude" IS NOT NULL')
        else:
            fields = term["exists"]["fields"]
            conditions.append("(" + " OR ".join(
                f'"{f}" IS NOT NULL' for f in fields if f in {"year", "associatedMedia",
                                                                 "typeStatus", "identifiedBy"})
                + ")")
    total = 0
    con = duckdb.connect()
    for resource in the_scope.resources:
        relation = portal.store.resource(resource.id).relation()
        row = con.execute(
            f"SELECT count(*) FROM ({relation}) WHERE {' AND '.join(conditions)}").fetchone()
        total += int(row[0]) if row else 0
    return total


def searched(portal: Portal, the_scope: Scope, group: dict[str, Any]) -> int:
    query = checked_query(portal, {"filters": group})
    return sum(Search(portal, query, views_of(portal, the_scope)).count().values())


def figure(portal: Portal, the_scope: Scope, name: str, **params: Any) -> Table:
    return FIGURES[name].compute(portal, the_scope, Params(**params))


@pytest.mark.parametrize(("name", "params"), [
    ("countries", {}), ("basis", {}), ("type-status", {}), ("years", {}),
    ("taxonomy", {}), ("field", {"field": "locality", "limit": 2}),
])
def test_each_row_counts_what_its_search_and_the_store_count(
    portal: Portal, name: str, params: dict[str, Any]
) -> None:
    the_scope = scope(portal, ANONYMOUS)
    table = figure(portal, the_scope, name, **params)
    assert table.rows, name
    for row in table.rows:
        want = row["records"]
        assert searched(portal, the_scope, row["filters"]) == want, row
        assert independent(portal, the_scope, row["filters"]) == want, row
    assert table.total == 500
    assert table.total == sum(r["records"] for r in table.rows) + table.others
    assert f"{table.total:,}" in table.description or table.figure == "years"


def test_values_are_counted_whatever_their_case_in_their_commonest_spelling(
    portal: Portal
) -> None:
    table = figure(portal, scope(portal, ANONYMOUS), "countries")
    kenya = [r for r in table.rows if (r["value"] or "").lower() == "kenya"]
    assert len(kenya) == 1
    assert kenya[0]["label"] in {"Kenya", "kenya", "KENYA"}
    empty = [r for r in table.rows if r["value"] is None]
    assert len(empty) == 1 and empty[0]["label"] == "not given"
    assert "countries; most from" in table.description


def test_completeness_counts_each_measure_by_its_search(portal: Portal) -> None:
    the_scope = scope(portal, OPERATOR)
    table = figure(portal, the_scope, "completeness")
    assert [r["dataset_slug"] for r in table.rows] == ["ds", "secret"]
    for row in table.rows:
        mine = Scope(the_scope.identity, None, tuple(
            r for r in the_scope.resources if r.id in row["resource_ids"]), "test")
        for measure, group in MEASURES.items():
            assert row["measure_filters"][measure] == group
            assert row[measure] == searched(portal, mine, group), (row["dataset"], measure)
            assert row[measure] == independent(portal, mine, group), (row["dataset"], measure)
    assert table.rows[0]["records"] == 500 and table.rows[1]["records"] == 50


def test_a_private_dataset_is_counted_only_for_those_who_may_read_it(portal: Portal) -> None:
    public = figure(portal, scope(portal, ANONYMOUS), "countries")
    everything = figure(portal, scope(portal, OPERATOR), "countries")
    assert "Secretland" not in [r["value"] for r in public.rows]
    assert {"value": "Secretland", "records": 50}.items() <= next(
        r for r in everything.rows if r["value"] == "Secretland").items()
    assert (public.total, everything.total) == (500, 550)
    assert [r["dataset_slug"] for r in figure(portal, scope(portal, ANONYMOUS),
                                               "completeness").rows] == ["ds"]
    with pytest.raises(Invalid) as raised:
        scope(portal, ANONYMOUS, "secret")
    assert raised.value.field == "dataset"


def test_an_unknown_field_is_refused_naming_field(portal: Portal) -> None:
    for params in ({"field": "noSuchField"}, {}):
        with pytest.raises(Invalid) as raised:
            figure(portal, scope(portal, ANONYMOUS), "field", **params)
        assert raised.value.field == "field"


@pytest.mark.parametrize(("since", "until", "field"), [
    ("2000", "1990", "since"), ("1200", None, "since"), (None, "9999", "until"),
    ("19x0", None, "since"),
])
def test_a_reversed_or_absurd_range_of_years_is_refused(
    portal: Portal, since: str | None, until: str | None, field: str
) -> None:
    with pytest.raises(Invalid) as raised:
        figure(portal, scope(portal, ANONYMOUS), "years", since=since, until=until)
    assert raised.value.field == field


def test_years_in_a_range_fill_every_year(portal: Portal) -> None:
    table = figure(portal, scope(portal, ANONYMOUS), "years", since="1949", until="1952")
    assert [r["year"] for r in table.rows] == ["1949", "1950", "1951", "1952"]
    assert table.rows[0]["records"] == 0 and table.rows[1]["records"] > 0
    for row in table.rows:
        assert searched(portal, scope(portal, ANONYMOUS), row["filters"]) == row["records"]


def test_a_new_version_is_counted_anew_and_warm_figures_are_kept(
    tmp_path: Path
) -> None:
    opened = open_site(tmp_path / "site")
    try:
        assert POST_COMMIT_HOOKS[-1] is STATISTICS
        first = ingest(opened, OPERATOR, "ds/res-a",
                       write(tmp_path / "1.csv", records(1, range(0, 40), ["Peru"])))
        rid, version = first.resource.id, first.result.version
        stats_dir = opened.settings.data_dir / "stats"
        assert any(stats_dir.glob(f"*/{version}-*.json")), "the hook counted the new version"
        public = scope(opened, ANONYMOUS)
        before = figure(opened, public, "countries")
        assert [(r["value"], r["records"]) for r in before.rows] == [("Peru", 40)]
        assert figure(opened, public, "countries") is before  # kept in memory
        assert cache.versions(opened, public) == ((rid, version),)
        second = ingest(opened, OPERATOR, "ds/res-a",
                        write(tmp_path / "2.csv", records(1, range(0, 30), ["Chile"])),
                        mode="replace")
        after = figure(opened, scope(opened, ANONYMOUS), "countries")
        assert [(r["value"], r["records"]) for r in after.rows] == [("Chile", 30)]
        assert after.versions == {rid: second.result.version}
        assert not any(stats_dir.glob(f"*/{version}-*.json")), "older counts dropped"
    finally:
        opened.close()
