"""Bad input to the action API is a 400 naming the parameter, never a 500: one test for each
server error schemathesis found (see test_schemathesis.py), and the OpenAPI types that say
what is valid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from holotype.config import Settings
from holotype.query.schema import GROUP_KEYS, GROUP_MIN_ITEMS, ROOT_KEYS
from holotype.web.actions.common import QUERY_SHAPE
from holotype.web.app import create_app

OBJECT_IDS = ["vds_multi_query", "vds_multi_count", "vds_multi_fields", "vds_multi_stats",
              "vds_multi_autocomplete_value", "vds_multi_autocomplete_field", "vds_slug_create"]


@pytest.fixture(scope="module")
def client(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings), raise_server_exceptions=False) as test_client:
        yield test_client


def post(client: TestClient, name: str, **params: Any) -> tuple[int, dict[str, Any]]:
    response = client.post(f"/api/3/action/{name}", json=params)
    return response.status_code, response.json()


@pytest.mark.parametrize("name", OBJECT_IDS)
def test_resource_ids_holding_objects_are_a_400(client: TestClient, name: str) -> None:
    """Was ``TypeError: unhashable type`` (a 500) before parameters were typed."""
    status, body = post(client, name, resource_ids=[{}], query={}, field="year")
    assert status == 400, body
    assert body["error"]["resource_ids"] == ["Must be an array of strings"]


def test_an_empty_field_name_is_a_400(client: TestClient) -> None:
    """Was a DuckDB parser error (a 500) on ``vds_multi_autocomplete_value?field=``."""
    response = client.get("/api/3/action/vds_multi_autocomplete_value", params={"field": ""})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == ["Must not be empty"]


def test_autocomplete_before_any_version_finds_nothing(client: TestClient) -> None:
    """No resource existed at the version: the empty row set lacked the field's column, a
    DuckDB binder error (a 500)."""
    status, body = post(client, "vds_multi_autocomplete_value", field="country", version=1)
    assert status == 200, body
    assert body["result"] == {"values": [], "counts": {}}


def test_a_version_outside_64_bits_or_negative_is_a_400(client: TestClient) -> None:
    for version in (-1, 2**63):
        status, body = post(client, "vds_multi_count", version=version)
        assert status == 400, body
        assert list(body["error"]) == ["__type", "message", "version"]


def test_openapi_types_say_what_is_valid(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    count = document["paths"]["/api/3/action/vds_multi_count"]
    get = {p["name"]: p for p in count["get"]["parameters"]}
    assert get["resource_ids"]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert get["query"]["content"]["application/json"]["schema"]["type"] == "object"
    assert get["version"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
    body = count["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["resource_ids"]["items"] == {"type": "string"}
    autocomplete = document["paths"]["/api/3/action/vds_multi_autocomplete_value"]["get"]
    field = next(p for p in autocomplete["parameters"] if p["name"] == "field")
    assert field["required"] and field["schema"]["minLength"] == 1
    responses = count["post"]["responses"]
    assert set(responses) == {"200", "400", "401", "403", "404", "409", "429", "503"}
    failure = responses["400"]["content"]["application/json"]["schema"]
    assert failure["properties"]["success"] == {"const": False}
    assert failure["required"] == ["help", "success", "error"]


def test_a_whole_number_with_a_fraction_is_an_integer(client: TestClient) -> None:
    """JSON Schema (so the OpenAPI document) counts 5.0 an integer; it was refused as "Must be
    integer" (schemathesis: valid by the document, rejected by the API)."""
    status, body = post(client, "package_list", limit=1.0, offset=0.0)
    assert status == 200 and len(body["result"]) == 1, body
    response = client.get("/api/3/action/package_list", params={"limit": "1e0"})
    assert response.status_code == 200 and len(response.json()["result"]) == 1
    status, body = post(client, "package_list", limit=1.5)
    assert status == 400 and body["error"]["limit"] == ["Must be integer"]
    response = client.get("/api/3/action/package_list", params={"limit": "inf"})
    assert response.status_code == 400


def test_the_documented_query_outline_is_the_validators() -> None:
    shape = QUERY_SHAPE["properties"]
    assert set(shape) == set(ROOT_KEYS)
    groups = shape["filters"]["properties"]
    assert {kind: groups[kind]["minItems"] for kind in groups} == GROUP_MIN_ITEMS
    assert set(groups) == set(GROUP_KEYS)
