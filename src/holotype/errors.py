"""Errors every layer raises when a request cannot be carried out: the one hierarchy.

Each carries an HTTP-like ``status``, a user-safe ``message`` and where the problem is:
``field`` for one place, ``errors`` (``{field: [messages]}``, CKAN's shape) for one or several.
The web layer renders them, one place per output; nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Self


class ServiceError(Exception):
    """A request cannot be carried out. ``message`` is safe to show to the user."""

    status: ClassVar[int] = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field
        self.errors: dict[str, list[str]] = {field: [message]} if field else {}

    @classmethod
    def of(cls, errors: Mapping[str, list[str]]) -> Self:
        """One error for problems in one or more fields; ``message`` names each field."""
        found = cls("; ".join(f"{name}: {' '.join(texts)}" for name, texts in errors.items()))
        found.errors = {name: list(texts) for name, texts in errors.items()}
        found.field = next(iter(found.errors)) if len(found.errors) == 1 else None
        return found

    def at(self, field: str | None) -> Self:
        """The same problem reported at another ``field`` (e.g. a form's name for the API's
        JSON path); any subclass, whatever its constructor takes."""
        moved = type(self).__new__(type(self))
        moved.__dict__.update(self.__dict__)
        moved.args = (f"{field}: {self.message}" if field else self.message,)
        moved.field = field
        moved.errors = {field: [self.message]} if field else {}
        return moved


class Invalid(ServiceError):
    """The input is malformed or not allowed."""

    status = 400


class TooLarge(Invalid):
    """The input is larger than the site's limit (e.g. an upload over ``max_upload_bytes``)."""

    status = 413


class Forbidden(ServiceError):
    """The caller may not do this."""

    status = 403


class SignInRequired(Forbidden):
    """The request must be made by someone signed in (or with a valid API token): a page
    sends the visitor to sign in; the API answers 401."""

    status = 401

class NotFound(ServiceError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    status = 404


class Conflict(ServiceError):
    """The request clashes with existing data or work, e.g. a name in use, an ingest running."""

    status = 409


class Unavailable(ServiceError):
    """Not possible yet, e.g. a resource whose records are still being indexed.
    ``retry_after``: the seconds after which asking again may succeed, when known."""

    status = 503

    def __init__(
        self, message: str, *, field: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class Preparing(Unavailable):
    """What was asked for is being made in the background (e.g. a large image's pyramid):
    ask again after ``retry_after`` seconds."""

class Throttled(ServiceError):
    """Too many attempts in a short time (e.g. failed sign-ins): wait, then try again
    (``retry_after`` seconds, when known)."""

    status = 429

    def __init__(
        self, message: str, *, field: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after
