"""The dataset editor's pages: who may open them, what the form offers, problems shown next to
their fields with the form kept as typed and nothing saved, a new dataset private unless the
editor chooses public, HTML and scripts escaped in every text field, form tokens required."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from holotype.errors import NotFound
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.web.app import create_app
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site
from tests.fixtures.forms import token_in
from tests.fixtures.signed_in import sign_in

GOOD_ORCID = "0000-0002-1825-0097"
BAD_ORCID = "0000-0002-1825-0098"  # its check digit is wrong
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> AccountsSite:
    return make_accounts_site(tmp_path_factory.mktemp("editor-pages"), records=10)


@pytest.fixture(scope="module")
def app(site: AccountsSite) -> Iterator[FastAPI]:
    made = create_app(site.settings)
    with TestClient(made):
        yield made


def _dataset(site: AccountsSite, slug: str) -> catalogue.DatasetInfo | None:
    portal = Portal.open(site.settings)
    try:
        with portal.session() as session:
            return catalogue.get_dataset(session, slug)
    except NotFound:
        return None
    finally:
        portal.close()


def _form(client: TestClient, path: str, **fields: Any) -> dict[str, Any]:
    """The form's token (read from its page, as a browser would) and ``fields``."""
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    return {"csrf_token": token_in(page.text), **fields}


def _new(**changes: Any) -> dict[str, Any]:
    fields = {"title": "Pitfall beetles", "name": "pitfall-beetles", "notes": "Some *traps*.",
              "license_id": "CC-BY-4.0", "category": "research", "owner_org": "museum",
              "tags": "beetles, traps", "creator_name": ["Ada Smith", ""],
              "creator_orcid": [GOOD_ORCID, ""], "creator_affiliation": ["NHM", ""]}
    return {**fields, **changes}


def _error_at(html: str, key: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(key)}-error">([^<]*)</p>', html)
    assert found, f"no error shown at {key}"
    return found.group(1)


