"""Corrections become versions: a maintainer accepts corrected values for one record, and they
are committed as a new version of that record, with their provenance kept.

:func:`accept` commits through the store's patch mode, by the one ingest path
(:func:`holotype.services.records.ingest` with ``mode="patch"``, a one-record JSON file): only
the fields named change, every other field keeps its value, and the record's history shows
exactly those fields changed. Then the provenance (the record, the version, each field's value
before and after, the error report, who accepted it and when) goes to the catalogue table
``corrections``, and the post-commit hooks run, as an ingest's do (the search index first).

Which fields: a correction sets fields the resource already has (any field of any of its
versions, so also one this record has no value in); a name the resource has never had is
refused, with the closest known name suggested. A new field would add a column to the whole
resource (its statistics, its search mappings, every download) for one record, and a mistyped
name (``contry``) would do so silently; a resource's fields are the source's to define, by
ingest. The id field is not corrected: changing it would make a different record. An empty
value clears the field.

Refused, with nothing committed: an identity that may not change the dataset (audited, by
:func:`~holotype.services.guard.require_change`), a resource of a plain file or whose records
have ids generated from their content (a patch cannot name their records), a record that does
not exist at the latest version, and bad values. Values equal to the record's current ones
commit nothing: the answer says so (:attr:`Correction.unchanged`) and nothing is recorded.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from holotype.catalog.base import new_id
from holotype.catalog.corrections import CorrectionRow
from holotype.catalog.snapshots import ResourceInfo
from holotype.catalog.timestamps import utcnow
from holotype.errors import Invalid, NotFound
from holotype.services import catalogue, correction_guard, guard, records
from holotype.services.context import Portal
from holotype.services.identity import Identity
from holotype.services.post_commit import POST_COMMIT_HOOKS, run_post_commit_hooks
from holotype.services.workdirs import work_dir
from holotype.store import Manifest

#: How long a report id may be (the catalogue's ids are 32 hex digits).
REPORT_ID_MAX = 32


@dataclass(frozen=True)
class FieldChange:
    """One field a correction changed: its value before and after (None: no value)."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Correction:
    """An accepted correction, or (``version`` None) one that changed nothing."""

    id: str | None  # None: nothing was committed, nothing recorded
    resource_id: str
    record_id: str
    version: int | None  # the version it committed
    changes: tuple[FieldChange, ...]
    report_id: str | None = None
    accepted_by: str | None = None  # the user's id; None for the operator (command line)
    accepted_at: datetime | None = None
    superseded_version: int | None = None  # a later ingest's version that overrode it

    @property
    def unchanged(self) -> bool:
        """True when the record already had these values: nothing was committed."""
        return self.version is None

    @property
    def message(self) -> str:
        if self.unchanged:
            return "nothing to change: the record already has these values"
        names = ", ".join(c.field for c in self.changes)
        return f"corrected {names} of record {self.record_id!r} as version {self.version}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "resource_id": self.resource_id, "record_id": self.record_id,
            "version": self.version, "report_id": self.report_id,
            "accepted_by": self.accepted_by,
            "accepted_at": self.accepted_at.isoformat() if self.accepted_at else None,
            "superseded_version": self.superseded_version, "unchanged": self.unchanged,
            "fields": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
        }


def accept(
    portal: Portal,
    identity: Identity,
    resource_id: str,
    record_id: str,
    values: Mapping[str, str],
    report_id: str | None = None,
) -> Correction:
    """Commit ``values`` (field -> corrected value; "" clears) as a new version of one record
    of ``resource_id`` (an id or ``dataset/resource``), from the error report ``report_id``
    when there is one. See the module's docstring for what is refused."""
    guard.require_change(portal, identity, resource_id, resource=True, field="resource_id")
    resource, manifest = corrigible(portal, resource_id)
    assert manifest.id_field is not None  # corrigible refused generated ids
    wanted = checked_values(values, manifest)
    report = checked_report_id(report_id)
    store = portal.store.resource(resource.id)
    current = store.get(record_id) if isinstance(record_id, str) and record_id else None
    if current is None:
        raise NotFound(f"record {record_id!r} does not exist at the latest version of this "
                       "resource", field="record_id")
    unchanged = Correction(None, resource.id, record_id, None, (), report, identity.user_id)
    if all(current.get(name) == (value or None) for name, value in wanted.items()):
        return unchanged
    correction_id = new_id()
    # Until it is recorded, an ingest's check would not see this correction and would undo it.
    with correction_guard.corrections_lock(store.root):
        version = _commit(portal, identity, resource, manifest.id_field, record_id, wanted,
                          correction_id)
        if version is None:  # someone made the same change in the meantime
            return unchanged
        before = store.get(record_id, version - 1) or {}
        after = store.get(record_id, version) or {}
        changes = tuple(FieldChange(name, before.get(name), after.get(name))
                        for name in wanted if before.get(name) != after.get(name))
        accepted = Correction(correction_id, resource.id, record_id, version, changes, report,
                              identity.user_id, utcnow())
        with portal.write_session() as session:
            session.add(to_row(accepted))
    run_post_commit_hooks(portal, resource.id, version, None, POST_COMMIT_HOOKS)
    return accepted


