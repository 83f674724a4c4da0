"""Review before publishing: a file given for a resource becomes a draft, read and checked in
the background (:mod:`holotype.services.drafts.worker`), reviewed by the editor, then published
as the resource's next version or discarded.

Nothing of a draft is in the record store until it is published, so nothing of it is in any
search, count, statistic or download. A draft is seen only by those who may change its dataset
(:func:`holotype.services.policy.may_publish`): to everyone else it does not exist (not found),
and anonymous visitors are asked to sign in. Its row in the catalogue (also its job on the one
durable queue) and its folder (:mod:`holotype.services.drafts.files`) survive restarts.

Publishing goes through the ingest's own steps (:func:`holotype.services.records.commit_staged`
then :func:`holotype.services.records.committed`, the post-commit hooks): one path, not a copy.
A draft whose review found errors is not published (:class:`DraftHasErrors`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from holotype.catalog.base import new_id
from holotype.catalog.drafts import NAME_MAX, Draft, DraftStatus
from holotype.catalog.snapshots import DatasetInfo
from holotype.darwin_core import is_term
from holotype.errors import Conflict, Invalid, NotFound, SignInRequired
from holotype.ingest.errors import IngestError
from holotype.locking import Busy
from holotype.services import (
    catalogue,
    correction_guard,
    guard,
    policy,
    publishing,
    records,
    visible,
)
from holotype.services.context import Portal
from holotype.services.drafts import claims, files
from holotype.services.drafts.review import Review
from holotype.services.identity import Identity, Kind
from holotype.services.post_commit import POST_COMMIT_HOOKS
from holotype.store import CommitResult, Progress, Source, check_id_field
from holotype.store import review as checks
from holotype.store.errors import CommitError
from holotype.store.review import Finding

__all__ = ["DraftHasErrors", "DraftInfo", "Review", "discard", "list_drafts", "may_review",
           "publish", "records_resources", "show", "start"]

WAITING = (DraftStatus.QUEUED.value, DraftStatus.READING.value, DraftStatus.REVIEWING.value)


class DraftHasErrors(Invalid):
    """Publishing refused: the review found errors (``findings``). Nothing was committed."""

    def __init__(self, draft_id: str, findings: list[Finding]) -> None:
        listed = "; ".join(_where(f) + f.message for f in findings[:5])
        more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
        super().__init__(f"draft {draft_id} cannot be published: its review found "
                         f"{len(findings)} error{'s' if len(findings) != 1 else ''}: "
                         f"{listed}{more}", field="draft")
        self.findings = findings


def _where(finding: Finding) -> str:
    parts = [f"row {finding.row}"] if finding.row is not None else []
    parts += [f"column {finding.column!r}"] if finding.column else []
    return ", ".join(parts) + ": " if parts else ""


@dataclass(frozen=True)
class DraftInfo:
    id: str
    dataset: DatasetInfo
    resource_id: str | None  # None: a new resource, named ``resource_name``
    resource_name: str  # the resource's name (an existing one's, or the new one's)
    file_name: str
    status: str  # queued, reading, reviewing, ready, failed
    step: str | None
    rows_read: int
    reason: str | None  # why it failed (or why it is being read again)
    errors: int
    warnings: int
    created: datetime
    finished: datetime | None
    review: Review | None = None  # once ready (show only)

    @property
    def waiting(self) -> bool:
        return self.status in WAITING

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "dataset": self.dataset.slug, "resource_id": self.resource_id,
                "resource_name": self.resource_name, "new_resource": self.resource_id is None,
                "file_name": self.file_name, "status": self.status, "waiting": self.waiting,
                "step": self.step,
                "rows_read": self.rows_read, "reason": self.reason, "errors": self.errors,
                "warnings": self.warnings, "created": self.created.isoformat(),
                "finished": self.finished.isoformat() if self.finished else None,
                "review": self.review.as_dict() if self.review else None}


def _changeable(portal: Portal, identity: Identity, dataset_ref: str) -> DatasetInfo:
    """The dataset, if ``identity`` may change it; otherwise not found (never audited: this is
    a read of something that, for them, does not exist)."""
    if identity.kind == Kind.ANONYMOUS:
        raise SignInRequired("sign in to see the drafts of a dataset you may change")
    with portal.session() as session:
        dataset = visible.readable_dataset(session, identity, dataset_ref)
    if not policy.may_publish(identity, dataset):
        raise NotFound(f"there is no dataset {dataset_ref!r} whose drafts you may see",
                       field="dataset")
    return dataset


def may_review(portal: Portal, identity: Identity, dataset: str) -> bool:
    """Whether ``identity`` may make and see drafts of ``dataset`` (a page offers the link)."""
    try:
        _changeable(portal, identity, dataset)
    except (NotFound, SignInRequired):
        return False
    return True


def _info(portal: Portal, draft: Draft, dataset: DatasetInfo) -> DraftInfo:
    name = draft.resource_name or ""
    if draft.resource_id is not None:
        with portal.session() as session:
            name = catalogue.get_resource(session, draft.resource_id).name
    return DraftInfo(draft.id, dataset, draft.resource_id, name, draft.file_name, draft.status,
                     draft.step, draft.rows_read, draft.reason, draft.errors, draft.warnings,
                     draft.created, draft.finished)


def _find(portal: Portal, identity: Identity, draft_id: str, dataset_ref: str | None = None
          ) -> tuple[DraftInfo, Draft]:
    """The draft, if ``identity`` may see it (and it is of ``dataset_ref``, when given)."""
    if identity.kind == Kind.ANONYMOUS:
        raise SignInRequired("sign in to see the drafts of a dataset you may change")
    unknown = NotFound(f"there is no draft {draft_id!r}", field="draft")
    with portal.session() as session:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise unknown
        session.expunge(draft)
    try:
        dataset = _changeable(portal, identity, draft.dataset_id)
    except NotFound:
        raise unknown from None
    if dataset_ref is not None and dataset_ref not in (dataset.slug, dataset.id):
        raise unknown
    return _info(portal, draft, dataset), draft


def start(portal: Portal, identity: Identity, dataset: str, resource: str, path: Path,
          display_name: str, fmt: str | None = None, id_field: str | None = None, *,
          new_resource: bool = False, mode: str = "update") -> DraftInfo:
    """Make a draft of the file at ``path`` (which the draft takes: it is moved into the
    draft's folder) for ``resource`` of ``dataset``: an existing records resource (its id or
    slug), or with ``new_resource`` the name of a new one. The file is read and reviewed by a
    worker; the draft is returned queued."""
    publishing.require_writer(portal, identity, "make drafts", dataset)
    guard.require_change(portal, identity, dataset)
    with portal.session() as session:
        found = visible.readable_dataset(session, identity, dataset)
    name = display_name or path.name
    resource_id: str | None = None
    resource_name: str | None = resource.strip()
    if new_resource:
        if not resource_name:
            raise Invalid("give the new resource a name", field="resource")
        if len(resource_name) > NAME_MAX:
            raise Invalid(f"the name is longer than {NAME_MAX} characters", field="resource")
    else:
        target = _resource_of(portal, found, resource)
        resource_id, resource_name = target.id, None
        try:
            check_id_field(portal.store.resource(target.id).manifest(), id_field, name)
        except CommitError as refused:
            raise Invalid(refused.location_message(), field="id_field") from None
    try:
        records.check_file(portal, path, name, mode)
    except IngestError as refused:
        raise Invalid(refused.location_message(), field="file") from None
    # The file is in the draft's folder before the draft is queued: a worker may claim it at
    # once. If the draft cannot be recorded, the file goes back where it was.
    draft_id = new_id()
    taken = files.take(path, files.folder(portal, draft_id), name)
    try:
        with portal.write_session() as session:
            session.add(Draft(
                id=draft_id, dataset_id=found.id, resource_id=resource_id,
                resource_name=resource_name, file_name=name[:NAME_MAX], fmt=fmt or None,
                id_field=id_field or None, mode=mode, created_by=identity.user_id,
                status=DraftStatus.QUEUED.value, attempts=0, rows_read=0, errors=0, warnings=0,
                step="waiting for a worker"))
    except BaseException:
        shutil.move(os.fspath(taken), path)
        files.remove(files.folder(portal, draft_id))
        raise
    return show(portal, identity, draft_id)


def _resource_of(portal: Portal, dataset: DatasetInfo, ref: str) -> Any:
    """The dataset's records resource ``ref`` (id, slug or name)."""
    with portal.session() as session:
        resources = catalogue.list_resources(session, dataset.id)
    for resource in resources:
        if ref in (resource.id, resource.slug, resource.name):
            if resource.kind != "records":
                raise Invalid(f"resource {ref!r} holds a plain file, not records",
                              field="resource")
            return resource
    raise NotFound(f"dataset {dataset.slug!r} has no resource {ref!r}", field="resource")


