"""CKAN's write actions on organisations and their members, with CKAN's names and shapes.

They need an API token with the ``write`` scope and go through
:mod:`holotype.services.organisations` (which asks the policy and audits every change and
refusal): sysadmins create and delete organisations; an organisation's admins change it and
its members, and grant at most admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from holotype.catalog.snapshots import OrganisationInfo
from holotype.errors import Invalid
from holotype.services import organisations, policy, publishing
from holotype.web.actions.ckan import organisation_dict
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context

ORG_FIELDS = {"slug": "name", "name": "title", "organisation": "id", "role": "capacity"}
Capacity = Literal["member", "editor", "admin"]


@dataclass(frozen=True, kw_only=True)
class OrganizationCreateParams:
    name: Annotated[str, Doc("The name (slug) in its address.")]
    title: Annotated[str | None, Doc("Its full name (default: the name).")] = None
    description: Annotated[str | None, Doc("What it is.")] = None


@dataclass(frozen=True, kw_only=True)
class OrganizationUpdateParams:
    id: Annotated[str, Doc("The organisation's id or name.")]
    title: Annotated[str | None, Doc("Its full name.")] = None
    description: Annotated[str | None, Doc("What it is.")] = None


@dataclass(frozen=True, kw_only=True)
class OrganizationIdParams:
    id: Annotated[str, Doc("The organisation's id or name.")]


@dataclass(frozen=True, kw_only=True)
class ListForUserParams:
    permission: Annotated[Literal["read", "create_dataset", "manage_group"], Doc(
        "read: any role; create_dataset: editor or admin; manage_group: admin.")] = "read"


@dataclass(frozen=True, kw_only=True)
class MemberCreateParams:
    id: Annotated[str, Doc("The organisation's id or name.")]
    object: Annotated[str, Doc("The user's name or id.")]
    object_type: Annotated[Literal["user"], Doc("Only users are members here.")] = "user"
    capacity: Annotated[Capacity, Doc("The role to give.")]


@dataclass(frozen=True, kw_only=True)
class OrganizationMemberCreateParams:
    id: Annotated[str, Doc("The organisation's id or name.")]
    username: Annotated[str, Doc("The user's name or id.")]
    role: Annotated[Capacity, Doc("The role to give.")]


def _writer(ctx: Context, doing: str, target: str) -> None:
    publishing.require_writer(ctx.portal, ctx.identity, doing, target)


def _done(ctx: Context, action: str, org: OrganisationInfo) -> dict[str, Any]:
    publishing.wrote(ctx.portal, ctx.identity, action, "organisation", org.id, org.id)
    return organisation_dict(org)


def organization_create(ctx: Context, p: OrganizationCreateParams) -> dict[str, Any]:
    with publishing.ckan_fields(ORG_FIELDS):
        _writer(ctx, "create organisations", p.name)
        made = organisations.create_organisation(ctx.portal, ctx.identity, p.name,
                                                 p.title or p.name, p.description or "")
    return _done(ctx, "organization_create", made)


def _update(ctx: Context, p: OrganizationUpdateParams, action: str, replace: bool
            ) -> dict[str, Any]:
    with publishing.ckan_fields(ORG_FIELDS):
        _writer(ctx, "change organisations", p.id)
        description = p.description if p.description is not None or not replace else ""
        changed = organisations.update_organisation(ctx.portal, ctx.identity, p.id,
                                                    name=p.title, description=description)
    return _done(ctx, action, changed)


def organization_update(ctx: Context, p: OrganizationUpdateParams) -> dict[str, Any]:
    return _update(ctx, p, "organization_update", replace=True)


def organization_patch(ctx: Context, p: OrganizationUpdateParams) -> dict[str, Any]:
    return _update(ctx, p, "organization_patch", replace=False)


def organization_delete(ctx: Context, p: OrganizationIdParams) -> None:
    with publishing.ckan_fields(ORG_FIELDS):
        _writer(ctx, "delete organisations", p.id)
        found = organisations.get_organisation(ctx.portal, ctx.identity, p.id)
        organisations.delete_organisation(ctx.portal, ctx.identity, found.id)
    publishing.wrote(ctx.portal, ctx.identity, "organization_delete", "organisation", found.id)


def organization_list_for_user(ctx: Context, p: ListForUserParams) -> list[dict[str, Any]]:
    """The organisations the caller holds a role in that allows ``permission`` (a sysadmin:
    every organisation)."""
    wanted = {"read": None, "create_dataset": ("editor", "admin"), "manage_group": ("admin",)}
    roles = wanted[p.permission]
    found = organisations.list_organisations(ctx.portal, ctx.identity)
    if not policy.is_sysadmin(ctx.identity):
        found = [org for org in found if (role := ctx.identity.role_in(org.id)) is not None
                 and (roles is None or role in roles)]
    return [{**organisation_dict(org), "capacity": ctx.identity.role_in(org.id) or "admin"}
            for org in found]


def _set_role(ctx: Context, action: str, org: str, username: str, role: str,
              role_field: str) -> dict[str, Any]:
    with publishing.ckan_fields({**ORG_FIELDS, "role": role_field}):
        _writer(ctx, "change members", org)
        change = organisations.set_role(ctx.portal, ctx.identity, org, username, role)
    publishing.wrote(ctx.portal, ctx.identity, action, "organisation", change.organisation_id,
                     change.organisation_id)
    return {"group_id": change.organisation_id, "table_name": "user", "table_id": username,
            "capacity": change.after, "state": "active"}


def member_create(ctx: Context, p: MemberCreateParams) -> dict[str, Any]:
    if p.object_type != "user":
        raise Invalid("only users can be members of an organisation", field="object_type")
    return _set_role(ctx, "member_create", p.id, p.object, p.capacity, "capacity")


def organization_member_create(ctx: Context, p: OrganizationMemberCreateParams
                               ) -> dict[str, Any]:
    return _set_role(ctx, "organization_member_create", p.id, p.username, p.role, "role")


ACTIONS = (
    Action("organization_create", organization_create,
           "Create an organisation (sysadmins).",
           OrganizationCreateParams, writes=True),
    Action("organization_update", organization_update,
           "Change an organisation (its admins); a description not given is cleared.",
           OrganizationUpdateParams, writes=True),
    Action("organization_patch", organization_patch,
           "Change only the given fields of an organisation.",
           OrganizationUpdateParams, writes=True),
    Action("organization_delete", organization_delete,
           "Delete an organisation that has no datasets (sysadmins).",
           OrganizationIdParams, writes=True),
    Action("organization_list_for_user", organization_list_for_user,
           "The organisations you hold a role in.", ListForUserParams),
    Action("member_create", member_create,
           "Give a user a role in an organisation (its admins).",
           MemberCreateParams, writes=True),
    Action("organization_member_create", organization_member_create,
           "Give a user a role in an organisation (its admins).",
           OrganizationMemberCreateParams, writes=True),
)
