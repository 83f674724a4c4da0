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