def records_resources(portal: Portal, identity: Identity, dataset: str
                      ) -> list[dict[str, str]]:
    """The dataset's records resources a draft may be made for (id, slug, name)."""
    found = _changeable(portal, identity, dataset)
    with portal.session() as session:
        resources = catalogue.list_resources(session, found.id)
    return [{"id": r.id, "slug": r.slug, "name": r.name} for r in resources
            if r.kind == "records"]


def show(portal: Portal, identity: Identity, draft_id: str, dataset: str | None = None
         ) -> DraftInfo:
    """The draft with its progress, and its review once it is ready."""
    info, _draft = _find(portal, identity, draft_id, dataset)
    if info.status != DraftStatus.READY.value:
        return info
    saved = files.load(files.folder(portal, draft_id))
    review = Review.of(saved.review) if saved else None
    return DraftInfo(**{**info.__dict__, "review": review})


def list_drafts(portal: Portal, identity: Identity, dataset: str) -> list[DraftInfo]:
    """The dataset's drafts, newest first."""
    found = _changeable(portal, identity, dataset)
    with portal.session() as session:
        drafts = session.scalars(select(Draft).where(Draft.dataset_id == found.id)
                                 .order_by(Draft.created.desc(), Draft.id)).all()
        session.expunge_all()
    return [_info(portal, d, found) for d in drafts]


