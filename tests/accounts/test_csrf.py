"""Every form that changes something needs its form token: without one (or with another
visitor's) the request is refused with 403 "the form expired", nothing changes, and the
refusal is audited. The API takes no cookie for writes, so it needs no form token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from holotype.catalog.accounts import AuditEvent, UserSession
from holotype.catalog.downloads import DownloadJob
from holotype.catalog.models import QuerySlug, User
from holotype.config import Settings
from holotype.services.accounts import sessions
from holotype.services.context import Portal
from holotype.web.app import create_app
from tests.accounts.conftest import PASSWORD, count, make_user
from tests.fixtures.forms import form_token, token_in, with_token
from tests.fixtures.site import make_site

MEDIA_RESOURCE = "demo-specimens/records"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_site(tmp_path_factory.mktemp("csrf-site"), records=40, rate_limit_per_minute=0,
                     download_workers=0)


@pytest.fixture
def web(site: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(site)) as client:
        yield client


def _post_routes(app: FastAPI) -> list[str]:
    found: list[str] = []

    def walk(routes: Any) -> None:
        for route in routes:
            if not hasattr(route, "path"):
                walk(route.original_router.routes)
            elif "POST" in getattr(route, "methods", set()) \
                    and not route.path.startswith("/api/"):
                found.append(route.path)

    walk(app.routes)
    return sorted(found)


def _state(portal: Portal) -> tuple[int, ...]:
    return (count(portal, DownloadJob), count(portal, QuerySlug), count(portal, User),
            count(portal, UserSession))


def test_every_form_route_refuses_a_post_without_its_token(web: TestClient) -> None:
    portal: Portal = web.app.state.portal  # type: ignore[attr-defined]
    routes = _post_routes(web.app)  # type: ignore[arg-type]
    for expected in ("/download", "/search/share", "/search/cite", "/user/login",
                     "/user/logout", "/user/register", "/user/reset", "/user/me"):
        assert expected in routes
    before = _state(portal)
    refused_before = count(portal, AuditEvent, AuditEvent.event == "write_refused")
    forms = {"/download": {"format": "csv", "resource_ids": MEDIA_RESOURCE},
             "/search/share": {"query": "{}"}, "/search/cite": {"query": "{}"},
             "/user/login": {"username": "x", "password": "y"}}
    for path in routes:
        concrete = path.replace("{token}", "sometoken")
        answer = web.post(concrete, data=forms.get(path, {"x": "1"}), follow_redirects=False)
        assert answer.status_code == 403, (path, answer.status_code)
        assert "The form expired; reload the page and try again." in answer.text, path
        assert "Nothing was changed" in answer.text
    assert _state(portal) == before
    assert count(portal, AuditEvent, AuditEvent.event == "write_refused") \
        == refused_before + len(routes)


def test_the_three_forms_carry_their_token_and_work_with_it(web: TestClient) -> None:
    portal: Portal = web.app.state.portal  # type: ignore[attr-defined]
    page = web.get("/search", params={"q": ""}).text
    for action in ("/download", "/search/share", "/search/cite"):
        form = page.split(f'action="{action}"')[1].split("</form>")[0]
        assert 'name="csrf_token" value="' in form, action
        # the token is the form's first field: the check reads only the start of the body
        assert form.index('name="csrf_token"') < form.index("<input", form.index(
            'name="csrf_token"') + 1), action
    token = token_in(page)
    jobs = count(portal, DownloadJob)
    made = web.post("/download", data={"csrf_token": token, "format": "csv",
                                       "resource_ids": MEDIA_RESOURCE}, follow_redirects=False)
    assert made.status_code == 303 and count(portal, DownloadJob) == jobs + 1
    shared = web.post("/search/share", headers={"X-CSRF-Token": token},
                      data={"query": '{"search": "x"}'}, follow_redirects=False)
    assert shared.status_code == 303  # a script may send the token as a header instead


def test_another_visitors_token_is_refused(web: TestClient, site: Settings) -> None:
    portal: Portal = web.app.state.portal  # type: ignore[attr-defined]
    with TestClient(create_app(site)) as other:
        theirs = form_token(other)
    mine = form_token(web)
    assert theirs != mine
    jobs = count(portal, DownloadJob)
    for token in (theirs, "", mine[:-1] + ("0" if mine[-1] != "0" else "1")):
        answer = web.post("/download", data={"csrf_token": token, "format": "csv",
                                             "resource_ids": MEDIA_RESOURCE},
                          follow_redirects=False)
        assert answer.status_code == 403
    json_answer = web.post("/search/share", data={"query": "{}"},
                           headers={"Accept": "application/json"})
    assert json_answer.status_code == 403
    assert json_answer.json()["error"]["message"] == \
        "the form expired; reload the page and try again"
    assert count(portal, DownloadJob) == jobs


def test_a_form_from_before_signing_in_has_expired(web: TestClient, tmp_path: Path) -> None:
    portal: Portal = web.app.state.portal  # type: ignore[attr-defined]
    make_user(portal, "csrf-user")
    before = form_token(web)
    signed = web.post("/user/login", data={"csrf_token": before, "username": "csrf-user",
                                           "password": PASSWORD}, follow_redirects=False)
    assert signed.status_code == 303 and sessions.COOKIE in signed.cookies
    stale = web.post("/search/share", data={"csrf_token": before, "query": "{}"},
                     follow_redirects=False)
    assert stale.status_code == 403
    fresh = web.post("/search/share", data=with_token(web, {"query": "{}"}),
                     follow_redirects=False)
    assert fresh.status_code == 303
    web.post("/user/logout", data=with_token(web, {}))


def test_the_api_needs_no_form_token(web: TestClient) -> None:
    portal: Portal = web.app.state.portal  # type: ignore[attr-defined]
    answer = web.post("/api/3/action/vds_slug_create", json={"query": {"search": "api"}})
    assert answer.status_code == 200, answer.text
    assert count(portal, QuerySlug) >= 1
