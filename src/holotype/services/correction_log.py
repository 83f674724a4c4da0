"""Reading accepted corrections: the notes a record's history shows, and the export for the
collection management system (CSV and JSON).

A record's history notes, for each version a correction made, when it was accepted, by whom
(named to the dataset's maintainers and to whoever sees its organisation's members; others read
"the dataset's maintainers", as membership is not public) and whether it came from an error
report: the report's id (and link) to the maintainers only, who may see the report.

The export (maintainers of the dataset only) has one row per corrected field, with the values
exactly as stored (no formula neutralising: it is meant for a machine to read back).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import select

from holotype.catalog.corrections import CorrectionRow, field_entries
from holotype.catalog.models import Resource, User
from holotype.catalog.snapshots import DatasetInfo
from holotype.errors import NotFound
from holotype.services import catalogue, policy, visible
from holotype.services.context import Portal
from holotype.services.identity import Identity

#: The columns of the export, in order.
COLUMNS = ("dataset", "resource", "resource_id", "record_id", "field", "old_value",
           "new_value", "version", "accepted_by", "accepted_at", "report_id",
           "superseded_version", "correction_id")
OPERATOR_NAME = "operator"  # who accepted a correction made at the command line


@dataclass(frozen=True)
class CorrectionNote:
    """What a record's history says of the version a correction made."""

    correction_id: str
    version: int
    accepted_at: datetime
    accepted_by: str | None  # a name, or None when not shown to the reader
    from_report: bool
    report_id: str | None  # shown to the dataset's maintainers only
    fields: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"correction_id": self.correction_id, "version": self.version,
                "accepted_at": self.accepted_at.isoformat(), "accepted_by": self.accepted_by,
                "from_report": self.from_report, "report_id": self.report_id,
                "report_url": report_path(self.report_id) if self.report_id else None,
                "fields": list(self.fields)}


def report_path(report_id: str) -> str:
    """The address of an error report's page (the reports' inbox)."""
    return f"/reports/{quote(report_id, safe='')}"


def record_notes(
    portal: Portal, identity: Identity, dataset: DatasetInfo, resource_id: str, record_id: str,
) -> dict[int, CorrectionNote]:
    """The notes of one record's corrected versions, by version, for a reader of ``dataset``
    (the caller has checked that ``identity`` may read it)."""
    named = policy.may_see_corrector(identity, dataset)
    maintainer = policy.may_see_corrections(identity, dataset)
    with portal.session() as session:
        found = session.execute(
            select(CorrectionRow, User.username)
            .outerjoin(User, User.id == CorrectionRow.accepted_by)
            .where(CorrectionRow.resource_id == resource_id,
                   CorrectionRow.record_id == record_id)).all()
        return {
            row.version: CorrectionNote(
                row.id, row.version, row.accepted_at,
                (name or OPERATOR_NAME) if named else None,
                row.report_id is not None, row.report_id if maintainer else None,
                tuple(str(e["field"]) for e in field_entries(row)))
            for row, name in found
        }


@dataclass(frozen=True)
class Exported:
    """A dataset's or resource's accepted corrections, one row per corrected field."""

    dataset: DatasetInfo
    resource: str | None  # the resource's slug when one was asked for
    rows: list[dict[str, Any]]

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        return out.getvalue()

    @property
    def filename(self) -> str:
        return "corrections-" + self.dataset.slug + (f"-{self.resource}" if self.resource else "")


def export(portal: Portal, identity: Identity, dataset: str | None = None,
           resource: str | None = None) -> Exported:
    """The accepted corrections of ``dataset`` (its id or slug) or of one ``resource`` (an id
    or ``dataset/resource``), oldest first: for the dataset's maintainers only."""
    with portal.session() as session:
        found = None
        if resource:
            try:
                found = catalogue.get_resource(session, resource)
            except NotFound:
                raise NotFound(f"there is no resource {resource!r}",
                               field="resource_id") from None
            info = visible.readable_dataset(session, identity, found.dataset_id, "resource_id")
        elif dataset:
            info = visible.readable_dataset(session, identity, dataset, "id")
        else:
            raise NotFound("name a dataset (id) or a resource (resource_id)", field="id")
        policy.require(policy.may_see_corrections(identity, info),
                       f"only the maintainers of dataset {info.slug!r} may export its "
                       "corrections", field="resource_id" if resource else "id")
        query = (select(CorrectionRow, Resource.slug, User.username)
                 .join(Resource, Resource.id == CorrectionRow.resource_id)
                 .outerjoin(User, User.id == CorrectionRow.accepted_by)
                 .where(Resource.dataset_id == info.id)
                 .order_by(CorrectionRow.accepted_at, CorrectionRow.id))
        if found is not None:
            query = query.where(CorrectionRow.resource_id == found.id)
        rows = [r for row, slug, name in session.execute(query).all()
                for r in _rows(info, row, slug, name)]
    return Exported(info, found.slug if found is not None else None, rows)


def _rows(dataset: DatasetInfo, row: CorrectionRow, slug: str,
          name: str | None) -> Iterator[dict[str, Any]]:
    for entry in field_entries(row):
        yield {
            "dataset": dataset.slug, "resource": slug, "resource_id": row.resource_id,
            "record_id": row.record_id, "field": entry["field"], "old_value": entry.get("old"),
            "new_value": entry.get("new"), "version": row.version,
            "accepted_by": name or (OPERATOR_NAME if row.accepted_by is None else None),
            "accepted_at": row.accepted_at.isoformat(), "report_id": row.report_id,
            "superseded_version": entry.get("superseded_version"), "correction_id": row.id,
        }


def export_links(identity: Identity, dataset: DatasetInfo) -> dict[str, str] | None:
    """Where the dataset's maintainers download its corrections (None for anyone else)."""
    if not policy.may_see_corrections(identity, dataset):
        return None
    base = f"/dataset/{quote(dataset.slug, safe='')}/corrections"
    return {"csv": f"{base}.csv", "json": f"{base}.json"}
