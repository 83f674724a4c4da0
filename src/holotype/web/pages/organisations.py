"""Organisation pages: ``/organisations`` (every organisation), ``/organisation/<slug>`` (its
datasets the visitor may read), ``/organisation/<slug>/members`` (its members, for its members;
its admins add members, change roles and remove members there) and ``/organisation/new`` (for
sysadmins). Each answers HTML or its JSON twin; every form carries a form token."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from holotype.catalog.snapshots import OrganisationInfo
from holotype.errors import ServiceError, SignInRequired
from holotype.services import organisations, policy
from holotype.services.context import Portal
from holotype.services.identity import Kind
from holotype.web.errors import field_label
from holotype.web.identity import identity_of
from holotype.web.pages.render import render, split_json

ROLES = ("member", "editor", "admin")


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _org(org: OrganisationInfo) -> dict[str, Any]:
    return {"id": org.id, "slug": org.slug, "name": org.name, "description": org.description,
            "url": f"/organisation/{org.slug}"}


def _problem(exc: ServiceError) -> dict[str, Any]:
    return {"error": exc.message, "error_field": field_label(exc.field) or exc.field}


def create_router(templates: Jinja2Templates) -> APIRouter:
    router = APIRouter()

    @router.get("/organisations", include_in_schema=False)
    @router.get("/organisations.json", include_in_schema=False)
    def organisation_list(request: Request) -> Response:
        identity = identity_of(request)
        found = organisations.list_organisations(_portal(request), identity)
        data = {"organisations": [_org(o) for o in found],
                "may_create": policy.may_manage_organisations(identity)}
        return render(request, templates, "organisations.html", {}, data,
                      as_json=request.url.path.endswith(".json") or None)

    def _new(request: Request, status: int = 200, **context: Any) -> Response:
        identity = identity_of(request)
        if identity.kind == Kind.ANONYMOUS:
            raise SignInRequired("sign in as a sysadmin to create organisations")
        policy.require(policy.may_manage_organisations(identity),
                       "only a sysadmin may create organisations")
        base = {"error": None, "error_field": None, "notice": None, "slug": "", "name": "",
                "description": ""}
        return render(request, templates, "organisation_new.html", {**base, **context}, {},
                      status=status, as_json=False)

    @router.get("/organisation/new", include_in_schema=False)
    def new_form(request: Request) -> Response:
        return _new(request)

    @router.post("/organisation/new", include_in_schema=False)
    def new(request: Request, slug: str = Form(""), name: str = Form(""),
            description: str = Form("")) -> Response:
        try:
            made = organisations.create_organisation(_portal(request), identity_of(request),
                                                     slug, name, description)
        except ServiceError as exc:
            if exc.status in (401, 403):
                raise
            return _new(request, exc.status, slug=slug, name=name, description=description,
                        **_problem(exc))
        return RedirectResponse(f"/organisation/{made.slug}", status_code=303)

    @router.get("/organisation/{slug}", include_in_schema=False)
    def organisation(request: Request, slug: str) -> Response:
        name, as_json = split_json(slug)
        page = organisations.organisation_page(_portal(request), identity_of(request), name)
        data = {**_org(page.organisation), "role": page.role,
                "members_url": (f"/organisation/{page.organisation.slug}/members"
                                if page.sees_members else None),
                "datasets": [{"slug": d.slug, "title": d.title, "visibility": d.visibility,
                              "url": f"/dataset/{d.slug}"} for d in page.datasets]}
        return render(request, templates, "organisation.html", {}, data,
                      as_json=as_json or None)

    def _members(request: Request, slug: str, status: int = 200, as_json: bool | None = None,
                 **context: Any) -> Response:
        portal, identity = _portal(request), identity_of(request)
        page = organisations.organisation_page(portal, identity, slug)
        members = organisations.list_members(portal, identity, page.organisation.slug)
        data = {"organisation": _org(page.organisation),
                "may_manage": page.manages_members,
                "members": [asdict(m) for m in members]}
        base = {"error": None, "error_field": None, "notice": None, "roles": ROLES}
        return render(request, templates, "organisation_members.html", {**base, **context},
                      data, status=status, as_json=as_json)

    @router.get("/organisation/{slug}/members", include_in_schema=False)
    def members(request: Request, slug: str) -> Response:
        return _members(request, slug)

    @router.get("/organisation/{slug}/members.json", include_in_schema=False)
    def members_json(request: Request, slug: str) -> Response:
        return _members(request, slug, as_json=True)

    @router.post("/organisation/{slug}/members", include_in_schema=False)
    def change_members(request: Request, slug: str, action: str = Form(""),
                       username: str = Form(""), role: str = Form("member")) -> Response:
        portal, identity = _portal(request), identity_of(request)
        try:
            if action == "add":
                organisations.add_member(portal, identity, slug, username, role)
                notice = f"{username} is now {role}."
            elif action == "set":
                organisations.set_role(portal, identity, slug, username, role)
                notice = f"{username} is now {role}."
            elif action == "remove":
                organisations.remove_member(portal, identity, slug, username)
                notice = f"{username} is no longer a member."
            else:
                return _members(request, slug, 400, error="choose add, set or remove",
                                error_field="action")
        except SignInRequired:
            raise
        except ServiceError as exc:
            return _members(request, slug, exc.status, **_problem(exc))
        return _members(request, slug, notice=notice)

    return router
