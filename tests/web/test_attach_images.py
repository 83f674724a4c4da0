"""Image uploads attached to records through the real application: the upload page's form
(POST /dataset/<slug>/images, with its form token) and the API's ``media_attach``. The page
lists the finished image uploads waiting, shows what attaching did (with a link to each record)
and, when refused, why, with the uploads still there."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
import pyvips
from fastapi import FastAPI
from fastapi.testclient import TestClient

from holotype.services import uploads
from holotype.web.app import create_app
from tests.fixtures.forms import form_token
from tests.fixtures.signed_in import sign_in
from tests.fixtures.token_site import TokenSite, make_token_site

OCTETS = "application/offset+octet-stream"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TokenSite:
    return make_token_site(tmp_path_factory.mktemp("attach-images"))


@pytest.fixture(scope="module")
def app(site: TokenSite) -> Iterator[FastAPI]:
    application = create_app(site.settings)
    with TestClient(application):
        yield application


def _jpeg(width: int) -> bytes:
    return bytes(pyvips.Image.black(width, 10).write_to_buffer(".jpg"))


def _send(client: TestClient, headers: dict[str, str], mount: str, name: str,
          data: bytes) -> str:
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                    {"filename": name, "filetype": "image/jpeg", "dataset": "secret"}.items())
    created = client.post(f"{mount}/tus/", headers={
        **headers, "Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)),
        "Upload-Metadata": meta})
    assert created.status_code == 201, created.text
    url = created.headers["Location"]
    patched = client.patch(url, content=data, headers={
        **headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": OCTETS})
    assert patched.status_code == 204, patched.text
    return str(url.rstrip("/").rsplit("/", 1)[-1])


def _browser_upload(client: TestClient, name: str, data: bytes) -> str:
    return _send(client, {"X-CSRF-Token": form_token(client)}, "/uploads", name, data)


def _attach(client: TestClient, upload_ids: list[str], **fields: Any) -> Any:
    return client.post("/dataset/secret/images", data={
        "csrf_token": form_token(client), "upload_id": upload_ids, **fields},
        follow_redirects=False, **({"headers": fields.pop("headers")}
                                   if "headers" in fields else {}))


def test_the_page_lists_the_images_and_attaches_them(app: FastAPI, site: TokenSite) -> None:
    editor = sign_in(app, site.accounts, "editor")
    sent = [_browser_upload(editor, "SEC-2.jpg", _jpeg(21)),
            _browser_upload(editor, "NOPE-1.jpg", _jpeg(22))]
    page = editor.get("/dataset/secret/upload")
    assert 'action="/dataset/secret/images"' in page.text
    for upload_id in sent:
        assert f'name="upload_id" value="{upload_id}" checked' in page.text
    listed = editor.get("/dataset/secret/upload.json").json()["images"]
    assert [i["name"] for i in listed] == ["SEC-2.jpg", "NOPE-1.jpg"]
    answer = _attach(editor, sent, resource=site.accounts.secret_resource,
                     match="catalogNumber", creator="<b>Ann</b>", licence="CC-BY-4.0")
    assert answer.status_code == 200, answer.text
    assert "1 image added to 1 record of Records, as a new version." in answer.text
    link = f'href="/record/{site.accounts.secret_resource}/sec-museum-2"'
    assert link in answer.text
    assert "match no record's catalogNumber" in answer.text and "NOPE-1.jpg" in answer.text
    assert f'value="{sent[1]}" checked' in answer.text  # kept, offered again
    assert f'value="{sent[0]}"' not in answer.text
    assert "<b>Ann</b>" not in answer.text and "&lt;b&gt;Ann&lt;/b&gt;" in answer.text
    record = editor.get(f"/record/{site.accounts.secret_resource}/sec-museum-2.json").json()
    assert "SEC-2.jpg" in str(record)


def test_a_refusal_is_shown_and_the_uploads_kept(app: FastAPI, site: TokenSite) -> None:
    editor = sign_in(app, site.accounts, "editor")
    bad = _browser_upload(editor, "SEC-2_9.jpg", b"\xff\xd8\xff\xe0 not much of a JPEG")
    refused = _attach(editor, [bad])
    assert refused.status_code == 400
    assert 'id="attach-error"' in refused.text and "SEC-2_9.jpg" in refused.text
    assert f'value="{bad}" checked' in refused.text
    sysadmin = sign_in(app, site.accounts, "sysadmin")  # may change secret: not their upload
    theirs = _attach(sysadmin, [bad], headers={"Accept": "application/json"})
    assert theirs.status_code == 404
    assert "there is no upload" in theirs.json()["error"]["message"]
    assert uploads.finished(app.state.portal, site.accounts.identity("editor"),
                            bad).name == "SEC-2_9.jpg"
    member = sign_in(app, site.accounts, "member")  # may read secret, not add to it
    assert _attach(member, [bad]).status_code == 403
    no_token = editor.post("/dataset/secret/images", data={"upload_id": bad})
    assert no_token.status_code == 403 and "form expired" in no_token.text


def test_media_attach_takes_upload_ids(app: FastAPI, site: TokenSite) -> None:
    token = site.tokens["editor-write"]
    with TestClient(app) as client:
        upload_id = _send(client, {"Authorization": token}, "/api/uploads", "SEC-1_7.jpg",
                          _jpeg(23))
        other = client.post("/api/3/action/media_attach", headers={
            "Authorization": site.tokens["sysadmin-write"]}, json={
            "package_id": "secret", "upload_ids": [upload_id]})
        assert other.status_code == 404, other.text
        done = client.post("/api/3/action/media_attach", headers={"Authorization": token},
                           json={"package_id": "secret", "upload_ids": [upload_id],
                                 "creator": "A. Photographer"})
        assert done.status_code == 200, done.text
        result = done.json()["result"]
        assert (result["images_added"], result["records_changed"]) == (1, 1)
        assert result["records"][0]["record_id"] == "sec-museum-1"
        assert result["resource_name"] == "Records" and result["unmatched"] == []
        read_only = client.post("/api/3/action/media_attach", headers={
            "Authorization": site.tokens["editor-read"]}, json={
            "package_id": "secret", "upload_ids": [upload_id]})
        assert read_only.status_code == 403
