"""The Download form, status pages (HTML and JSON), files and the API, on a real server whose
in-process worker makes the downloads."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.downloads.conftest import MEDIA, Site, copy_site
from tests.fixtures.forms import with_token
from tests.fixtures.site import LiveServer


@pytest.fixture(scope="module")
def server(base_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = copy_site(base_site, tmp_path_factory.mktemp("web-site"), download_workers=1)
    with LiveServer(site.settings) as live:
        yield live.url


@pytest.fixture
def http(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def _finished(http: httpx.Client, download_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        found: dict[str, Any] = http.get(f"/status/download/{download_id}.json").json()
        if found["status"] in ("complete", "failed"):
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.2)


def test_the_download_form_queues_and_the_worker_makes_the_file(http: httpx.Client) -> None:
    response = http.post("/download", data=with_token(http, {
        "query": json.dumps({"search": "forest"}), "resource_ids": "", "version": "",
        "format": "csv", "email": ""}))
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/status/download/")
    download_id = location.rsplit("/", 1)[1]
    found = _finished(http, download_id)
    assert found["status"] == "complete" and found["written"] == found["total"] > 0
    assert found["seconds"] >= 0 and found["reason"] is None
    file = http.get(found["url"])
    assert file.status_code == 200
    assert file.headers["content-type"] == "application/zip"
    assert found["file_name"] in file.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(file.content))
    assert json.loads(archive.read("manifest.json"))["total"] == found["total"]
    page = http.get(location)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Complete" in page.text and found["url"] in page.text
    assert 'http-equiv="refresh"' not in page.text  # finished: no more refreshing
    as_json = http.get(location, headers={"Accept": "application/json"})
    assert as_json.json()["id"] == download_id


def test_every_format_from_the_form(http: httpx.Client) -> None:
    for fmt in ("csv", "tsv", "jsonl", "parquet", "xlsx", "dwca"):
        response = http.post("/download", data=with_token(http, {"query": "", "resource_ids": MEDIA,
                                                "version": "", "format": fmt}))
        assert response.status_code == 303, response.text
        found = _finished(http, response.headers["location"].rsplit("/", 1)[1])
        assert found["status"] == "complete" and found["format"] == fmt
        assert found["total"] == 3
        assert http.get(found["url"]).status_code == 200


@pytest.mark.parametrize(("form", "words"), [
    ({"format": "pdf"}, "<strong>File format</strong>: unknown format"),
    ({"format": ""}, "<strong>File format</strong>: choose a format"),
    ({"format": "csv", "query": "{not json"}, "<strong>Search</strong>:"),
    ({"format": "csv", "query": '{"filters": {"nope": 1}}'}, "<strong>Search</strong>: $.filters"),
    ({"format": "csv", "version": "yesterday"}, "<strong>Version</strong>: must be a whole number"),
    ({"format": "csv", "email": "nobody"}, "<strong>Email address</strong>: give 1 to"),
])
def test_a_bad_form_gets_a_clear_error_page(http: httpx.Client, form: dict[str, str],
                                            words: str) -> None:
    response = http.post("/download", data=with_token(http, form))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert words.replace('"', "&#34;") in response.text or words in response.text


def test_unknown_resources_in_the_form_are_not_found(http: httpx.Client) -> None:
    response = http.post("/download", data=with_token(http, {"format": "csv",
                                                            "resource_ids": "nope/records"}))
    assert response.status_code == 404
    assert "nope/records" in response.text


def test_the_status_page_escapes_what_users_typed(http: httpx.Client) -> None:
    hostile = "<script>alert(1)</script>"
    response = http.post("/download", data=with_token(http, {"format": "csv",
                                            "query": json.dumps({"search": hostile})}))
    location = response.headers["location"]
    page = http.get(location).text
    assert "<script>alert(1)" not in page
    assert "alert(1)" in page  # shown, escaped


def test_the_api_queues_and_reports(http: httpx.Client, server: str) -> None:
    queued = http.post("/api/3/action/vds_download_queue", json={
        "query": {"query": {"search": "river"}, "resource_ids": [MEDIA]},
        "file": {"format": "dwca"}, "notifier": {"type": "none"}})
    assert queued.status_code == 200, queued.text
    result = queued.json()["result"]
    assert result["status_url"] == f"{server}/status/download/{result['download_id']}"
    _finished(http, result["download_id"])
    status = http.get("/api/3/action/vds_download_status",
                      params={"download_id": result["download_id"]}).json()["result"]
    assert status["status"] == "complete" and status["total"] == 1
    assert status["url"].startswith(server + "/downloads/")
    again = http.post("/api/3/action/vds_download_queue", json={
        "query": {"query": {"search": "river"}, "resource_ids": [MEDIA]},
        "file": {"format": "dwc"}}).json()["result"]
    assert again["download_id"] == result["download_id"] and again["reused"]


def test_a_file_is_only_served_when_complete_and_named_right(http: httpx.Client,
                                                            server: str) -> None:
    queued = http.post("/api/3/action/vds_download_queue", json={
        "query": {"resource_ids": [MEDIA]}, "file": {"format": "jsonl"}}).json()["result"]
    found = _finished(http, queued["download_id"])
    assert http.get(f"/downloads/{found['id']}/other.zip").status_code == 404
    assert http.get(f"/downloads/{found['id']}/..%2Fcatalogue.db").status_code == 404


def test_the_actions_are_in_the_openapi_document(http: httpx.Client) -> None:
    paths = http.get("/api/openapi.json").json()["paths"]
    for name in ("vds_download_queue", "vds_download_status"):
        assert f"/api/3/action/{name}" in paths
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    assert "vds_download_queue" in docs and "vds_download_status" in docs
