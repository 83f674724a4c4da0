"""Fixtures for the query language tests: the NHM schema, its examples and the boundaries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from holotype.query import AreaCatalogue

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "nhm-query-schema-v1.0.0"
GEOJSON = SPEC / "geojson"
SPECIMENS = Path(__file__).resolve().parents[3] / "shared" / "data" / "nhm-specimens-10k.csv"
EXAMPLES = sorted((SPEC / "examples").glob("*.json"), key=lambda p: int(p.stem))
_BASE = "https://schemas.example/nhm/v1.0.0/"


def official_validator() -> jsonschema.Draft7Validator:
    """The official v1.0.0 JSON schema, with its geojson/*.json references resolved."""
    schema = json.loads((SPEC / "v1.0.0.json").read_text(encoding="utf-8"))
    schema["$id"] = _BASE + "v1.0.0.json"
    resources = [(schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7))]
    for path in GEOJSON.glob("v1.0.0-*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((_BASE + "geojson/" + path.name, Resource.from_contents(contents, DRAFT7)))
    registry: Registry[Any] = Registry().with_resources(resources)
    return jsonschema.Draft7Validator(schema, registry=registry)


def enum_names(kind: str) -> list[str]:
    """The names of one geo_named_area category, from the schema's enum file."""
    file = {"country": "countries", "marine": "marine", "geography": "geography"}[kind]
    data = json.loads((GEOJSON / f"v1.0.0-{file}.json").read_text(encoding="utf-8"))
    names: list[str] = data["definitions"][kind]["enum"]
    return names


@pytest.fixture(scope="session")
def catalogue() -> AreaCatalogue:
    return AreaCatalogue(GEOJSON)


@pytest.fixture(scope="session")
def official() -> jsonschema.Draft7Validator:
    return official_validator()


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()
