"""The Download form with and without a mail server: the real form (read from the page) posted
to the real app; with mail, the message arrives at a real SMTP server on loopback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from holotype.errors import Invalid
from holotype.services import downloads
from holotype.services.downloads import parse_request
from holotype.services.identity import ANONYMOUS
from holotype.web.app import create_app
from tests.downloads.conftest import MEDIA, Inbox, Site, copy_site, count_jobs, drain
from tests.fixtures.forms import with_token

SETTING_NAMES = ("smtp", "setting", "HOLOTYPE_", "configured")


def _form(html: str) -> dict[str, str]:
    """The Download form's fields as the page gives them (hidden values and the first
    format)."""
    found = re.search(r'<form method="post" action="/download".*?</form>', html, re.S)
    assert found, "no download form on the page"
    form = found.group(0)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    fields["format"] = re.findall(r'<option value="(\w+)"', form)[0]
    return {k: v.replace("&#34;", '"') for k, v in fields.items()}


def test_without_mail_the_form_offers_the_status_link(site: Site) -> None:
    with TestClient(create_app(site.settings)) as client:
        page = client.get("/dataset/media-survey")
        assert page.status_code == 200
        assert 'name="email"' not in page.text and "Email me" not in page.text
        assert "keep or bookmark that page" in page.text
        response = client.post("/download", data=with_token(client, _form(page.text)),
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        status_url = response.headers["location"]
        download_id = status_url.rsplit("/", 1)[1]
        status = client.get(status_url)
        assert "Keep or bookmark this page" in status.text
        assert f"/status/download/{download_id}</a>" in status.text
    portal = site.portal()
    try:
        drain(portal)
        assert downloads.status(portal, ANONYMOUS, download_id)["status"] == "complete"
    finally:
        portal.close()


def test_without_mail_an_email_address_is_refused_in_plain_words(site: Site) -> None:
    """A form made by hand (or an old page) that still sends an address: a clear refusal
    naming the form's field, no setting name, nothing queued."""
    with TestClient(create_app(site.settings)) as client:
        form = _form(client.get("/dataset/media-survey").text) | {"email": "ada@example.org"}
        refused = client.post("/download", data=with_token(client, form), follow_redirects=False)
    assert refused.status_code == 400
    assert "<strong>Email address</strong>: this portal does not send email" in refused.text
    assert "status page" in refused.text and "What to do next" in refused.text
    for word in SETTING_NAMES:
        assert word not in refused.text, word
    assert count_jobs(site) == 0


def test_the_service_refuses_email_without_mail_in_plain_words(site: Site) -> None:
    request = parse_request({"resource_ids": [MEDIA]}, {"format": "csv"},
                            {"type": "email", "type_args": {"emails": ["ada@example.org"]}})
    portal = site.portal()
    try:
        with pytest.raises(Invalid) as raised:
            downloads.queue_download(portal, ANONYMOUS, request)
    finally:
        portal.close()
    assert raised.value.field == "notifier.type"
    assert raised.value.message.startswith("this portal does not send email")
    for word in SETTING_NAMES:
        assert word not in raised.value.message, word
    assert count_jobs(site) == 0


def test_with_mail_the_form_emails_when_ready(base_site: Site, tmp_path: Path,
                                              smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    site = copy_site(base_site, tmp_path / "site", smtp_host="127.0.0.1", smtp_port=port,
                     smtp_sender="portal@example.org")
    with TestClient(create_app(site.settings)) as client:
        page = client.get("/dataset/media-survey")
        assert 'name="email"' in page.text and "Email me when it is ready" in page.text
        assert '<label for="download-email">' in page.text
        form = _form(page.text) | {"email": "ada@example.org"}
        response = client.post("/download", data=with_token(client, form), follow_redirects=False)
        assert response.status_code == 303, response.text
        status_url = response.headers["location"]
        assert "We will also email you" in client.get(status_url).text
        portal = site.portal()
        try:
            drain(portal)
        finally:
            portal.close()
        finished = client.get(status_url)
    assert "email sent to a***@example.org" in finished.text
    ((recipients, message),) = inbox.messages
    assert recipients == ["ada@example.org"] and "ready" in message["Subject"]
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes) and status_url in body.decode()
