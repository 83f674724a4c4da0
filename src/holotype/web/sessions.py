"""The sign-in layer: who each request is, resolved once, before any route runs.

:class:`IdentityMiddleware` (pure ASGI) reads the session cookie, an API token header and the
pre-session form cookie, asks :mod:`holotype.services.accounts.resolve` (in a worker thread when
the catalogue must be read; a request with no cookie and no token is anonymous at once), and
puts the identity and the form binding in the request's state. It writes nothing: a new
visitor's form binding goes back as a signed cookie, and a session cookie that no longer works
is cleared.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from holotype.errors import ServiceError
from holotype.services.accounts import forms, sessions
from holotype.services.accounts.resolve import Resolved, resolve
from holotype.services.context import Portal
from holotype.web.csrf import SAFE_METHODS, ErrorAnswer, FormBinding

SKIPPED = ("/static/", "/favicon")  # files only: no identity needed
API_PREFIX = "/api/"


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None) -> str:
    """A ``Set-Cookie`` value: HttpOnly, SameSite=Lax, the whole site, Secure over https."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "Lax"
    if secure:
        morsel["secure"] = True
    if max_age is not None:
        morsel["max-age"] = max_age
    return morsel.OutputString()


def is_secure(portal: Portal) -> bool:
    return portal.settings.public_base_url.lower().startswith("https://")


class IdentityMiddleware:
    def __init__(self, app: ASGIApp, answer: ErrorAnswer) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIPPED):
            await self.app(scope, receive, send)
            return
        portal: Portal = scope["app"].state.portal
        headers = Headers(scope=scope)
        cookies = cookie_parser(headers.get("cookie", ""))
        session_cookie = cookies.get(sessions.COOKIE)
        authorization = headers.get("authorization") or headers.get("x-ckan-api-key")
        csrf_cookie = cookies.get(forms.PRE_SESSION_COOKIE)

        def run() -> Resolved:
            return resolve(portal, session_cookie=session_cookie, csrf_cookie=csrf_cookie,
                           authorization=authorization, api=scope["path"].startswith(API_PREFIX),
                           safe=scope["method"] in SAFE_METHODS)

        try:
            # Only a signature to check without a session or token: no catalogue to read.
            resolved = await run_in_threadpool(run) if session_cookie or authorization else run()
        except ServiceError as exc:  # e.g. a revoked API token
            await self.answer(Request(scope), exc)(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["identity"] = resolved.identity
        binding = FormBinding(portal, resolved.csrf_binding)
        state["csrf"] = binding
        await self.app(scope, receive, self._sending(send, portal, binding, resolved))

    def _sending(self, send: Send, portal: Portal, binding: FormBinding, resolved: Resolved
                 ) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                secure = is_secure(portal)
                route_set_session = any(
                    value.startswith(sessions.COOKIE + "=")
                    for value in headers.getlist("set-cookie"))
                if binding.issued and binding.binding is not None:
                    headers.append("set-cookie", cookie_header(
                        forms.PRE_SESSION_COOKIE, forms.pre_session_cookie(portal, binding.binding),
                        secure=secure, max_age=None))
                if resolved.stale_session and not route_set_session:
                    headers.append("set-cookie", cookie_header(sessions.COOKIE, "", secure=secure,
                                                               max_age=0))
            await send(message)

        return sending