def test_who_may_open_the_new_dataset_form(app: FastAPI, site: AccountsSite) -> None:
    anonymous = TestClient(app).get("/dataset/new", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/user/login?next=%2Fdataset%2Fnew")
    assert sign_in(app, site, "member").get("/dataset/new").status_code == 403
    editor = sign_in(app, site, "editor").get("/dataset/new")
    options = re.findall(r'<option value="([^"]*)"', editor.text.split('id="ds-org"')[1]
                         .split("</select>")[0])
    assert options == ["museum"]  # only where the editor may publish; no "No organisation"
    assert 'value="private" checked' in editor.text  # a new dataset starts private
    sysadmin = sign_in(app, site, "sysadmin").get("/dataset/new")
    org_select = sysadmin.text.split('id="ds-org"')[1].split("</select>")[0]
    offered = re.findall(r'<option value="([^"]*)"', org_select)
    assert offered[0] == "" and {"museum", "other"} <= set(offered)  # anywhere, or nowhere
    assert "CC-BY-NC-4.0" in editor.text and "Choose a licence" in editor.text
    twin = sign_in(app, site, "editor").get("/dataset/new",
                                            headers={"Accept": "application/json"}).json()
    assert [o["slug"] for o in twin["choices"]["organisations"]] == ["museum"]
    assert twin["form"]["visibility"] == "private" and twin["choices"]["visibility"] is True
    assert twin["choices"]["no_organisation"] is False and twin["errors"] == {}


def test_problems_are_shown_next_to_their_fields_and_nothing_is_saved(
        app: FastAPI, site: AccountsSite) -> None:
    editor = sign_in(app, site, "editor")
    sent = _form(editor, "/dataset/new", **_new(
        title="", creator_name=["Ada Smith", "", "Bo Lee"],
        creator_orcid=[BAD_ORCID, "", "not-an-orcid"], creator_affiliation=["NHM", "", ""]))
    answer = editor.post("/dataset/new", data=sent, follow_redirects=False)
    assert answer.status_code == 400
    html = answer.text
    assert "check digit is wrong" in _error_at(html, "creators-0-orcid")
    assert "is not an ORCID iD" in _error_at(html, "creators-2-orcid")  # its row on the form
    assert "is required" in _error_at(html, "title")
    assert "3 things need changing" in html and "Nothing was saved" in html
    assert '<a href="#creator-2-orcid">Creator 3: ORCID iD</a>' in html  # the list links it
    assert f'value="{BAD_ORCID}"' in html and 'value="pitfall-beetles"' in html  # as typed
    assert 'id="creator-0-orcid" name="creator_orcid" value="' in html
    assert 'aria-invalid="true" aria-describedby="creators-0-orcid-error"' in html
    assert _dataset(site, "pitfall-beetles") is None


def test_a_new_dataset_is_private_until_the_editor_chooses_public(
        app: FastAPI, site: AccountsSite) -> None:
    editor = sign_in(app, site, "editor")
    answer = editor.post("/dataset/new", data=_form(editor, "/dataset/new", **_new()),
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/dataset/pitfall-beetles"
    made = _dataset(site, "pitfall-beetles")
    assert made is not None and made.visibility == "private"
    assert made.organisation == "museum" and made.licence.id == "CC-BY-4.0"
    assert [(c.name, c.orcid, c.affiliation) for c in made.creators] == [
        ("Ada Smith", GOOD_ORCID, "NHM")]
    assert made.keywords == ("beetles", "traps") and made.category == "research"
    assert TestClient(app).get("/dataset/pitfall-beetles").status_code == 404
    page = editor.get("/dataset/pitfall-beetles").text
    assert "<em>traps</em>" in page and 'href="/dataset/pitfall-beetles/edit"' in page
    public = _form(editor, "/dataset/new", **_new(name="open-beetles", visibility="public"))
    assert editor.post("/dataset/new", data=public, follow_redirects=False).status_code == 303
    assert TestClient(app).get("/dataset/open-beetles").status_code == 200


def test_every_text_field_is_escaped(app: FastAPI, site: AccountsSite) -> None:
    editor = sign_in(app, site, "editor")
    sent = _form(editor, "/dataset/new", **_new(
        name="hostile", title=f"Title {HOSTILE}", visibility="public",
        notes=f"Notes {HOSTILE} [click](javascript:alert(1)) [ok](https://example.org)",
        tags=f"tag {HOSTILE}", creator_name=[f"Name {HOSTILE}"], creator_orcid=[""],
        creator_affiliation=[f"Affiliation {HOSTILE}"]))
    assert editor.post("/dataset/new", data=sent, follow_redirects=False).status_code == 303
    for client, path in ((TestClient(app), "/dataset/hostile"), (editor, "/dataset/hostile/edit"),
                         (TestClient(app), "/datasets"), (TestClient(app), "/")):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert 'href="javascript:' not in html, path
    page = TestClient(app).get("/dataset/hostile").text
    for where in ("Title", "Notes", "Name", "Affiliation"):
        assert f"{where} &lt;script&gt;" in page, where
    assert '<a href="https://example.org" rel="nofollow ugc">ok</a>' in page
    assert "[click](javascript:alert(1))" in page  # the unsafe link stays as text
    assert "tag &lt;script&gt;" in page  # the keyword
    # And the form shows the same values escaped, as typed
    assert "Notes &lt;script&gt;" in editor.get("/dataset/hostile/edit").text


def test_who_may_edit_a_dataset(app: FastAPI, site: AccountsSite) -> None:
    assert TestClient(app).get("/dataset/secret/edit", follow_redirects=False
                               ).status_code == 303  # to sign in
    assert sign_in(app, site, "member").get("/dataset/secret/edit").status_code == 403
    assert sign_in(app, site, "other_editor").get("/dataset/secret/edit").status_code == 404
    editor = sign_in(app, site, "editor").get("/dataset/secret/edit")
    assert editor.status_code == 200 and 'value="Private secret"' in editor.text
    assert 'href="/dataset/secret/edit"' not in sign_in(app, site, "member").get(
        "/dataset/secret").text
    assert ">New dataset</a>" in sign_in(app, site, "editor").get("/datasets").text
    for who in ("member", None):
        client = sign_in(app, site, who) if who else TestClient(app)
        assert ">New dataset</a>" not in client.get("/datasets").text


def test_an_edit_saves_every_field_and_a_refusal_keeps_the_form(
        app: FastAPI, site: AccountsSite) -> None:
    editor = sign_in(app, site, "editor")
    path = "/dataset/secret/edit"
    changed = {"title": "Private secret, revised", "notes": "## Method\n\nVault.",
               "license_id": "CC0-1.0", "category": "collection", "owner_org": "museum",
               "visibility": "private", "tags": "vault",
               "creator_name": ["Cy Wu"], "creator_orcid": [f"https://orcid.org/{GOOD_ORCID}"],
               "creator_affiliation": [""]}
    forged = editor.post(path, data=_form(editor, path, **{**changed, "owner_org": "other",
                                                             "license_id": "WTFPL"}))
    assert forged.status_code in (400, 403)
    assert "unknown licence" in _error_at(forged.text, "license_id")
    assert _dataset(site, "secret").title == "Private secret"  # type: ignore[union-attr]
    moved = editor.post(path, data=_form(editor, path, **{**changed, "owner_org": "other"}))
    assert moved.status_code == 403
    assert "may not move datasets" in _error_at(moved.text, "owner_org")
    saved = editor.post(path, data=_form(editor, path, **changed), follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/dataset/secret"
    after = _dataset(site, "secret")
    assert after is not None and after.title == "Private secret, revised"
    assert after.licence.id == "CC0-1.0" and after.keywords == ("vault",)
    assert [(c.name, c.orcid) for c in after.creators] == [("Cy Wu", GOOD_ORCID)]
    assert "<h4>Method</h4>" in editor.get("/dataset/secret").text


def test_more_creator_rows_saves_nothing(app: FastAPI, site: AccountsSite) -> None:
    editor = sign_in(app, site, "editor")
    sent = _form(editor, "/dataset/new", **_new(name="more-rows", action="more"))
    answer = editor.post("/dataset/new", data=sent)
    assert answer.status_code == 200
    assert 'id="creator-3-name"' in answer.text and 'value="Ada Smith"' in answer.text
    assert _dataset(site, "more-rows") is None


def test_the_reserved_name_and_a_missing_form_token_are_refused(
        app: FastAPI, site: AccountsSite) -> None:
    editor = sign_in(app, site, "editor")
    reserved = editor.post("/dataset/new", data=_form(editor, "/dataset/new", **_new(name="new")))
    assert reserved.status_code == 400 and "reserved" in _error_at(reserved.text, "name")
    forged = editor.post("/dataset/new", data=_new(name="no-token"), follow_redirects=False)
    assert forged.status_code == 403 and "form expired" in forged.text
    assert _dataset(site, "no-token") is None
    edit = editor.post("/dataset/secret/edit", data={"title": "Hijacked"})
    assert edit.status_code == 403
    assert "Hijacked" not in (_dataset(site, "secret").title)  # type: ignore[union-attr]