def discard(portal: Portal, identity: Identity, draft_id: str, dataset: str | None = None
            ) -> None:
    """Remove the draft and its folder; nothing of it stays."""
    info, _draft = _find(portal, identity, draft_id, dataset)
    publishing.require_writer(portal, identity, "discard drafts", draft_id)
    guard.require_publish(portal, identity, info.dataset, field="draft")
    _remove(portal, draft_id)


def _remove(portal: Portal, draft_id: str) -> None:
    with portal.write_session() as session:
        draft = session.get(Draft, draft_id)
        if draft is not None:
            session.delete(draft)
    files.remove(files.folder(portal, draft_id))


def _renames(review: Review, renames: dict[str, str] | None) -> dict[str, str]:
    """Accepted renames (column -> Darwin Core term), checked against the file's columns."""
    wanted = {k: v.strip() for k, v in (renames or {}).items() if v and v.strip() != k}
    fields = set(review.fields)
    for column, term in wanted.items():
        if column not in fields:
            raise Invalid(f"the file has no column {column!r} to rename", field="renames")
        if not is_term(term):
            raise Invalid(f"{term!r} is not a Darwin Core term (column {column!r})",
                          field="renames")
    after = [wanted.get(f, f) for f in review.fields]
    clashes = sorted({f for f in after if after.count(f) > 1})
    if clashes:
        raise Invalid(f"after renaming, more than one column would be called "
                      f"{', '.join(map(repr, clashes))}", field="renames")
    return wanted


