"""Who is asking, read from a request: the one place the web layer decides it.

Everyone is anonymous until accounts arrive; sign-in sessions and API tokens will be read here.
"""

from __future__ import annotations

from fastapi import Request

from holotype.services.identity import ANONYMOUS, Identity


def identity_of(request: Request) -> Identity:
    """The identity a request acts as."""
    del request  # no sign-in yet
    return ANONYMOUS
