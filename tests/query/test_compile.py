"""Compiled filters: every term on a small table, hostile text, and the examples on real data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from holotype.engine import ident
from holotype.query import (
    AreaCatalogue,
    AreaRegistry,
    AreasMissing,
    RelationTarget,
    compile_filter,
    parse,
    register_area_udf,
    validate,
)
from tests.query.brute import Brute
from tests.query.conftest import EXAMPLES, GEOJSON, SPECIMENS

FIELDS = ["name", "place", "num", "lat", "lon"]
ROWS: list[dict[str, str | None]] = [
    {"name": "Helix aspersa", "place": "Hérault, France", "num": "12", "lat": "43.6", "lon": "3.9"},
    {"name": "HELIX", "place": "Straße 5", "num": " 12.0 ", "lat": "0", "lon": "0"},
    {"name": "Cepaea", "place": None, "num": "1e400", "lat": "91", "lon": "0"},
    {"name": "", "place": "Curaçao", "num": "1_000", "lat": "12.19", "lon": "-68.98"},
    {"name": "hélix", "place": "ΣΊΣΥΦΟΣ", "num": "-3.5e1", "lat": "1", "lon": "1"},
    {"name": None, "place": "Москва", "num": "abc", "lat": "0.5", "lon": "0.5"},
]


@pytest.fixture(scope="module")
def db() -> Iterator[tuple[duckdb.DuckDBPyConnection, RelationTarget]]:
    target = RelationTarget(FIELDS, "lat", "lon", AreaRegistry(AreaCatalogue(GEOJSON)))
    con = duckdb.connect()
    register_area_udf(con, target.registry)
    columns: dict[str, Any] = {"rid": list(range(len(ROWS)))}
    columns.update({f: [r[f] for r in ROWS] for f in FIELDS})
    con.register("records", pa.table(columns))
    yield con, target
    con.close()


def run(db: tuple[duckdb.DuckDBPyConnection, RelationTarget], query: dict[str, Any]) -> list[int]:
    con, target = db
    catalogue = target.registry.catalogue
    validate(query, catalogue)
    where = compile_filter(query, target, catalogue)
    rows = con.execute(f"SELECT rid FROM records WHERE {where} ORDER BY rid").fetchall()
    found = [r[0] for r in rows]
    brute = Brute(FIELDS, "lat", "lon", GEOJSON)
    assert found == [i for i, row in enumerate(ROWS) if brute.matches(query, row)]
    return found


def term(**kwargs: Any) -> dict[str, Any]:
    return {"filters": {"and": [kwargs]}}


CASES: list[tuple[str, dict[str, Any], list[int]]] = [
    ("empty query", {}, [0, 1, 2, 3, 4, 5]),
    ("search: whole tokens, any field", {"search": "HELIX france"}, [0]),
    ("search: accents and case", {"search": "helix"}, [0, 1, 4]),
    ("search: no tokens matches all", {"search": " ?! "}, [0, 1, 2, 3, 4, 5]),
    ("search: not a prefix", {"search": "heli"}, []),
    ("search: across fields", {"search": "aspersa herault"}, [0]),
    ("search: simple lowercase sigma", {"search": "σισυφοσ"}, [4]),
    ("equals: case-insensitive", term(string_equals={"fields": ["name"], "value": "helix"}), [1]),
    ("equals: accents count", term(string_equals={"fields": ["name"], "value": "HÉLIX"}), [4]),
    (
        "equals: any field",
        term(string_equals={"fields": ["nofield", "place", "name"], "value": "curaçao"}),
        [3],
    ),
    ("equals: empty is no value", term(string_equals={"fields": ["name"], "value": ""}), []),
    ("equals: unknown field", term(string_equals={"fields": ["nofield"], "value": "helix"}), []),
    (
        "contains: every word",
        term(string_contains={"fields": ["name"], "value": "aspersa HELIX"}),
        [0],
    ),
    (
        "contains: words in one field",
        term(string_contains={"fields": ["name", "place"], "value": "helix france"}),
        [],
    ),
    (
        "contains: no fields is search",
        term(string_contains={"fields": [], "value": "helix france"}),
        [0],
    ),
    (
        "contains: no words, any value",
        term(string_contains={"fields": ["name"], "value": "-"}),
        [0, 1, 2, 4],
    ),
    (
        "contains: no words, no fields",
        term(string_contains={"fields": [], "value": ""}),
        [0, 1, 2, 3, 4, 5],
    ),
    (
        "contains: unknown field",
        term(string_contains={"fields": ["nofield"], "value": "helix"}),
        [],
    ),
    ("number_equals", term(number_equals={"fields": ["num"], "value": 12}), [0, 1]),
    ("number_equals: exponent", term(number_equals={"fields": ["num"], "value": -35.0}), [4]),
    (
        "number_equals: not numbers",
        term(number_equals={"fields": ["num", "name"], "value": 1000}),
        [],
    ),
    ("number_range: inclusive", term(number_range={"fields": ["num"], "greater_than": 12}), [0, 1]),
    (
        "number_range: exclusive",
        term(number_range={"fields": ["num"], "greater_than": 12, "greater_than_inclusive": False}),
        [],
    ),
    (
        "number_range: both",
        term(
            number_range={
                "fields": ["num"],
                "greater_than": -100,
                "less_than": 12,
                "less_than_inclusive": False,
            }
        ),
        [4],
    ),
    (
        "number_range: 1e400 is no number",
        term(number_range={"fields": ["num"], "greater_than": 1e300}),
        [],
    ),
    ("exists", term(exists={"fields": ["name"]}), [0, 1, 2, 4]),
    ("exists: any field", term(exists={"fields": ["nofield", "place"]}), [0, 1, 3, 4, 5]),
    ("exists: geo", term(exists={"geo_field": True}), [0, 1, 3, 4, 5]),
    ("exists: no geo", term(exists={"geo_field": False}), [2]),
    ("geo_point: exact", term(geo_point={"latitude": 0, "longitude": 0}), [1]),
    (
        "geo_point: radius",
        term(geo_point={"latitude": 0, "longitude": 0, "radius": 80, "radius_unit": "km"}),
        [1, 5],
    ),
    (
        "geo_point: huge radius",
        term(geo_point={"latitude": 0, "longitude": 0, "radius": 1e300, "radius_unit": "mi"}),
        [0, 1, 3, 4, 5],
    ),
    (
        "geo_point: radius 0 with a unit",
        term(geo_point={"latitude": 1, "longitude": 1, "radius": 0, "radius_unit": "nmi"}),
        [4],
    ),
    ("named area", term(geo_named_area={"country": "Curaçao"}), [3]),
    ("named area: France", term(geo_named_area={"country": "France"}), [0]),
    (
        "custom area: edges count",
        term(geo_custom_area=[[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]]),
        [1, 4, 5],
    ),
    (
        "custom area: hole",
        term(
            geo_custom_area=[
                [
                    [[-1, -1], [2, -1], [2, 2], [-1, 2], [-1, -1]],
                    [[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75], [0.25, 0.25]],
                ]
            ]
        ),
        [1, 4],
    ),
    (
        "not: none of",
        {"filters": {"not": [{"exists": {"fields": ["name"]}}, {"exists": {"geo_field": False}}]}},
        [3, 5],
    ),
    (
        "not: unknown field matches all",
        {"filters": {"not": [{"string_equals": {"fields": ["nofield"], "value": "x"}}]}},
        [0, 1, 2, 3, 4, 5],
    ),
    (
        "not: missing value is not a match",
        {"filters": {"not": [{"number_range": {"fields": ["num"], "less_than": 0}}]}},
        [0, 1, 2, 3, 5],
    ),
    (
        "or",
        {
            "filters": {
                "or": [
                    {"exists": {"fields": ["nofield"]}},
                    {"string_equals": {"fields": ["place"], "value": "MOSKVA"}},
                    {"string_equals": {"fields": ["place"], "value": "МОСКВА"}},
                ]
            }
        },
        [5],
    ),
    (
        "search and filters",
        {
            "search": "helix",
            "filters": {
                "and": [
                    {"exists": {"geo_field": True}},
                    {"number_equals": {"fields": ["num"], "value": 12}},
                ]
            },
        },
        [0, 1],
    ),
]


@pytest.mark.parametrize(("name", "query", "expected"), CASES, ids=[c[0] for c in CASES])
def test_terms(
    db: tuple[duckdb.DuckDBPyConnection, RelationTarget],
    name: str,
    query: dict[str, Any],
    expected: list[int],
) -> None:
    assert run(db, query) == expected


def test_empty_query_is_true() -> None:
    target = RelationTarget(FIELDS, "lat", "lon")
    assert compile_filter({}, target) == "TRUE"
    assert compile_filter({"search": "!!"}, target) == "TRUE"


def test_constants_fold_so_a_missing_field_compiles_to_false() -> None:
    """Terms are never NULL, so FALSE absorbs an AND and TRUE an OR: a query naming a field
    the resource lacks compiles to FALSE, and search leaves the resource out."""
    target = RelationTarget(FIELDS, "lat", "lon")
    missing = {"string_equals": {"fields": ["department"], "value": "Botany"}}
    present = {"string_equals": {"fields": ["place"], "value": "Kenya"}}
    assert compile_filter({"filters": missing}, target) == "FALSE"
    assert compile_filter({"filters": {"and": [missing, present]}}, target) == "FALSE"
    assert compile_filter({"filters": {"or": [missing, present]}}, target) == compile_filter(
        {"filters": present}, target)
    assert compile_filter({"filters": {"not": [missing]}}, target) == "TRUE"
    assert compile_filter({"filters": {"not": [{"or": [missing]}]}}, target) == "TRUE"
    assert compile_filter({"search": "kenya", "filters": missing}, target) == "FALSE"


def test_terms_are_bare_outside_a_not_and_never_null_inside_one(
    db: tuple[duckdb.DuckDBPyConnection, RelationTarget],
) -> None:
    """A bare comparison is a filter DuckDB applies while scanning; under a ``not`` a term
    whose value is missing must still be FALSE, so ``not`` keeps the records lacking it."""
    _con, target = db
    place = {"string_equals": {"fields": ["place"], "value": "curaçao"}}
    many = {"number_range": {"fields": ["num"], "greater_than": 0}}
    assert "COALESCE" not in compile_filter({"filters": {"and": [place, many]}}, target)
    assert "COALESCE" not in compile_filter({"filters": {"or": [place, many]}}, target)
    negated = compile_filter({"filters": {"not": [{"and": [place, many]}]}}, target)
    assert negated.count("COALESCE") == 2
    # row 2 has no place: not keeps it (row 3, Curaçao, is the one left out)
    assert run(db, {"filters": {"not": [place]}}) == [0, 1, 2, 4, 5]
    # row 3: "1_000" is no number, so not many; its place matches
    assert run(db, {"filters": {"and": [{"not": [many]}, {"or": [place, many]}]}}) == [3]


def test_named_areas_need_a_catalogue() -> None:
    with pytest.raises(AreasMissing):
        compile_filter(
            term(geo_named_area={"country": "France"}), RelationTarget(FIELDS, "lat", "lon")
        )


HOSTILE = ["it's", "''", "'; DROP TABLE records; --", "back\\slash", "\\'", "nul\x00byte", "100%",
           "a_b", "%_%", "{}", "{0}", '"quoted"', "$1", "?", "/* x */", "\n\t"]  # fmt: skip


def test_hostile_strings_are_only_data() -> None:
    con = duckdb.connect()
    columns = {
        "rid": list(range(len(HOSTILE))),
        "we\"ird 'col'": HOSTILE,
        "other": ["x"] * len(HOSTILE),
    }
    con.register("records", pa.table(columns))
    target = RelationTarget(["we\"ird 'col'", "other"], None, None)
    for i, text in enumerate(HOSTILE):
        queries: list[dict[str, Any]] = [
            term(string_equals={"fields": ["we\"ird 'col'"], "value": text}),
            term(string_equals={"fields": ["we\"ird 'col'", text], "value": text}),
            term(string_contains={"fields": ["we\"ird 'col'"], "value": text}),
            {"search": text, "filters": {"and": [{"exists": {"fields": [text, "we\"ird 'col'"]}}]}},
        ]
        for query in queries:
            validate(query, None)
            where = compile_filter(query, target)
            found = [r[0] for r in con.execute(f"SELECT rid FROM records WHERE {where}").fetchall()]
            if "string_equals" in query["filters"]["and"][0]:
                assert found == [i], (text, where)
            else:
                assert i in found, (text, where)
    assert con.execute("SELECT count(*) FROM records").fetchone() == (len(HOSTILE),)
    con.close()


@pytest.fixture(scope="module")
def specimens() -> Iterator[tuple[duckdb.DuckDBPyConnection, RelationTarget, list[dict[str, Any]]]]:
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE records AS SELECT row_number() OVER () - 1 AS rid, * "
        f"FROM read_csv('{SPECIMENS}', all_varchar = true)"
    )
    fields = [r[0] for r in con.execute("DESCRIBE records").fetchall()][1:]
    target = RelationTarget(
        fields, "decimalLatitude", "decimalLongitude", AreaRegistry(AreaCatalogue(GEOJSON))
    )
    register_area_udf(con, target.registry)
    columns = ", ".join(ident(f) for f in fields)
    cursor = con.execute(f"SELECT {columns} FROM records ORDER BY rid")
    rows = [dict(zip(fields, r, strict=True)) for r in cursor.fetchall()]
    yield con, target, rows
    con.close()


REAL_QUERIES = [
    {"search": "Zygaena trifolii"},
    {
        "filters": {
            "and": [
                {"string_equals": {"fields": ["genus"], "value": "CAREX"}},
                {"number_range": {"fields": ["year"], "greater_than": 1950}},
            ]
        }
    },
    {
        "filters": {
            "or": [
                {"geo_named_area": {"country": "United Kingdom"}},
                {
                    "geo_point": {
                        "latitude": 51.5,
                        "longitude": -0.17,
                        "radius": 50,
                        "radius_unit": "km",
                    }
                },
            ]
        }
    },
    {
        "filters": {
            "not": [
                {"exists": {"geo_field": True}},
                {"string_contains": {"fields": ["country"], "value": "united"}},
            ]
        }
    },
]


@pytest.mark.parametrize(
    "query",
    [parse(p.read_text(encoding="utf-8")) for p in EXAMPLES] + REAL_QUERIES,
    ids=[p.name for p in EXAMPLES] + [f"real-{i}" for i in range(len(REAL_QUERIES))],
)
def test_examples_run_on_real_records(
    specimens: tuple[duckdb.DuckDBPyConnection, RelationTarget, list[dict[str, Any]]],
    query: Any,
) -> None:
    con, target, rows = specimens
    catalogue = target.registry.catalogue
    where = compile_filter(validate(query, catalogue), target, catalogue)
    found = [
        r[0] for r in con.execute(f"SELECT rid FROM records WHERE {where} ORDER BY rid").fetchall()
    ]
    brute = Brute(target.fields(), "decimalLatitude", "decimalLongitude", GEOJSON)
    assert found == [i for i, row in enumerate(rows) if brute.matches(query, row)], json.dumps(
        query
    )


def test_real_queries_find_something(
    specimens: tuple[duckdb.DuckDBPyConnection, RelationTarget, list[dict[str, Any]]],
) -> None:
    con, target, _ = specimens
    catalogue = target.registry.catalogue
    for query in REAL_QUERIES:
        where = compile_filter(validate(query, catalogue), target, catalogue)
        count = con.execute(f"SELECT count(*) FROM records WHERE {where}").fetchone()
        assert count is not None and 0 < count[0] < len(Path(SPECIMENS).read_text().splitlines())
