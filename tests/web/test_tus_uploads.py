"""The tus upload endpoint against the real application: creating an upload, sending it in
pieces, an interrupted PATCH resumed from the offset HEAD gives, the size limit, refused file
types, other users, expiry, sweeping and termination; then claiming the finished file."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from holotype.errors import Conflict, NotFound
from holotype.services import upload_sweep, uploads
from holotype.services.accounts import tokens
from holotype.services.context import Portal
from holotype.web.app import create_app
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site
from tests.fixtures.forms import form_token
from tests.fixtures.signed_in import sign_in

TUS = "/uploads/tus/"
OCTETS = "application/offset+octet-stream"
DATA = b"occurrenceID,scientificName\n" + b"".join(
    f"up-{i},Upupa epops\n".encode() for i in range(2000))


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


class Uploader:
    """A signed-in browser's requests: the tus headers and its form token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.headers = {"Tus-Resumable": "1.0.0", "X-CSRF-Token": form_token(client)}

    def create(self, length: int, *, name: str = "specimens.csv", dataset: str = "secret",
               **extra: str) -> Any:
        return self.client.post(TUS, headers={
            **self.headers, "Upload-Length": str(length), **extra,
            "Upload-Metadata": metadata(filename=name, filetype="text/csv", dataset=dataset)})

    def patch(self, url: str, offset: int, body: bytes) -> Any:
        return self.client.patch(url, content=body, headers={
            **self.headers, "Upload-Offset": str(offset), "Content-Type": OCTETS})

    def head(self, url: str) -> Any:
        return self.client.head(url, headers=self.headers)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> AccountsSite:
    return make_accounts_site(tmp_path_factory.mktemp("tus"), records=5,
                              max_upload_bytes=100_000)


@pytest.fixture(scope="module")
def app(site: AccountsSite) -> Iterator[FastAPI]:
    application = create_app(site.settings)
    with TestClient(application):  # runs the lifespan (the portal) for every client below
        yield application


@pytest.fixture()
def editor(app: FastAPI, site: AccountsSite) -> Uploader:
    return Uploader(sign_in(app, site, "editor"))


def portal(app: FastAPI) -> Portal:
    found: Portal = app.state.portal
    return found


