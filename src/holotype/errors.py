"""Errors every service raises: an HTTP-like status, a user-safe message and the field at fault.

The web layer maps them to responses in one place; nothing here knows about HTTP.
"""

from __future__ import annotations

from typing import ClassVar


class ServiceError(Exception):
    """A request cannot be carried out. ``message`` is safe to show to the user."""

    status: ClassVar[int] = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field


class Invalid(ServiceError):
    """The input is malformed or not allowed."""

    status = 400


class Forbidden(ServiceError):
    """The caller may not do this."""

    status = 403


class NotFound(ServiceError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    status = 404


class Conflict(ServiceError):
    """The request clashes with existing data, e.g. a name already in use."""

    status = 409


class Unavailable(ServiceError):
    """Not possible yet, e.g. a resource whose records are still being indexed."""

    status = 503
