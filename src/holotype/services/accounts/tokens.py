"""API tokens (a stub until tokens are built): the identity an ``Authorization`` header
gives, or None when it names no token."""

from __future__ import annotations

from holotype.services.context import Portal
from holotype.services.identity import Identity


def identity_for_token(portal: Portal, raw: str) -> Identity | None:
    """The identity of the token in ``raw`` (``Bearer x`` or a bare ``x``); None for none."""
    return None
