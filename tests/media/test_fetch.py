"""Fetching media: allowed hosts only, never private addresses, no redirects elsewhere, a size
limit; against a real HTTP server on the loopback address."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from holotype.errors import Invalid, Unavailable
from holotype.media.fetch import Address, fetch, host_allowed, public_address

BODY = b"\xff\xd8\xff" + b"image bytes " * 1000


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/a.jpg":
            self._send(200, BODY)
        elif self.path == "/same":
            self._redirect("/a.jpg")
        elif self.path == "/elsewhere":
            self._redirect("http://other.example.org/a.jpg")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/drip":  # a byte at a time, slowly: the deadline must still hold
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.25)
        elif self.path == "/lying":  # says it is small, sends more
            self.send_response(200)
            self.end_headers()
            self.wfile.write(BODY * 10)
        else:
            self._send(404, b"no")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _loopback_too(address: Address) -> bool:
    """The tests' server is on the loopback address, which the real check refuses."""
    return address.is_loopback or public_address(address)


def _get(url: str, target: Path, hosts: list[str], max_bytes: int = 10**6) -> Path:
    return fetch(url, target, allowed_hosts=hosts, max_bytes=max_bytes,
                 address_allowed=_loopback_too, timeout=5)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "100.64.0.1", "::1", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::",
])
def test_private_and_special_addresses_are_not_public(address: str) -> None:
    assert not public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_are(address: str) -> None:
    assert public_address(ipaddress.ip_address(address))


def test_host_patterns() -> None:
    assert host_allowed("images.example.org", ["images.example.org"])
    assert host_allowed("IMAGES.example.org.", ["images.example.org"])
    assert host_allowed("a.b.example.org", ["*.example.org"])
    assert not host_allowed("example.org", ["*.example.org"])
    assert not host_allowed("badexample.org", ["*.example.org"])
    assert not host_allowed("images.example.org", [])


def test_a_listed_host_is_fetched(server: str, tmp_path: Path) -> None:
    got = _get(f"http://{server}/a.jpg", tmp_path / "copy", ["127.0.0.1"])
    assert got.read_bytes() == BODY
    assert [p.name for p in tmp_path.iterdir()] == ["copy"]


def test_a_redirect_on_the_same_host_is_followed(server: str, tmp_path: Path) -> None:
    assert _get(f"http://{server}/same", tmp_path / "c", ["127.0.0.1"]).read_bytes() == BODY


@pytest.mark.parametrize(("path", "error", "words"), [
    ("/elsewhere", Invalid, "other.example.org is not allowed"),
    ("/loop", Unavailable, "redirects more than 3 times"),
    ("/missing.jpg", Unavailable, "answered 404"),
])
def test_bad_answers_are_refused(
    server: str, tmp_path: Path, path: str, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        _get(f"http://{server}{path}", tmp_path / "c", ["127.0.0.1"])
    assert list(tmp_path.iterdir()) == []


def test_a_redirect_to_an_allowed_other_host_is_refused(server: str, tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="redirects to another host"):
        _get(f"http://{server}/elsewhere", tmp_path / "c", ["127.0.0.1", "other.example.org"])


@pytest.mark.parametrize("path", ["/a.jpg", "/lying"])
def test_a_file_over_the_limit_is_refused(server: str, tmp_path: Path, path: str) -> None:
    with pytest.raises(Invalid, match="larger than the limit of 1,000 bytes"):
        _get(f"http://{server}{path}", tmp_path / "c", ["127.0.0.1"], max_bytes=1000)
    assert list(tmp_path.iterdir()) == []


def test_an_unlisted_host_is_refused_before_any_lookup(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match=r"the host images\.example\.org is not allowed"):
        _get("https://images.example.org/a.jpg", tmp_path / "c", [])


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a", "file:///etc/passwd", "http://u:p@x/a",
                                 "http://[::1/a"])
def test_other_addresses_are_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(Invalid):
        _get(url, tmp_path / "c", ["127.0.0.1", "x"])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "10.0.0.1",
                                  "169.254.169.254"])
def test_private_addresses_are_refused_even_when_listed(server: str, tmp_path: Path,
                                                        host: str) -> None:
    port = server.rpartition(":")[2]
    listed = host.strip("[]")
    with pytest.raises(Invalid, match="private, loopback, link-local or reserved"):
        fetch(f"http://{host}:{port}/a.jpg", tmp_path / "c", allowed_hosts=[listed],
              max_bytes=10**6, timeout=2)
    assert list(tmp_path.iterdir()) == []


def test_a_slow_server_cannot_outlast_the_deadline(server: str, tmp_path: Path) -> None:
    began = time.monotonic()
    with pytest.raises(Unavailable, match="too long"):
        fetch(f"http://{server}/drip", tmp_path / "copy", allowed_hosts=["127.0.0.1"],
              max_bytes=1000, address_allowed=_loopback_too, timeout=1.0,
              deadline=1.0)
    assert time.monotonic() - began < 3.0  # not the 25 s the whole file takes
    assert not (tmp_path / "copy").exists()
