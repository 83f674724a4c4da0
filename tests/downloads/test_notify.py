"""Notifications: email through a real SMTP server on loopback, and a webhook to a real HTTP
server on loopback. A notification that fails never fails the download."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from holotype.jobs import notify
from holotype.services import catalogue, downloads
from holotype.services.identity import ANONYMOUS
from tests.downloads.conftest import MEDIA, Inbox, Site, copy_site, drain, queue
from tests.fixtures.site import free_port


class Hooks:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=abc"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hooks.received.append({"path": self.path,
                                       "type": self.headers["Content-Type"],
                                       "json": json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    found = Hooks()
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        found.server.shutdown()
        found.server.server_close()


def test_email_when_the_download_is_ready(base_site: Site, tmp_path: Path,
                                          smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    site = copy_site(base_site, tmp_path / "site", smtp_host="127.0.0.1", smtp_port=port,
                     smtp_sender="portal@example.org",
                     public_base_url="https://data.example.org/")
    portal = site.portal()
    try:
        download_id = queue(portal, "csv", {}, resource_ids=[MEDIA], notifier={
            "type": "email", "type_args": {"emails": ["ada@example.org", "bob@example.org"]}})
        assert inbox.messages == []
        drain(portal)
        found = downloads.status(portal, ANONYMOUS, download_id)
    finally:
        portal.close()
    assert found["status"] == "complete"
    # The status is public to anyone with the id (an identical request gets the same one):
    # the addresses are masked.
    assert found["notified"] == "email sent to a***@example.org, b***@example.org"
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["ada@example.org", "bob@example.org"]
    assert message["From"] == "portal@example.org"
    assert "ready" in message["Subject"]
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    text = body.decode()
    assert f"https://data.example.org/downloads/{download_id}/{found['file_name']}" in text
    assert f"https://data.example.org/status/download/{download_id}" in text
    assert "3 records (csv)" in text


def test_webhook_when_the_download_is_ready(base_site: Site, tmp_path: Path,
                                            hooks: Hooks) -> None:
    site = copy_site(base_site, tmp_path / "site", webhook_allow_private=True)
    portal = site.portal()
    try:
        download_id = queue(portal, "parquet", {}, resource_ids=[MEDIA], notifier={
            "type": "webhook", "type_args": {"url": hooks.url}})
        drain(portal)
        found = downloads.status(portal, ANONYMOUS, download_id)
    finally:
        portal.close()
    assert found["notified"] == "webhook answered HTTP 204"
    assert len(hooks.received) == 1
    call = hooks.received[0]
    assert call["path"] == "/hook?token=abc" and call["type"] == "application/json"
    assert call["json"]["download_id"] == download_id
    assert call["json"]["status"] == "complete" and call["json"]["records"] == 3
    assert call["json"]["url"].endswith(f"/downloads/{download_id}/{found['file_name']}")


def test_the_requester_is_told_when_a_download_fails(
    base_site: Site, tmp_path: Path, smtp: tuple[Inbox, int], hooks: Hooks
) -> None:
    inbox, port = smtp
    site = copy_site(base_site, tmp_path / "site", smtp_host="127.0.0.1", smtp_port=port,
                     webhook_allow_private=True, public_base_url="https://data.example.org/")
    portal = site.portal()
    try:
        by_mail = queue(portal, "csv", {}, resource_ids=[MEDIA], notifier={
            "type": "email", "type_args": {"emails": ["ada@example.org"]}})
        by_hook = queue(portal, "tsv", {}, resource_ids=[MEDIA], notifier={
            "type": "webhook", "type_args": {"url": hooks.url}})
        with portal.session() as session:  # the dataset goes private before the worker runs
            catalogue.update_dataset(session, "media-survey", visibility="private")
        drain(portal)
        mail = downloads.status(portal, ANONYMOUS, by_mail)
        hook = downloads.status(portal, ANONYMOUS, by_hook)
    finally:
        portal.close()
    assert mail["status"] == hook["status"] == "failed"
    assert mail["notified"] == "email sent to a***@example.org"
    assert hook["notified"] == "webhook answered HTTP 204"
    ((recipients, message),) = inbox.messages
    assert recipients == ["ada@example.org"] and "failed" in message["Subject"]
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    text = body.decode()
    assert mail["reason"] in text  # the reason the status page shows, no more
    assert f"https://data.example.org/status/download/{by_mail}" in text
    ((call),) = hooks.received
    assert call["json"] == {"download_id": by_hook, "status": "failed",
                            "reason": hook["reason"], "format": "tsv",
                            "status_url": f"https://data.example.org/status/download/{by_hook}"}


def test_a_failed_notification_does_not_fail_the_download(base_site: Site,
                                                          tmp_path: Path) -> None:
    closed = free_port()  # nothing listens here
    site = copy_site(base_site, tmp_path / "site", smtp_host="127.0.0.1", smtp_port=closed,
                     webhook_allow_private=True)
    portal = site.portal()
    try:
        by_mail = queue(portal, "csv", {}, resource_ids=[MEDIA], notifier={
            "type": "email", "type_args": {"emails": ["ada@example.org"]}})
        by_hook = queue(portal, "csv", {"search": "forest"}, notifier={
            "type": "webhook", "type_args": {"url": f"http://127.0.0.1:{closed}/hook"}})
        drain(portal)
        mail = downloads.status(portal, ANONYMOUS, by_mail)
        hook = downloads.status(portal, ANONYMOUS, by_hook)
    finally:
        portal.close()
    assert mail["status"] == hook["status"] == "complete"
    assert mail["notified"].startswith("email notification failed: the email could not be sent")
    assert hook["notified"].startswith("webhook notification failed: the webhook could not be")
    for outcome in (mail["notified"], hook["notified"]):  # plain words: details are logged
        assert "Error" not in outcome and "smtp" not in outcome.lower(), outcome


def test_webhooks_to_private_addresses_are_refused_unless_allowed(hooks: Hooks) -> None:
    payload = {"download_id": "x"}
    for url in (hooks.url, "http://10.1.2.3/hook", "http://[::1]/hook",
                "http://169.254.169.254/latest/meta-data", "http://no-such-host.invalid/"):
        assert notify.private_address(url), url
        with pytest.raises(notify.Refused):
            notify.post_webhook(url, payload)
    assert not notify.private_address("https://8.8.8.8/hook")
    assert notify.post_webhook(hooks.url, payload, allow_private=True) == 204
    assert hooks.received[-1]["json"] == payload


def test_a_webhook_redirect_is_never_followed(hooks: Hooks) -> None:
    """A public webhook that redirects to an internal address must not reach it."""
    target = hooks.url

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        with pytest.raises(urllib.error.HTTPError) as raised:
            notify.post_webhook(url, {"download_id": "x"}, allow_private=True)
        assert raised.value.code == 302
    finally:
        server.shutdown()
        server.server_close()
    assert hooks.received == []


def test_a_name_that_resolves_to_a_private_address_when_sent_is_refused(
    hooks: Hooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name looked public when checked, and resolves to loopback when the
    connection is made. The address connected to is what counts."""
    monkeypatch.setattr(notify, "private_address", lambda _url: False)
    monkeypatch.setattr(urllib.request, "getproxies", dict)  # a direct connection
    with pytest.raises(notify.Refused):
        notify.post_webhook(hooks.url, {"download_id": "x"})
    assert hooks.received == []
    assert notify.post_webhook(hooks.url, {"download_id": "y"}, allow_private=True) == 204


