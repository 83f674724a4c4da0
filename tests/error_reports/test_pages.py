"""The error report form, the inbox and a report's page over HTTP: anonymous and signed-in
reports, the spam guard, escaping of every text, status buttons with form tokens, the rate
limit, and the API actions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from holotype.services.accounts import tokens
from holotype.services.error_reports import inbox, submit
from holotype.services.error_reports.model import NewReport
from holotype.services.identity import OPERATOR
from holotype.web.app import create_app
from tests.error_reports.conftest import ReportSite, make_report_site
from tests.fixtures.accounts_site import SECRET_ID
from tests.fixtures.forms import token_in
from tests.fixtures.mail import mail_server
from tests.fixtures.signed_in import sign_in

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
STAMP = re.compile(r'name="form_stamp" value="([^"]+)"')


@pytest.fixture(scope="module")
def app(report_site: ReportSite) -> Iterator[FastAPI]:
    made = create_app(report_site.site.settings)
    with TestClient(made):  # runs the lifespan
        yield made


def _form(client: TestClient, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    found = STAMP.search(page.text)
    return {"csrf_token": token_in(page.text), "version": "",
            **({"form_stamp": found.group(1)} if found else {})}


def _report_id(report_site: ReportSite, **match: str) -> str:
    portal = report_site.portal()
    try:
        found = inbox.list_reports(portal, OPERATOR, limit=200).reports
    finally:
        portal.close()
    return next(r.id for r in found
                if all(any(getattr(f, k) == v for f in r.fields) for k, v in match.items()))


def test_the_form_offers_the_records_fields_and_other(app: FastAPI,
                                                       report_site: ReportSite) -> None:
    url = f"/report-error/{report_site.open_resource}/open-2"
    with TestClient(app) as client:
        page = client.get(url).text
        assert 'name="field"' in page and '<option value="country">' in page
        assert "Other (say which in the explanation)" in page
        assert 'name="website"' in page and 'name="form_stamp"' in page  # anonymous
        assert page.count('name="proposed"') == 1
        assert client.get(url + "?rows=3").text.count('name="proposed"') == 3
        twin = client.get(url + ".json").json()
        assert {"name": "country", "label": "Country", "value": "Kenya"} in twin["fields"]
    member = sign_in(app, report_site.site, "member")
    signed = member.get(url).text
    assert 'name="form_stamp"' not in signed and 'name="email"' not in signed


def test_an_anonymous_report_with_markup_everywhere_is_kept_as_text_and_escaped(
        app: FastAPI, report_site: ReportSite) -> None:
    url = f"/report-error/{report_site.open_resource}/open-2"
    with TestClient(app) as client:
        sent = client.post(url, data={
            **_form(client, url), "field": ["country", "__other__"],
            "proposed": [HOSTILE, ""], "explanation": "E " + HOSTILE, "name": "N " + HOSTILE,
            "email": "eve@example.org", "notify": "1", "website": ""})
        assert sent.status_code == 200, sent.text[:500]
        assert "your report was sent" in sent.text
    report_id = _report_id(report_site, proposed=HOSTILE)
    editor = sign_in(app, report_site.site, "editor")
    for page in (editor.get(f"/reports/{report_id}").text, editor.get("/reports").text):
        assert "<script>alert" not in page and "<img src=x" not in page
    shown = editor.get(f"/reports/{report_id}").text
    assert str(escape(HOSTILE)) in shown  # each text, escaped as a whole
    assert str(escape("E " + HOSTILE)) in shown and str(escape("N " + HOSTILE)) in shown
    assert "eve@example.org" in shown
    twin = editor.get(f"/reports/{report_id}.json").json()
    assert twin["fields"][0] == {"field": "country", "seen": "Kenya", "proposed": HOSTILE}
    assert twin["fields"][1]["field"] == "" and twin["explanation"] == "E " + HOSTILE
    assert twin["reporter"]["name"] == "N " + HOSTILE
    # the maintainer's email carries the text as it was typed (plain text, no markup)
    assert any(HOSTILE in m and report_id in m
               for m in report_site.mail_to("editor@example.org"))


def test_the_spam_guard_refuses_robots_and_stores_nothing(app: FastAPI,
                                                          report_site: ReportSite) -> None:
    url = f"/report-error/{report_site.open_resource}/open-3"
    row = {"field": "country", "proposed": "Robotland"}
    with TestClient(app) as client:
        trapped = client.post(url, data={**_form(client, url), **row, "website": "spam.biz"})
        assert trapped.status_code == 400 and "looks automated" in trapped.text
        forged = client.post(url, data={**_form(client, url), **row, "form_stamp": "x.y.z"})
        assert forged.status_code == 400 and "reload the page" in forged.text
        other = client.post(url, data={**_form(client, f"/report-error/"
                                                  f"{report_site.open_resource}/open-1"), **row})
        assert other.status_code == 400 and "another record" in other.text
        links = client.post(url, data={**_form(client, url), **row, "explanation":
                                       "http://a.example http://b.example http://c.example"})
        assert links.status_code == 400 and "3 web links" in links.text
        assert 'value="Robotland"' in links.text  # what was typed is kept in the form
    with pytest.raises(StopIteration):
        _report_id(report_site, proposed="Robotland")


def test_a_report_on_a_missing_or_private_record_is_not_found(
        app: FastAPI, report_site: ReportSite) -> None:
    secret = f"/report-error/{report_site.site.secret_resource}/{SECRET_ID}"
    with TestClient(app) as client:
        assert client.get(secret).status_code == 404
        token = _form(client, f"/report-error/{report_site.open_resource}/open-1")
        gone = client.post(f"/report-error/{report_site.open_resource}/no-such", data={
            **token, "field": "country", "proposed": "x"})
        assert gone.status_code == 404 and "does not exist" in gone.text
        assert client.post(secret, data={**token, "field": "country",
                                          "proposed": "x"}).status_code == 404


def test_the_inbox_filters_and_the_maintainer_changes_the_status(
        app: FastAPI, report_site: ReportSite) -> None:
    url = f"/report-error/{report_site.open_resource}/open-1"
    with TestClient(app) as client:
        client.post(url, data={**_form(client, url), "field": "locality",
                               "proposed": "Mount Inbox", "email": "ida@example.org",
                               "notify": "1"})
    report_id = _report_id(report_site, proposed="Mount Inbox")
    editor = sign_in(app, report_site.site, "editor")
    listed = editor.get("/reports.json", params={"status": "new",
                                                 "dataset": "museum-open"}).json()
    assert report_id in {r["id"] for r in listed["reports"]}
    assert {r["status"] for r in listed["reports"]} == {"new"}
    assert editor.get("/reports.json", params={"dataset": "owned"}).json()["count"] == 0
    page = editor.get(f"/reports/{report_id}").text
    assert ">Acknowledge</button>" in page
    changed = editor.post(f"/reports/{report_id}", data={
        "csrf_token": token_in(page), "status": "acknowledged", "note": "Checking the label"})
    assert changed.status_code == 200 and "The report is now acknowledged" in changed.text
    assert "The reporter was emailed" in changed.text
    assert any("is now acknowledged" in m and "Checking the label" in m
               for m in report_site.mail_to("ida@example.org"))
    forged = editor.post(f"/reports/{report_id}", data={"status": "fixed"})
    assert forged.status_code == 403
    assert editor.get(f"/reports/{report_id}.json").json()["status"] == "acknowledged"
    other = sign_in(app, report_site.site, "other_editor")
    assert other.get(f"/reports/{report_id}").status_code == 404
    with TestClient(app) as anonymous:
        assert anonymous.get("/reports", follow_redirects=False).status_code in (302, 303, 401)


def test_a_reporter_outside_the_organisation_is_not_told_the_maintainers_names(
        app: FastAPI, report_site: ReportSite) -> None:
    site = report_site.site
    portal = report_site.portal()
    try:
        made = submit.create_report(portal, site.identity("other_editor"), NewReport(
            report_site.open_resource, "open-2", None, [("country", "Uganda")]))
        inbox.update_status(portal, site.identity("editor"), made.id, "acknowledged",
                            "Looking into it")
    finally:
        portal.close()
    reporter = sign_in(app, site, "other_editor")  # not of museum: its members are not public
    history = reporter.get(f"/reports/{made.id}.json").json()["history"]
    assert [(e["by"], e["note"]) for e in history] == [
        ("other_editor", ""), ("the dataset's maintainers", "Looking into it")]
    page = reporter.get(f"/reports/{made.id}").text
    assert "by the dataset&#39;s maintainers: Looking into it" in page
    assert "by editor" not in page
    editor = sign_in(app, site, "editor")  # a maintainer sees who did what
    assert [e["by"] for e in editor.get(f"/reports/{made.id}.json").json()["history"]] == [
        "other_editor", "editor"]


def test_the_api_actions(app: FastAPI, report_site: ReportSite) -> None:
    body = {"resource_id": report_site.open_resource, "record_id": "open-3",
            "fields": {"catalogNumber": "OPEN-33"}, "explanation": "API",
            "email": "api@example.org", "notify": True}
    portal = report_site.portal()
    try:
        editor = report_site.site.identity("editor")
        _, raw = tokens.create_token(portal, editor, "reports", "write", 1)
        reporter = report_site.site.identity("other_editor")
        _, reporter_raw = tokens.create_token(portal, reporter, "script", "read", 1)
    finally:
        portal.close()
    before = _count_reports(report_site)
    with TestClient(app) as client:
        assert client.get("/api/3/action/report_create", params={
            "resource_id": report_site.open_resource, "record_id": "open-3"}).json()[
            "error"]["method"]
        # the API has no form, so no honeypot or form time: anonymous visitors use the form
        anonymous = client.post("/api/3/action/report_create", json=body)
        assert anonymous.status_code == 401
        assert "record page's form" in anonymous.json()["error"]["message"]
        assert _count_reports(report_site) == before
        made = client.post("/api/3/action/report_create", json=body,
                           headers={"Authorization": reporter_raw}).json()
        assert made["success"], made
        report = made["result"]
        assert report["fields"] == [{"field": "catalogNumber", "seen": "OPEN-3",
                                     "proposed": "OPEN-33"}]
        assert report["reporter"]["email"] == "other_editor@example.org"  # the account's
        assert client.post("/api/3/action/report_list", json={}).status_code == 401
        bad = client.post("/api/3/action/report_create", json={**body, "fields": {"x": "y"}},
                          headers={"Authorization": reporter_raw})
        assert bad.json()["error"]["fields[0].field"]
    with TestClient(app) as client:
        auth = {"Authorization": raw}
        listed = client.post("/api/3/action/report_list", json={"status": "new"},
                             headers=auth).json()["result"]
        assert report["id"] in {r["id"] for r in listed["results"]}
        shown = client.post("/api/3/action/report_show", json={"id": report["id"]},
                            headers=auth).json()["result"]
        assert shown["reporter"]["email"] == "other_editor@example.org"
        updated = client.post("/api/3/action/report_update", json={
            "id": report["id"], "status": "rejected", "note": "The catalogue agrees"},
            headers=auth).json()["result"]
        assert updated["status"] == "rejected"
        assert updated["history"][-1]["note"] == "The catalogue agrees"
    assert any("is now rejected" in m and "The catalogue agrees" in m
               for m in report_site.mail_to("other_editor@example.org"))
    assert not report_site.mail_to("api@example.org")


def _count_reports(report_site: ReportSite) -> int:
    portal = report_site.portal()
    try:
        return inbox.list_reports(portal, OPERATOR, limit=200).total
    finally:
        portal.close()


def test_floods_of_reports_are_rate_limited_across_processes(tmp_path: Path) -> None:
    with mail_server() as (mails, port):
        site = make_report_site(tmp_path, mails, port, error_reports_per_hour=2)
        portal = site.portal()
        try:
            _, raw = tokens.create_token(portal, site.site.identity("member"), "r", "write", 1)
        finally:
            portal.close()
        url = f"/report-error/{site.open_resource}/open-1"
        # Two apps on one site stand for two server processes (serve --workers 2): the count
        # is the catalogue's, so the second process knows what the first accepted.
        with TestClient(create_app(site.site.settings)) as first, \
                TestClient(create_app(site.site.settings)) as second:
            answers = [web.post(url, data={**_form(web, url), "field": "country",
                                           "proposed": f"Flood {n}"}).status_code
                       for n, web in enumerate((first, second, second))]
            assert answers == [200, 200, 429]
            refused = second.post(url, data={**_form(second, url), "field": "country",
                                             "proposed": "Flood 4"})
            assert "error reports in the last hour" in refused.text
            api = first.post("/api/3/action/report_create", headers={"Authorization": raw},
                             json={"resource_id": site.open_resource, "record_id": "open-1",
                                   "fields": {"country": "Flood api"}})
            assert api.status_code == 429 and int(api.headers["Retry-After"]) > 3000
        assert _count_reports(site) == 2  # nothing of the refused ones was kept


def test_without_email_the_inbox_still_works_and_says_so(report_site: ReportSite) -> None:
    quiet = report_site.site.settings.model_copy(update={"smtp_host": None})
    before = len(report_site.inbox.messages)
    app = create_app(quiet)
    with TestClient(app) as client:
        url = f"/report-error/{report_site.open_resource}/open-1"
        assert "(in their inbox on this portal)" in client.get(url).text
        sent = client.post(url, data={**_form(client, url), "field": "country",
                                      "proposed": "Quietland", "email": "q@example.org",
                                      "notify": "1"})
        assert sent.status_code == 200 and "This portal sends no email" in sent.text
    editor = sign_in(app, report_site.site, "editor")
    page = editor.get("/reports").text
    assert "This portal sends no email" in page and "open-1" in page
    report_id = _report_id(report_site, proposed="Quietland")
    shown = editor.get(f"/reports/{report_id}").text
    assert "the reporter is not told of changes" in shown
    changed = editor.post(f"/reports/{report_id}", data={
        "csrf_token": token_in(shown), "status": "rejected"})
    assert "The report is now rejected." in changed.text
    assert "The reporter was emailed" not in changed.text
    assert len(report_site.inbox.messages) == before  # nothing was sent


def test_the_account_page_links_the_inbox(app: FastAPI, report_site: ReportSite) -> None:
    editor = sign_in(app, report_site.site, "editor")
    assert 'href="/reports"' in editor.get("/user/me").text
