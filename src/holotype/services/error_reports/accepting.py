"""Accepting an error report: its proposed values (as the maintainer may have edited them)
become a new version of the record through :func:`holotype.services.corrections.accept`, and
the report becomes fixed with a note naming that version (the reporter is emailed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from holotype.errors import Conflict, Invalid
from holotype.services import correction_guard, corrections
from holotype.services.context import Portal
from holotype.services.error_reports import inbox
from holotype.services.error_reports.model import ReportInfo
from holotype.services.identity import Identity

OPEN = ("new", "acknowledged")


@dataclass(frozen=True)
class Accepted:
    report: ReportInfo
    correction: corrections.Correction


def accept_report(portal: Portal, identity: Identity, report_id: str,
                  values: Mapping[str, str] | None = None, note: str = "",
                  base_url: str = "") -> Accepted:
    """Commit ``values`` (default: the report's proposed values) to the reported record and
    mark the report fixed. Refused unless ``identity`` handles the report and may change the
    dataset; nothing changes when the values are refused."""
    info = inbox.get_report(portal, identity, report_id)
    inbox.require_handle(portal, identity, info)
    # The status check, the commit and the report's new status are one step (the resource's
    # corrections lock): a second accept of the report waits its turn and is then refused,
    # instead of committing its values and being told the report was fixed already.
    with correction_guard.corrections_lock(portal.store.resource(info.resource_id).root):
        info = inbox.get_report(portal, identity, report_id)
        if info.status not in OPEN:
            raise Conflict(f"the report is {info.status}; acknowledge it again to accept it",
                           field="status")
        wanted = dict(info.proposed if values is None else values)
        if not wanted:
            raise Invalid("the report proposes no value for a named field: give the values "
                          "to write", field="values")
        correction = corrections.accept(portal, identity, info.resource_id, info.record_id,
                                        wanted, report_id=info.id)
        said = (f"Accepted: the record already had these values ({', '.join(sorted(wanted))})."
                if correction.unchanged else
                f"Accepted as version {correction.version} of the record "
                f"({', '.join(c.field for c in correction.changes)}).")
        text = f"{said}\n{note.strip()}" if note.strip() else said
        fixed = inbox.update_status(portal, identity, info.id, "fixed", text, base_url)
    return Accepted(fixed, correction)
