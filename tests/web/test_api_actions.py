"""The action API over HTTP (in-process): every action, its envelope and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from holotype.config import Settings
from holotype.web.actions import ACTIONS
from holotype.web.actions.registry import Action, Context, NoParams
from holotype.web.app import create_app


@pytest.fixture(scope="module")
def client(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings)) as test_client:
        yield test_client


def call(client: TestClient, name: str, **params: Any) -> Any:
    response = client.post(f"/api/3/action/{name}", json=params)
    body = response.json()
    assert response.status_code == 200, body
    assert body["success"] is True and body["help"].endswith(f"/{name}/help")
    return body["result"]


def fail(client: TestClient, name: str, status: int, **params: Any) -> dict[str, Any]:
    response = client.post(f"/api/3/action/{name}", json=params)
    body = response.json()
    assert response.status_code == status, body
    assert body["success"] is False
    return dict(body["error"])


@pytest.fixture(scope="module")
def specimens(client: TestClient) -> str:
    package = call(client, "package_show", id="demo-specimens")
    return str(package["resources"][0]["id"])


def test_catalogue_actions(client: TestClient, specimens: str) -> None:
    assert call(client, "package_list") == ["demo-beetle-survey", "demo-index-lots",
                                            "demo-specimens"]
    package = call(client, "package_show", id="demo-specimens")
    assert package["license_id"] == "CC0-1.0" and package["organization"]["name"] == "demo-museum"
    assert package["resources"][0]["record_count"] == 3_000
    found = call(client, "package_search", q="synthetic", fq="category:research")
    assert found["count"] == 1 and found["results"][0]["name"] == "demo-beetle-survey"
    assert call(client, "package_search", fq='tags:"index lots"')["count"] == 1
    assert call(client, "organization_list") == ["demo-museum"]
    assert call(client, "organization_show", id="demo-museum")["package_count"] == 3
    assert call(client, "resource_show", id=specimens)["datastore_active"] is True
    assert call(client, "status_show")["extensions"] == ["datastore", "versioned_datastore"]


def test_datastore_search_text_filters_facets(client: TestClient, specimens: str) -> None:
    result = call(client, "datastore_search", resource_id=specimens, q="forest",
                  filters={"department": "Botany"}, limit=5, facets=["country", "genus"],
                  facet_limits={"genus": 3})
    assert 0 < result["total"] < 3_000 and len(result["records"]) == 5
    for record in result["records"]:
        assert record["department"] == "Botany" and "forest" in str(record).lower()
    countries = result["facets"]["country"]
    # Records without a country (about half, as in the NHM's own exports) are in no bucket.
    every = call(client, "datastore_search", resource_id=specimens, q="forest",
                 filters={"department": "Botany"}, limit=1000)["records"]
    assert len(every) == result["total"]
    without = sum(1 for record in every if not record.get("country"))
    assert sum(countries["values"].values()) + countries["details"]["sum_other_doc_count"] == \
        result["total"] - without
    assert len(result["facets"]["genus"]["values"]) == 3
    assert {"id": "_id", "type": "string"} in result["fields"]


def test_datastore_search_get_with_json_parameters(client: TestClient, specimens: str) -> None:
    response = client.get("/api/3/action/datastore_search", params={
        "resource_id": specimens, "filters": '{"country": ["Kenya", "India"]}', "limit": "3",
        "fields": "country,catalogNumber", "sort": "catalogNumber desc",
    })
    result = response.json()["result"]
    assert {r["country"] for r in result["records"]} <= {"Kenya", "India"}
    numbers = [r["catalogNumber"] for r in result["records"]]
    assert numbers == sorted(numbers, reverse=True)
    assert set(result["records"][0]) <= {"_id", "country", "catalogNumber"}


def test_get_lists_as_json_commas_or_repeated_parameters(
    client: TestClient, specimens: str
) -> None:
    """CKAN clients send list parameters every way: all three give the same facets."""
    base = f"/api/3/action/datastore_search?resource_id={specimens}&limit=0"
    answers = [
        client.get(base + "&facets=" + quote('["country", "family"]')).json(),
        client.get(base + "&facets=country,family").json(),
        client.get(base + "&facets=country&facets=family").json(),
    ]
    assert all(a["success"] for a in answers), answers
    facets = [a["result"]["facets"] for a in answers]
    assert list(facets[0]) == ["country", "family"] and facets[0]["country"]["values"]
    assert facets[1] == facets[0] and facets[2] == facets[0]
    single = client.get(base + "&facets=country").json()["result"]["facets"]
    assert single == {"country": facets[0]["country"]}
    twice = client.get(base + "&limit=1&limit=2").json()
    assert not twice["success"] and "limit" in twice["error"]


def test_deep_paging_walks_every_record_once(client: TestClient, specimens: str) -> None:
    seen: list[str] = []
    after = None
    while True:
        result = call(client, "datastore_search", resource_id=specimens, limit=700, after=after,
                      include_total=False)
        seen += [r["_id"] for r in result["records"]]
        after = result["after"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 3_000 and seen == sorted(seen)


def test_multi_query_count_and_hash(client: TestClient) -> None:
    query = {"search": "forest", "filters": {"and": [
        {"number_range": {"fields": ["year"], "greater_than": 1900}},
        {"exists": {"geo_field": True}}]}}
    counted = call(client, "vds_multi_count", query=query)
    assert counted["total"] == sum(counted["counts"].values()) > 0
    page = call(client, "vds_multi_query", query=query, size=10)
    assert page["total"] == counted["total"] and len(page["records"]) == min(10, page["total"])
    # greater_than is inclusive unless greater_than_inclusive is false (NHM schema default)
    assert all(int(r["data"]["year"]) >= 1900 for r in page["records"])
    shuffled = {"filters": {"and": list(reversed(query["filters"]["and"]))}, "search": "forest"}
    assert call(client, "vds_multi_hash", query=query) == call(client, "vds_multi_hash",
                                                               query=shuffled)


def test_all_twelve_schema_examples_run(client: TestClient) -> None:
    from tests.fixtures.site import SHARED

    examples = sorted((SHARED / "spec" / "nhm-query-schema-v1.0.0" / "examples").glob("*.json"))
    assert len(examples) == 12
    import json

    for example in examples:
        result = call(client, "vds_multi_count", query=json.loads(example.read_text()))
        assert result["total"] >= 0, example.name


def test_fields_autocomplete_stats_extent(client: TestClient, specimens: str) -> None:
    fields = call(client, "vds_multi_fields")
    by_name = {f["field"]: f for f in fields}
    assert by_name["scientificName"]["count"] == 3
    assert by_name["year"]["types"] == {"integer": 2}  # index lots have no year
    values = call(client, "vds_multi_autocomplete_value", field="country", prefix="un")
    assert values["values"] and all(v.lower().startswith("un") for v in values["values"])
    assert "decimalLatitude" in call(client, "vds_multi_autocomplete_field", text="latit")["fields"]
    stats = call(client, "vds_multi_stats", field="year")
    assert 1820 <= stats["min"] <= stats["max"] <= 2025 and stats["count"] > 0
    extent = call(client, "datastore_query_extent", resource_id=specimens)
    assert extent["total_count"] == 3_000 and 0 < extent["geom_count"] < 3_000
    (low_lat, low_lon), (high_lat, high_lon) = extent["bounds"]
    assert -90 <= low_lat <= high_lat <= 90 and -180 <= low_lon <= high_lon <= 180


def test_versions_and_record_actions(client: TestClient, specimens: str) -> None:
    versions = call(client, "vds_version_resource", resource_id=specimens)
    assert len(versions) == 1 and versions[0]["total"] == 3_000
    version = versions[0]["version"]
    assert call(client, "vds_version_round", resource_id=specimens, version=version + 5) == version
    assert call(client, "vds_version_round", resource_id=specimens, version=version - 1) is None
    first = call(client, "datastore_search", resource_id=specimens, limit=1)["records"][0]
    got = call(client, "vds_data_get", resource_id=specimens, record_id=first["_id"])
    assert got["data"]["catalogNumber"] == first["catalogNumber"]
    history = call(client, "vds_version_record", resource_id=specimens, record_id=first["_id"])
    assert [h["version"] for h in history] == [version]


@pytest.mark.parametrize(
    ("name", "params", "status", "key"),
    [
        ("datastore_search", {}, 400, "resource_id"),
        ("datastore_search", {"resource_id": "nope"}, 404, "message"),
        ("datastore_search", {"resource_id": "demo-specimens/records", "limit": 5000}, 400,
         "limit"),
        ("datastore_search", {"resource_id": "demo-specimens/records", "offset": 9_990,
                              "limit": 20}, 400, "offset"),
        ("datastore_search", {"resource_id": "demo-specimens/records", "after": "garbage"}, 400,
         "after"),
        ("datastore_search", {"resource_id": "demo-specimens/records", "sort": "nosuch asc"},
         400, "sort"),
        ("vds_multi_query", {"query": {"filters": {"or": [{"exists": {"geo_field": True}}]}}},
         400, "query"),
        ("vds_multi_query", {"query": "{not json"}, 400, "query"),
        ("vds_multi_query", {"query_version": "v2.0.0"}, 400, "query_version"),
        ("package_show", {"id": "missing"}, 404, "message"),
        ("package_search", {"fq": "colour:red"}, 400, "fq"),
        ("vds_multi_stats", {"field": "country"}, 400, "field"),
    ],
)
def test_errors_in_ckan_shape(
    client: TestClient, name: str, params: dict[str, Any], status: int, key: str
) -> None:
    error = fail(client, name, status, **params)
    assert error["__type"] in ("Validation Error", "Not Found Error")
    assert key in error and error["message"]


def test_resource_ids_must_be_strings(client: TestClient) -> None:
    error = fail(client, "vds_multi_count", 400, resource_ids=[{}])
    assert error["__type"] == "Validation Error"
    assert error["resource_ids"] == ["Must be an array of strings"]
    response = client.get("/api/3/action/vds_multi_count", params={"resource_ids": "[{}]"})
    assert response.status_code == 400 and "resource_ids" in response.json()["error"]


def test_autocomplete_refuses_an_empty_field(client: TestClient, specimens: str) -> None:
    error = fail(client, "vds_multi_autocomplete_value", 400, resource_ids=[specimens],
                 field="", prefix="a")
    assert error["field"] == ["Must not be empty"]
    assert error["message"] == "field: Must not be empty"


def test_an_unexpected_failure_is_a_500_without_internals(
    demo_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: Context, p: NoParams) -> None:
        raise RuntimeError("secret internals at /srv/holotype")

    monkeypatch.setitem(ACTIONS, "broken_action", Action("broken_action", broken, "", NoParams))
    with TestClient(create_app(demo_settings), raise_server_exceptions=False) as http:
        response = http.post("/api/3/action/broken_action", json={})
    assert response.status_code == 500
    assert "secret" not in response.text and "RuntimeError" not in response.text


def test_offset_error_points_to_after(client: TestClient) -> None:
    error = fail(client, "datastore_search", 400, resource_id="demo-specimens/records",
                 offset=10_000, limit=1)
    assert "after" in error["message"]


def test_query_errors_name_the_json_path(client: TestClient) -> None:
    error = fail(client, "vds_multi_count", 400, query={"filters": {"and": [
        {"geo_point": {"latitude": 95, "longitude": 0}}]}})
    assert "$.filters.and[0].geo_point.latitude" in error["query"][0]


def test_unknown_action_and_bad_body(client: TestClient) -> None:
    response = client.post("/api/3/action/no_such_action", json={})
    assert response.status_code == 400 and response.json()["success"] is False
    response = client.post("/api/3/action/package_list", content=b"[1, 2]",
                           headers={"content-type": "application/json"})
    assert response.status_code == 400 and "body" in response.json()["error"]


def test_openapi_describes_every_action(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = {p.rsplit("/", 1)[1] for p in document["paths"]}
    assert paths == set(ACTIONS)
    search = document["paths"]["/api/3/action/datastore_search"]["post"]
    body = search["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["resource_id"] and "after" in body["properties"]
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/api/openapi.json" in page.text


def test_slugs_create_resolve_and_presets(client: TestClient, specimens: str) -> None:
    query = {"search": "forest", "filters": {"and": [{"exists": {"geo_field": True}}]}}
    made = call(client, "vds_slug_create", query=query, resource_ids=[specimens])
    words = made["slug"].split("-")
    assert len(words) >= 3 and all(w.isalpha() for w in words[:3])
    again = call(client, "vds_slug_create", query=query, resource_ids=["demo-specimens/records"])
    assert again["slug"] == made["slug"]
    resolved = call(client, "vds_slug_resolve", slug=made["slug"])
    assert resolved["query"]["search"] == "forest" and resolved["resource_ids"] == [specimens]
    assert resolved["query_hash"] == call(client, "vds_multi_hash", query=query)
    specimens_preset = call(client, "vds_slug_resolve", slug="specimens")
    assert specimens_preset["reserved"] and specimens_preset["resource_ids"] == [specimens]
    assert call(client, "vds_slug_resolve", slug="everything")["resource_ids"] is None
    # the collection datasets' resources: specimens, their drawers, index lots
    assert len(call(client, "vds_slug_resolve", slug="collections")["resource_ids"]) == 3
    fail(client, "vds_slug_resolve", 404, slug="no-such-slug")


def test_paging_with_only_the_id_field(client: TestClient, specimens: str) -> None:
    first = call(client, "datastore_search", resource_id=specimens, limit=3, fields=["_id"],
                 include_total=False)
    assert [set(r) for r in first["records"]] == [{"_id"}] * 3
    second = call(client, "datastore_search", resource_id=specimens, limit=3, fields=["_id"],
                  include_total=False, after=first["after"])
    assert second["records"][0]["_id"] > first["records"][-1]["_id"]


def test_json_nested_beyond_reading_is_a_400(client: TestClient) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    posted = client.post("/api/3/action/vds_multi_count", content=deep,
                         headers={"Content-Type": "application/json"})
    assert posted.status_code == 400
    assert "nested too deeply" in posted.json()["error"]["body"][0]
    deep = "[" * 5_000 + "]" * 5_000  # as much as a URL holds
    got = client.get("/api/3/action/vds_multi_count", params={"query": deep})
    assert got.status_code == 400 and got.json()["success"] is False


def test_a_resource_named_twice_is_counted_once(client: TestClient, specimens: str) -> None:
    query = {"search": "forest"}
    once = call(client, "vds_multi_count", query=query, resource_ids=[specimens])
    twice = call(client, "vds_multi_count", query=query,
                 resource_ids=[specimens, specimens, "demo-specimens/records"])
    assert twice["total"] == once["total"] > 0
    page = call(client, "vds_multi_query", query=query, size=1000,
                resource_ids=[specimens, specimens])
    assert page["total"] == once["total"]
    assert len({r["data"]["_id"] for r in page["records"]}) == len(page["records"])
