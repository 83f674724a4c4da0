"""Corrections on the web: the record page's history shows their provenance (the report to
maintainers only), the export as CSV and JSON (page files and correction_list) matches the
store's own history, and correction_accept commits through the API for maintainers only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from holotype.services import corrections
from holotype.services.accounts import sessions
from holotype.services.identity import OPERATOR
from holotype.web.app import create_app
from tests.fixtures.corrections_site import (
    RESOURCE,
    CorrectionsSite,
    cookie_for,
    make_corrections_site,
    token_for,
)

REPORT = "a" * 32


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorrectionsSite]:
    made = make_corrections_site(tmp_path_factory.mktemp("corrections-web"))
    corrections.accept(made.portal, made.people["editor"], RESOURCE, "h-1",
                       {"country": "France"}, report_id=REPORT)
    corrections.accept(made.portal, OPERATOR, RESOURCE, "h-3",
                       {"locality": "Sierra de Gredos", "country": ""})
    yield made
    made.portal.close()


@pytest.fixture(scope="module")
def app_client(site: CorrectionsSite) -> Iterator[TestClient]:
    with TestClient(create_app(site.portal.settings)) as client:
        yield client


def as_user(app_client: TestClient, site: CorrectionsSite, username: str | None) -> TestClient:
    client = TestClient(app_client.app)
    if username is not None:
        client.cookies.set(sessions.COOKIE, cookie_for(site, username))
    return client


def history_note(client: TestClient, site: CorrectionsSite, record: str) -> dict[str, Any]:
    page = client.get(f"/record/{site.resource_id}/{record}.json")
    assert page.status_code == 200, page.text
    notes = [h["correction"] for h in page.json()["history"] if h["correction"]]
    assert len(notes) == 1
    return dict(notes[0])


def test_maintainers_see_who_corrected_and_the_report(app_client: TestClient,
                                                      site: CorrectionsSite) -> None:
    note = history_note(as_user(app_client, site, "editor"), site, "h-1")
    assert note["accepted_by"] == "editor" and note["from_report"]
    assert note["report_id"] == REPORT and note["report_url"] == f"/reports/{REPORT}"
    assert note["fields"] == ["country"]
    html = as_user(app_client, site, "editor").get(f"/record/{site.resource_id}/h-1").text
    assert "Corrected by editor on" in html
    assert f'from <a href="/reports/{REPORT}">error report {REPORT}</a>' in html


@pytest.mark.parametrize("who", [None, "outsider"])
def test_others_see_that_a_correction_happened(app_client: TestClient, site: CorrectionsSite,
                                               who: str | None) -> None:
    client = as_user(app_client, site, who)
    note = history_note(client, site, "h-1")
    assert (note["accepted_by"], note["report_id"], note["report_url"]) == (None, None, None)
    assert note["from_report"]
    html = client.get(f"/record/{site.resource_id}/h-1").text
    assert "Corrected by the dataset&#39;s maintainers on" in html
    assert "from an error report" in html and REPORT not in html


def test_members_see_who_but_not_the_report(app_client: TestClient,
                                            site: CorrectionsSite) -> None:
    note = history_note(as_user(app_client, site, "member"), site, "h-1")
    assert note["accepted_by"] == "editor" and note["report_id"] is None


def test_a_correction_without_a_report(app_client: TestClient, site: CorrectionsSite) -> None:
    note = history_note(as_user(app_client, site, "editor"), site, "h-3")
    assert note["accepted_by"] == "operator" and not note["from_report"]
    assert sorted(note["fields"]) == ["country", "locality"]
    html = as_user(app_client, site, "editor").get(f"/record/{site.resource_id}/h-3").text
    assert "Corrected by operator on" in html and "error report" not in html


def expected_rows(site: CorrectionsSite) -> set[tuple[str, str, str, str, str]]:
    """(record, field, old, new, version) of every version a correction made, read from the
    store's own record histories."""
    store = site.portal.store.resource(site.resource_id)
    found = set()
    for record in ("h-1", "h-2", "h-3"):
        history = store.history(record)
        for entry in history[1:]:  # the first version is the ingest
            if entry.version != history[0].version:
                for name, (old, new) in entry.changes.items():
                    found.add((record, name, old or "", new or "", str(entry.version)))
    return found


def test_the_export_matches_the_stores_history(app_client: TestClient,
                                               site: CorrectionsSite) -> None:
    editor = as_user(app_client, site, "editor")
    answer = editor.get("/dataset/herb/corrections.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert "no-store" in answer.headers["cache-control"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert {(r["record_id"], r["field"], r["old_value"], r["new_value"], r["version"])
            for r in rows} == expected_rows(site)
    assert len(rows) == 3
    by_record = {r["record_id"]: r for r in rows if r["field"] != "country" or
                 r["record_id"] == "h-1"}
    assert by_record["h-1"]["accepted_by"] == "editor"
    assert by_record["h-1"]["report_id"] == REPORT and by_record["h-3"]["report_id"] == ""
    as_json = editor.get("/dataset/herb/corrections.json").json()
    assert as_json["count"] == 3 and as_json["dataset"] == "herb"
    assert [(r["record_id"], r["field"]) for r in as_json["corrections"]] == [
        (r["record_id"], r["field"]) for r in rows]
    assert as_json["corrections"][-1]["new_value"] in (None, "Sierra de Gredos")
    one = editor.get("/dataset/herb/corrections.json", params={"resource": "specimens"}).json()
    assert one["resource"] == "specimens" and one["count"] == 3


