"""Fetching a medium from the web, safely: only from allowed hosts, never from the portal's own
network.

The rules (a URL in a record is input from anyone who can ingest, and the server fetches it):

* ``http`` or ``https`` only, with a host in the setting ``media_allowed_hosts`` (an exact
  name, or ``*.example.org`` for the subdomains of example.org); an empty list allows none;
* the host is resolved and *every* address it has must be a public one: private, loopback,
  link-local, multicast, reserved and unspecified addresses are refused, whatever the setting
  says; the connection is then made to the address that was checked (a second lookup, which a
  hostile DNS server could answer differently, never happens), with the certificate checked
  against the host's name for https;
* a redirect is followed only to the same scheme, host and port (at most :data:`REDIRECTS`),
  and checked again; anything else is refused;
* at most ``max_bytes`` are read, with a timeout on every network operation and a deadline
  for the whole transfer; the file appears under its final name only once complete.

Every refusal is :class:`~holotype.errors.Invalid` (the URL is not allowed) or
:class:`~holotype.errors.Unavailable` (the host did not deliver), naming the problem.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import ssl
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from holotype.errors import Invalid, Unavailable

REDIRECTS = 3
TIMEOUT = 20.0  # seconds for each connect or read
DEADLINE = 300.0  # seconds for the whole transfer
CHUNK = 256 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressCheck = Callable[[Address], bool]


def public_address(address: Address) -> bool:
    """Whether ``address`` is on the public internet (not private, loopback, link-local,
    multicast, reserved or unspecified; an IPv4 address mapped into IPv6 is judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified
    )


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    """Whether ``host`` is one of ``allowed`` (exact names; ``*.example.org``: its
    subdomains)."""
    host = host.rstrip(".").casefold()
    for pattern in allowed:
        pattern = pattern.strip().rstrip(".").casefold()
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif pattern and host == pattern:
            return True
    return False


def fetch(
    url: str, target: Path, *, allowed_hosts: Sequence[str], max_bytes: int,
    address_allowed: AddressCheck = public_address, timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
) -> Path:
    """Download ``url`` to ``target`` by the rules above; ``target`` once it is complete.
    (``address_allowed`` is for the tests' server on the loopback address.)"""
    started = time.monotonic()
    origin = allowed_origin(url, allowed_hosts)
    for _hop in range(REDIRECTS + 1):
        response, connection = _request(url, origin, address_allowed, timeout)
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                url = urljoin(url, location)
                if allowed_origin(url, allowed_hosts, where="redirect") != origin:
                    raise Invalid(f"{_shown(origin)} redirects to another host ({location}); "
                                  "media are fetched only from the host the record names",
                                  field="source")
                continue
            if response.status != 200:
                raise Unavailable(f"{_shown(origin)} answered {response.status} "
                                  f"{response.reason} for {url}", field="source")
            return _save(response, url, target, max_bytes, started + deadline)
        finally:
            connection.close()
    raise Unavailable(f"{url} redirects more than {REDIRECTS} times", field="source")


Origin = tuple[str, str, int]


def _shown(origin: Origin) -> str:
    return origin[1]


def allowed_origin(url: str, allowed_hosts: Sequence[str], where: str = "source") -> Origin:
    """(scheme, host, port) of ``url`` when it may be fetched by the settings; Invalid saying
    why not otherwise (no network is used)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Invalid(f"not a valid address: {url!r} ({exc})", field=where) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"only http and https addresses are fetched, not {url!r}", field=where)
    if parts.username is not None or parts.password is not None:
        raise Invalid(f"an address with a user name or password is not fetched: {url!r}",
                      field=where)
    host = parts.hostname
    if not host_allowed(host, allowed_hosts):
        raise Invalid(f"the host {host} is not allowed (the setting media_allowed_hosts lists "
                      "the hosts media are fetched from)", field=where)
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def _resolve(origin: Origin, address_allowed: AddressCheck) -> str:
    """The address to connect to, once every address of the host has been checked."""
    _scheme, host, port = origin
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unavailable(f"the host {host} cannot be found ({exc})", field="source") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in found]
    if not addresses:
        raise Unavailable(f"the host {host} has no address", field="source")
    refused = [address for address in addresses if not address_allowed(address)]
    if refused:
        raise Invalid(f"the host {host} has a private, loopback, link-local or reserved "
                      f"address ({refused[0]}); media are never fetched from such addresses",
                      field="source")
    return str(addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand (the Host header keeps the name)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address, its certificate checked against the name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            sock, server_hostname=self.host)


def _request(
    url: str, origin: Origin, address_allowed: AddressCheck, timeout: float
) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    scheme, host, port = origin
    address = _resolve(origin, address_allowed)
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = kind(host, port, address, timeout)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers={"User-Agent": "Holotype media fetcher",
                                                 "Accept": "image/*, */*;q=0.5"})
        return connection.getresponse(), connection
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise Unavailable(f"{host} could not be reached for {url} ({exc})",
                          field="source") from None


def _save(
    response: http.client.HTTPResponse, url: str, target: Path, max_bytes: int, until: float
) -> Path:
    too_big = Invalid(f"{url} is larger than the limit of {max_bytes:,} bytes (the setting "
                      "media_max_mb)", field="source")
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".fetching-")
    try:
        received = 0
        with os.fdopen(handle, "wb") as out:
            # read1: at most one socket read a chunk, so the deadline below is checked
            # however slowly the server sends (read() waits for the whole chunk)
            while chunk := response.read1(CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise too_big
                if time.monotonic() > until:
                    raise Unavailable(f"{url} took too long to download", field="source")
                out.write(chunk)
        if received == 0:
            raise Unavailable(f"{url} answered with an empty file", field="source")
        os.replace(temporary, target)
    except (OSError, http.client.HTTPException) as exc:
        Path(temporary).unlink(missing_ok=True)
        raise Unavailable(f"the download of {url} failed ({exc})", field="source") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
