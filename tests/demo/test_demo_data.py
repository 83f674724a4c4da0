"""The demo data looks real: points in their country, Latin binomials, the NHM exports' shapes.

The checks are independent of the generator: country outlines are read from the Natural Earth
file here and tested with a ray-casting point-in-polygon of our own, and the fill rates to match
are measured on the real NHM samples in ../shared/data.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from holotype.demo.generator import COLUMNS, generate_table, write_csv
from holotype.demo.indexlots import generate_indexlots
from holotype.demo.places import area_name
from tests.fixtures.site import AREAS, SHARED

DATA = SHARED / "data"
BINOMIAL = re.compile(r"^[A-Z][a-z]+ [a-z]+$")
AUTHORSHIP = re.compile(r"^\(?[A-Z][a-z]+, (17[5-9]\d|18\d\d|19\d\d|20[0-2]\d)\)?$")
TOLERANCE = 0.05  # largest difference in the share of filled values, sample to demo


@cache
def specimens() -> pa.Table:
    return generate_table(20_000, seed=42, areas_dir=AREAS)


def fill_rates(table: pa.Table) -> dict[str, float]:
    rates = {}
    for name in table.column_names:
        values = table[name].cast(pa.string()).to_pylist()
        rates[name] = sum(1 for v in values if v not in (None, "")) / len(values)
    return rates


def read_sample(name: str) -> pa.Table:
    types = {c: pa.string() for c in pacsv.read_csv(DATA / name).column_names}
    options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    return pacsv.read_csv(DATA / name, convert_options=options)


def country_rings() -> dict[str, list[np.ndarray]]:
    """Every ring (outlines and holes) of each Natural Earth country, as (lon, lat) arrays."""
    features = json.loads((AREAS / "50m-admin-0-countries-v4.1.0.geojson").read_text())
    rings: dict[str, list[np.ndarray]] = {}
    for feature in features["features"]:
        props = feature["properties"]
        name = string.capwords(props.get("NAME_EN") or props.get("NAME"))
        geometry = feature["geometry"]
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        rings.setdefault(name, []).extend(
            np.array(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon)
    return rings


def inside(rings: list[np.ndarray], lon: float, lat: float) -> bool:
    """Even-odd ray casting over every ring: inside an outline and not inside a hole."""
    crossings = 0
    for ring in rings:
        x1, y1 = ring[:-1, 0], ring[:-1, 1]
        x2, y2 = ring[1:, 0], ring[1:, 1]
        spans = (y1 > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        crossings += int(np.count_nonzero(spans & (lon < x_cross)))
    return crossings % 2 == 1


def test_every_point_lies_inside_its_records_country() -> None:
    rings = country_rings()
    rows = specimens().select(["country", "decimalLatitude", "decimalLongitude"]).to_pylist()
    placed = [r for r in rows if r["decimalLatitude"] is not None]
    assert len(placed) > 4_000
    assert all(r["country"] for r in placed), "a point without a country"
    outside = [r for r in placed if not inside(rings[area_name(r["country"])],
                                               float(r["decimalLongitude"]),
                                               float(r["decimalLatitude"]))]
    assert outside == []
    assert len({r["country"] for r in placed}) >= 40


def test_without_boundaries_points_are_still_generated_in_range() -> None:
    table = generate_table(2_000, seed=42)
    lat = [float(v) for v in table["decimalLatitude"].to_pylist() if v is not None]
    lon = [float(v) for v in table["decimalLongitude"].to_pylist() if v is not None]
    assert len(lat) > 300 and all(-90 <= v <= 90 for v in lat)
    assert all(-180 <= v <= 180 for v in lon)


def test_names_are_latin_binomials_consistent_with_the_taxonomy() -> None:
    rows = specimens().slice(0, 5_000).to_pylist()
    named = [r for r in rows if r["scientificName"]]
    assert len({r["scientificName"] for r in named}) > 500
    for r in named:
        assert BINOMIAL.match(r["scientificName"]), r["scientificName"]
        genus, epithet = r["scientificName"].split(" ")
        assert r["genus"] in (None, genus) and r["specificEpithet"] in (None, epithet)
        if r["scientificNameAuthorship"]:
            assert AUTHORSHIP.match(r["scientificNameAuthorship"]), r["scientificNameAuthorship"]
        if r["higherClassification"]:
            ranks = r["higherClassification"].split("; ")
            assert ranks[3:] == [x for x in (r["order"], r["family"]) if x] or None in (
                r["order"], r["family"])
            suffix = "idae" if ranks[0] == "Animalia" else "aceae"
            assert ranks[4].endswith(suffix), ranks
            assert r["kingdom"] in (None, ranks[0]) and r["class"] in (None, ranks[2])
    # one genus, one family: the taxonomy is a tree
    families: dict[str, set[str]] = {}
    for r in named:
        if r["family"]:
            families.setdefault(r["scientificName"].split(" ")[0], set()).add(r["family"])
    assert all(len(f) == 1 for f in families.values())


def test_index_lot_names_are_binomials_with_optional_authorship() -> None:
    names = [n for n in generate_indexlots(2_000, seed=7)["scientificName"].to_pylist() if n]
    for name in names:
        words = name.split(" ", 2)
        assert BINOMIAL.match(" ".join(words[:2])), name
        assert len(words) == 2 or AUTHORSHIP.match(words[2]), name
    assert sum(len(n.split(" ")) > 2 for n in names) > len(names) / 2


@pytest.mark.parametrize(("sample", "generated", "columns"), [
    ("nhm-specimens-10k.csv", specimens, COLUMNS),
    ("nhm-indexlots-2k.csv", lambda: generate_indexlots(20_000, seed=7), None),
])
def test_fields_are_filled_as_often_as_in_the_real_export(
    sample: str, generated: object, columns: tuple[str, ...] | None
) -> None:
    real = fill_rates(read_sample(sample))
    demo = fill_rates(generated())  # type: ignore[operator]
    assert set(real) <= set(demo), f"demo lacks {set(real) - set(demo)}"
    far = {c: (round(real[c], 3), round(demo[c], 3)) for c in real
           if abs(real[c] - demo[c]) > TOLERANCE}
    assert far == {}
    # the shape, not just the rates: mostly-empty and always-filled columns agree
    assert {c for c in real if real[c] < 0.5} == {c for c in real if demo[c] < 0.5}
    assert {c for c in real if real[c] == 1} <= {c for c in demo if demo[c] == 1}


def test_index_lots_have_their_own_columns_not_a_specimens() -> None:
    lots = generate_indexlots(10, seed=7).column_names
    assert {"material", "type", "british", "kindOfMaterial"} <= set(lots)
    assert not {"catalogNumber", "country", "decimalLatitude", "eventDate"} & set(lots)


def digest(table: pa.Table) -> str:
    return hashlib.sha256(json.dumps(table.to_pylist()).encode()).hexdigest()


def test_the_same_seed_gives_the_same_records_in_any_process(tmp_path: Path) -> None:
    first = generate_table(500, seed=42, start=1_000, areas_dir=AREAS)
    assert digest(first) == digest(generate_table(500, seed=42, start=1_000, areas_dir=AREAS))
    assert digest(first) != digest(generate_table(500, seed=43, start=1_000, areas_dir=AREAS))
    code = (
        "import hashlib, json, sys; from pathlib import Path;"
        "from holotype.demo.generator import generate_table;"
        "t = generate_table(500, seed=42, start=1_000, areas_dir=Path(sys.argv[1]));"
        "print(hashlib.sha256(json.dumps(t.to_pylist()).encode()).hexdigest())"
    )
    fresh = subprocess.run([sys.executable, "-c", code, str(AREAS)], capture_output=True,
                           text=True, check=True)
    assert fresh.stdout.strip() == digest(first)
    lots = [write_csv(tmp_path / f"lots-{i}.csv", 700, seed=7, batch=300, kind="indexlots")
            for i in range(2)]
    assert lots[0].read_bytes() == lots[1].read_bytes()
