"""The differential tests' oracle: the Python evaluator with named areas read straight from the
Natural Earth GeoJSON files (not through the area catalogue the SQL side uses)."""

from __future__ import annotations

import json
import string
from functools import cache, partial
from pathlib import Path
from typing import Any

from shapely.geometry import shape

from holotype.query.evaluate import Evaluator

_FILES = {
    "country": ("50m-admin-0-countries-v4.1.0.geojson", ("NAME_EN", "NAME")),
    "marine": ("50m-marine-regions-v4.1.0.geojson", ("name",)),
    "geography": ("50m-geography-regions-v4.1.0.geojson", ("name_en", "name")),
}


def Brute(fields: list[str], lat: str, lon: str, geojson: Path | None = None) -> Evaluator:
    return Evaluator(fields, lat, lon, partial(named_shapes, geojson) if geojson else None)


@cache
def named_shapes(directory: Path, kind: str, name: str) -> list[Any]:
    file, keys = _FILES[kind]
    features = json.loads((directory / file).read_text(encoding="utf-8"))["features"]
    found = []
    for feature in features:
        props = feature["properties"]
        label = next((props[k] for k in keys if props.get(k)), None)
        if label and string.capwords(label) == name:
            found.append(shape(feature["geometry"]))
    return found
