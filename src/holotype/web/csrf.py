"""Form tokens against cross-site request forgery, checked for every request that changes
something outside the API (which takes writes only with an API token, never a cookie).

Each form carries ``{{ csrf_field(request) }}`` as its first field; a script may send the token
as the ``X-CSRF-Token`` header instead. :class:`CsrfCheck` reads the token from the start of the
body (a form is never read whole here: the token comes first), passes the body on unchanged,
and refuses a request without a matching token with 403 "the form expired; reload the page and
try again" before anything is done, writing the refusal to the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from holotype.errors import ServiceError
from holotype.services.accounts import audit, forms
from holotype.services.context import Portal
from holotype.web.identity import identity_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
EXEMPT_PREFIX = "/api/"
MAX_HEAD_BYTES = 64 * 1024  # the token must be within this much of the body's start
_MULTIPART_FIELD = re.compile(
    rb'name="csrf_token"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)\r\n')

ErrorAnswer = Callable[[Request, ServiceError], Response]


class FormBinding:
    """What this visitor's form tokens are bound to; a visitor who has none gets one the
    first time a page shows a form (sent back as the pre-session cookie)."""

    def __init__(self, portal: Portal, binding: str | None) -> None:
        self.portal = portal
        self.binding = binding
        self.issued = False

    def token(self) -> str:
        if self.binding is None:
            self.binding = forms.new_binding()
            self.issued = True
        return forms.form_token(self.portal, self.binding)

    def matches(self, token: str | None) -> bool:
        return forms.token_matches(self.portal, self.binding, token)


def binding_of(request: Request) -> FormBinding | None:
    found = getattr(request.state, "csrf", None)
    return found if isinstance(found, FormBinding) else None


def csrf_token(request: Request) -> str:
    """The token for this visitor's forms ("" outside the sign-in layer)."""
    binding = binding_of(request)
    return binding.token() if binding is not None else ""


def csrf_field(request: Request) -> Markup:
    """The hidden field every form that changes something starts with (a Jinja global)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(forms.FIELD,
                                                                        csrf_token(request))


def _urlencoded_token(head: bytes, complete: bool) -> str | None:
    parts = head.split(b"&")
    for part in parts if complete else parts[:-1]:
        name, _, value = part.partition(b"=")
        if unquote_plus(name.decode("latin-1")) == forms.FIELD:
            return unquote_plus(value.decode("latin-1"))
    return None


def _multipart_token(head: bytes) -> str | None:
    found = _MULTIPART_FIELD.search(head)
    return found.group(1).decode("latin-1") if found else None


class CsrfCheck:
    """Pure ASGI: refuses unsafe requests outside /api/ that carry no matching token."""

    def __init__(self, app: ASGIApp, refuse: Callable[[Request], Response]) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] in SAFE_METHODS
                or scope["path"].startswith(EXEMPT_PREFIX) or not _handled(scope)):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        binding = binding_of(request)
        headers = Headers(scope=scope)
        token = headers.get(forms.HEADER)
        head, more = b"", True
        if token is None:
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            while more and len(head) <= MAX_HEAD_BYTES:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                head += message.get("body", b"")
                more = bool(message.get("more_body", False))
                token = (_urlencoded_token(head, not more)
                         if kind == "application/x-www-form-urlencoded"
                         else _multipart_token(head) if kind == "multipart/form-data" else None)
                if token is not None or kind not in ("application/x-www-form-urlencoded",
                                                     "multipart/form-data"):
                    break
        if binding is None or not binding.matches(token):
            await self._refuse(request, scope, receive, send)
            return
        await self.app(scope, _replaying(head, more, receive) if head else receive, send)

    async def _refuse(self, request: Request, scope: Scope, receive: Receive, send: Send
                      ) -> None:
        portal = request.app.state.portal
        client = scope.get("client")
        await run_in_threadpool(
            audit.record_refusal, portal, identity_of(request), target_type="form",
            target_id=scope["path"], reason="missing or stale form token",
            address=client[0] if client else "")
        response = self.refuse(request)
        await response(scope, receive, send)


def _handled(scope: Scope) -> bool:
    """Whether a route of the app takes this method at this path. One that does not answers
    404 or 405 without running anything, as it would have without this check."""
    probe = dict(scope)  # matching may note things in the scope: not in the request's own
    return any(route.matches(probe)[0] == Match.FULL for route in scope["app"].router.routes)


def _replaying(head: bytes, more: bool, receive: Receive) -> Receive:
    """``receive`` that first gives back the part of the body already read."""
    pending: list[Message] = [{"type": "http.request", "body": head, "more_body": more}]

    async def replay() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replay


def install(env: Any) -> None:
    """Make ``csrf_field(request)`` available to every template."""
    env.globals["csrf_field"] = csrf_field

