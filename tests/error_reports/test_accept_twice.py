"""One report accepted twice at once: the report's status check, the commit of its values and
its new status are one step, so the request that is refused (409) has committed nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from holotype.catalog.corrections import CorrectionRow
from holotype.errors import Conflict
from holotype.services import corrections
from holotype.services.error_reports import submit
from holotype.services.error_reports.accepting import Accepted, accept_report
from holotype.services.error_reports.model import NewReport
from holotype.services.identity import ANONYMOUS
from tests.error_reports.conftest import ReportSite
from tests.fixtures.threads import in_thread


def test_a_second_accept_while_the_first_commits_commits_nothing(
        report_site: ReportSite, monkeypatch: pytest.MonkeyPatch) -> None:
    portal = report_site.portal()
    try:
        editor = report_site.site.identity("editor")
        report_id = submit.create_report(portal, ANONYMOUS, NewReport(
            report_site.open_resource, "open-3", None, [("country", "Tanzania")], "Label",
            "Cy", "cy@example.org", True)).id
        accept = corrections.accept
        second: list[Any] = []

        def accept_while_accepted_again(*args: Any, **kwargs: Any) -> Any:
            if not second:  # the first accept is committing: the report is accepted again
                second.append(None)  # once: the other request comes through here too
                second[0] = in_thread(lambda: accept_report(
                    portal, editor, report_id, {"country": "Rwanda"}))
            return accept(*args, **kwargs)

        monkeypatch.setattr(corrections, "accept", accept_while_accepted_again)
        first = accept_report(portal, editor, report_id, {"country": "Uganda"})
        assert isinstance(first, Accepted) and first.report.status == "fixed"
        assert isinstance(second[0], Conflict), second
        record = portal.store.resource(report_site.open_resource).get("open-3")
        assert record is not None and record["country"] == "Uganda"  # not Rwanda
        with portal.session() as session:
            assert session.scalar(select(func.count()).select_from(CorrectionRow)
                                  .where(CorrectionRow.report_id == report_id)) == 1
    finally:
        portal.close()
