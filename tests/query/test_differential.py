"""Random queries over random records: DuckDB (compiled SQL) and the brute-force evaluator agree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holotype.query import (
    AreaCatalogue,
    AreaRegistry,
    RelationTarget,
    compile_filter,
    register_area_udf,
    validate,
)
from tests.query.brute import Brute
from tests.query.conftest import GEOJSON
from tests.query.strategies import Vocabulary, groups

FIELDS = ["name", "place", "num", "lat", "lon"]
WORDS = ["Helix", "hélix", "HELIX", "helix", "aspersa", "Straße", "strasse", "STRASSE", "Ærø",
         "æro", "Москва", "москва", "ёлка", "Елка", "東京", "ΣΊΣΥΦΟΣ", "σίσυφος", "İstanbul",
         "istanbul", "1", "01", "1.0", "x_y", "a-b", "O'Brien", "50%"]  # fmt: skip
SEPARATORS = [" ", "-", ", ", "_", "  ", "\t", "/"]
NUMBERS_AS_TEXT = ["1", "1.0", " 2 ", "-3e1", "abc", "1_000", "inf", ".5", "1e400", "0x10",
                   "2.5", "-0", "1e-400", "+3", "3."]  # fmt: skip
GRID = ["0", "0.5", "1", "2", "2.5", "-1"]  # custom areas are rectangles on this grid
LATS = [*GRID, "51.5", "12.19", "-29.6", "91", "abc", "-90", "90", "36.0"]
LONS = [*GRID, "-0.12", "-68.98", "28.17", "181", "abc", "-180", "180", "18"]
POINTS = [(51.5, -0.12), (12.19, -68.98), (0, 0), (0.5, 0.5), (1, 1), (-29.6, 28.17), (90, 0)]
AREAS = [("country", "Curaçao"), ("country", "United Kingdom"), ("country", "South Africa"),
         ("country", "Lesotho"), ("marine", "Mediterranean Sea"),
         ("geography", "Alps")]  # fmt: skip


def _maybe(values: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(values, st.sampled_from(["", None]))


def _texts() -> st.SearchStrategy[str]:
    """Mostly single words (so that whole values often match), else a few joined."""
    return st.sampled_from(WORDS) | st.builds(
        lambda words, sep: sep.join(words),
        st.lists(st.sampled_from(WORDS), max_size=3),
        st.sampled_from(SEPARATORS),
    )


ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "name": _maybe(_texts()),
            "place": _maybe(_texts()),
            "num": _maybe(st.sampled_from(NUMBERS_AS_TEXT) | _texts()),
            "lat": _maybe(st.sampled_from(GRID) | st.sampled_from(LATS)),
            "lon": _maybe(st.sampled_from(GRID) | st.sampled_from(LONS)),
        }
    ),
    min_size=20,
    max_size=40,
)
VOCABULARY = Vocabulary(
    fields=st.sampled_from([*FIELDS, "nofield"]),
    texts=_texts() | st.sampled_from(["", " !? ", "HÉLIX", "helix aspersa", "1E400"]),
    numbers=st.sampled_from([0, 1, 1.0, 2, 2.5, -30, 0.5, 1000, 3, 36, -0.0, 1e300]),
    points=st.sampled_from(POINTS),
    radii=st.sampled_from([0, 1, 10, 100, 1000, 5000, 0.5]),
    areas=st.sampled_from(AREAS),
    coordinates=st.sampled_from([-1, 0, 0.5, 1, 2, 2.5, 3]),
)

QUERIES = st.fixed_dictionaries(
    {"filters": groups(VOCABULARY, max_leaves=6)}, optional={"search": VOCABULARY.texts}
)


@pytest.fixture(scope="module")
def setup() -> Iterator[tuple[duckdb.DuckDBPyConnection, RelationTarget, AreaCatalogue]]:
    catalogue = AreaCatalogue(GEOJSON)
    target = RelationTarget(FIELDS, "lat", "lon", AreaRegistry(catalogue))
    con = duckdb.connect()
    register_area_udf(con, target.registry)
    yield con, target, catalogue
    con.close()


def sql_matches(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, str | None]], where: str
) -> list[int]:
    columns: dict[str, list[Any]] = {"rid": list(range(len(rows)))}
    columns.update({f: [r[f] for r in rows] for f in FIELDS})
    table = pa.table(
        {k: pa.array(v, pa.int64() if k == "rid" else pa.string()) for k, v in columns.items()}
    )
    con.register("records", table)
    try:
        return [
            r[0]
            for r in con.execute(f"SELECT rid FROM records WHERE {where} ORDER BY rid").fetchall()
        ]
    finally:
        con.unregister("records")


@settings(max_examples=200, deadline=None)
@given(query=QUERIES, rows=ROWS)
def test_sql_agrees_with_brute_force(
    setup: tuple[duckdb.DuckDBPyConnection, RelationTarget, AreaCatalogue],
    query: dict[str, Any],
    rows: list[dict[str, str | None]],
) -> None:
    con, target, catalogue = setup
    validate(query, catalogue)
    where = compile_filter(query, target, catalogue)
    brute = Brute(FIELDS, "lat", "lon", GEOJSON)
    expected = [i for i, row in enumerate(rows) if brute.matches(query, row)]
    assert sql_matches(con, rows, where) == expected
