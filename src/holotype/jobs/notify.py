"""Telling people a download is ready: email over SMTP, or a webhook (an HTTP POST of JSON).

Both are plain functions that raise on failure; the caller records the outcome and never lets
a failed notification fail the download itself.
"""

from __future__ import annotations

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


def post_webhook(url: str, payload: dict[str, Any], allow_private: bool = False) -> int:
    """POST ``payload`` as JSON; returns the HTTP status (raises on an error status)."""
    if not allow_private and private_address(url):
        raise Refused(f"{url} is a private address (see webhook_allow_private)")
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "Holotype downloads"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return int(response.status)
