"""Finished tus uploads handed to the drafts, through the real application: the upload page's
hand-over (a form POST of ``upload_id`` to ``/dataset/<slug>/drafts``) and the API's
``draft_create`` with ``upload_id``. The draft takes the file (nothing is left under
``uploads/claimed``); someone else's upload and an unfinished one are refused; a draft that
refuses the file gives the upload back."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from holotype.errors import Conflict
from holotype.services import uploads
from holotype.web.app import create_app
from tests.fixtures.forms import form_token
from tests.fixtures.signed_in import sign_in
from tests.fixtures.token_site import TokenSite, make_token_site

CSV = ("occurrenceID,scientificName,country\n"
       + "".join(f"up-{i},Falco tinnunculus,Upland\n" for i in range(20))).encode()
OCTETS = "application/offset+octet-stream"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TokenSite:
    return make_token_site(tmp_path_factory.mktemp("drafts-uploads"))


@pytest.fixture(scope="module")
def app(site: TokenSite) -> Iterator[FastAPI]:
    application = create_app(site.settings)
    with TestClient(application):  # the lifespan: the portal and the draft workers
        yield application


def _send(client: TestClient, headers: dict[str, str], mount: str, name: str, data: bytes,
          *, sent: int | None = None) -> str:
    """A tus upload of ``data`` as ``name`` for dataset secret (only ``sent`` bytes of it);
    its id."""
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                    {"filename": name, "filetype": "text/csv", "dataset": "secret"}.items())
    created = client.post(f"{mount}/tus/", headers={
        **headers, "Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)),
        "Upload-Metadata": meta})
    assert created.status_code == 201, created.text
    url = created.headers["Location"]
    patched = client.patch(url, content=data[:sent], headers={
        **headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": OCTETS})
    assert patched.status_code == 204, patched.text
    return str(url.rstrip("/").rsplit("/", 1)[-1])


def _browser_upload(client: TestClient, name: str, data: bytes = CSV,
                    sent: int | None = None) -> str:
    return _send(client, {"X-CSRF-Token": form_token(client)}, "/uploads", name, data,
                 sent=sent)


def _hand_over(client: TestClient, upload_id: str, **fields: str) -> Any:
    return client.post("/dataset/secret/drafts", data={
        "csrf_token": form_token(client), "upload_id": upload_id, **fields},
        follow_redirects=False)


def _left(site: TokenSite, upload_id: str) -> list[Path]:
    """What is kept of ``upload_id`` anywhere under the uploads folder."""
    base = site.settings.data_dir / "uploads"
    return [p for p in base.rglob("*") if upload_id in str(p)]


def test_the_upload_page_offers_the_resources_and_hands_over_to_the_drafts(
        app: FastAPI, site: TokenSite) -> None:
    editor = sign_in(app, site.accounts, "editor")
    page = editor.get("/dataset/secret/upload")
    assert 'data-drafts-url="/dataset/secret/drafts"' in page.text
    assert '<option value="' + site.accounts.secret_resource + '" selected>' in page.text
    listed = editor.get("/dataset/secret/upload.json").json()["resources"]
    assert [r["name"] for r in listed] == ["Records"]
    upload_id = _browser_upload(editor, "kestrels.csv")
    answer = _hand_over(editor, upload_id, resource="", new_resource="")
    assert answer.status_code == 303, answer.text
    url = answer.headers["location"]
    draft = editor.get(url + ".json").json()
    assert (draft["file_name"], draft["resource_name"], draft["new_resource"]) == (
        "kestrels.csv", "kestrels", True)  # "a new resource", unnamed: after the file
    assert _left(site, upload_id) == []  # the draft took the file; the claimed folder is gone
    kept = site.settings.data_dir / "drafts" / draft["id"] / "original.csv"
    assert kept.read_bytes() == CSV
    again = _hand_over(editor, upload_id)
    assert again.status_code == 404 and "there is no upload" in again.text


def test_without_a_choice_the_only_resource_and_a_named_new_one(
        app: FastAPI, site: TokenSite) -> None:
    editor = sign_in(app, site.accounts, "editor")
    only = _hand_over(editor, _browser_upload(editor, "more.csv"))
    draft = editor.get(only.headers["location"] + ".json").json()
    assert (draft["resource_name"], draft["new_resource"]) == ("Records", False)
    named = _hand_over(editor, _browser_upload(editor, "x.csv"), resource="",
                       new_resource="Kestrel counts")
    draft = editor.get(named.headers["location"] + ".json").json()
    assert (draft["resource_name"], draft["new_resource"]) == ("Kestrel counts", True)


def test_someone_elses_or_an_unfinished_upload_is_refused(
        app: FastAPI, site: TokenSite) -> None:
    editor = sign_in(app, site.accounts, "editor")
    theirs = _browser_upload(editor, "theirs.csv")
    sysadmin = sign_in(app, site.accounts, "sysadmin")  # may change secret: not their upload
    refused = _hand_over(sysadmin, theirs)
    assert refused.status_code == 404 and "there is no upload" in refused.text
    assert "Review a file" in refused.text  # the form again, saying why
    unfinished = _browser_upload(editor, "half.csv", sent=len(CSV) // 2)
    waiting = editor.post("/dataset/secret/drafts", data={
        "csrf_token": form_token(editor), "upload_id": unfinished},
        headers={"Accept": "application/json"})
    assert waiting.status_code == 409
    assert "is not finished" in waiting.json()["error"]["message"]
    assert _hand_over(editor, theirs).status_code == 303  # its owner still can
    with pytest.raises(Conflict, match="not finished"):  # still kept, to be resumed
        uploads.finished(app.state.portal, site.accounts.identity("editor"), unfinished)
    assert (site.settings.data_dir / "uploads" / "users" / site.user_ids["editor"]
            / unfinished).stat().st_size == len(CSV) // 2


def test_a_refused_draft_gives_the_upload_back(app: FastAPI, site: TokenSite) -> None:
    editor = sign_in(app, site.accounts, "editor")
    upload_id = _browser_upload(editor, "kept.csv")
    refused = editor.post("/dataset/secret/drafts", data={
        "csrf_token": form_token(editor), "upload_id": upload_id, "resource": "nonesuch"},
        headers={"Accept": "application/json"})
    assert refused.status_code == 404
    assert "has no resource 'nonesuch'" in refused.json()["error"]["message"]
    assert not (site.settings.data_dir / "uploads" / "claimed" / upload_id).exists()
    assert _hand_over(editor, upload_id).status_code == 303  # nothing lost: handed over again
    image = _browser_upload(editor, "sheet.jpg", b"\xff\xd8\xff\xe0 not much of a JPEG")
    refused = editor.post("/dataset/secret/drafts", data={
        "csrf_token": form_token(editor), "upload_id": image},
        headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert "(sheet.jpg) is an image, not records" in refused.json()["error"]["message"]
    assert uploads.finished(app.state.portal, site.accounts.identity("editor"),
                            image).name == "sheet.jpg"  # still the editor's, untouched


def _api(client: TestClient, token: str, **data: str) -> Any:
    return client.post("/api/3/action/draft_create", headers={"Authorization": token},
                       json={"package_id": "secret", **data})


def test_draft_create_takes_an_upload_id(app: FastAPI, site: TokenSite) -> None:
    token = site.tokens["editor-write"]
    with TestClient(app) as client:
        upload_id = _send(client, {"Authorization": token}, "/api/uploads", "api.csv", CSV)
        other = _api(client, site.tokens["sysadmin-write"], upload_id=upload_id, name="X")
        assert other.status_code == 404, other.text
        both = _api(client, token, upload_id=upload_id, name="X", resource_id="records")
        assert both.status_code == 400
        made = _api(client, token, upload_id=upload_id, name="Via the API")
        assert made.status_code == 200, made.text
        result = made.json()["result"]
        assert (result["file_name"], result["resource_name"]) == ("api.csv", "Via the API")
        assert _left(site, upload_id) == []
        half = _send(client, {"Authorization": token}, "/api/uploads", "half.csv", CSV,
                     sent=10)
        unfinished = _api(client, token, upload_id=half)
        assert unfinished.status_code == 409 and "not finished" in unfinished.text
        assert _api(client, token).status_code == 400  # neither a file nor an upload id
