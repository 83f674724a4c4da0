"""The API tokens section of the profile page (``/user/me``): create a token (shown once, on
the page that answers the form) and revoke one. Both forms carry the CSRF token.

``POST /user/me/tokens`` answers ``token_created.html`` (or, as JSON, ``{"token": ...}``);
``POST /user/me/tokens/{id}/revoke`` goes back to the profile page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.errors import Invalid, ServiceError, SignInRequired
from holotype.services.accounts import tokens
from holotype.services.context import Portal
from holotype.services.identity import Kind
from holotype.web.errors import field_label
from holotype.web.identity import identity_of
from holotype.web.pages.render import render

PROFILE = "/user/me"


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def token_data(token: tokens.TokenInfo) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "scopes": token.scopes, "active": token.active,
            "created": token.created.isoformat(),
            "expires": token.expires.isoformat() if token.expires else None,
            "last_used": token.last_used.isoformat() if token.last_used else None,
            "revoked": token.revoked.isoformat() if token.revoked else None}


def api_tokens_of(request: Request) -> list[dict[str, Any]]:
    """The signed-in user's tokens, for the profile page's section (a template global)."""
    identity = identity_of(request)
    if identity.kind != Kind.USER:
        return []
    return [token_data(t) for t in tokens.list_tokens(_portal(request), identity)]


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()
    templates.env.globals["api_tokens_of"] = api_tokens_of
    templates.env.globals["token_max_days"] = tokens.MAX_DAYS
    templates.env.globals["token_default_days"] = tokens.DEFAULT_DAYS

    @router.post("/user/me/tokens", include_in_schema=False)
    def create(request: Request, name: str = Form(""), scope: str = Form("read"),
               days: str = Form(str(tokens.DEFAULT_DAYS))) -> Response:
        identity = identity_of(request)
        try:
            try:
                expires = int(days)
            except ValueError:
                raise Invalid("give the number of days as a whole number",
                              field="expires_days") from None
            info, raw = tokens.create_token(_portal(request), identity, name, scope, expires)
        except SignInRequired:
            raise
        except ServiceError as exc:
            data = {"error": exc.message, "error_field": field_label(exc.field) or exc.field}
            return render(request, templates, "token_created.html", {}, data,
                          status=exc.status)
        data = {"token": raw, **token_data(info), "error": None}
        return render(request, templates, "token_created.html", {}, data)

    @router.post("/user/me/tokens/{token_id}/revoke", include_in_schema=False)
    def revoke(request: Request, token_id: str) -> Response:
        tokens.revoke_token(_portal(request), identity_of(request), token_id)
        return RedirectResponse(PROFILE + "#tokens-heading", status_code=303)

    return router
