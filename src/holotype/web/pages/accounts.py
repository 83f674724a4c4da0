"""Account pages: sign in and out, register, confirm an address, reset a password, one's own
account, and (for sysadmins) the list of accounts. Every form carries a form token (checked
by :mod:`holotype.web.csrf`); a sign-in starts a new session and sets its cookie."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment
from starlette.concurrency import run_in_threadpool

from holotype.errors import ServiceError, SignInRequired
from holotype.services.accounts import sessions, users
from holotype.services.context import Portal
from holotype.services.identity import Kind
from holotype.web.csrf import csrf_field
from holotype.web.errors import SIGN_IN_PATH, field_label
from holotype.web.identity import identity_of
from holotype.web.pages.render import render
from holotype.web.sessions import cookie_header, is_secure

HOME_AFTER_SIGN_IN = "/user/me"


def safe_next(value: str | None, default: str = HOME_AFTER_SIGN_IN) -> str:
    """Where to go after signing in: a path on this portal only (``/x``, never ``//host``,
    ``/\\host`` or ``https://host``), so the sign-in page cannot send anyone elsewhere."""
    text = (value or "").strip()
    if (not text.startswith("/") or text.startswith(("//", "/\\"))
            or any(c in text for c in "\\\r\n\t") or any(ord(c) < 32 for c in text)):
        return default
    return text


def signed_in(request: Request) -> str:
    """The signed-in user's name, or "" (a template global for the navigation)."""
    identity = identity_of(request)
    return identity.name if identity.kind == Kind.USER else ""


def sign_in_url(request: Request) -> str:
    """The navigation's sign-in link: back to this page afterwards (the whole of it quoted)."""
    if request.url.path.startswith("/user/"):
        return SIGN_IN_PATH
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{SIGN_IN_PATH}?next={quote(here, safe='')}"


def install(env: Environment) -> None:
    env.globals["csrf_field"] = csrf_field
    env.globals["signed_in"] = signed_in
    env.globals["sign_in_url"] = sign_in_url


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _account_data(account: users.AccountInfo) -> dict[str, Any]:
    data = asdict(account)
    for key in ("email_verified", "last_sign_in", "created"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def _problem(exc: ServiceError) -> dict[str, Any]:
    label = field_label(exc.field)
    message = exc.message if label else exc.message[:1].upper() + exc.message[1:]
    return {"error": message, "error_field": label}


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        settings = _portal(request).settings
        base = {"registration_open": settings.registration_open,
                "password_min_length": settings.password_min_length, "error": None,
                "error_field": None, "notice": None}
        return templates.TemplateResponse(request, template, {**base, **context},
                                          status_code=status)

    @router.get("/user/login", include_in_schema=False)
    def login_form(request: Request, next: str = "") -> Response:
        return page(request, "login.html", next=safe_next(next), username="")

    @router.post("/user/login", include_in_schema=False)
    def login(request: Request, username: str = Form(""), password: str = Form(""),
              next: str = Form("")) -> Response:
        portal = _portal(request)
        try:
            _, cookie = sessions.sign_in(portal, username, password, _address(request),
                                         replacing=request.cookies.get(sessions.COOKIE))
        except ServiceError as exc:
            return page(request, "login.html", exc.status, next=safe_next(next),
                        username=username[:64], **_problem(exc))
        response = RedirectResponse(safe_next(next), status_code=303)
        response.headers.append("set-cookie", cookie_header(
            sessions.COOKIE, cookie, secure=is_secure(portal), max_age=sessions.max_age(portal)))
        return response

    @router.post("/user/logout", include_in_schema=False)
    def logout(request: Request) -> Response:
        portal = _portal(request)
        sessions.end_session(portal, request.cookies.get(sessions.COOKIE), _address(request))
        response = RedirectResponse("/", status_code=303)
        response.headers.append("set-cookie", cookie_header(
            sessions.COOKIE, "", secure=is_secure(portal), max_age=0))
        return response

    @router.get("/user/register", include_in_schema=False)
    def register_form(request: Request) -> Response:
        return page(request, "register.html", done=False, username="", email="",
                    display_name="")

    @router.post("/user/register", include_in_schema=False)
    def register(request: Request, username: str = Form(""), email: str = Form(""),
                 password: str = Form(""), display_name: str = Form("")) -> Response:
        try:
            account = users.register(_portal(request), identity_of(request), username, email,
                                     password, display_name, _address(request))
        except ServiceError as exc:
            return page(request, "register.html", exc.status, done=False, username=username[:64],
                        email=email[:320], display_name=display_name[:300], **_problem(exc))
        return page(request, "register.html", done=True,
                    notice=f"Nearly done: we sent a link to {account.email}. Open it to "
                    "confirm the address, then sign in.")

    @router.get("/user/verify/{token}", include_in_schema=False)
    def verify(request: Request, token: str) -> Response:
        try:
            account = users.verify_email(_portal(request), token)
        except ServiceError as exc:
            return page(request, "login.html", exc.status, next=HOME_AFTER_SIGN_IN,
                        username="", **_problem(exc))
        return page(request, "login.html", next=HOME_AFTER_SIGN_IN, username=account.username,
                    notice="Your email address is confirmed: you may sign in.")

    @router.get("/user/reset", include_in_schema=False)
    def reset_form(request: Request) -> Response:
        return page(request, "reset.html", token=None, done=False)

    @router.post("/user/reset", include_in_schema=False)
    def reset(request: Request, email: str = Form("")) -> Response:
        try:
            users.request_reset(_portal(request), email, _address(request))
        except ServiceError as exc:
            return page(request, "reset.html", exc.status, token=None, done=False,
                        **_problem(exc))
        return page(request, "reset.html", token=None, done=True,
                    notice="If an account has this address, a link to reset its password is "
                    "on its way. It may take a few minutes; look in your spam folder too.")

    @router.get("/user/reset/{token}", include_in_schema=False)
    def new_password_form(request: Request, token: str) -> Response:
        try:
            users.check_reset_link(_portal(request), token)
        except ServiceError as exc:
            return page(request, "reset.html", exc.status, token=token, token_works=False,
                        **_problem(exc))
        return page(request, "reset.html", token=token, token_works=True)

    @router.post("/user/reset/{token}", include_in_schema=False)
    def new_password(request: Request, token: str, password: str = Form("")) -> Response:
        try:
            account = users.reset_password(_portal(request), token, password)
        except ServiceError as exc:
            works = exc.field != "token"
            return page(request, "reset.html", exc.status, token=token, token_works=works,
                        **_problem(exc))
        return page(request, "login.html", next=HOME_AFTER_SIGN_IN, username=account.username,
                    notice="Your password is changed: sign in with it.")

    def _me(request: Request, status: int = 200, as_json: bool | None = None,
            **context: Any) -> Response:
        account = users.my_account(_portal(request), identity_of(request))
        data = {"account": _account_data(account)}
        settings = _portal(request).settings
        base = {"error": None, "error_field": None, "notice": None,
                "password_min_length": settings.password_min_length}
        return render(request, templates, "profile.html", {**base, **context}, data,
                      status=status, as_json=as_json)

    @router.get("/user/me", include_in_schema=False)
    @router.get("/user/me.json", include_in_schema=False)
    def me(request: Request) -> Response:
        return _me(request, as_json=request.url.path.endswith(".json") or None)

    @router.post("/user/me", include_in_schema=False)
    def change_me(request: Request, action: str = Form(""), display_name: str = Form(""),
                  email: str = Form(""), current_password: str = Form(""),
                  new_password: str = Form("")) -> Response:
        portal, identity = _portal(request), identity_of(request)
        try:
            if action == "password":
                users.change_password(portal, identity, current_password, new_password,
                                      keeping=request.cookies.get(sessions.COOKIE),
                                      address=_address(request))
                notice = "Your password is changed."
            else:
                users.update_profile(portal, identity, display_name=display_name, email=email)
                notice = "Saved."
        except SignInRequired:
            raise
        except ServiceError as exc:
            return _me(request, exc.status, **_problem(exc))
        return _me(request, notice=notice)

    @router.get("/user/list", include_in_schema=False)
    @router.get("/user/list.json", include_in_schema=False)
    async def user_list(request: Request) -> Response:
        identity = identity_of(request)
        if identity.kind == Kind.ANONYMOUS:
            raise SignInRequired("sign in as a sysadmin to see the accounts")
        found = await run_in_threadpool(users.list_users, _portal(request), identity)
        data = {"users": [_account_data(u) for u in found]}
        return render(request, templates, "users.html", {}, data,
                      as_json=request.url.path.endswith(".json") or None)

    return router