def corrigible(portal: Portal, resource_id: str) -> tuple[ResourceInfo, Manifest]:
    """The resource and its manifest, if its records can be corrected one by one."""
    with portal.session() as session:
        resource = catalogue.get_resource(session, resource_id)
    if resource.kind != "records":
        raise Invalid(f"resource {resource_id!r} holds a plain file, not records",
                      field="resource_id")
    manifest = portal.store.resource(resource.id).manifest()
    if not manifest.versions:
        raise NotFound(f"resource {resource_id!r} has no records yet", field="resource_id")
    if manifest.id_field is None:
        raise Invalid(
            "this resource's records have ids generated from their content, so a correction "
            "cannot name the record it corrects (the corrected record would get another id); "
            "correct them by ingesting the whole resource with mode replace",
            field="resource_id",
        )
    return resource, manifest


def checked_values(values: Mapping[str, str], manifest: Manifest) -> dict[str, str]:
    """The corrected values, each for a field the resource has; Invalid naming the field."""
    if not isinstance(values, Mapping) or not values:
        raise Invalid("give at least one field and its corrected value", field="values")
    known = set(manifest.columns)
    wanted: dict[str, str] = {}
    for name, value in values.items():
        where = f"values.{name}"
        if not isinstance(name, str) or not name:
            raise Invalid("a field name must be non-empty text", field="values")
        if not isinstance(value, str):
            raise Invalid("the corrected value must be text (empty to clear the field)",
                          field=where)
        if name == manifest.id_field:
            raise Invalid(f"{name!r} is the field that identifies the record; a correction "
                          "cannot change it", field=where)
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise Invalid(f"this resource has no field {name!r}{hint}; a correction sets the "
                          "fields the resource has", field=where)
        wanted[name] = value
    return wanted


def checked_report_id(report_id: str | None) -> str | None:
    if report_id is None or report_id == "":
        return None
    if not isinstance(report_id, str) or len(report_id) > REPORT_ID_MAX:
        raise Invalid(f"must be a report id of at most {REPORT_ID_MAX} characters",
                      field="report_id")
    return report_id


def _commit(
    portal: Portal, identity: Identity, resource: ResourceInfo, id_field: str, record_id: str,
    wanted: dict[str, str], correction_id: str,
) -> int | None:
    """Commit the values by the ingest path, in patch mode, without its hooks (the caller
    records the provenance first, then runs them); the version, None when nothing changed.
    An earlier correction of the same field is superseded by this one."""
    with work_dir(portal.work_dir) as work:
        path = work / "correction.json"
        path.write_text(json.dumps({id_field: record_id, **wanted}, ensure_ascii=False),
                        encoding="utf-8")
        outcome = records.ingest(
            portal, identity, resource.id, path, display_name=f"correction-{correction_id}.json",
            fmt="json", mode="patch", index=False, on_corrections=correction_guard.SOURCE,
        )
    return outcome.result.version


def to_row(correction: Correction) -> CorrectionRow:
    assert correction.id is not None and correction.version is not None
    return CorrectionRow(
        id=correction.id, resource_id=correction.resource_id, record_id=correction.record_id,
        version=correction.version,
        fields=json.dumps([{"field": c.field, "old": c.old, "new": c.new}
                           for c in correction.changes], ensure_ascii=False),
        report_id=correction.report_id, accepted_by=correction.accepted_by,
        accepted_at=correction.accepted_at or utcnow(),
    )


def from_row(row: CorrectionRow) -> Correction:
    changes = tuple(FieldChange(str(c["field"]), c["old"], c["new"])
                    for c in json.loads(row.fields))
    return Correction(row.id, row.resource_id, row.record_id, row.version, changes,
                      row.report_id, row.accepted_by, row.accepted_at, row.superseded_version)
