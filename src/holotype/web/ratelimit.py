"""Per-client rate limiting of the API: a token bucket per client address, in memory.

Each process keeps its own buckets; behind several workers the effective limit is per worker.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

MAX_CLIENTS = 100_000


class RateLimiter:
    """Allows ``per_minute`` requests per client, refilled continuously."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
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


Next = Callable[[Request], Awaitable[Response]]


def middleware(
    limiter: RateLimiter, prefix: str = "/api/"
) -> Callable[[Request, Next], Awaitable[Response]]:
    async def limit(request: Request, call_next: Next) -> Response:
        if request.url.path.startswith(prefix):
            client = request.client.host if request.client else "unknown"
            wait = limiter.take(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                return JSONResponse(
                    {"success": False, "error": {
                        "__type": "Rate Limit Error",
                        "message": f"too many requests; try again in {seconds} s",
                    }},
                    status_code=429,
                    headers={"Retry-After": str(seconds)},
                )
        return await call_next(request)

    return limit