def test_the_api_lists_the_same_as_json_and_csv(app_client: TestClient,
                                                site: CorrectionsSite) -> None:
    headers = {"Authorization": token_for(site, "editor", "read")}  # reading is enough
    listed = app_client.get("/api/3/action/correction_list", params={"id": "herb"},
                            headers=headers)
    assert listed.status_code == 200, listed.text
    page = as_user(app_client, site, "editor").get("/dataset/herb/corrections.json").json()
    assert listed.json()["result"]["corrections"] == page["corrections"]
    as_csv = app_client.get("/api/3/action/correction_list",
                            params={"resource_id": RESOURCE, "format": "csv"}, headers=headers)
    assert as_csv.status_code == 200 and as_csv.text.startswith("dataset,resource,")
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == 3


@pytest.mark.parametrize("who", [None, "member", "outsider"])
def test_only_maintainers_export(app_client: TestClient, site: CorrectionsSite,
                                 who: str | None) -> None:
    client = as_user(app_client, site, who)
    answer = client.get("/dataset/herb/corrections.csv")
    assert answer.status_code in (401, 403, 303) and "h-1" not in answer.text
    dataset = client.get("/dataset/herb").text
    assert "/dataset/herb/corrections.csv" not in dataset
    headers = {"Authorization": token_for(site, who)} if who else {}
    listed = app_client.get("/api/3/action/correction_list", params={"id": "herb"},
                            headers=headers)
    assert listed.status_code in (401, 403) and "h-1" not in listed.text


def test_the_dataset_page_links_its_maintainers_to_the_export(
        app_client: TestClient, site: CorrectionsSite) -> None:
    page = as_user(app_client, site, "editor").get("/dataset/herb").text
    assert 'href="/dataset/herb/corrections.csv"' in page


def test_bad_export_requests(app_client: TestClient, site: CorrectionsSite) -> None:
    editor = as_user(app_client, site, "editor")
    assert editor.get("/dataset/herb/corrections.xml").status_code == 404
    assert editor.get("/dataset/nope/corrections.csv").status_code == 404
    missing = editor.get("/dataset/herb/corrections.csv", params={"resource": "nope"})
    assert missing.status_code == 404
    headers = {"Authorization": token_for(site, "editor", "read")}
    nothing = app_client.get("/api/3/action/correction_list", headers=headers)
    assert nothing.status_code == 404 and nothing.json()["error"]


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[tuple[CorrectionsSite, TestClient]]:
    """A site of its own for the tests that correct records through the API."""
    made = make_corrections_site(tmp_path)
    with TestClient(create_app(made.portal.settings)) as client:
        yield made, client
    made.portal.close()


def post(app_client: TestClient, token: str | None, **body: Any) -> Any:
    headers = {"Authorization": token} if token else {}
    return app_client.post("/api/3/action/correction_accept", json=body, headers=headers)


def test_correction_accept_through_the_api(
        writable: tuple[CorrectionsSite, TestClient]) -> None:
    site, app_client = writable
    token = token_for(site, "editor")
    done = post(app_client, token, resource_id=RESOURCE, record_id="h-2",
                values={"locality": "Compiègne"})
    assert done.status_code == 200, done.text
    result = done.json()["result"]
    assert result["fields"] == [{"field": "locality", "old": None, "new": "Compiègne"}]
    assert result["report_id"] is None and not result["unchanged"]
    record = site.record("h-2")
    assert record is not None and record["locality"] == "Compiègne"
    again = post(app_client, token, resource_id=RESOURCE, record_id="h-2",
                 values={"locality": "Compiègne"}).json()["result"]
    assert again["unchanged"] and "nothing to change" in again["message"]


@pytest.mark.parametrize(("who", "status"), [
    (None, 401), ("member", 403), ("outsider", 403), ("editor-read", 403)])
def test_correction_accept_is_refused_to_others(
        writable: tuple[CorrectionsSite, TestClient], who: str | None, status: int) -> None:
    site, app_client = writable
    token = None
    if who == "editor-read":
        token = token_for(site, "editor", "read")
    elif who:
        token = token_for(site, who)
    before = site.record("h-2")
    answer = post(app_client, token, resource_id=RESOURCE, record_id="h-2",
                  values={"locality": "Elsewhere"})
    assert answer.status_code == status, answer.text
    assert site.record("h-2") == before


def test_correction_accept_bad_input_names_the_field(
        writable: tuple[CorrectionsSite, TestClient]) -> None:
    site, app_client = writable
    token = token_for(site, "editor")
    cases = [
        ({"record_id": "h-2", "values": {"contry": "x"}}, "values.contry"),
        ({"record_id": "h-404", "values": {"country": "x"}}, "record_id"),
        ({"record_id": "h-2", "values": {"country": 3}}, "values.country"),
        ({"record_id": "h-2", "values": "France"}, "values"),
    ]
    for body, field in cases:
        answer = post(app_client, token, resource_id=RESOURCE, **body)
        assert answer.status_code in (400, 404, 409), answer.text
        assert field in answer.json()["error"], (field, answer.json())
    get = app_client.get("/api/3/action/correction_accept",
                         params={"resource_id": RESOURCE, "record_id": "h-2",
                                 "values": '{"country": "x"}'},
                         headers={"Authorization": token})
    assert get.status_code == 400 and site.record("h-2") is not None
    assert site.record("h-2")["country"] == "France"  # type: ignore[index]
