"""Record use cases: ingest a file into a resource, list its versions, summarise datasets."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from holotype.catalog.snapshots import DatasetInfo, ResourceInfo
from holotype.errors import Conflict, Invalid, NotFound
from holotype.ingest.errors import IngestError
from holotype.ingest.read import stage_file
from holotype.services import catalogue, correction_guard, guard
from holotype.services.citations.dataset_dois import reconcile_dataset_dois
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.post_commit import (
    POST_COMMIT_HOOKS,
    PostCommitHook,
    run_post_commit_hooks,
)
from holotype.services.visible import readable_datasets, readable_resource
from holotype.services.workdirs import sweep_work_dirs, work_dir
from holotype.store import (
    CommitError,
    CommitResult,
    FieldLoss,
    FieldLossError,
    Progress,
    ResourceStore,
    Source,
    StagedSource,
    Version,
    check_id_field,
    check_mode,
)


@dataclass(frozen=True)
class IngestOutcome:
    resource: ResourceInfo
    result: CommitResult
    created: bool = False  # the resource was made for this ingest (``create=True``)


class FieldLossRefused(Conflict):
    """An update or replace would remove fields from more of the records it updates than
    ``max_field_loss`` allows. Nothing was committed. ``loss`` says which fields, how often."""

    def __init__(self, refusal: FieldLossError) -> None:
        super().__init__(refusal.location_message())
        self.loss: FieldLoss = refusal.loss
        self.limit = refusal.limit


@dataclass(frozen=True)
class DatasetSummary:
    dataset: DatasetInfo
    resources: list[tuple[ResourceInfo, int]]  # (resource, records at its latest version)

    @property
    def records(self) -> int:
        return sum(count for _resource, count in self.resources)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def ingest(
    portal: Portal,
    identity: Identity,
    resource: str,
    path: Path,
    *,
    display_name: str | None = None,
    fmt: str | None = None,
    id_field: str | None = None,
    mode: str = "update",
    progress: Progress | None = None,
    index: bool = True,
    hooks: Sequence[PostCommitHook] = POST_COMMIT_HOOKS,
    create: bool = False,
    max_field_loss: float | None = None,
    on_corrections: str | None = None,
) -> IngestOutcome:
    """Ingest one file as a new version of ``resource`` (``dataset/resource`` or an id).

    ``mode`` (docs/ingest-formats.md, "Update, patch and replace"): ``update`` writes each
    record in the file whole, ``patch`` changes only the file's columns of existing records,
    ``replace`` makes the file the whole resource. With ``max_field_loss`` (a share, 0 to 1), an
    update or replace that would remove fields from more than that share of the records it
    updates (because the file has no column for them) raises :class:`FieldLossRefused`, naming
    the fields, and commits nothing; a smaller loss is reported in the result's warnings.

    A file that would undo accepted corrections (:mod:`holotype.services.correction_guard`) is
    refused with ``CorrectionsUndone`` naming the records and fields, unless ``on_corrections``
    is ``"keep"`` (the new version keeps the corrected values) or ``"source"`` (the file's
    values win and those corrections are marked superseded).

    With ``create``, a missing ``dataset/resource`` is created for the file first, and removed
    again when the file is refused: a failed ingest leaves nothing behind.

    Once the version is committed the catalogue records the id field chosen. With ``index`` (the
    default), the post-commit ``hooks`` then run (:mod:`holotype.services.post_commit`; the first
    brings the resource's search index up to the new version). Without, they do not:
    searches of the new version answer "being indexed" until ``holotype index`` (or the server
    at start-up) builds it.

    Raises :class:`IngestError` for bad input, whether a reader or the store refused it (nothing
    is committed), and ServiceError when the resource does not exist or does not hold records.
    A failing hook's error propagates after the commit: the new version stays committed.
    """
    guard.require_change(portal, identity, resource, resource=True, field="resource")
    if max_field_loss is not None and not 0 <= max_field_loss <= 1:
        raise Invalid("must be a share from 0 to 1", field="max_field_loss")
    correction_guard.check_choice(on_corrections)
    created = create and _create_missing(portal, resource, id_field)
    try:
        outcome = _ingest(
            portal, resource, path, display_name, fmt, id_field, mode, progress, index, hooks,
            max_field_loss, on_corrections,
        )
    except BaseException:
        if created:
            delete_resource(portal, identity, resource)
        raise
    return IngestOutcome(outcome.resource, outcome.result, created)


def _create_missing(portal: Portal, resource: str, id_field: str | None) -> bool:
    """Create ``dataset/resource`` if it does not exist; whether it was created."""
    dataset, _, slug = resource.partition("/")
    with portal.write_session() as session:
        try:
            catalogue.get_resource(session, resource)
            return False
        except NotFound:
            pass
        catalogue.create_resource(
            session, dataset, slug=slug, name=slug.replace("-", " ").capitalize(),
            id_field=id_field,
        )
    return True


create_missing = _create_missing  # drafts publish a new resource's first version through it


def records_resource(portal: Portal, resource: str) -> ResourceInfo:
    """The resource ``resource`` (``dataset/resource`` or an id); Invalid unless it holds
    records."""
    with portal.session() as session:
        found = catalogue.get_resource(session, resource)
    if found.kind != "records":
        raise Invalid(f"resource {resource!r} holds a plain file, not records", field="resource")
    return found


def _ingest(
    portal: Portal,
    resource: str,
    path: Path,
    display_name: str | None,
    fmt: str | None,
    id_field: str | None,
    mode: str,
    progress: Progress | None,
    index: bool,
    hooks: Sequence[PostCommitHook],
    max_field_loss: float | None,
    on_corrections: str | None = None,
) -> IngestOutcome:
    found = records_resource(portal, resource)
    store = portal.store.resource(found.id)
    with store_refusals():
        result = _commit_file(
            portal, store, found, path, display_name or path.name, fmt, id_field, mode, progress,
            max_field_loss, on_corrections,
        )
    return committed(portal, found, store, result, progress, index, hooks)


@contextmanager
def store_refusals() -> Iterator[None]:
    """The store's refusals of a commit, in the services' words (nothing was committed)."""
    try:
        yield
    except IngestError:
        raise
    except FieldLossError as refusal:
        raise FieldLossRefused(refusal) from refusal
    except CommitError as refusal:
        raise IngestError.refused_by_store(refusal) from refusal


def committed(
    portal: Portal, found: ResourceInfo, store: ResourceStore, result: CommitResult,
    progress: Progress | None, index: bool, hooks: Sequence[PostCommitHook],
) -> IngestOutcome:
    """What follows a commit: the catalogue records the id field, the post-commit hooks run."""
    if result.version is None:
        return IngestOutcome(found, result)
    # The catalogue records the id field the store chose (and the new modified) whether or not
    # the index is built now, so the two never disagree about how records are identified.
    with portal.write_session() as session:
        found = catalogue.update_resource(session, found.id, id_field=store.manifest().id_field)
    if index:
        run_post_commit_hooks(portal, found.id, result.version, progress, hooks)
    return IngestOutcome(found, result)


def check_file(portal: Portal, path: Path, name: str, mode: str) -> int:
    """Refuse an unknown mode, a missing file or folder, a file over the size limit; its
    size."""
    check_mode(mode, name)
    if path.is_dir():
        raise IngestError("is a folder, not a file", file=name)
    if not path.is_file():
        raise IngestError("no such file", file=name)
    size = path.stat().st_size
    limit = portal.settings.max_upload_bytes
    if size > limit:
        raise IngestError(f"the file is {size:,} bytes; the limit is {limit:,} bytes", file=name)
    return size


def stage(
    portal: Portal, con: duckdb.DuckDBPyConnection, path: Path, work: Path, name: str,
    fmt: str | None,
) -> StagedSource:
    """Stage the file into ``work`` with the portal's limits (its media under the data
    folder)."""
    return stage_file(con, path, work, display_name=name, fmt=fmt, limits=portal.limits,
                      data_dir=portal.settings.data_dir)


def commit_staged(
    portal: Portal, store: ResourceStore, found: ResourceInfo, staged: StagedSource,
    source: Source, original: Path, *, id_field: str | None, mode: str,
    progress: Progress | None, con: duckdb.DuckDBPyConnection,
    max_field_loss: float | None = None, on_corrections: str | None = None,
) -> CommitResult:
    """Commit a staged file as the resource's next version (the store's refusals raise).

    First the file is checked against the resource's accepted corrections
    (:func:`holotype.services.correction_guard.guard_staged`): one it would undo is refused
    unless ``on_corrections`` says to keep them or to take the file's values (those
    corrections are then marked superseded by the new version)."""
    correction_guard.check_choice(on_corrections)
    # One lock from the check to the supersede: a correction accepted meanwhile would be
    # invisible to the check and silently undone by this version.
    with correction_guard.corrections_lock(store.root):
        staged, overridden, said = correction_guard.guard_staged(
            portal, found.id, store.manifest().id_field, staged, mode, on_corrections, con,
            staged.path.parent)
        result = store.commit(
            staged,
            source=source,
            original=original if portal.settings.keep_originals else None,
            id_field=id_field or found.id_field,
            mode=mode,
            geo_fields=portal.settings.geo_fields,
            progress=progress,
            con=con,
            max_field_loss=max_field_loss,
        )
        if result.version is not None:
            correction_guard.supersede(portal, overridden, result.version)
    result.warnings.extend(said)
    return result


def _commit_file(
    portal: Portal,
    store: ResourceStore,
    found: ResourceInfo,
    path: Path,
    name: str,
    fmt: str | None,
    id_field: str | None,
    mode: str,
    progress: Progress | None,
    max_field_loss: float | None,
    on_corrections: str | None = None,
) -> CommitResult:
    """Check the upload, stage it and commit it: a new version, or a no-op if nothing changed."""
    say = progress or (lambda _step: None)
    size = check_file(portal, path, name, mode)
    check_id_field(store.manifest(), id_field, name)
    say("checking the file")
    source = Source(name=name, format=fmt or "", sha256=file_digest(path), size=size, path="")
    if store.same_upload(source, mode):
        return CommitResult(None, total=_latest_total(store.resolve()))
    sweep_work_dirs(portal.work_dir)
    with work_dir(portal.work_dir) as work:
        con = portal.duckdb()
        say("reading the file")
        staged = stage(portal, con, path, work, name, fmt)
        source = Source(name, staged.format, source.sha256, size, "")
        result = commit_staged(portal, store, found, staged, source, path, id_field=id_field,
                               mode=mode, progress=progress, con=con,
                               max_field_loss=max_field_loss, on_corrections=on_corrections)
        con.close()
    return result


def _latest_total(version: Version | None) -> int:
    return version.total if version else 0


def versions(
    portal: Portal, identity: Identity, resource: str
) -> tuple[ResourceInfo, list[Version]]:
    """The resource and its versions, oldest first."""
    with portal.session() as session:
        found = readable_resource(session, identity, resource)
    return found, portal.store.resource(found.id).versions()


def record_count(portal: Portal, resource: ResourceInfo) -> int:
    """Records at the resource's latest version (read from its manifest, no scan)."""
    if resource.kind != "records":
        return 0
    return _latest_total(portal.store.resource(resource.id).resolve())


