"""Bad requests get HTTP 400 (or 404) naming the field at fault, and nothing is queued."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from holotype.services.context import Portal
from holotype.services.downloads.formats import xlsx
from holotype.web.app import create_app
from tests.downloads.conftest import MEDIA, PRIVATE, Site, copy_site, count_jobs
from tests.fixtures.forms import with_token

ACTION = "/api/3/action/vds_download_queue"


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_app(site.settings)) as test_client:
        yield test_client



BAD = [
    ({"file": {"format": "pdf"}}, "file.format", "unknown format"),
    ({"file": {}}, "file.format", "choose a format"),
    ({"query": {}}, "file", "Missing value"),
    ({"file": {"format": "csv", "format_args": {"delimiter": ";"}}}, "file.format_args",
     "unknown option"),
    ({"file": {"format": "xlsx", "format_args": {"neutralise_formulas": False}}},
     "file.format_args", "allowed: none"),
    ({"file": {"format": "csv", "format_args": {"neutralise_formulas": "yes"}}},
     "file.format_args.neutralise_formulas", "true or false"),
    ({"file": {"format": "csv", "transform": {"stem": {}}}}, "file.transform",
     "unknown transform"),
    ({"file": {"format": "csv", "transform": {"id_as_url": {}}}},
     "file.transform.id_as_url.field", "name the field"),
    ({"file": {"format": "csv", "separate_files": "no"}}, "file.separate_files",
     "true or false"),
    ({"file": {"format": "csv"}, "query": {"query": {"filters": {"nope": []}}}},
     "query.query", "$.filters"),
    ({"file": {"format": "csv"}, "query": {"query_version": "v2"}}, "query.query_version",
     "v1.0.0"),
    ({"file": {"format": "csv"}, "query": {"version": -1}}, "query.version", "whole number"),
    ({"file": {"format": "csv"}, "query": {"resource_ids": [3]}}, "query.resource_ids",
     "list of resource ids"),
    ({"file": {"format": "csv"}, "notifier": {"type": "pigeon"}}, "notifier.type",
     "none, email, webhook"),
    ({"file": {"format": "csv"}, "notifier": {"type": "webhook",
                                               "type_args": {"url": "ftp://x"}}},
     "notifier.type_args.url", "http"),
    ({"file": {"format": "csv"}, "notifier": {"type": "webhook",
                                               "type_args": {"url": "http://127.0.0.1:9/x"}}},
     "notifier.type_args.url", "private"),
    ({"file": {"format": "csv"}, "notifier": {"type": "email",
                                               "type_args": {"emails": ["not-an-address"]}}},
     "notifier.type_args.emails", "email addresses"),
    ({"file": {"format": "csv"}, "notifier": {"type": "email",
                                               "type_args": {"emails": ["a@example.org"]}}},
     "notifier.type", "does not send email"),
    ({"file": {"format": "csv"}, "query": {"slug_or_doi": "10.55x/abc"}},
     "query.slug_or_doi", "is not a DOI"),
    ({"file": "csv"}, "file", "Must be object"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD)
def test_a_bad_request_names_the_field_and_queues_nothing(
    client: TestClient, site: Site, body: dict[str, Any], field: str, words: str
) -> None:
    response = client.post(ACTION, json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert response.json()["success"] is False
    assert error["__type"] == "Validation Error"
    assert field in error, error
    assert words in " ".join(error[field]), error
    assert count_jobs(site) == 0


@pytest.mark.parametrize("resource", [PRIVATE, "no-such/records", "demo-specimens/nothing"])
def test_private_or_unknown_resources_are_not_found(
    client: TestClient, site: Site, resource: str
) -> None:
    response = client.post(ACTION, json={"file": {"format": "csv"},
                                         "query": {"resource_ids": [resource]}})
    assert response.status_code == 404, response.text
    assert count_jobs(site) == 0


def test_an_unknown_slug_is_not_found(client: TestClient, site: Site) -> None:
    response = client.post(ACTION, json={"file": {"format": "csv"},
                                         "query": {"slug_or_doi": "no-such-slug"}})
    assert response.status_code == 404
    assert "query.slug_or_doi" in response.json()["error"]


def test_a_slug_downloads_its_search(client: TestClient) -> None:
    made = client.post("/api/3/action/vds_slug_create",
                       json={"query": {"search": "forest"}, "resource_ids": [MEDIA]})
    slug = made.json()["result"]["slug"]
    response = client.post(ACTION, json={"file": {"format": "csv"},
                                         "query": {"slug_or_doi": slug}})
    assert response.status_code == 200, response.text
    found = client.get("/api/3/action/vds_download_status",
                       params={"download_id": response.json()["result"]["download_id"]})
    status = found.json()["result"]
    assert status["query"] == {"search": "forest"}
    assert [r["slug"] for r in status["resources"]] == ["records"]
    assert status["resources"][0]["dataset"] == "media-survey"


def test_private_datasets_are_never_downloaded_with_everything(client: TestClient,
                                                               site: Site) -> None:
    response = client.post(ACTION, json={"file": {"format": "csv"}})
    download_id = response.json()["result"]["download_id"]
    status = client.get(f"/status/download/{download_id}.json").json()
    assert site.private_id not in {r["id"] for r in status["resources"]}
    assert len(status["resources"]) == 5  # the demo's 3 record resources, its drawers, media


def test_xlsx_over_the_sheet_row_limit_is_refused_before_work_starts(
    client: TestClient, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 1_000)  # the demo has 3,000 specimens
    response = client.post(ACTION, json={"file": {"format": "xlsx"}})
    assert response.status_code == 400
    message = " ".join(response.json()["error"]["file.format"])
    assert "at most 999 records" in message and "demo-specimens" in message
    assert count_jobs(site) == 0
    small = client.post(ACTION, json={"file": {"format": "xlsx"},
                                      "query": {"resource_ids": [MEDIA]}})
    assert small.status_code == 200
    assert count_jobs(site) == 1


def test_the_real_sheet_limit_is_excels(portal: Portal) -> None:
    assert xlsx.XLSX_MAX_ROWS == 1_048_576


def test_a_download_larger_than_the_limit_is_refused(base_site: Site, tmp_path: Any) -> None:
    site = copy_site(base_site, tmp_path / "limited", download_max_records=100)
    with TestClient(create_app(site.settings)) as client:
        response = client.post(ACTION, json={"file": {"format": "csv"}})
        assert response.status_code == 400
        assert "at most 100" in " ".join(response.json()["error"]["query.query"])
        ok = client.post(ACTION, json={"file": {"format": "csv"},
                                       "query": {"resource_ids": [MEDIA]}})
        assert ok.status_code == 200
    assert count_jobs(site) == 1


def test_an_unknown_download_is_not_found(client: TestClient) -> None:
    response = client.get("/api/3/action/vds_download_status",
                          params={"download_id": "f" * 32})
    assert response.status_code == 404
    assert client.get("/status/download/nope.json").status_code == 404
    assert client.get("/downloads/nope/file.zip").status_code == 404


@pytest.mark.parametrize("form", [
    {"format": "pdf"}, {"format": "csv", "query": "[1, 2]"}, {"format": "csv", "version": "-5"},
    {"format": "csv", "resource_ids": PRIVATE}, {"format": "csv", "email": "me@example.org"},
])
def test_a_bad_form_queues_nothing(client: TestClient, site: Site, form: dict[str, str]) -> None:
    response = client.post("/download", data=with_token(client, form), follow_redirects=False)
    assert response.status_code in (400, 404)
    assert response.headers["content-type"].startswith("text/html")
    assert count_jobs(site) == 0
    good = client.post("/download", data=with_token(client, {"format": "csv",
                                                             "resource_ids": MEDIA}),
                       follow_redirects=False)
    assert good.status_code == 303
    assert count_jobs(site) == 1
