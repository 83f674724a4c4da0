"""Accepting an error report: the values, as the maintainer edited them, become a new version
of the record (through the corrections lane's ``corrections.accept``), the report is fixed with
a note naming that version, and the reporter is emailed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from holotype.services.accounts import tokens
from holotype.services.error_reports import submit
from holotype.services.error_reports.model import NewReport
from holotype.services.identity import ANONYMOUS
from holotype.web.app import create_app
from tests.error_reports.conftest import ReportSite
from tests.fixtures.forms import token_in
from tests.fixtures.signed_in import sign_in


@pytest.fixture(scope="module")
def app(report_site: ReportSite) -> Iterator[FastAPI]:
    made = create_app(report_site.site.settings)
    with TestClient(made):
        yield made


def _report(site: ReportSite, record: str, rows: list[tuple[str, str]], email: str) -> str:
    portal = site.portal()
    try:
        return submit.create_report(portal, ANONYMOUS, NewReport(
            site.open_resource, record, None, rows, "From the label", "Ann", email,
            True)).id
    finally:
        portal.close()


def test_a_maintainer_accepts_edited_values_as_a_new_version(
        app: FastAPI, report_site: ReportSite) -> None:
    report_id = _report(report_site, "open-1", [("country", "Tanzania")], "ann@example.org")
    record = f"/record/{report_site.open_resource}/open-1.json"
    editor = sign_in(app, report_site.site, "editor")
    before = editor.get(record).json()
    page = editor.get(f"/reports/{report_id}").text
    assert "Accept and publish a new version" in page and 'value="Tanzania"' in page
    done = editor.post(f"/reports/{report_id}/accept", data={
        "csrf_token": token_in(page), "field": "country",
        "value": "United Republic of Tanzania", "note": "Thank you"})
    assert done.status_code == 200, done.text[:500]
    assert "The report is now fixed" in done.text
    after = editor.get(record).json()
    assert after["data"]["country"] == "United Republic of Tanzania"
    assert after["version"] > before["version"]
    twin = editor.get(f"/reports/{report_id}.json").json()
    assert twin["status"] == "fixed" and not twin["may_accept"]
    assert twin["history"][-1]["note"] == (
        f"Accepted as version {after['version']} of the record (country).\nThank you")
    mails = report_site.mail_to("ann@example.org")
    assert any("is now fixed" in m and f"version {after['version']}" in m for m in mails)
    again = editor.post(f"/reports/{report_id}/accept", data={
        "csrf_token": token_in(page), "field": "country", "value": "Kenya"})
    assert again.status_code == 409 and editor.get(record).json()["data"]["country"] == (
        "United Republic of Tanzania")


def test_others_cannot_accept_and_bad_values_change_nothing(
        app: FastAPI, report_site: ReportSite) -> None:
    report_id = _report(report_site, "open-2", [("locality", "Hill 22")], "bo@example.org")
    record = f"/record/{report_site.open_resource}/open-2.json"
    editor = sign_in(app, report_site.site, "editor")
    page = editor.get(f"/reports/{report_id}").text
    bad = editor.post(f"/reports/{report_id}/accept", data={
        "csrf_token": token_in(page), "field": "occurrenceID", "value": "x"})
    assert bad.status_code == 400 and "identifies the record" in bad.text
    assert editor.get(f"/reports/{report_id}.json").json()["status"] == "new"
    other = sign_in(app, report_site.site, "other_editor")
    token = token_in(other.get("/user/me").text)
    refused = other.post(f"/reports/{report_id}/accept", data={
        "csrf_token": token, "field": "locality", "value": "Nowhere"})
    assert refused.status_code == 404
    member = sign_in(app, report_site.site, "member")  # reads museum's data, maintains none
    token = token_in(member.get("/user/me").text)
    assert member.post(f"/reports/{report_id}/accept", data={
        "csrf_token": token, "field": "locality", "value": "Nowhere"}).status_code == 404
    assert editor.get(record).json()["data"]["locality"] == "Hill 2"


def test_the_api_accepts_the_proposed_values(app: FastAPI, report_site: ReportSite) -> None:
    report_id = _report(report_site, "open-3", [("locality", "Hill 33")], "cy@example.org")
    portal = report_site.portal()
    try:
        _, raw = tokens.create_token(portal, report_site.site.identity("editor"), "accept",
                                     "write", 1)
    finally:
        portal.close()
    with TestClient(app) as client:
        answer = client.post("/api/3/action/report_accept", json={"id": report_id},
                             headers={"Authorization": raw}).json()
        assert answer["success"], answer
        result = answer["result"]
        assert result["status"] == "fixed"
        assert result["correction"]["fields"] == [
            {"field": "locality", "old": "Hill 3", "new": "Hill 33"}]
        assert result["correction"]["report_id"] == report_id
        record = client.get(f"/record/{report_site.open_resource}/open-3.json").json()
        assert record["data"]["locality"] == "Hill 33"
