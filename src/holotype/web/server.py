"""The HTTP server for the app: how ``holotype serve`` (and the tests' live server) runs it.

Uvicorn's own proxy handling is off: by default it believes ``X-Forwarded-For`` from any
loopback peer, so any local process, or a proxy passing the header through, could name
itself any client and escape the rate limits. The app applies ``trusted_proxies`` itself
(``web/app.py``), whatever server runs it.

With several worker processes (``holotype serve --workers N``), uvicorn's supervisor binds the
port once and starts N processes that accept connections on it; each builds its own app with
:func:`app_from_environment`, from the same configuration file (``HOLOTYPE_CONFIG``) and
environment as the command, so every process serves the same data directory and catalogue.
"""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from holotype.config import Settings, load_settings
from holotype.web.app import create_app


def server_config(settings: Settings, host: str | None = None, port: int | None = None,
                  log_level: str = "info") -> uvicorn.Config:
    return uvicorn.Config(
        create_app(settings), host=host or settings.host, port=port or settings.port,
        log_level=log_level, proxy_headers=False, server_header=False,
    )


def app_from_environment() -> FastAPI:
    """The app of one worker process: settings read as ``holotype serve`` read them."""
    return create_app(load_settings())


def workers_config(settings: Settings, workers: int, host: str | None = None,
                   port: int | None = None, log_level: str = "info") -> uvicorn.Config:
    """``workers`` processes behind one port, each with its own app
    (:func:`app_from_environment`)."""
    return uvicorn.Config(
        "holotype.web.server:app_from_environment", factory=True, workers=workers,
        host=host or settings.host, port=port or settings.port, log_level=log_level,
        proxy_headers=False, server_header=False,
    )
