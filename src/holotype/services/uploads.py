"""Files sent to the portal in pieces (the tus protocol, served by :mod:`holotype.web.tus`):
who may upload, which files, where they are kept, and handing a finished one over.

Each signed-in user has a folder of their own, ``DATA_DIR/uploads/users/<user id>``, where
the tus server keeps each upload as ``<upload id>`` (the bytes received so far) and
``<upload id>.info`` (the tus server's own record of it). When the last byte arrives,
:func:`finish` writes ``<upload id>.done`` (the file's name, its dataset and kind). Since every
look-up happens in the asking user's own folder, nobody else can resume, end or claim an upload:
to them it does not exist.

:func:`claim` hands a finished upload over (to a draft of the dataset): the file moves to
``DATA_DIR/uploads/claimed/<upload id>/<file name>``, which the caller owns from then on: it
moves the file away and calls :func:`release` (or :func:`give_back`, to undo the claim when it
refuses the file); the upload itself is gone. Abandoned uploads are deleted by
:mod:`holotype.services.upload_sweep`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from holotype.catalog.snapshots import DatasetInfo
from holotype.errors import Conflict, Forbidden, Invalid, NotFound, SignInRequired, TooLarge
from holotype.services import guard, policy, visible
from holotype.services.identity import Identity, Kind, Scope

if TYPE_CHECKING:
    from holotype.services.context import Portal

RECORD_TYPES = {".csv": "CSV", ".tsv": "TSV", ".xlsx": "XLSX", ".json": "JSON",
                ".jsonl": "JSONL", ".zip": "Darwin Core Archive (ZIP)"}
MEDIA_TYPES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".tif": "TIFF", ".tiff": "TIFF"}
DONE = ".done"
_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True)
class Started:
    """An upload the portal agreed to take: the dataset's slug, the file's name and kind."""

    dataset: str
    name: str
    kind: str  # "records" or "media"


def root(portal: Portal) -> Path:
    """Where every upload is kept (under the site's data directory)."""
    return portal.settings.data_dir / "uploads"


def users_root(portal: Portal) -> Path:
    return root(portal) / "users"


def folder(portal: Portal, identity: Identity) -> Path:
    """``identity``'s own upload folder; only a signed-in user (or an API token) has one."""
    if identity.kind != Kind.USER or not identity.user_id:
        raise SignInRequired("sign in (or send an API token) to upload files", field="upload")
    return users_root(portal) / identity.user_id


def folder_to_change(portal: Portal, identity: Identity) -> Path:
    """``identity``'s own upload folder, to send bytes to or end an upload in: refused
    (audited) to an API token that may only read."""
    own = folder(portal, identity)
    guard.require(portal, identity, Scope.WRITE in identity.scopes,
                  "this API token may only read, so it may not send or end uploads; create "
                  "one with the write scope", field="scope", target_type="api_token",
                  target_id=identity.token_id or "")
    return own


def accepted_types() -> str:
    """The file types the portal takes, in words (for messages and pages)."""
    records = ", ".join(dict.fromkeys(RECORD_TYPES.values()))
    media = ", ".join(dict.fromkeys(MEDIA_TYPES.values()))
    return f"records as {records}; images as {media}"


def kind_of(name: str) -> str:
    """``records`` or ``media`` by the file name's extension; any other is refused."""
    suffix = PurePath(name).suffix.lower()
    if suffix in RECORD_TYPES:
        return "records"
    if suffix in MEDIA_TYPES:
        return "media"
    raise Invalid(f"{name!r} is not a type of file the portal takes ({accepted_types()})",
                  field="filename")


def check_size(portal: Portal, length: int | None) -> None:
    """Refuse an empty file, or one over the site's ``max_upload_bytes``."""
    limit = portal.settings.max_upload_bytes
    if length is None:
        return  # declared later (tus creation-defer-length): the tus server stops at the limit
    if length <= 0:
        raise Invalid("the file is empty", field="Upload-Length")
    if length > limit:
        raise TooLarge(f"the file is {length:,} bytes; this portal takes files of at most "
                       f"{limit:,} bytes", field="Upload-Length")


def start(portal: Portal, identity: Identity, *, dataset: str, name: str,
          length: int | None) -> Started:
    """Check a new upload before any byte is kept: who asks (signed in, and allowed to change
    ``dataset``), the file's name and type, and its declared size."""
    folder_to_change(portal, identity)
    if not name.strip():
        raise Invalid("the upload's metadata must give the file's name (filename)",
                      field="filename")
    kind = kind_of(name)
    check_size(portal, length)
    if not dataset.strip():
        raise Invalid("the upload's metadata must name the dataset the file is for (dataset)",
                      field="dataset")
    guard.require_change(portal, identity, dataset)
    with portal.session() as session:  # a sysadmin passes the guard even for no dataset
        found = visible.readable_dataset(session, identity, dataset)
    return Started(found.slug, PurePath(name).name, kind)


def _done_path(portal: Portal, identity: Identity, upload_id: str) -> Path:
    if not _UPLOAD_ID.fullmatch(upload_id):
        raise NotFound(f"there is no upload {upload_id!r} of yours", field="upload")
    return folder(portal, identity) / f"{upload_id}{DONE}"


def finish(portal: Portal, identity: Identity, upload_id: str, *, dataset: str,
           name: str) -> None:
    """Note that all of ``upload_id`` (the file ``name`` for ``dataset``) has arrived; the tus
    server calls this once, when the last byte is written."""
    done = _done_path(portal, identity, upload_id)
    temporary = done.with_suffix(".tmp")
    temporary.write_text(json.dumps({"name": PurePath(name).name, "dataset": dataset,
                                     "kind": kind_of(name)}))
    os.replace(temporary, done)


def finished(portal: Portal, identity: Identity, upload_id: str) -> Started:
    """The finished upload ``upload_id`` of ``identity``: NotFound if it has none by that id
    (another user's included), Conflict while bytes are still missing."""
    done = _done_path(portal, identity, upload_id)
    if not done.with_suffix("").exists():
        raise NotFound(f"there is no upload {upload_id!r} of yours", field="upload")
    if not done.exists():
        raise Conflict(f"upload {upload_id!r} is not finished: resume it to send the rest",
                       field="upload")
    record = json.loads(done.read_text())
    return Started(record["dataset"], record["name"], record["kind"])


def finished_list(portal: Portal, identity: Identity, dataset: str, kind: str
                  ) -> list[tuple[str, Started]]:
    """``identity``'s finished uploads of ``kind`` sent for ``dataset`` (upload id, what it
    is), oldest first: those not handed over yet (an image waiting to be attached, say)."""
    own = folder(portal, identity)
    found = []
    for done in own.glob(f"*{DONE}") if own.is_dir() else ():
        upload_id = done.name.removesuffix(DONE)
        if not _UPLOAD_ID.fullmatch(upload_id) or not (own / upload_id).exists():
            continue
        try:
            record = json.loads(done.read_text())
            started = Started(record["dataset"], record["name"], record["kind"])
            when = done.stat().st_mtime
        except (OSError, ValueError, KeyError):
            continue  # being written or removed right now
        if started.dataset == dataset and started.kind == kind:
            found.append((when, upload_id, started))
    return [(upload_id, started) for _, upload_id, started in sorted(found)]


def claim(portal: Portal, identity: Identity, upload_id: str) -> tuple[Path, str]:
    """Take over the finished upload ``upload_id``: its file's path (now the caller's) and its
    original name. Refused for an unknown, unfinished or someone else's upload, and when
    ``identity`` may no longer change the dataset it was sent for."""
    started = finished(portal, identity, upload_id)
    guard.require_change(portal, identity, started.dataset)
    own = folder(portal, identity)
    target = root(portal) / "claimed" / upload_id / (_safe_name(started.name))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(own / upload_id, target)
    except FileNotFoundError:  # claimed by a request a moment before this one
        raise NotFound(f"there is no upload {upload_id!r} of yours", field="upload") from None
    remove(own, upload_id)
    return target, started.name


def give_back(portal: Portal, identity: Identity, upload_id: str, path: Path, *,
              dataset: str, name: str) -> None:
    """Undo :func:`claim` (what was to take the file refused it): the file at ``path`` is
    ``identity``'s finished upload ``upload_id`` again, to be claimed once more."""
    own = folder(portal, identity)
    own.mkdir(parents=True, exist_ok=True)
    os.replace(path, own / upload_id)
    finish(portal, identity, upload_id, dataset=dataset, name=name)
    release(portal, upload_id)


def release(portal: Portal, upload_id: str) -> None:
    """Delete what is left of the claimed upload ``upload_id`` (its folder under
    ``claimed/``, emptied when its file was taken)."""
    if _UPLOAD_ID.fullmatch(upload_id):
        shutil.rmtree(root(portal) / "claimed" / upload_id, ignore_errors=True)


def remove(own: Path, upload_id: str) -> None:
    """Delete what is kept of ``upload_id`` in the folder ``own`` (its data, the tus server's
    record and lock, the finish note); what is already gone is no error."""
    for path in (own / upload_id, *own.glob(f"{upload_id}.*"),
                 own / ".locks" / f"{upload_id}.lock"):
        path.unlink(missing_ok=True)


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", PurePath(name).name).strip(" .")
    return cleaned or "upload"


def upload_target(portal: Portal, identity: Identity, ref: str) -> DatasetInfo:
    """The dataset ``ref`` for its upload page: not found unless ``identity`` may read it,
    refused (not audited: nothing is changed yet) unless it may add data to it."""
    folder(portal, identity)
    with portal.session() as session:
        dataset = visible.readable_dataset(session, identity, ref)
    if not policy.may_publish(identity, dataset):
        raise Forbidden(f"only an editor or admin of dataset {dataset.slug!r}'s organisation "
                        "may add files to it", field="dataset")
    return dataset
