"""CKAN's write actions on packages (datasets) and resources, with CKAN's names and shapes.

They need an API token with the ``write`` scope (a browser's session cookie is not enough on
the API) and go through :mod:`holotype.services.publishing`, which asks the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from holotype.errors import Invalid
from holotype.services import catalogue_view, publishing
from holotype.web.actions.ckan import package_dict, resource_dict
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context

TAGS = Doc('Keywords, as CKAN writes them: [{"name": "insects"}].',
           shape={"items": {"type": "object", "properties": {"name": {"type": "string"}}}})

CREATORS = Doc(
    "The creators, in citation order (CKAN has no such field; its author is one line): "
    '[{"name": "Ada Smith", "orcid": "0000-0002-1825-0097", "affiliation": "NHM"}]. '
    "An ORCID iD (bare or as its https://orcid.org/ address) must have a correct check digit. "
    "Not given: package_create makes none, package_update and package_patch keep them.",
    shape={"items": {"type": "object", "properties": {
        "name": {"type": "string"}, "orcid": {"type": "string"},
        "affiliation": {"type": "string"}}}})


@dataclass(frozen=True, kw_only=True)
class PackageFieldParams:
    title: Annotated[str | None, Doc("The title.")] = None
    notes: Annotated[str | None, Doc("The description (Markdown).")] = None
    license_id: Annotated[str | None, Doc("The licence, e.g. CC-BY-4.0 or CC0-1.0.")] = None
    private: Annotated[bool | None, Doc("Private: only its organisation sees it.")] = None
    owner_org: Annotated[str | None, Doc("The organisation (id or name) publishing it.")] = None
    tags: Annotated[list[dict[str, Any]] | None, TAGS] = None
    tag_string: Annotated[str | None, Doc("Keywords separated by commas.")] = None
    category: Annotated[str | None, Doc("collection, research or other.")] = None
    doi: Annotated[str | None, Doc("The dataset's DOI, if it has one.")] = None
    creators: Annotated[list[dict[str, Any]] | None, CREATORS] = None


@dataclass(frozen=True, kw_only=True)
class PackageCreateParams(PackageFieldParams):
    name: Annotated[str, Doc("The name (slug) in its address: lowercase letters, digits, -.")]


@dataclass(frozen=True, kw_only=True)
class PackageUpdateParams(PackageFieldParams):
    id: Annotated[str | None, Doc("The dataset's id or name.")] = None
    name: Annotated[str | None, Doc("The dataset's name, if no id is given.")] = None


@dataclass(frozen=True, kw_only=True)
class PackageDeleteParams:
    id: Annotated[str, Doc("The dataset's id or name.")]


@dataclass(frozen=True, kw_only=True)
class ResourceCreateParams:
    package_id: Annotated[str, Doc("The dataset's id or name.")]
    name: Annotated[str | None, Doc("The resource's name (default: the file's).")] = None
    url: Annotated[str | None, Doc("A link: the resource is a plain file naming it.")] = None
    upload: Annotated[str | None, Doc(
        "A file of records, sent as multipart/form-data; it is ingested as the resource's "
        "first version.")] = None
    description: Annotated[str | None, Doc("What the resource holds.")] = None
    format: Annotated[str | None, Doc("Ignored: the format is read from the file.")] = None
    id_field: Annotated[str | None, Doc("The column identifying each record.")] = None


def _fields(p: PackageFieldParams, name: str | None) -> publishing.PackageFields:
    tags = None
    if p.tags is not None:
        tags = publishing.tag_names(p.tags)
    elif p.tag_string is not None:
        tags = [t.strip() for t in p.tag_string.split(",") if t.strip()]
    return publishing.PackageFields(
        name=name, title=p.title, notes=p.notes, license_id=p.license_id, private=p.private,
        owner_org=p.owner_org, tags=tags, category=p.category, doi=p.doi,
        creators=p.creators)


def _shown(ctx: Context, ref: str) -> dict[str, Any]:
    return package_dict(ctx, catalogue_view.dataset(ctx.portal, ctx.identity, ref))


def package_create(ctx: Context, p: PackageCreateParams) -> dict[str, Any]:
    created = publishing.package_create(ctx.portal, ctx.identity, _fields(p, p.name))
    return _shown(ctx, created.id)


def _change(ctx: Context, p: PackageUpdateParams, action: str, replace: bool) -> dict[str, Any]:
    ref = p.id or p.name
    if not ref:
        raise Invalid("Missing value", field="id")
    changed = publishing.package_change(ctx.portal, ctx.identity, ref, _fields(p, p.name),
                                        action, replace)
    return _shown(ctx, changed.id)


def package_update(ctx: Context, p: PackageUpdateParams) -> dict[str, Any]:
    return _change(ctx, p, "package_update", replace=True)


def package_patch(ctx: Context, p: PackageUpdateParams) -> dict[str, Any]:
    return _change(ctx, p, "package_patch", replace=False)


def package_delete(ctx: Context, p: PackageDeleteParams) -> None:
    publishing.package_delete(ctx.portal, ctx.identity, p.id)


def resource_create(ctx: Context, p: ResourceCreateParams) -> dict[str, Any]:
    upload = ctx.files.get("upload")
    if upload is None and p.upload is not None:
        raise Invalid("send the file itself as multipart/form-data", field="upload")
    made = publishing.resource_create(
        ctx.portal, ctx.identity, p.package_id, p.name or "",
        upload=upload.path if upload else None, upload_name=upload.filename if upload else "",
        url=p.url, description=p.description or "", id_field=p.id_field)
    return resource_dict(ctx, made)


ACTIONS = (
    Action("package_create", package_create,
           "Create a dataset (needs an API token with the write scope).",
           PackageCreateParams, writes=True),
    Action("package_update", package_update,
           "Change a dataset: fields not given keep their value, but notes and tags are "
           "cleared, as CKAN does.",
           PackageUpdateParams, writes=True),
    Action("package_patch", package_patch, "Change only the given fields of a dataset.",
           PackageUpdateParams, writes=True),
    Action("package_delete", package_delete,
           "Delete a dataset with its resources and records.",
           PackageDeleteParams, writes=True),
    Action("resource_create", resource_create,
           "Add a resource: upload a file of records (multipart), or give a url.",
           ResourceCreateParams, writes=True),
)
