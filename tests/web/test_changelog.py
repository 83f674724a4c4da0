"""The dataset changelog over HTTP: the dataset_changelog action (its answers, its bad input,
its OpenAPI entry) and the Changelog section of the dataset page and its JSON twin."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import OddSite, PagesSite

ACTION = "/api/3/action/dataset_changelog"


def result(response: Any) -> Any:
    body = response.json()
    assert response.status_code == 200, body
    assert body["success"] is True
    return body["result"]


def test_each_version_with_the_fields_it_changed(web: TestClient, pages_site: PagesSite) -> None:
    found = result(web.post(ACTION, json={"id": "hist"}))
    (records,) = found["resources"]
    assert records["id"] == pages_site.history_resource and records["records"] == 2
    second, first = records["versions"]
    assert (second["version"], first["version"]) == (pages_site.second, pages_site.first)
    assert {k: second[k] for k in ("mode", "added", "changed", "removed", "total")} == {
        "mode": "replace", "added": 0, "changed": 1, "removed": 1, "total": 2}
    # occ-1's scientificName changed; occ-3, removed, changed no field
    assert second["fields"] == [
        {"field": "scientificName", "label": "Scientific name", "records": 1}]
    assert second["other_fields"] == 0
    assert first["fields"] == [] and first["added"] == 3
    assert second["search_url"] == (
        f"/search?resource_ids={pages_site.history_resource}&version={pages_site.second}")
    searched = web.get(second["search_url"].replace("/search", "/search.json"))
    assert searched.status_code == 200


def test_limit_and_the_dataset_id(web: TestClient, pages_site: PagesSite) -> None:
    package = result(web.post("/api/3/action/package_show", json={"id": "hist"}))
    by_id = result(web.get(ACTION, params={"id": package["id"], "limit": "1"}))
    assert [v["version"] for v in by_id["resources"][0]["versions"]] == [pages_site.second]


@pytest.mark.parametrize(
    ("params", "status", "field", "words"),
    [
        ({"id": "no-such-dataset"}, 404, "id", "no-such-dataset"),
        ({}, 400, "id", "Missing value"),
        ({"id": "hist", "limit": 0}, 400, "limit", "at least 1"),
        ({"id": "hist", "limit": "many"}, 400, "limit", "integer"),
        ({"id": ""}, 400, "id", "empty"),
    ],
)
def test_bad_input_names_the_parameter(
    web: TestClient, params: dict[str, Any], status: int, field: str, words: str
) -> None:
    response = web.post(ACTION, json=params)
    body = response.json()
    assert response.status_code == status, body
    assert body["success"] is False
    assert field in body["error"] and words in str(body["error"])


def test_a_private_dataset_is_not_found(odd_web: TestClient, odd_site: OddSite) -> None:
    hidden = odd_web.post(ACTION, json={"id": "secret"})
    unknown = odd_web.post(ACTION, json={"id": "secrex"})
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["error"]["message"] == unknown.json()["error"]["message"].replace(
        "secrex", "secret")
    assert "Secret" not in hidden.text and odd_site.secret_resource not in hidden.text


def test_the_openapi_document_describes_it(web: TestClient) -> None:
    spec = web.get("/api/openapi.json").json()
    paths = [p for p in spec["paths"] if p.endswith("/dataset_changelog")]
    assert paths
    text = str(spec["paths"][paths[0]])
    assert "limit" in text and "slug or id" in text


def test_the_dataset_page_shows_the_changelog(web: TestClient, pages_site: PagesSite) -> None:
    html = web.get("/dataset/hist").text
    assert '<h2 id="changelog-heading">Changelog</h2>' in html
    assert html.count("Version history (2)") == 1  # one list of versions, not two
    section = html[html.index('id="changelog-heading"'):]
    assert 'title="scientificName (Darwin Core term)">Scientific name' in section
    assert '<td class="mode">replace</td>' in section and '<td class="mode">update</td>' in section
    assert f'href="/search?resource_ids={pages_site.history_resource}&amp;version=' \
           f'{pages_site.first}"' in section
    twin = web.get("/dataset/hist.json").json()
    versions = twin["resources"][0]["versions"]
    assert versions[0]["fields"] == [
        {"field": "scientificName", "label": "Scientific name", "records": 1}]
    assert versions == result(web.post(ACTION, json={"id": "hist"}))["resources"][0]["versions"]
