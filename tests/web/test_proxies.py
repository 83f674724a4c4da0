"""Rate limits key on the real client: X-Forwarded-For counts only from a trusted proxy."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request

from holotype.web.ratelimit import client_key
from tests.fixtures.site import LiveServer, free_port, make_site

SRC = Path(__file__).resolve().parents[2] / "src"

STATUS = "/api/3/action/status_show"


def _codes(url: str, forwarded_for: list[str]) -> list[int]:
    with httpx.Client(base_url=url, timeout=10) as client:
        return [client.get(STATUS, headers={"X-Forwarded-For": ip}).status_code
                for ip in forwarded_for]


def test_rotating_x_forwarded_for_does_not_reset_the_limit(tmp_path: Path) -> None:
    """The default trusts no proxy: from loopback, a new X-Forwarded-For on every request is
    still the same client, so the fourth request of three allowed is refused."""
    settings = make_site(tmp_path, records=20, rate_limit_per_minute=3)
    with LiveServer(settings) as server:
        codes = _codes(server.url, [f"203.0.113.{i}" for i in range(1, 7)])
    assert codes == [200, 200, 200, 429, 429, 429]


def test_a_trusted_proxy_names_the_client(tmp_path: Path) -> None:
    """Behind a trusted proxy each forwarded client has its own limit, and a client cannot
    escape its own by adding addresses in front of the one the proxy appended."""
    settings = make_site(tmp_path, records=20, rate_limit_per_minute=2,
                         trusted_proxies=["127.0.0.1"])
    with LiveServer(settings) as server:
        first = _codes(server.url, ["203.0.113.1", "203.0.113.1", "203.0.113.1"])
        second = _codes(server.url, ["203.0.113.2", "203.0.113.2"])
        spoofed = _codes(server.url, ["198.51.100.9, 203.0.113.1"])
    assert first == [200, 200, 429]
    assert second == [200, 200]
    assert spoofed == [429]


def test_holotype_serve_ignores_forwarded_headers_by_default(tmp_path: Path) -> None:
    """The real command, not only the test server: uvicorn's own trust of loopback is off."""
    settings = make_site(tmp_path, records=20)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLOTYPE_")}
    env |= {"HOLOTYPE_DATA_DIR": str(settings.data_dir),
           "HOLOTYPE_RATE_LIMIT_PER_MINUTE": "2", "HOLOTYPE_PORT": str(port),
           "HOLOTYPE_DOWNLOAD_WORKERS": "0", "FORWARDED_ALLOW_IPS": "*"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    server = subprocess.Popen([sys.executable, "-m", "holotype", "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)
        assert _codes(url, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) == [200, 200, 429]
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("peer,key", [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),  # the same subscriber's other address
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("testclient", "testclient"),
])
def test_an_ipv6_client_is_its_64_network(peer: str, key: str) -> None:
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [],
                       "client": (peer, 1234)})
    assert client_key(request) == key
