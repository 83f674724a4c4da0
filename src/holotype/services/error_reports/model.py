"""What an error report holds, as the services hand it out (never a catalogue row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from holotype.catalog.error_reports import ErrorReport, ReportStatus
from holotype.catalog.snapshots import DatasetInfo

STATUSES = tuple(s.value for s in ReportStatus)
# Where a status may go next: a closed report may be reopened (acknowledged again).
NEXT: dict[str, tuple[str, ...]] = {
    ReportStatus.NEW.value: (ReportStatus.ACKNOWLEDGED.value, ReportStatus.FIXED.value,
                             ReportStatus.REJECTED.value),
    ReportStatus.ACKNOWLEDGED.value: (ReportStatus.FIXED.value, ReportStatus.REJECTED.value),
    ReportStatus.FIXED.value: (ReportStatus.ACKNOWLEDGED.value,),
    ReportStatus.REJECTED.value: (ReportStatus.ACKNOWLEDGED.value,),
}
OTHER = ""  # the field name of a row about no one field ("other")


@dataclass(frozen=True)
class FieldReport:
    field: str  # OTHER: not one field of the record
    seen: str  # the value at the version reported
    proposed: str


@dataclass(frozen=True)
class ReportEvent:
    at: datetime
    actor: str  # who changed the status ("" for an anonymous reporter)
    status: str
    note: str


@dataclass(frozen=True)
class NewReport:
    """A report as someone sends it: the rows are (field name or OTHER, value proposed)."""

    resource_id: str
    record_id: str
    version: int | None  # the record version seen; None: the current one
    rows: Sequence[tuple[str, str]]
    explanation: str = ""
    name: str = ""
    email: str = ""
    notify: bool = False  # tell the reporter of each change of status
    client: str = ""  # the sender's address, for the hourly limit (kept only as a keyed hash)


@dataclass(frozen=True)
class ReportInfo:
    id: str
    dataset: DatasetInfo
    resource_id: str
    record_id: str
    version: int
    explanation: str
    status: str
    reporter_id: str | None
    reporter_name: str
    reporter_email: str
    notify: bool
    created: datetime
    updated: datetime
    fields: tuple[FieldReport, ...]
    events: tuple[ReportEvent, ...]

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return NEXT[self.status]

    @property
    def proposed(self) -> dict[str, str]:
        """The values proposed for named fields (what accepting the report would write)."""
        return {f.field: f.proposed for f in self.fields if f.field != OTHER}


def report_info(report: ErrorReport, dataset: DatasetInfo) -> ReportInfo:
    return ReportInfo(
        report.id, dataset, report.resource_id, report.record_id, report.version,
        report.explanation, report.status, report.reporter_id, report.reporter_name,
        report.reporter_email, report.notify, report.created, report.updated,
        tuple(FieldReport(f.field, f.seen, f.proposed) for f in report.fields),
        tuple(ReportEvent(e.at, e.actor_name, e.status, e.note) for e in report.events))
