"""Areas: Natural Earth names and shapes, point-in-area rules, and the ht_in_area function."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pytest

from holotype.query import Area, AreaCatalogue, AreaRegistry, AreasMissing, register_area_udf
from holotype.query.area_sql import area_predicate_sql
from tests.query.conftest import GEOJSON

SQUARE_WITH_HOLE = [
    [
        [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
        [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]],
    ]
]


def inside(area: Area, points: list[tuple[float, float]]) -> list[bool]:
    lat = np.array([p[0] for p in points], dtype=np.float64)
    lon = np.array([p[1] for p in points], dtype=np.float64)
    return [bool(v) for v in area.contains(lat, lon)]


def test_edges_count_as_inside_holes_do_not() -> None:
    area = Area.custom(SQUARE_WITH_HOLE)
    assert area.bbox == (0.0, 0.0, 4.0, 4.0)
    points = [
        (0.5, 0.5),
        (0, 0),
        (0, 2),
        (4, 4),
        (1, 1.5),
        (2, 2),
        (1.5, 1.5),
        (4.001, 2),
        (math.nan, 1),
    ]
    assert inside(area, points) == [True, True, True, True, True, True, False, False, False]


def test_polygons_are_alternatives() -> None:
    area = Area.custom(
        [SQUARE_WITH_HOLE[0], [[[1.2, 1.2], [1.8, 1.2], [1.8, 1.8], [1.2, 1.8], [1.2, 1.2]]]]
    )
    assert inside(area, [(1.5, 1.5), (1.1, 1.1), (10, 10)]) == [True, False, False]


def test_custom_keys_depend_on_coordinates_only() -> None:
    a = Area.custom([[[[0, 0], [1, 0], [1, 1], [0, 0]]]])
    b = Area.custom([[[[0.0, 0.0, 99], [1.0, 0], [1, 1.0], [0, 0]]]])
    c = Area.custom([[[[0, 0], [1, 0], [1, 2], [0, 0]]]])
    assert a.key == b.key != c.key
    assert a.key.startswith("custom:")


def test_named_areas(catalogue: AreaCatalogue) -> None:
    curacao = catalogue.area("country", "Curaçao")
    assert curacao.key == "country:Curaçao"
    assert inside(curacao, [(12.19, -68.98), (52.37, 4.9)]) == [True, False]
    # Lesotho is a hole in South Africa
    south_africa = catalogue.area("country", "South Africa")
    lesotho = catalogue.area("country", "Lesotho")
    maseru, johannesburg = (-29.6, 28.17), (-26.2, 28.05)
    assert inside(south_africa, [maseru, johannesburg]) == [False, True]
    assert inside(lesotho, [maseru, johannesburg]) == [True, False]
    # features sharing a name form one area
    mediterranean = catalogue.area("marine", "Mediterranean Sea")
    assert inside(mediterranean, [(34.3, 23.4), (39.6, 6.1), (45.0, 0.0)]) == [True, True, False]
    assert catalogue.area("country", "Curaçao") is curacao
    with pytest.raises(KeyError):
        catalogue.area("country", "Atlantis")


def test_catalogue_reads_nothing_until_used(tmp_path: Path) -> None:
    catalogue = AreaCatalogue(tmp_path / "not-yet")
    with pytest.raises(AreasMissing) as raised:
        catalogue.names("marine")
    assert str(tmp_path / "not-yet") in str(raised.value)
    assert raised.value.missing == [
        "50m-admin-0-countries-v4.1.0.geojson",
        "50m-marine-regions-v4.1.0.geojson",
        "50m-geography-regions-v4.1.0.geojson",
    ]
    AreaCatalogue(GEOJSON).check()


def test_sql_function(con: duckdb.DuckDBPyConnection, catalogue: AreaCatalogue) -> None:
    registry = AreaRegistry(catalogue)
    square = Area.custom(SQUARE_WITH_HOLE)
    registry.add(square)
    register_area_udf(con, registry)
    con.execute(
        "CREATE TABLE p AS SELECT lat::DOUBLE AS lat, lon::DOUBLE AS lon FROM (VALUES "
        "(0.5, 0.5), (1.5, 1.5), (12.19, -68.98), (NULL, 1.0), (5.0, 5.0)) t(lat, lon)"
    )
    where = area_predicate_sql(square, "lat", "lon")
    assert where.startswith("(lat BETWEEN CAST('0.0' AS DOUBLE) AND CAST('4.0' AS DOUBLE) AND lon")
    assert con.execute(f"SELECT lat FROM p WHERE {where}").fetchall() == [(0.5,)]
    # named keys are found through the catalogue without being added first
    sql = "SELECT lat FROM p WHERE ht_in_area('country:Curaçao', lat, lon)"
    assert con.execute(sql).fetchall() == [(12.19,)]
    # many points, several keys in one column
    rows = con.execute(
        "SELECT count(*) FILTER (WHERE ht_in_area(k, lat, lon)) FROM ("
        "SELECT CASE WHEN i % 2 = 0 THEN 'country:Curaçao' ELSE ? END AS k, "
        "12.19 + (i % 3) AS lat, -68.98 AS lon FROM range(5000) r(i))",
        [square.key],
    ).fetchone()
    assert rows == (sum(1 for i in range(5000) if i % 2 == 0 and i % 3 == 0),)
    with pytest.raises(duckdb.Error, match="unknown area 'custom:nope'"):
        con.execute("SELECT ht_in_area('custom:nope', 1.0, 1.0)").fetchall()