def dataset_summaries(portal: Portal, identity: Identity) -> list[DatasetSummary]:
    """The datasets ``identity`` may see with their resources and record counts, most recently
    modified first."""
    with portal.session() as session:
        datasets = readable_datasets(session, identity)
        pairs = [(d, catalogue.list_resources(session, d.id)) for d in datasets]
    summaries = [
        DatasetSummary(d, [(r, record_count(portal, r)) for r in resources])
        for d, resources in pairs
    ]
    summaries.sort(key=lambda s: s.dataset.modified, reverse=True)
    return summaries


def delete_resource(portal: Portal, identity: Identity, resource: str) -> None:
    """Delete a resource from the catalogue with all its record versions and search index."""
    guard.require_change(portal, identity, resource, resource=True, field="resource")
    with portal.write_session() as session:
        found = catalogue.get_resource(session, resource)
        catalogue.delete_resource(session, found.id)
    _remove_data(portal, found.id)


def delete_dataset(portal: Portal, identity: Identity, dataset: str) -> None:
    """Delete a dataset, its resources, and every resource's records and search index."""
    guard.require_change(portal, identity, dataset)
    with portal.write_session() as session:
        resources = catalogue.list_resources(session, dataset)
        catalogue.delete_dataset(session, dataset)
    reconcile_dataset_dois(portal, [])  # its DOI, if any, gets a tombstone
    for resource in resources:
        _remove_data(portal, resource.id)


def _remove_data(portal: Portal, resource_id: str) -> None:
    store = portal.store.resource(resource_id)
    if store.root.exists():
        store.remove()
    shutil.rmtree(portal.index_dir / resource_id, ignore_errors=True)
