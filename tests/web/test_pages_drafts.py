"""The draft pages and API actions through the real application: start a draft from a form
(multipart, CSRF token first), follow its progress in the JSON twin, see the review with rows
and columns, publish (refused with errors) or discard; nobody else sees anything."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from holotype.web.app import create_app
from tests.fixtures.forms import form_token, token_in
from tests.fixtures.signed_in import sign_in
from tests.fixtures.token_site import TokenSite, make_token_site

GOOD = ("occurrenceID,Lat,scientificName,eventDate\n"
        + "".join(f"w-{i},{i % 80},Paginus visus,2001-02-0{1 + i % 9}\n" for i in range(25)))
BAD = "occurrenceID,decimalLatitude\nx-1,10\nx-2,95\nx-1,12\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TokenSite:
    return make_token_site(tmp_path_factory.mktemp("drafts-web"))


@pytest.fixture(scope="module")
def clients(site: TokenSite) -> Iterator[dict[str, TestClient]]:
    app = create_app(site.settings)
    with TestClient(app) as anonymous:  # runs the lifespan: the draft workers read drafts
        made = {"anonymous": anonymous}
        for name in ("member", "editor", "other_editor"):
            made[name] = sign_in(app, site.accounts, name)
        yield made
        for name in ("member", "editor", "other_editor"):
            made[name].close()


def _start(client: TestClient, text: str, name: str, new: str = "Web drafts") -> httpx.Response:
    return client.post("/dataset/secret/drafts",
                       data={"csrf_token": form_token(client), "new_resource": new},
                       files={"file": (name, text.encode(), "text/csv")},
                       follow_redirects=False)


def _ready(client: TestClient, url: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        data: dict[str, Any] = client.get(url + ".json").json()
        if not data["waiting"]:
            return data
        time.sleep(0.2)
    raise AssertionError(f"the draft at {url} was not read within a minute")


def test_the_whole_path_in_pages(clients: dict[str, TestClient]) -> None:
    editor = clients["editor"]
    assert "Review a file" in editor.get("/dataset/secret/drafts").text
    started = _start(editor, GOOD, "seen.csv")
    assert started.status_code == 303
    url = started.headers["location"]
    data = _ready(editor, url)
    assert data["status"] == "ready" and data["rows_read"] == 25
    assert data["review"]["suggestions"] == {"Lat": "decimalLatitude"}
    page = editor.get(url)
    assert page.status_code == 200 and "No problems found" in page.text
    assert "rename to <code>decimalLatitude</code>" in page.text and "Paginus visus" in page.text
    assert "seen.csv" in editor.get("/dataset/secret/drafts").text
    # others: not even the draft's pages
    # (anonymous visitors are sent to sign in: a page redirects, its JSON twin answers 401)
    for who, status, twin in (("member", 404, 404), ("other_editor", 404, 404),
                              ("anonymous", 303, 401)):
        assert clients[who].get(url, follow_redirects=False).status_code == status, who
        assert clients[who].get(url + ".json").status_code == twin, who
        assert clients[who].get("/dataset/secret/drafts",
                                follow_redirects=False).status_code == status, who
        assert clients[who].get("/search.json", params={
            "q": "Paginus visus", "preset": "everything"}).json()["total"] == 0
    token = token_in(page.text)
    published = editor.post(url + "/publish", data={"csrf_token": token, "id_field":
                                                    "occurrenceID", "rename:Lat":
                                                    "decimalLatitude"}, follow_redirects=True)
    assert published.status_code == 200
    found = editor.get("/search.json", params={"q": "Paginus visus", "preset": "everything"})
    assert found.json()["total"] == 25
    assert editor.get(url).status_code == 404  # the draft is gone once published


def test_errors_refuse_publishing_on_the_page(clients: dict[str, TestClient]) -> None:
    editor = clients["editor"]
    url = _start(editor, BAD, "bad.csv", "Bad web").headers["location"]
    data = _ready(editor, url)
    assert data["errors"] == 1 and data["warnings"] == 1
    page = editor.get(url)
    assert "Row" in page.text and "<code>occurrenceID</code>" in page.text
    refused = editor.post(url + "/publish", data={"csrf_token": token_in(page.text)},
                          follow_redirects=False)
    assert refused.status_code == 400
    assert f"draft {data['id']} cannot be published" in refused.text
    assert "row 4, column &#39;occurrenceID&#39;" in refused.text
    assert "Bad web" not in editor.get("/dataset/secret.json").text  # nothing committed
    no_token = editor.post(url + "/discard", data={}, follow_redirects=False)
    assert no_token.status_code == 403  # the form's CSRF token is required
    assert clients["member"].post(url + "/discard", data={
        "csrf_token": form_token(clients["member"])}).status_code == 404
    gone = editor.post(url + "/discard", data={"csrf_token": token_in(page.text)},
                       follow_redirects=False)
    assert gone.status_code == 303 and editor.get(url).status_code == 404


def test_a_bad_upload_is_reported_on_the_form(clients: dict[str, TestClient]) -> None:
    editor = clients["editor"]
    answer = editor.post("/dataset/secret/drafts", data={"csrf_token": form_token(editor),
                                                         "new_resource": "Nothing"},
                         follow_redirects=False)
    assert answer.status_code == 400 and "send the file" in answer.text
    url = _start(editor, "\x00\x01garbage", "garbage.bin", "Garbage").headers["location"]
    data = _ready(editor, url)
    assert data["status"] == "failed" and "garbage.bin" in data["reason"]
    assert "could not be read" in editor.get(url).text


def _api(client: TestClient, name: str, token: str, **kwargs: Any) -> httpx.Response:
    return client.post(f"/api/3/action/{name}", headers={"Authorization": token}, **kwargs)


def test_the_api_actions(site: TokenSite, clients: dict[str, TestClient]) -> None:
    client, token = clients["anonymous"], site.tokens["editor-write"]
    made = _api(client, "draft_create", token, data={"package_id": "secret", "name": "API"},
                files={"upload": ("api.csv", GOOD.replace("Paginus", "Apius").encode())})
    assert made.status_code == 200, made.text
    draft_id = made.json()["result"]["id"]
    deadline = time.monotonic() + 60
    while (shown := _api(client, "draft_show", token, json={"id": draft_id}).json()["result"]
           )["waiting"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert shown["review"]["id_field"] == "occurrenceID"
    assert draft_id in {d["id"] for d in _api(client, "draft_list", token, json={
        "package_id": "secret"}).json()["result"]}
    for other in ("editor-read", "member-write", "other_editor-write"):
        refused = _api(client, "draft_show", site.tokens[other], json={"id": draft_id})
        assert refused.status_code in (403, 404), other
        assert "Apius" not in refused.text
    published = _api(client, "draft_publish", token, json={
        "id": draft_id, "renames": {"Lat": "decimalLatitude"}})
    assert published.status_code == 200, published.text
    assert published.json()["result"]["added"] == 25
    bad = _api(client, "draft_create", token, data={"package_id": "secret", "name": "Bad"},
               files={"upload": ("bad.csv", BAD.encode())})
    bad_id = bad.json()["result"]["id"]
    while _api(client, "draft_show", token, json={"id": bad_id}).json()["result"]["waiting"]:
        time.sleep(0.2)
    refused = _api(client, "draft_publish", token, json={"id": bad_id})
    assert refused.status_code == 400 and "cannot be published" in json.dumps(refused.json())
    assert _api(client, "draft_discard", token, json={"id": bad_id}).status_code == 200
    assert _api(client, "draft_show", token, json={"id": bad_id}).status_code == 404