def upload_id(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_options_announce_the_protocol_and_the_sites_limit(editor: Uploader) -> None:
    answer = editor.client.options(TUS, headers=editor.headers)
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert answer.headers["Tus-Max-Size"] == "100000"
    assert set(answer.headers["Tus-Extension"].split(",")) == {
        "creation", "creation-defer-length", "expiration", "termination"}


def test_an_upload_in_pieces_is_resumed_after_an_interruption_and_claimed(
        app: FastAPI, site: AccountsSite, editor: Uploader) -> None:
    created = editor.create(len(DATA))
    assert created.status_code == 201, created.text
    url = created.headers["Location"]
    assert url.startswith("http://testserver/uploads/tus/")
    assert created.headers["Upload-Expires"].endswith("GMT")
    first = editor.patch(url, 0, DATA[:10_000])
    assert (first.status_code, first.headers["Upload-Offset"]) == (204, "10000")
    # The connection drops after part of the next piece: what arrived is kept.
    dropped = editor.patch(url, 10_000, DATA[10_000:15_000])
    assert dropped.status_code == 204
    # A PATCH from a stale offset is refused without writing.
    stale = editor.patch(url, 10_000, DATA[10_000:20_000])
    assert stale.status_code == 409
    # The client asks where to go on from, and resumes there.
    head = editor.head(url)
    assert head.status_code == 200
    assert (head.headers["Upload-Offset"], head.headers["Upload-Length"]) == (
        "15000", str(len(DATA)))
    assert head.headers["Cache-Control"] == "no-store"
    with pytest.raises(Conflict, match="not finished"):
        uploads.claim(portal(app), site.identity("editor"), upload_id(url))
    done = editor.patch(url, 15_000, DATA[15_000:])
    assert (done.status_code, done.headers["Upload-Offset"]) == (204, str(len(DATA)))
    # Another user cannot claim it; its owner can, once.
    with pytest.raises(NotFound):
        uploads.claim(portal(app), site.identity("other_editor"), upload_id(url))
    path, name = uploads.claim(portal(app), site.identity("editor"), upload_id(url))
    assert name == "specimens.csv"
    assert path.read_bytes() == DATA
    assert path.name == "specimens.csv"
    with pytest.raises(NotFound):
        uploads.claim(portal(app), site.identity("editor"), upload_id(url))
    assert editor.head(url).status_code == 404


def test_an_upload_over_the_limit_is_refused_before_anything_is_kept(
        site: AccountsSite, editor: Uploader) -> None:
    before = sorted(site.settings.data_dir.rglob("*"))
    refused = editor.create(100_001)
    assert refused.status_code == 413
    assert "100,001 bytes" in refused.text and "at most 100,000 bytes" in refused.text
    assert sorted(site.settings.data_dir.rglob("*")) == before


def test_a_deferred_length_stops_at_the_limit(editor: Uploader) -> None:
    created = editor.client.post(TUS, headers={
        **editor.headers, "Upload-Defer-Length": "1",
        "Upload-Metadata": metadata(filename="big.csv", filetype="text/csv", dataset="secret")})
    assert created.status_code == 201, created.text
    over = editor.patch(created.headers["Location"], 0, b"x" * 100_001)
    assert over.status_code == 413
    assert "maximum" in over.text


@pytest.mark.parametrize(("name", "expected"), [
    ("virus.exe", "'virus.exe' is not a type of file the portal takes"),
    ("notes", "'notes' is not a type of file"),
    ("", "must give the file's name"),
])
def test_wrong_file_types_are_refused_by_name(editor: Uploader, name: str, expected: str
                                              ) -> None:
    refused = editor.create(100, name=name)
    assert refused.status_code == 400
    assert expected in refused.text
    assert "CSV" in refused.text or not name


def test_images_are_taken_for_media(editor: Uploader) -> None:
    assert editor.create(100, name="sheet.TIF").status_code == 201


def test_only_those_who_may_change_the_dataset_may_upload(app: FastAPI, site: AccountsSite
                                                          ) -> None:
    member = Uploader(sign_in(app, site, "member"))
    refused = member.create(100)
    assert refused.status_code == 403
    assert "editor or admin" in refused.text
    other = Uploader(sign_in(app, site, "other_editor"))
    assert other.create(100).status_code == 404  # a private dataset it may not read
    assert other.create(100, dataset="othersecret").status_code == 201
    with TestClient(app) as anonymous:
        signed_out = anonymous.post("/api/uploads/tus/", headers={
            "Tus-Resumable": "1.0.0", "Upload-Length": "100",
            "Upload-Metadata": metadata(filename="a.csv", filetype="text/csv", dataset="secret")})
    assert signed_out.status_code == 401
    assert "sign in" in signed_out.text


def test_another_user_can_neither_see_resume_nor_end_an_upload(
        app: FastAPI, site: AccountsSite, editor: Uploader) -> None:
    url = editor.create(100).headers["Location"]
    intruder = Uploader(sign_in(app, site, "sysadmin"))
    assert intruder.head(url).status_code == 404
    assert intruder.patch(url, 0, b"x" * 10).status_code == 404
    assert intruder.client.delete(url, headers=intruder.headers).status_code == 404
    assert editor.head(url).headers["Upload-Offset"] == "0"


def test_the_browser_endpoint_needs_the_form_token(app: FastAPI, site: AccountsSite) -> None:
    client = sign_in(app, site, "editor")
    refused = client.post(TUS, headers={
        "Tus-Resumable": "1.0.0", "Upload-Length": "100",
        "Upload-Metadata": metadata(filename="a.csv", filetype="text/csv", dataset="secret")})
    assert refused.status_code == 403


@pytest.mark.parametrize("override", ["DELETE", "PATCH", "delete"])
def test_a_method_override_is_refused_on_both_mounts(app: FastAPI, site: AccountsSite,
                                                     editor: Uploader, override: str) -> None:
    # tuspyserver would run a GET carrying it as PATCH or DELETE, past the form-token check
    # (a GET is a safe request): a cross-site page could end someone's upload.
    url = editor.create(100).headers["Location"]
    editor.patch(url, 0, b"a,b\n")
    cookie_only = {"Tus-Resumable": "1.0.0", "X-HTTP-Method-Override": override,
                   "Upload-Offset": "4", "Content-Type": OCTETS}
    for refused in (editor.client.get(url, headers=cookie_only),
                    editor.client.post(url, headers={**editor.headers, **cookie_only})):
        assert refused.status_code == 400, refused.text
        assert "X-HTTP-Method-Override" in refused.text
    _, secret = tokens.create_token(portal(app), site.identity("editor"), "o", scopes="write")
    with TestClient(app) as client:
        api = client.get(f"/api/uploads/tus/{upload_id(url)}",
                         headers={**cookie_only, "Authorization": secret})
    assert api.status_code == 400, api.text
    assert editor.head(url).headers["Upload-Offset"] == "4"  # neither ended nor written to


def test_a_token_that_may_only_read_may_not_send_nor_end_uploads(
        app: FastAPI, site: AccountsSite) -> None:
    p = portal(app)
    _, writer = tokens.create_token(p, site.identity("editor"), "w", scopes="write")
    _, reader = tokens.create_token(p, site.identity("editor"), "r", scopes="read")
    tus = {"Tus-Resumable": "1.0.0"}
    with TestClient(app) as client:
        created = client.post("/api/uploads/tus/", headers={
            **tus, "Authorization": writer, "Upload-Length": "8",
            "Upload-Metadata": metadata(filename="a.csv", filetype="text/csv", dataset="secret")})
        url = created.headers["Location"]
        assert client.patch(url, content=b"a,b\n", headers={
            **tus, "Authorization": writer, "Upload-Offset": "0",
            "Content-Type": OCTETS}).status_code == 204
        reading = {**tus, "Authorization": reader}
        assert client.head(url, headers=reading).headers["Upload-Offset"] == "4"
        assert client.options("/api/uploads/tus/", headers=reading).status_code == 204
        refused = [
            client.patch(url, content=b"c,d\n", headers={
                **reading, "Upload-Offset": "4", "Content-Type": OCTETS}),
            client.delete(url, headers=reading),
            client.post("/api/uploads/tus/", headers={
                **reading, "Upload-Length": "8", "Upload-Metadata": metadata(
                    filename="b.csv", filetype="text/csv", dataset="secret")})]
        for answer in refused:
            assert answer.status_code == 403, answer.text
            assert "may only read" in answer.text
        assert client.head(url, headers=reading).headers["Upload-Offset"] == "4"
    own = uploads.folder(p, site.identity("editor"))
    assert (own / upload_id(url)).read_bytes() == b"a,b\n"


def test_termination_deletes_the_upload(site: AccountsSite, editor: Uploader) -> None:
    url = editor.create(100).headers["Location"]
    editor.patch(url, 0, b"a,b\n")
    ended = editor.client.delete(url, headers=editor.headers)
    assert ended.status_code == 204
    assert editor.head(url).status_code == 404
    assert not list(site.settings.data_dir.rglob(f"{upload_id(url)}*"))


def test_an_api_token_uploads_through_the_api_mount(app: FastAPI, site: AccountsSite) -> None:
    p = portal(app)
    _, secret = tokens.create_token(p, site.identity("editor"), "uploads", scopes="write")
    with TestClient(app) as client:
        headers = {"Tus-Resumable": "1.0.0", "Authorization": secret}
        created = client.post("/api/uploads/tus/", headers={
            **headers, "Upload-Length": "4",
            "Upload-Metadata": metadata(filename="a.json", filetype="application/json",
                                        dataset="secret")})
        assert created.status_code == 201, created.text
        url = created.headers["Location"]
        assert "/api/uploads/tus/" in url
        sent = client.patch(url, content=b"[{}]", headers={
            **headers, "Upload-Offset": "0", "Content-Type": OCTETS})
        assert sent.status_code == 204
    path, name = uploads.claim(p, site.identity("editor"), upload_id(url))
    assert (path.read_bytes(), name) == (b"[{}]", "a.json")


def test_an_abandoned_upload_expires_and_is_swept(app: FastAPI, site: AccountsSite,
                                                  editor: Uploader) -> None:
    busy = editor.create(100).headers["Location"]
    idle = editor.create(100).headers["Location"]
    editor.patch(idle, 0, b"a,b\n")
    editor.patch(busy, 0, b"a,b\n")
    own = uploads.folder(portal(app), site.identity("editor"))
    day_ago = time.time() - 25 * 3600
    for path in own.glob(f"{upload_id(idle)}*"):
        os.utime(path, (day_ago, day_ago))
    removed = upload_sweep.sweep(portal(app))
    assert upload_id(idle) in removed
    assert upload_id(busy) not in removed
    assert editor.head(idle).status_code == 404
    assert editor.head(busy).headers["Upload-Offset"] == "4"


def test_an_expired_upload_is_gone(app: FastAPI, site: AccountsSite, editor: Uploader) -> None:
    url = editor.create(100).headers["Location"]
    info = uploads.folder(portal(app), site.identity("editor")) / f"{upload_id(url)}.info"
    record = json.loads(info.read_text())
    record["expires"] = "Mon, 01 Jan 2001 00:00:00 GMT"
    info.write_text(json.dumps(record))
    assert editor.head(url).status_code == 410
    gone = editor.patch(url, 0, b"a,b\n")
    assert gone.status_code == 410
    assert "expired" in gone.text


def test_each_patch_moves_the_expiry_on(editor: Uploader) -> None:
    url = editor.create(100).headers["Location"]
    first = editor.patch(url, 0, b"a").headers["Upload-Expires"]
    time.sleep(1.1)
    later = editor.patch(url, 1, b"b").headers["Upload-Expires"]
    assert parsedate_to_datetime(later) > parsedate_to_datetime(first)


def test_the_server_sweeps_when_it_starts(app: FastAPI, site: AccountsSite) -> None:
    leftover = uploads.users_root(portal(app)) / "someone" / ("f" * 32)
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"x")
    old = time.time() - 48 * 3600
    os.utime(leftover, (old, old))
    with TestClient(create_app(site.settings)):
        deadline = time.time() + 10
        while leftover.exists() and time.time() < deadline:
            time.sleep(0.05)
    assert not leftover.exists()


