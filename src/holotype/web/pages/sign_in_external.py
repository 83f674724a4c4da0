"""Signing in at an OpenID Connect provider: the sign-in page's button leads to
``/user/login/oidc``, which sends the visitor to the provider; the provider sends them back to
``/user/oidc/callback``, which starts the session. (LDAP needs no page of its own: it checks
the password typed in the ordinary sign-in form.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment

from holotype.errors import ServiceError
from holotype.services.accounts import oidc, sessions
from holotype.services.context import Portal
from holotype.web.errors import field_label
from holotype.web.pages.accounts import safe_next
from holotype.web.sessions import cookie_header, is_secure


def oidc_label(request: Request) -> str:
    """The provider's name for the sign-in button, or "" when the portal has none."""
    portal: Portal = request.app.state.portal
    return portal.settings.oidc_label if oidc.enabled(portal) else ""


def install(env: Environment) -> None:
    env.globals["oidc_label"] = oidc_label


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/user/login/oidc", include_in_schema=False)
    def begin(request: Request, next: str = "") -> Response:
        portal: Portal = request.app.state.portal
        started = oidc.start(portal, safe_next(next))
        response = RedirectResponse(started.url, status_code=303)
        response.headers.append("set-cookie", cookie_header(
            oidc.COOKIE, started.cookie, secure=is_secure(portal),
            max_age=oidc.COOKIE_SECONDS))
        return response

    @router.get("/user/oidc/callback", include_in_schema=False)
    def callback(request: Request, code: str | None = None, state: str | None = None,
                 error: str | None = None) -> Response:
        portal: Portal = request.app.state.portal
        secure = is_secure(portal)
        forget = cookie_header(oidc.COOKIE, "", secure=secure, max_age=0)
        try:
            _, cookie, next_path = oidc.finish(
                portal, request.cookies.get(oidc.COOKIE), state, code, error,
                request.client.host if request.client else "",
                replacing=request.cookies.get(sessions.COOKIE))
        except ServiceError as exc:
            answer = templates.TemplateResponse(
                request, "login.html",
                {"next": "/user/me", "username": "", "notice": None, "error": exc.message,
                 "error_field": field_label(exc.field) or exc.field,
                 "registration_open": portal.settings.registration_open},
                status_code=exc.status)
            answer.headers.append("set-cookie", forget)
            return answer
        response = RedirectResponse(safe_next(next_path), status_code=303)
        response.headers.append("set-cookie", forget)
        response.headers.append("set-cookie", cookie_header(
            sessions.COOKIE, cookie, secure=secure, max_age=sessions.max_age(portal)))
        return response

    return router
