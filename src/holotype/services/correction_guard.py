"""When an ingest would undo accepted corrections, the maintainer is told and chooses.

Every ingest of records (:func:`holotype.services.records.ingest`) compares its staged file
with the corrections in force on the resource (:mod:`holotype.store.corrected` says which
values count as an undo and which as a conflict). When the file would change a corrected field,
``on_corrections`` decides:

* ``None`` (the default): refused with :class:`CorrectionsUndone`, listing the records and
  fields; nothing is committed.
* ``"keep"``: the corrected values are put into the staged file before it is committed, so the
  new version keeps them (one version, and no moment in which searches see the undone values).
* ``"source"``: the file is committed as it is, and the fields it changed are marked superseded
  by the new version: they are no longer guarded.

:func:`undone_by` gives the same finding for a staged file without committing anything, for
anyone who maintains the dataset; :func:`review_findings` gives it as the warnings of a draft's
review, whose publish form then asks for the choice.

:func:`corrections_lock` makes the check and the commit one step: an ingest holds it from
checking its file against the corrections in force until the new version is committed (and the
corrections it overrides are marked superseded), and accepting a correction holds it from its
commit until the correction is recorded. Without it, a correction accepted in between would be
invisible to the check and silently undone by the next version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import duckdb
from sqlalchemy import select

from holotype.catalog.corrections import CorrectionRow, field_entries
from holotype.catalog.timestamps import utcnow
from holotype.errors import Conflict, Invalid
from holotype.locking import writer_lock
from holotype.services import catalogue, policy, visible
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.store import StagedSource
from holotype.store.corrected import UNDO, Guarded, Undone, find_undone, keep_corrected
from holotype.store.review import WARNING, Finding

KEEP = "keep"
SOURCE = "source"
CHOICES = (KEEP, SOURCE)
NAMED = 10  # how many findings a refusal names
LOCK_FILE = "corrections.lock"  # in the resource's store folder, beside the store's own lock

# The resource folders whose corrections lock this thread (context) holds: accepting a
# correction holds it and commits by the ingest path, which takes it again.
_held: ContextVar[frozenset[Path]] = ContextVar("corrections_locks_held", default=frozenset())


class CorrectionsUndone(Conflict):
    """The file would undo (or otherwise change) accepted corrections; nothing was committed.
    ``found`` lists each record and field."""

    def __init__(self, found: list[Undone]) -> None:
        named = "; ".join(describe(u) for u in found[:NAMED])
        more = f"; and {len(found) - NAMED:,} more" if len(found) > NAMED else ""
        records = len({u.record_id for u in found})
        super().__init__(
            f"this file would change {len(found):,} corrected "
            f"{'field' if len(found) == 1 else 'fields'} of {records:,} "
            f"{'record' if records == 1 else 'records'}: {named}{more}. Ingest again with "
            "on_corrections 'keep' to keep the corrections, or 'source' to take the file's "
            "values", field="on_corrections")
        self.found = found


@contextmanager
def corrections_lock(root: Path) -> Iterator[None]:
    """Hold the corrections lock of the resource stored in ``root``: one check-and-commit (or
    commit-and-record) at a time; another raises :class:`~holotype.locking.Busy` (try again).
    Taken again by the holder, it is already held."""
    held = _held.get()
    if root in held:
        yield
        return
    with writer_lock(root / LOCK_FILE, timeout=0.0):
        token = _held.set(held | {root})
        try:
            yield
        finally:
            _held.reset(token)


def describe(undone: Undone) -> str:
    """One finding in words, for refusals and warnings."""
    what = ("has the value before the correction again" if undone.kind == "undo"
            else f"has {_shown(undone.incoming)}")
    return (f"record {undone.record_id!r} (row {undone.row}), field {undone.field!r}: "
            f"corrected from {_shown(undone.old)} to {_shown(undone.new)}, the file {what}")


def _shown(value: str | None) -> str:
    return "no value" if value is None else repr(value)


def check_choice(on_corrections: str | None) -> None:
    if on_corrections is not None and on_corrections not in CHOICES:
        raise Invalid(f"must be one of {', '.join(CHOICES)} (or not given, to be asked)",
                      field="on_corrections")


def guarded(portal: Portal, resource_id: str) -> list[Guarded]:
    """The corrected fields in force on the resource: per record and field, the latest
    correction's, unless a later ingest superseded it."""
    with portal.session() as session:
        rows = session.scalars(
            select(CorrectionRow)
            .where(CorrectionRow.resource_id == resource_id,
                   CorrectionRow.superseded_version.is_(None))
            .order_by(CorrectionRow.version)).all()
        entries = [(row.id, row.record_id, field_entries(row)) for row in rows]
    latest: dict[tuple[str, str], Guarded] = {}
    for correction_id, record_id, fields in entries:
        for entry in fields:
            if entry.get("superseded_version") is None:
                name = str(entry["field"])
                latest[(record_id, name)] = Guarded(
                    correction_id, record_id, name, _text(entry.get("old")),
                    _text(entry.get("new")))
    return list(latest.values())


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def undone_by(
    portal: Portal, identity: Identity, resource_id: str, staged: StagedSource,
    mode: str = "update",
) -> list[Undone]:
    """The corrected fields of ``resource_id`` that committing ``staged`` in ``mode`` would
    undo or change otherwise (for maintainers of its dataset)."""
    with portal.session() as session:
        resource = catalogue.get_resource(session, resource_id)
        dataset = visible.readable_dataset(session, identity, resource.dataset_id,
                                           "resource_id")
    policy.require(policy.may_see_corrections(identity, dataset),
                   "only the dataset's maintainers see its corrections", field="resource_id")
    manifest = portal.store.resource(resource.id).manifest()
    con = portal.duckdb()
    try:
        return find_undone(con, staged, manifest.id_field, mode, guarded(portal, resource.id))
    finally:
        con.close()


