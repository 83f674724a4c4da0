"""Who is asking, read from a request: the one place the web layer decides it.

The identity is resolved once per request by the sign-in layer, which puts it in the
request's state (a session cookie or an API token); without one, the request is anonymous.
"""

from __future__ import annotations

from fastapi import Request

from holotype.services.identity import ANONYMOUS, Identity


def identity_of(request: Request) -> Identity:
    """The identity a request acts as."""
    found = getattr(request.state, "identity", None)
    return found if isinstance(found, Identity) else ANONYMOUS


def cache_headers(request: Request, max_age: int) -> dict[str, str]:
    """Caching for an answer that depends on who asks: shared caches may keep an anonymous
    visitor's copy, only the browser a signed-in one's; either way by cookie and token."""
    scope = "public" if identity_of(request) == ANONYMOUS else "private"
    return {"Cache-Control": f"{scope}, max-age={max_age}", "Vary": "Cookie, Authorization"}
