"""Telling people a download is ready: email over SMTP, or a webhook (an HTTP POST of JSON).

Both are plain functions that raise on failure; the caller records the outcome and never lets
a failed notification fail the download itself.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import smtplib
import socket
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

TIMEOUT = 30.0


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int = 25
    sender: str = "holotype@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None


def send_email(smtp: Smtp, to: Sequence[str], subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)


def mask_address(address: str) -> str:
    """An email address as a status may show it to anyone: ``a***@example.org``."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def redact(text: str, emails: Sequence[str] = (), url: str | None = None) -> str:
    """``text`` (an outcome or error message) without the addresses and webhook URL a
    requester gave: statuses are public to anyone holding the download's id."""
    for address in emails:
        text = text.replace(address, mask_address(address))
    if url:
        text = text.replace(url, "the webhook URL")
    return text


class Refused(Exception):
    """The webhook's address is private and private addresses are not allowed."""


def private_address(url: str) -> bool:
    """Whether the URL's host is, or resolves to, a private, loopback or link-local address.

    An unresolvable host counts as private (it cannot be checked)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return True
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return True
    return False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: one could lead to a private address the check never saw."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def _refuse_private_peer(sock: Any) -> None:
    peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%")[0])
    if not peer.is_global:
        sock.close()
        raise Refused(f"the webhook's host answered from a private address ({peer})")


def _checked_connection(*args: Any, **kwargs: Any) -> socket.socket:
    sock = socket.create_connection(*args, **kwargs)
    _refuse_private_peer(sock)
    return sock


class _CheckedHTTP(http.client.HTTPConnection):
    """Checks the address actually connected to, before a byte is sent, not only the one the
    name gave first (it may resolve differently the second time: DNS rebinding)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _CheckedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTP, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPS, req, context=getattr(self, "_context", None))


def _opener(url: str, allow_private: bool) -> urllib.request.OpenerDirector:
    scheme = urllib.parse.urlsplit(url).scheme
    host = urllib.parse.urlsplit(url).hostname or ""
    proxied = scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(host)
    if allow_private or proxied:  # through a proxy, the proxy is the peer: the name check
        return urllib.request.build_opener(_NoRedirects)
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _CheckedHTTPHandler,
                                       _CheckedHTTPSHandler, _NoRedirects)


def post_webhook(url: str, payload: dict[str, Any], allow_private: bool = False) -> int:
    """POST ``payload`` as JSON; returns the HTTP status (raises on an error status, and on a
    redirect, which is never followed)."""
    if not allow_private and private_address(url):
        raise Refused("the webhook's host is a private address (see webhook_allow_private)")
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "Holotype downloads"},
    )
    with _opener(url, allow_private).open(request, timeout=TIMEOUT) as response:
        return int(response.status)