def guard_staged(
    portal: Portal, resource_id: str, id_field: str | None, staged: StagedSource, mode: str,
    on_corrections: str | None, con: duckdb.DuckDBPyConnection, work: Path,
) -> tuple[StagedSource, list[Undone], list[str]]:
    """The staged file to commit, the findings to supersede once it is (``source``), and the
    warnings to report; refuses with :class:`CorrectionsUndone` when no choice was made."""
    found = find_undone(con, staged, id_field, mode, guarded(portal, resource_id))
    if not found:
        return staged, [], []
    if on_corrections is None:
        raise CorrectionsUndone(found)
    if on_corrections == KEEP:
        assert id_field is not None  # find_undone found nothing without one
        kept = keep_corrected(con, staged, id_field, found, work / "corrections-kept.parquet")
        return kept, [], [f"kept {len(found):,} corrected "
                          f"{'field' if len(found) == 1 else 'fields'} the file would change"]
    return staged, found, [f"took the file's values for {len(found):,} corrected "
                           f"{'field' if len(found) == 1 else 'fields'}; those corrections "
                           "are superseded"]


def supersede(portal: Portal, found: Sequence[Undone], version: int) -> None:
    """Mark the fields of ``found`` superseded by ``version`` (and a correction whose every
    field is, as a whole)."""
    if not found:
        return
    fields: dict[str, set[str]] = {}
    for undone in found:
        fields.setdefault(undone.correction_id, set()).add(undone.field)
    with portal.write_session() as session:
        rows = session.scalars(select(CorrectionRow).where(CorrectionRow.id.in_(fields)))
        for row in rows:
            entries = field_entries(row)
            for entry in entries:
                if entry["field"] in fields[row.id] and entry.get("superseded_version") is None:
                    entry["superseded_version"] = version
            row.fields = json.dumps(entries, ensure_ascii=False)
            if all(e.get("superseded_version") is not None for e in entries):
                row.superseded_version = version
                row.superseded_at = utcnow()


def review_findings(
    portal: Portal, resource_id: str, staged: StagedSource, mode: str,
    con: duckdb.DuckDBPyConnection,
) -> list[Finding]:
    """What a draft's review says of the corrections its file would change: a warning per
    field and kind (publishing then asks to keep them or take the file's values)."""
    manifest = portal.store.resource(resource_id).manifest()
    found = find_undone(con, staged, manifest.id_field, mode, guarded(portal, resource_id))
    groups: dict[tuple[str, str], list[Undone]] = {}
    for undone in found:
        groups.setdefault((undone.kind, undone.field), []).append(undone)
    findings = []
    for (kind, name), items in groups.items():
        first = items[0]
        what = ("the value from before the correction again" if kind == UNDO
                else "another value than the corrected one")
        findings.append(Finding(
            WARNING, f"correction_{kind}",
            f"{len(items):,} corrected {'record gets' if len(items) == 1 else 'records get'} "
            f"{what} (record {first.record_id!r}: corrected from {_shown(first.old)} to "
            f"{_shown(first.new)}, the file has {_shown(first.incoming)}); when publishing, "
            "keep the corrections or take the file's values",
            name, [u.row for u in items[:NAMED]], len(items)))
    return findings
