"""Images sent through the upload page (or a script, through the tus endpoint) attached to the
records their file names give: ``holotype media add`` (:mod:`holotype.services.media.adding`)
for finished uploads instead of a folder.

Every upload named is checked before any is claimed: it must be ``identity``'s own, finished,
an image, and sent for the dataset asked about, and the resource must be one of that dataset's
records resources. The uploads are then claimed (:func:`holotype.services.uploads.claim`), put
in one work folder under their original names, and added as one new version. When the adding
refuses them (a file that is not a readable image, one that fits several records, a resource
without ids...), every upload is given back unchanged, to be attached again: nothing is lost.
So are the files whose names match no record, which stay the user's uploads (to be attached
with another match field, say); the others are gone once their images are stored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from holotype.errors import Invalid, ServiceError
from holotype.services import drafts, uploads
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.media.adding import AddOutcome, Credits, add_images
from holotype.services.workdirs import work_dir
from holotype.store import Progress

MATCH = "catalogNumber"  # the field file names give by default, as for ``holotype media add``
MAX_UPLOADS = 10_000  # upload ids in one request


@dataclass(frozen=True)
class Claimed:
    upload_id: str
    sent: uploads.Started
    path: Path  # where the claimed file is (under uploads/claimed/)


@dataclass
class Attached:
    """What attaching gave: the resource, and for the editor, what happened to each file."""

    resource: dict[str, str]  # id, slug, name
    match: str
    outcome: AddOutcome
    kept: dict[str, str] = field(default_factory=dict)  # unmatched file name -> upload id

    @property
    def version(self) -> int | None:
        return self.outcome.ingest.result.version if self.outcome.ingest else None

    @property
    def changed(self) -> int:
        return self.outcome.ingest.result.changed if self.outcome.ingest else 0

    def as_dict(self) -> dict[str, Any]:
        records = [{"value": value, "record_id": self.outcome.record_ids.get(value, ""),
                    "files": names} for value, names in sorted(self.outcome.matched.items())]
        return {"resource_id": self.resource["id"], "resource_name": self.resource["name"],
                "match": self.match, "version": self.version, "images_added": self.outcome.added,
                "records_changed": self.changed, "records": records,
                "unmatched": [{"file_name": name, "upload_id": upload_id}
                              for name, upload_id in self.kept.items()]}


def attach_uploads(portal: Portal, identity: Identity, dataset: str, resource: str,
                   upload_ids: list[str], match: str = MATCH, credits: Credits | None = None,
                   progress: Progress | None = None) -> Attached:
    """Attach ``identity``'s finished image uploads ``upload_ids`` (sent for ``dataset``) to
    the records of ``resource`` (id, slug or name, of that dataset) whose ``match`` field
    their file names give."""
    wanted = list(dict.fromkeys(u.strip() for u in upload_ids if u.strip()))
    if not wanted:
        raise Invalid("name the finished image uploads to attach (upload_ids)",
                      field="upload_ids")
    if len(wanted) > MAX_UPLOADS:
        raise Invalid(f"at most {MAX_UPLOADS:,} uploads at once", field="upload_ids")
    slug = uploads.upload_target(portal, identity, dataset).slug  # may add data to it
    target = _resource(portal, identity, slug, resource)
    sent = {upload_id: _checked(portal, identity, upload_id, slug) for upload_id in wanted}
    names: dict[str, str] = {}
    for upload_id, started in sent.items():
        if started.name in names:
            raise Invalid(f"uploads {names[started.name]} and {upload_id} are both named "
                          f"{started.name!r}: attach them one at a time", field="upload_ids")
        names[started.name] = upload_id
    claimed: list[Claimed] = []
    try:
        for upload_id, started in sent.items():
            path, _name = uploads.claim(portal, identity, upload_id)
            claimed.append(Claimed(upload_id, started, path))
        attached = _attach(portal, identity, target, claimed, match.strip() or MATCH,
                           credits, progress)
    except BaseException:
        _give_back(portal, identity, claimed)
        raise
    for item in claimed:
        if item.sent.name in attached.kept:
            _give_back(portal, identity, [item])
        else:
            uploads.release(portal, item.upload_id)
    return attached


def _resource(portal: Portal, identity: Identity, dataset: str, resource: str
              ) -> dict[str, str]:
    listed = drafts.records_resources(portal, identity, dataset)
    ref = resource.strip()
    if not ref and len(listed) == 1:
        return listed[0]
    for found in listed:
        if ref in (found["id"], found["slug"]) or ref.casefold() == found["name"].casefold():
            return found
    have = ", ".join(repr(r["name"]) for r in listed) or "none"
    raise Invalid(f"choose one of the dataset's records resources for the images (it has "
                  f"{have}), not {ref!r}" if ref else
                  f"choose which of the dataset's records resources ({have}) the images are "
                  "for", field="resource")


def _checked(portal: Portal, identity: Identity, upload_id: str, dataset: str
             ) -> uploads.Started:
    """The finished upload, refused unless it is an image sent for ``dataset``."""
    started = uploads.finished(portal, identity, upload_id)
    if started.kind != "media":
        kinds = ", ".join(dict.fromkeys(uploads.MEDIA_TYPES.values()))
        raise Invalid(f"upload {upload_id} ({started.name}) is not an image: only images "
                      f"({kinds}) are attached to records", field="upload_ids")
    if started.dataset != dataset:
        raise Invalid(f"upload {upload_id} was sent for dataset {started.dataset!r}, not "
                      f"{dataset!r}", field="upload_ids")
    if started.name.startswith(".") or started.name != PurePath(started.name).name:
        raise Invalid(f"upload {upload_id}'s file name {started.name!r} cannot name a record",
                      field="upload_ids")
    return started


def _attach(portal: Portal, identity: Identity, target: dict[str, str],
            claimed: list[Claimed], match: str, credits: Credits | None,
            progress: Progress | None) -> Attached:
    """The claimed files, under their own names in one work folder, added by
    :func:`add_images`; the files go back where they were claimed whatever happens."""
    with work_dir(portal.work_dir) as work:
        folder = work / "images"
        folder.mkdir()
        moved: list[tuple[Path, Path]] = []
        try:
            for item in claimed:
                placed = folder / item.sent.name
                os.replace(item.path, placed)
                moved.append((placed, item.path))
            outcome = add_images(portal, identity, target["id"], folder, match=match,
                                 credits=credits, progress=progress)
        finally:
            for placed, back in moved:
                os.replace(placed, back)
    by_name = {item.sent.name: item.upload_id for item in claimed}
    kept = {name: by_name[name] for name in outcome.unmatched_files if name in by_name}
    return Attached(target, match, outcome, kept)


def _give_back(portal: Portal, identity: Identity, claimed: list[Claimed]) -> None:
    for item in claimed:
        try:
            uploads.give_back(portal, identity, item.upload_id, item.path,
                              dataset=item.sent.dataset, name=item.sent.name)
        except (OSError, ServiceError):
            continue  # the others still go back
