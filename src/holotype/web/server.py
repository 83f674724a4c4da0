"""The HTTP server for the app: how ``holotype serve`` (and the tests' live server) runs it.

Uvicorn's own proxy handling is off: by default it believes ``X-Forwarded-For`` from any
loopback peer, so any local process, or a proxy passing the header through, could name
itself any client and escape the rate limits. The app applies ``trusted_proxies`` itself
(``web/app.py``), whatever server runs it.
"""

from __future__ import annotations

import uvicorn

from holotype.config import Settings
from holotype.web.app import create_app


def server_config(settings: Settings, host: str | None = None, port: int | None = None,
                  log_level: str = "info") -> uvicorn.Config:
    return uvicorn.Config(
        create_app(settings), host=host or settings.host, port=port or settings.port,
        log_level=log_level, proxy_headers=False, server_header=False,
    )
