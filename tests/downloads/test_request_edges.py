"""Odd and hostile requests found in review: each gets a 400/404 naming its field (API and
form), never a 500, and nothing is queued; a resource named twice is downloaded once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from holotype.services.context import Portal
from holotype.services.downloads.request import MAX_RESOURCE_IDS
from holotype.web.app import create_app
from holotype.web.errors import field_label
from tests.downloads.conftest import MEDIA, Site, count_jobs, drain, finished_zip, queue
from tests.fixtures.forms import form_token, with_token

ACTION = "/api/3/action/vds_download_queue"


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_app(site.settings), raise_server_exceptions=False) as test_client:
        yield test_client



def _webhook(url: str) -> dict[str, Any]:
    return {"file": {"format": "csv"}, "notifier": {"type": "webhook", "type_args": {"url": url}}}


BAD = [
    (_webhook("http://[abc/"), "notifier.type_args.url"),
    (_webhook("http://example.org:99999/"), "notifier.type_args.url"),
    (_webhook("http:///path-only"), "notifier.type_args.url"),
    ({"file": {"format": "csv"}, "notifier": {"type": "email", "type_args": {
        "emails": ["a\x00b@example.org"]}}}, "notifier.type_args.emails"),
    ({"file": {"format": "csv"}, "query": {"query_version": []}}, "query.query_version"),
    ({"file": {"format": "csv"}, "query": {"query_version": 0}}, "query.query_version"),
    ({"file": {"format": "csv"}, "query": {"version": 10**30}}, "query.version"),
    ({"file": {"format": "csv"}, "query": {"resource_ids": [MEDIA] * (MAX_RESOURCE_IDS + 1)}},
     "query.resource_ids"),
]


@pytest.mark.parametrize(("body", "field"), BAD)
def test_odd_values_are_refused_naming_the_field(client: TestClient, site: Site,
                                                 body: dict[str, Any], field: str) -> None:
    response = client.post(ACTION, json=body)
    assert response.status_code == 400, response.text
    assert field in response.json()["error"], response.text
    assert count_jobs(site) == 0


def test_an_unknown_resource_names_the_download_field(client: TestClient, site: Site) -> None:
    response = client.post(ACTION, json={"file": {"format": "csv"},
                                         "query": {"resource_ids": [MEDIA, "nope"]}})
    assert response.status_code == 404
    assert "query.resource_ids" in response.json()["error"], response.text
    assert count_jobs(site) == 0


def _form_error(response: Any) -> str:
    found = re.search(r'role="alert">(.*?)</p>', response.text, re.S)
    assert found, response.text
    return found.group(1)


@pytest.mark.parametrize(("form", "field"), [
    ({"format": "csv", "version": "\u00b2"}, "version"),
    ({"format": "csv", "version": "9" * 5000}, "version"),
    ({"format": "csv", "version": "99999999999999999999"}, "version"),
    ({"format": "csv", "resource_ids": "nope"}, "resource_ids"),
    ({"format": "csv", "query": '{"search": 5}'}, "query"),
])
def test_the_form_names_its_own_fields(client: TestClient, site: Site, form: dict[str, str],
                                       field: str) -> None:
    response = client.post("/download", data=with_token(client, form), follow_redirects=False)
    assert response.status_code in (400, 404), response.text
    label = field_label(field)  # the form's own words for the field
    assert _form_error(response).startswith(f"<strong>{label}</strong>: "), _form_error(response)
    assert count_jobs(site) == 0


def test_a_huge_form_is_refused_without_reading_it_whole(client: TestClient,
                                                         site: Site) -> None:
    token = form_token(client)

    def body() -> Iterator[bytes]:  # the token first, as the form sends it
        yield f"csrf_token={token}&format=csv&query=".encode()
        for _ in range(3_000):
            yield b"x" * 1_000

    response = client.post("/download", content=body(), follow_redirects=False,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert "too large" in _form_error(response)
    assert count_jobs(site) == 0


def test_a_resource_named_twice_is_downloaded_once(portal: Portal, site: Site) -> None:
    download_id = queue(portal, "csv", resource_ids=[MEDIA, site.media_id, MEDIA])
    drain(portal)
    archive = finished_zip(portal, download_id)
    names = archive.namelist()
    assert sorted(names) == ["manifest.json", "media-survey_records.csv"]
    rows = archive.read("media-survey_records.csv").decode().splitlines()
    assert len([r for r in rows if r.startswith("m-")]) == 3
