"""Cross-origin access: the read API is open to other sites' scripts, nothing else is."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from holotype.web.actions import ACTIONS
from holotype.web.app import create_app
from holotype.web.cors import READ_ACTIONS, SAME_ORIGIN_ACTIONS
from tests.fixtures.site import make_site

ELSEWHERE = "https://elsewhere.example"


def test_every_action_is_either_read_or_same_origin() -> None:
    """A new action must be placed: open to other sites only when it creates nothing."""
    assert set(ACTIONS) == READ_ACTIONS | SAME_ORIGIN_ACTIONS
    assert not READ_ACTIONS & SAME_ORIGIN_ACTIONS


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_read_actions_allow_any_origin_by_default(web: TestClient, method: str) -> None:
    url = "/api/3/action/vds_multi_count"
    answer = (web.get(url, headers={"Origin": ELSEWHERE}) if method == "GET" else
              web.post(url, json={"query": {"search": "quercus"}}, headers={"Origin": ELSEWHERE}))
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in answer.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in answer.headers


def test_the_unversioned_path_help_and_openapi_too(web: TestClient) -> None:
    for path in ("/api/action/package_list", "/api/3/action/package_list/help",
                 "/api/openapi.json"):
        answer = web.get(path, headers={"Origin": ELSEWHERE})
        assert answer.headers.get("Access-Control-Allow-Origin") == "*", path


def test_preflight_of_a_read_action(web: TestClient) -> None:
    answer = web.options("/api/3/action/vds_multi_query", headers={
        "Origin": ELSEWHERE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in answer.headers["Access-Control-Allow-Headers"]
    assert int(answer.headers["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("path", [
    "/api/3/action/vds_download_queue", "/api/action/vds_download_queue",
    "/api/3/action/vds_slug_create", "/api/3/action/query_doi_create",
])
def test_actions_that_create_stay_same_origin(web: TestClient, path: str) -> None:
    preflight = web.options(path, headers={
        "Origin": ELSEWHERE, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert preflight.status_code >= 400
    answer = web.get(path, headers={"Origin": ELSEWHERE})
    assert "Access-Control-Allow-Origin" not in answer.headers


@pytest.mark.parametrize("method,path", [
    ("GET", "/"), ("GET", "/search.json"), ("GET", "/datasets"),
    ("POST", "/download"), ("POST", "/search/share"), ("POST", "/search/cite"),
])
def test_pages_and_their_forms_stay_same_origin(web: TestClient, method: str, path: str) -> None:
    answer = web.request(method, path, headers={"Origin": ELSEWHERE}, follow_redirects=False)
    assert "Access-Control-Allow-Origin" not in answer.headers
    preflight = web.options(path, headers={
        "Origin": ELSEWHERE, "Access-Control-Request-Method": method})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_listed_origins_only(tmp_path: Path) -> None:
    settings = make_site(tmp_path, records=20, rate_limit_per_minute=0,
                         cors_origins=["https://friend.example"])
    url = "/api/3/action/package_list"
    with TestClient(create_app(settings)) as client:
        friend = client.get(url, headers={"Origin": "https://friend.example"})
        stranger = client.get(url, headers={"Origin": ELSEWHERE})
        refused = client.options(url, headers={
            "Origin": ELSEWHERE, "Access-Control-Request-Method": "GET"})
    assert friend.headers["Access-Control-Allow-Origin"] == "https://friend.example"
    assert "Origin" in friend.headers["Vary"] and "Origin" in stranger.headers["Vary"]
    assert "Access-Control-Allow-Origin" not in stranger.headers
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers


def test_no_origins_closes_the_api_to_other_sites(tmp_path: Path) -> None:
    settings = make_site(tmp_path, records=20, rate_limit_per_minute=0, cors_origins=[])
    with TestClient(create_app(settings)) as client:
        answer = client.get("/api/3/action/package_list", headers={"Origin": ELSEWHERE})
    assert answer.status_code == 200 and "Access-Control-Allow-Origin" not in answer.headers
