"""Images attached to records, scripted: ``media_attach`` takes finished image uploads (sent to
the tus endpoint) and attaches each to the record its file name gives, as one new version
(:mod:`holotype.services.media.uploaded`). A POST with an API token of the write scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from holotype.services.media.adding import Credits
from holotype.services.media.uploaded import MATCH, attach_uploads
from holotype.web.actions.params import Doc
from holotype.web.actions.registry import Action, Context


@dataclass(frozen=True, kw_only=True)
class MediaAttachParams:
    package_id: Annotated[str, Doc("The dataset's id or name (the one the uploads were sent "
                                   "for).")]
    upload_ids: Annotated[list[str], Doc(
        "Finished image uploads of yours sent to the tus endpoint (/api/uploads/tus/), by id "
        "(the last part of each upload's address).")]
    resource_id: Annotated[str | None, Doc(
        "The records resource (id, slug or name) whose records get the images; may be left "
        "out when the dataset has only one.")] = None
    match: Annotated[str, Doc(
        "The field whose value a file's name gives: VALUE.jpg, or VALUE_2.jpg / "
        "VALUE-dorsal.jpg for several images of one record.")] = MATCH
    creator: Annotated[str | None, Doc("Who made the images.")] = None
    rights_holder: Annotated[str | None, Doc("Who holds their rights.")] = None
    licence: Annotated[str | None, Doc("Their licence (a URL or SPDX id).")] = None


def media_attach(ctx: Context, p: MediaAttachParams) -> dict[str, Any]:
    attached = attach_uploads(ctx.portal, ctx.identity, p.package_id, p.resource_id or "",
                              p.upload_ids, p.match or MATCH,
                              Credits(p.creator, p.rights_holder, p.licence))
    return attached.as_dict()


ACTIONS = (
    Action("media_attach", media_attach,
           "Attach finished image uploads to the records their file names give, as one new "
           "version; files that match no record stay your uploads.", MediaAttachParams,
           writes=True),
)