def test_an_upload_without_a_media_type_is_refused(editor: Uploader) -> None:
    refused = editor.client.post(TUS, headers={
        **editor.headers, "Upload-Length": "10",
        "Upload-Metadata": metadata(filename="a.csv", dataset="secret")})
    assert refused.status_code == 400
    assert "filetype" in refused.text


def _routes(routes: list[Any]) -> Iterator[tuple[str, str]]:
    for route in routes:
        if not hasattr(route, "path"):  # an included router
            yield from _routes(route.original_router.routes)
            continue
        for method in getattr(route, "methods", None) or ():
            yield method, route.path


def test_the_tus_mounts_answer_only_the_protocols_requests(app: FastAPI) -> None:
    # The permission matrix names each mount once; this keeps what is inside them known (a
    # tuspyserver release adding, say, a download route would fail here first).
    mounts = [r for r in app.routes if getattr(r, "path", "") in ("/uploads", "/api/uploads")]
    assert len(mounts) == 2
    for mount in mounts:
        assert set(_routes(mount.routes)) == {
            ("HEAD", "/tus/{uuid}"), ("PATCH", "/tus/{uuid}"), ("OPTIONS", "/tus/"),
            ("POST", "/tus"), ("POST", "/tus/"), ("DELETE", "/tus/{uuid}")}
