"""A connection cut in the middle of a PATCH, over a real socket to a real uvicorn server: the
bytes that arrived are kept, HEAD says how many, and the upload resumes from there to the
same file. And moving an upload's expiry waits for the tus server's lock, so it never rolls
back an offset a PATCH saved meanwhile."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from tuspyserver.storage.local import LocalFileStorage

from holotype.services import uploads
from holotype.services.accounts import tokens
from holotype.services.context import Portal
from holotype.web.tus import _extend
from tests.fixtures.accounts_site import make_accounts_site
from tests.fixtures.site import LiveServer

DATA = bytes(range(256)) * 4096  # 1 MiB


def test_a_patch_cut_off_midway_keeps_what_arrived_and_resumes(tmp_path: Path) -> None:
    site = make_accounts_site(tmp_path, records=5)
    portal = Portal.open(site.settings)
    try:
        _, secret = tokens.create_token(portal, site.identity("editor"), "t", scopes="write")
    finally:
        portal.close()
    headers = {"Tus-Resumable": "1.0.0", "Authorization": secret}
    fields = {"filename": "blob.jsonl", "filetype": "application/octet-stream",
              "dataset": "secret"}
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())
    with LiveServer(site.settings) as server, httpx.Client(base_url=server.url) as client:
        created = client.post("/api/uploads/tus/", headers={
            **headers, "Upload-Length": str(len(DATA)), "Upload-Metadata": meta})
        assert created.status_code == 201, created.text
        url = created.headers["Location"]
        # Half the body, then the connection goes away.
        path = urlsplit(url).path
        with socket.create_connection(("127.0.0.1", server.port)) as raw:
            raw.sendall((f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         f"Tus-Resumable: 1.0.0\r\nAuthorization: {secret}\r\n"
                         "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                         f"Content-Length: {len(DATA)}\r\n\r\n").encode())
            raw.sendall(DATA[:len(DATA) // 2])
            time.sleep(0.5)
        offset, deadline = 0, time.monotonic() + 20
        while time.monotonic() < deadline:  # the server notices the cut, then saves the offset
            head = client.head(url, headers=headers)
            assert head.status_code == 200, (head.status_code, dict(head.headers))
            offset = int(head.headers["Upload-Offset"])
            if offset:
                break
            time.sleep(0.1)
        assert 0 < offset <= len(DATA) // 2
        rest = client.patch(url, content=DATA[offset:], headers={
            **headers, "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream"})
        assert (rest.status_code, rest.headers["Upload-Offset"]) == (204, str(len(DATA)))
    portal = Portal.open(site.settings)
    try:
        kept, name = uploads.claim(portal, site.identity("editor"), url.rsplit("/", 1)[-1])
    finally:
        portal.close()
    assert (name, kept.read_bytes()) == ("blob.jsonl", DATA)


def test_moving_the_expiry_waits_for_the_upload_lock_and_keeps_the_offset(tmp_path: Path
                                                                          ) -> None:
    # Each PATCH first moves the expiry in the upload's .info record, which also holds the
    # offset. Done while another PATCH holds the upload (as tuspyserver does while it streams
    # bytes and saves the new offset), it must wait, then keep that offset: read before and
    # written after, it would roll the offset back and the next PATCH would append bytes at
    # the wrong place.
    upload_id = "a" * 32
    (tmp_path / upload_id).write_bytes(b"x" * 10)
    info = tmp_path / f"{upload_id}.info"
    soon = formatdate(time.time() + 600, usegmt=True)
    info.write_text(json.dumps({"id": upload_id, "offset": 10, "size": 100, "expires": soon,
                                "metadata": {"filename": "a.csv"}}))
    extending = threading.Thread(target=_extend, args=(tmp_path, upload_id, 5.0))

    async def patch_in_progress() -> None:  # tuspyserver's own lock of the upload
        async with LocalFileStorage(str(tmp_path)).lock(upload_id):
            extending.start()
            await asyncio.to_thread(extending.join, 1.0)
            assert extending.is_alive(), "the expiry was moved without the upload's lock"
            with (tmp_path / upload_id).open("ab") as data:
                data.write(b"y" * 5)
            record = json.loads(info.read_text())
            info.write_text(json.dumps({**record, "offset": 15}))

    asyncio.run(patch_in_progress())
    extending.join(30)
    assert not extending.is_alive()
    record = json.loads(info.read_text())
    assert record["offset"] == 15
    assert record["metadata"] == {"filename": "a.csv"}
    moved = parsedate_to_datetime(record["expires"]).timestamp()
    assert abs(moved - (time.time() + 5 * 3600)) < 60
