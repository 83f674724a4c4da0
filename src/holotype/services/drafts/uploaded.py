"""A draft from a finished upload (:mod:`holotype.services.uploads`, sent by the upload page or
a script through the tus endpoint): the upload is claimed, its file becomes the draft's (moved,
not copied), and the claimed folder is removed. When the draft refuses the file (the wrong
dataset, a resource that is not there, a file that cannot be read) or anything else goes wrong
before the draft has it, the upload is given back unchanged, to be handed over again: nothing
is lost.
"""

from __future__ import annotations

from pathlib import PurePath

from holotype.catalog.drafts import NAME_MAX
from holotype.errors import Invalid
from holotype.services import catalogue, uploads, visible
from holotype.services.context import Portal
from holotype.services.drafts import DraftInfo, start
from holotype.services.identity import Identity


def start_upload(portal: Portal, identity: Identity, dataset: str, upload_id: str,
                 resource: str | None = None, fmt: str | None = None,
                 id_field: str | None = None, *, new_resource: bool = False) -> DraftInfo:
    """Make a draft of ``identity``'s finished upload ``upload_id`` (sent for ``dataset``).

    ``resource`` is an existing records resource (id, slug or name) or, with ``new_resource``,
    the name of a new one (empty: named after the file). With neither, the draft is for the
    dataset's only records resource, or else for a new resource named after the file.
    Refused (not found) for an unknown or someone else's upload, and (conflict) for one whose
    bytes are not all there yet."""
    sent = uploads.finished(portal, identity, upload_id)
    if sent.kind != "records":
        raise Invalid(f"upload {upload_id} ({sent.name}) is an image, not records: a draft "
                      f"is made of {uploads.accepted_types().split(';')[0]}", field="upload")
    path, name = uploads.claim(portal, identity, upload_id)
    try:
        with portal.session() as session:
            found = visible.readable_dataset(session, identity, dataset)
            listed = [r for r in catalogue.list_resources(session, found.id)
                      if r.kind == "records"]
        if found.slug != sent.dataset:
            raise Invalid(f"upload {upload_id} was sent for dataset {sent.dataset!r}, not "
                          f"{found.slug!r}", field="upload")
        target = (resource or "").strip()
        if not target and not new_resource and len(listed) == 1:
            target = listed[0].id
        elif not target:
            new_resource, target = True, PurePath(name).stem.strip()[:NAME_MAX] or "records"
        made = start(portal, identity, found.slug, target, path, name, fmt, id_field,
                     new_resource=new_resource)
    except BaseException:  # refused, or anything else: the upload is not stranded
        if path.exists():  # the draft did not take it
            uploads.give_back(portal, identity, upload_id, path, dataset=sent.dataset,
                              name=sent.name)
        raise
    uploads.release(portal, upload_id)
    return made
