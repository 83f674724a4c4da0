"""Per-client rate limiting: a token bucket per client address, in memory.

Two limits use it: every API call (``rate_limit_per_minute``) and, much tighter, requests for
downloads, from the API or the form (``download_requests_per_hour``): each queues work that
may take minutes. Each process keeps its own buckets; behind several workers the effective
limit is per worker. (Error reports, which are mailed to people, are counted in the catalogue
instead, alike for every process: ``services/error_reports/flood.py``.)

The client is the connection's peer, or the address a trusted proxy forwarded
(``trusted_proxies``, applied before this by the app): a client cannot pick its own. An IPv6
client is its /64 network, the block one subscriber usually gets, so that it cannot step
through its own addresses either.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

MAX_CLIENTS = 100_000


class RateLimiter:
    """Allows ``allowed`` requests per client every ``window`` seconds (a minute unless told),
    refilled continuously."""

    def __init__(self, allowed: int, clock: Callable[[], float] = time.monotonic,
                 window: float = 60.0) -> None:
        self.capacity = float(allowed)
        self.rate = allowed / window
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 if the request may go ahead, else the seconds until it may."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1 - tokens) / self.rate
            if len(self._buckets) > MAX_CLIENTS:  # forget the idlest half
                keep = sorted(self._buckets.items(), key=lambda kv: kv[1][1])[MAX_CLIENTS // 2 :]
                self._buckets = dict(keep)
        return wait


Page = Callable[[Request, str, dict[str, str]], Response]  # (request, message, headers)
DOWNLOAD_ACTIONS = ("/api/3/action/vds_download_queue", "/api/action/vds_download_queue")


def client_key(request: Request) -> str:
    """Whose bucket a request draws on: its peer's address, an IPv6 one as its /64."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def is_download_request(request: Request) -> bool:
    """A request that queues a download: the API action, or the form's POST."""
    path = request.url.path
    return path in DOWNLOAD_ACTIONS or (path == "/download" and request.method == "POST")


class RateLimit:
    """ASGI middleware: answers 429 with Retry-After to a client over ``limiter`` for the
    requests ``applies`` to: in the API's JSON envelope, or as the HTML ``page`` outside the
    API. A plain ASGI layer: every request passes through it, so it adds no task or copy."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter,
                 applies: Callable[[Request], bool] = is_api, what: str = "requests",
                 page: Page | None = None) -> None:
        self.app, self.limiter, self.applies, self.what, self.page = (
            app, limiter, applies, what, page)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            if self.applies(request):
                wait = self.limiter.take(client_key(request))
                if wait > 0:
                    await self._busy(request, wait)(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _busy(self, request: Request, wait: float) -> Response:
        seconds = max(1, math.ceil(wait))
        message = f"too many {self.what}; try again in {seconds} s"
        headers = {"Retry-After": str(seconds)}
        if self.page is not None and not is_api(request):
            return self.page(request, message, headers)
        return JSONResponse(
            {"success": False, "error": {"__type": "Rate Limit Error", "message": message}},
            status_code=429, headers=headers,
        )