def publish(portal: Portal, identity: Identity, draft_id: str, *, dataset: str | None = None,
            id_field: str | None = None, renames: dict[str, str] | None = None,
            index: bool = True, progress: Progress | None = None,
            on_corrections: str | None = None) -> records.IngestOutcome:
    """Commit the draft's staged file as its resource's next version (``id_field``: another
    column of the file to identify records by, for a resource's first version; ``renames``:
    accepted column renames), then remove the draft. Refused, committing nothing, while the
    draft is being read, when it failed, or when its review found errors
    (:class:`DraftHasErrors`), and when it would undo accepted corrections unless
    ``on_corrections`` is ``keep`` or ``source`` (:mod:`holotype.services.correction_guard`)."""
    correction_guard.check_choice(on_corrections)
    info, draft = _find(portal, identity, draft_id, dataset)
    publishing.require_writer(portal, identity, "publish drafts", draft_id)
    guard.require_publish(portal, identity, info.dataset, field="draft")
    saved = files.load(files.folder(portal, draft_id))
    if info.status == DraftStatus.FAILED.value:
        raise Invalid(f"draft {draft_id} could not be read: {info.reason}", field="draft")
    if info.status != DraftStatus.READY.value or saved is None:
        raise Invalid(f"draft {draft_id} is still being read ({info.step}); publish it once "
                      "its review is ready", field="draft")
    claims.claim(portal, draft_id)
    try:
        outcome = _publish(portal, identity, draft_id, info, draft, saved, id_field, renames,
                           index, progress, on_corrections)
    except BaseException:
        claims.unclaim(portal, draft_id)
        raise
    _remove(portal, draft_id)
    return outcome


def _publish(portal: Portal, identity: Identity, draft_id: str, info: DraftInfo, draft: Draft,
             saved: files.Saved, id_field: str | None, renames: dict[str, str] | None,
             index: bool, progress: Progress | None, on_corrections: str | None,
             ) -> records.IngestOutcome:
    review = Review.of(saved.review)
    accepted = _renames(review, renames)
    chosen = id_field or review.id_field
    if id_field and review.id_field_fixed and id_field != review.id_field:
        raise Invalid(f"this resource identifies records by {review.id_field}; it cannot "
                      f"change to {id_field!r}", field="id_field")
    con = portal.duckdb()
    try:
        errors = review.errors
        if chosen != review.id_field:
            checks.open_view(con, saved.staged)
            id_checks = {"missing_id", "duplicate_id", "no_id_field"}
            errors = [f for f in errors if f.check not in id_checks]
            errors += checks.id_findings(con, saved.staged, chosen)
        if errors:
            raise DraftHasErrors(draft_id, errors)
        staged = checks.rename(con, saved.staged, accepted,
                               files.folder(portal, draft_id) / files.RENAMED)
        chosen = accepted.get(chosen, chosen) if chosen else None
        return _commit(portal, identity, info, draft, staged, saved, chosen, index, progress,
                       con, on_corrections)
    finally:
        con.close()


def _commit(portal: Portal, identity: Identity, info: DraftInfo, draft: Draft,
            staged: Any, saved: files.Saved, id_field: str | None, index: bool,
            progress: Progress | None, con: Any, on_corrections: str | None = None,
            ) -> records.IngestOutcome:
    created = None
    if info.resource_id is None:
        slug = publishing.resource_slug(portal, info.dataset, info.resource_name)
        ref = f"{info.dataset.slug}/{slug}"
        if not records.create_missing(portal, ref, id_field):  # made meanwhile: not ours
            raise Conflict(f"a resource {slug!r} was made in {info.dataset.slug!r} meanwhile; "
                           f"publish draft {draft.id} again", field="draft")
        with portal.write_session() as session:
            created = catalogue.update_resource(session, ref, name=info.resource_name).id
    found = records.records_resource(portal, created or info.resource_id or "")
    store = portal.store.resource(found.id)
    source = Source(info.file_name, staged.format, saved.sha256, saved.size, "")
    try:
        if store.same_upload(source, draft.mode):
            result = CommitResult(None, total=records.record_count(portal, found))
        else:
            with records.store_refusals():
                result = records.commit_staged(
                    portal, store, found, staged, source,
                    files.original(files.folder(portal, draft.id)) or staged.path,
                    id_field=id_field, mode=draft.mode, progress=progress, con=con,
                    on_corrections=on_corrections)
    except BaseException as refused:
        if created is not None:
            records.delete_resource(portal, identity, created)
        if isinstance(refused, IngestError):
            raise Invalid(f"draft {draft.id}: {refused.location_message()}",
                          field="draft") from None
        if isinstance(refused, Busy):
            raise Conflict(f"another ingest is writing to {found.name!r}; publish draft "
                           f"{draft.id} again when it has finished", field="draft") from None
        raise
    return records.committed(portal, found, store, result, progress, index, POST_COMMIT_HOOKS)

