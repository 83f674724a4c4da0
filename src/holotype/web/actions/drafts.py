"""Review before publishing, scripted: make a draft from a file, follow it, publish or
discard it (:mod:`holotype.services.drafts`). Every draft action is a POST with an API token
of the write scope, and answers only about datasets the token's user may change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from holotype.errors import Invalid
from holotype.services import drafts, publishing
from holotype.services.drafts import uploaded
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context


@dataclass(frozen=True, kw_only=True)
class DraftCreateParams:
    package_id: Annotated[str, Doc("The dataset's id or name.")]
    resource_id: Annotated[str | None, Doc(
        "The records resource (id or name) whose next version the file is to be.")] = None
    name: Annotated[str | None, Doc(
        "Instead of resource_id: the name of a new resource the file is to be the first "
        "version of.")] = None
    upload: Annotated[str | None, Doc(
        "The file, sent as multipart/form-data (CSV, TSV, XLSX, JSON, JSON Lines or a Darwin "
        "Core Archive).")] = None
    upload_id: Annotated[str | None, Doc(
        "Instead of upload: a finished upload of yours sent to the tus endpoint "
        "(/api/uploads/tus/), by its id (the last part of its address). Without resource_id or "
        "name it goes to the dataset's only records resource, or else to a new resource named "
        "after the file.")] = None
    format: Annotated[str | None, Doc("The file's format, when its name does not say.")] = None
    id_field: Annotated[str | None, Doc(
        "The column identifying each record (a new resource's first version).")] = None


@dataclass(frozen=True, kw_only=True)
class DraftParams:
    id: Annotated[str, Doc("The draft's id.")]


@dataclass(frozen=True, kw_only=True)
class DraftPublishParams(DraftParams):
    id_field: Annotated[str | None, Doc(
        "Another column to identify records by than the review chose (a resource's first "
        "version only).")] = None
    renames: Annotated[dict[str, str] | None, Doc(
        'Accepted column renames, {"column": "Darwin Core term"} (e.g. the review\'s '
        "suggestions).", shape={"additionalProperties": {"type": "string"}})] = None
    on_corrections: Annotated[Literal["keep", "source"] | None, Doc(
        "When the file would undo accepted corrections (refused without this): keep (the new "
        "version keeps the corrected values) or source (take the file's values; those "
        "corrections are superseded).")] = None


@dataclass(frozen=True, kw_only=True)
class DraftListParams:
    package_id: Annotated[str, Doc("The dataset's id or name.")]


def _token(ctx: Context, what: str) -> None:
    publishing.require_writer(ctx.portal, ctx.identity, what, "drafts")


def draft_create(ctx: Context, p: DraftCreateParams) -> dict[str, Any]:
    upload = ctx.files.get("upload")
    if p.resource_id and p.name:
        raise Invalid("give either resource_id (an existing resource) or name (a new one)",
                      field="resource_id")
    if p.upload_id and upload is None:
        return uploaded.start_upload(ctx.portal, ctx.identity, p.package_id, p.upload_id,
                                     p.resource_id or p.name, p.format, p.id_field,
                                     new_resource=bool(p.name)).as_dict()
    if upload is None:
        raise Invalid("send the file as upload, in multipart/form-data (or the upload_id of "
                      "a finished upload)", field="upload")
    if bool(p.resource_id) == bool(p.name):
        raise Invalid("give either resource_id (an existing resource) or name (a new one)",
                      field="resource_id")
    made = drafts.start(ctx.portal, ctx.identity, p.package_id, p.resource_id or p.name or "",
                        upload.path, upload.filename, p.format, p.id_field,
                        new_resource=bool(p.name))
    return made.as_dict()


def draft_show(ctx: Context, p: DraftParams) -> dict[str, Any]:
    _token(ctx, "see drafts")
    return drafts.show(ctx.portal, ctx.identity, p.id).as_dict()


def draft_list(ctx: Context, p: DraftListParams) -> list[dict[str, Any]]:
    _token(ctx, "see drafts")
    return [d.as_dict() for d in drafts.list_drafts(ctx.portal, ctx.identity, p.package_id)]


def draft_publish(ctx: Context, p: DraftPublishParams) -> dict[str, Any]:
    outcome = drafts.publish(ctx.portal, ctx.identity, p.id, id_field=p.id_field,
                             renames=p.renames, on_corrections=p.on_corrections)
    result = outcome.result
    return {"resource_id": outcome.resource.id, "resource_name": outcome.resource.name,
            "version": result.version, "added": result.added, "changed": result.changed,
            "removed": result.removed, "total": result.total}


def draft_discard(ctx: Context, p: DraftParams) -> None:
    drafts.discard(ctx.portal, ctx.identity, p.id)


ACTIONS = (
    Action("draft_create", draft_create,
           "Make a draft: upload a file (multipart), or name a finished tus upload "
           "(upload_id), for a resource; a worker reads and reviews it (follow it with "
           "draft_show).", DraftCreateParams, writes=True),
    Action("draft_show", draft_show,
           "A draft's status, progress (step, rows read) and, once ready, its review.",
           DraftParams, writes=True),
    Action("draft_list", draft_list, "A dataset's drafts, newest first.", DraftListParams,
           writes=True),
    Action("draft_publish", draft_publish,
           "Publish a draft as its resource's next version (refused while its review has "
           "errors).", DraftPublishParams, writes=True),
    Action("draft_discard", draft_discard, "Discard a draft and its file.", DraftParams,
           writes=True),
)