def test_a_failed_notification_never_shows_the_url_or_addresses(
    base_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A status is public to anyone holding the download's id (and an identical request gets
    the same id): a webhook's secret token and the requester's addresses stay off it."""
    site = copy_site(base_site, tmp_path / "site")
    secret = "http://127.0.0.1:9/hook?token=s3cret"
    portal = site.portal()
    try:
        with monkeypatch.context() as patched:  # the name looked public when asked for
            patched.setattr(notify, "private_address", lambda _url: False)
            download_id = queue(portal, "csv", {}, resource_ids=[MEDIA], notifier={
                "type": "webhook", "type_args": {"url": secret}})
        drain(portal)
        found = downloads.status(portal, ANONYMOUS, download_id)
    finally:
        portal.close()
    assert found["status"] == "complete"
    assert found["notified"].startswith("webhook notification failed: the webhook's address "
                                        "is not a public one")
    assert "s3cret" not in found["notified"] and "127.0.0.1" not in found["notified"]
    refused = "SMTPRecipientsRefused: {'ada@example.org': (550, b'no such user')}"
    assert notify.redact(refused, ["ada@example.org"]) == (
        "SMTPRecipientsRefused: {'a***@example.org': (550, b'no such user')}")
    assert notify.redact(f"error at {secret}", url=secret) == "error at the webhook URL"
