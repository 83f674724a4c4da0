"""Error reports through the services: who may send, see and change them, what is stored, who
is emailed (a real SMTP server), and bad input refused with nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from holotype.errors import Conflict, Forbidden, Invalid, NotFound, SignInRequired
from holotype.services import organisations
from holotype.services.accounts import identities, users
from holotype.services.error_reports import inbox, submit
from holotype.services.error_reports.model import OTHER, NewReport
from holotype.services.identity import ANONYMOUS, OPERATOR
from tests.error_reports.conftest import ReportSite, _dataset
from tests.fixtures.accounts_site import SECRET, SECRET_ID


def _new(site: ReportSite, **kw: object) -> NewReport:
    values: dict[str, object] = {"resource_id": site.open_resource, "record_id": "open-1",
                                 "version": None, "rows": [("country", "Tanzania")],
                                 "explanation": "The label says Tanzania.", **kw}
    return NewReport(**values)  # type: ignore[arg-type]


def _count(site: ReportSite) -> int:
    portal = site.portal()
    try:
        return inbox.list_reports(portal, OPERATOR, limit=200).total
    finally:
        portal.close()


def test_an_anonymous_report_is_stored_with_the_values_seen_and_mailed_to_maintainers(
        report_site: ReportSite) -> None:
    portal = report_site.portal()
    try:
        before = len(report_site.mail_to("editor@example.org"))
        info = submit.create_report(portal, ANONYMOUS, _new(
            report_site, rows=[("country", "Tanzania"), ("locality", "Hill 9"),
                               (OTHER, "")],
            name="Ada", email="ada@example.org", notify=True), "http://portal.test")
        assert [(f.field, f.seen, f.proposed) for f in info.fields] == [
            ("country", "Kenya", "Tanzania"), ("locality", "Hill 1", "Hill 9"), ("", "", "")]
        assert info.status == "new" and info.reporter_id is None
        assert info.reporter_email == "ada@example.org" and info.notify
        assert [e.status for e in info.events] == ["new"]
        mails = report_site.mail_to("editor@example.org")
        assert len(mails) == before + 1
        assert "'Kenya' should be 'Tanzania'" in mails[-1]
        assert f"http://portal.test/reports/{info.id}" in mails[-1]
        # members (who only read), other organisations and the reporter are not told
        assert not any(info.id in m for m in report_site.mail_to("member@example.org"))
        assert not any(info.id in m for m in report_site.mail_to("other_editor@example.org"))
        assert not report_site.mail_to("ada@example.org")
    finally:
        portal.close()


def test_status_changes_are_kept_and_mailed_to_the_reporter(report_site: ReportSite) -> None:
    portal = report_site.portal()
    editor = report_site.site.identity("editor")
    try:
        made = submit.create_report(portal, ANONYMOUS, _new(
            report_site, email="bea@example.org", notify=True))
        acked = inbox.update_status(portal, editor, made.id, "acknowledged", "Looking.")
        fixed = inbox.update_status(portal, editor, made.id, "fixed", "")
        assert [(e.status, e.actor, e.note) for e in fixed.events] == [
            ("new", "", ""), ("acknowledged", "editor", "Looking."), ("fixed", "editor", "")]
        assert acked.status == "acknowledged" and fixed.status == "fixed"
        mails = report_site.mail_to("bea@example.org")
        assert len(mails) == 2
        assert "is now acknowledged" in mails[0] and "Looking." in mails[0]
        assert "is now fixed" in mails[1]
        with pytest.raises(Conflict, match="already fixed"):
            inbox.update_status(portal, editor, made.id, "fixed")
        with pytest.raises(Conflict, match="cannot become rejected"):
            inbox.update_status(portal, editor, made.id, "rejected")
        with pytest.raises(Invalid) as bad:
            inbox.update_status(portal, editor, made.id, "done")
        assert bad.value.field == "status"
        # a reporter who did not ask to be told is not
        quiet = submit.create_report(portal, ANONYMOUS, _new(report_site, email="cy@x.org"))
        inbox.update_status(portal, editor, quiet.id, "rejected", "No.")
        assert not report_site.mail_to("cy@x.org")
    finally:
        portal.close()


def test_a_reporter_who_may_no_longer_read_the_dataset_is_not_emailed(
        report_site: ReportSite, tmp_path: Path) -> None:
    site = report_site.site
    portal = report_site.portal()
    editor = site.identity("editor")
    try:
        fading = _dataset(portal, tmp_path, "fading", "museum", None)
        account, _ = users.create_user(portal, OPERATOR, "leaver", "leaver@example.org",
                                       password="a long enough password")
        organisations.set_role(portal, OPERATOR, "museum", "leaver", "member")
        with portal.session() as session:
            leaver = identities.identity_for_user(session, account.id)
        member_report = submit.create_report(portal, leaver, NewReport(
            site.secret_resource, SECRET_ID, None, [("country", "Atlantis Major")],
            notify=True))
        anonymous_report = submit.create_report(portal, ANONYMOUS, _new(
            report_site, resource_id=fading, rows=[("country", "Buy pills at pills.example")],
            explanation="Cheap pills.example", name="Spammer", email="gone@example.org",
            notify=True))
        for made in (member_report, anonymous_report):
            inbox.update_status(portal, editor, made.id, "acknowledged", "Still readable.",
                                "http://portal.test")
        told, anonymous_told = (report_site.mail_to("leaver@example.org"),
                                report_site.mail_to("gone@example.org"))
        assert len(told) == 1 and "Still readable." in told[0]
        assert "'Atlantis' should be 'Atlantis Major'" in told[0]  # their own, verified
        # an unverified address gets the status, the note and the link, none of the text
        assert len(anonymous_told) == 1 and "Still readable." in anonymous_told[0]
        assert f"http://portal.test/record/{fading}/open-1" in anonymous_told[0]
        assert "pills" not in anonymous_told[0] and "Spammer" not in anonymous_told[0]
        # the member leaves the organisation; the public dataset becomes private
        organisations.remove_member(portal, OPERATOR, "museum", "leaver")
        organisations.set_visibility(portal, editor, "fading", "private")
        for made in (member_report, anonymous_report):
            inbox.update_status(portal, editor, made.id, "rejected", "Confidential note.")
        assert report_site.mail_to("leaver@example.org") == told
        assert report_site.mail_to("gone@example.org") == anonymous_told
        assert inbox.get_report(portal, editor, member_report.id).status == "rejected"
    finally:
        portal.close()


def test_reports_are_seen_by_maintainers_and_their_reporter_only(
        report_site: ReportSite) -> None:
    site = report_site.site
    portal = report_site.portal()
    try:
        member, editor = site.identity("member"), site.identity("editor")
        other, sysadmin = site.identity("other_editor"), site.identity("sysadmin")
        secret = submit.create_report(portal, member, NewReport(
            site.secret_resource, SECRET_ID, None, [("scientificName", "Arcanus novus")],
            notify=True))
        assert secret.reporter_email == "member@example.org"  # the account's
        assert secret.fields[0].seen == SECRET
        for who in (member, editor, sysadmin):
            assert inbox.get_report(portal, who, secret.id).id == secret.id
            assert secret.id in {r.id for r in inbox.list_reports(portal, who).reports}
        with pytest.raises(NotFound):
            inbox.get_report(portal, other, secret.id)
        assert secret.id not in {r.id for r in inbox.list_reports(portal, other).reports}
        with pytest.raises(SignInRequired):
            inbox.list_reports(portal, ANONYMOUS)
        with pytest.raises(Forbidden):  # the reporter may see it, not change it
            inbox.update_status(portal, member, secret.id, "fixed")
        with pytest.raises(NotFound):
            inbox.update_status(portal, other, secret.id, "fixed")
        only = inbox.list_reports(portal, editor, status="new", dataset="secret").reports
        assert secret.id in {r.id for r in only} and {r.dataset.slug for r in only} == {
            "secret"}
        assert not inbox.list_reports(portal, editor, status="fixed", dataset="secret").reports
    finally:
        portal.close()


def test_a_dataset_without_organisation_is_maintained_by_its_owner(
        report_site: ReportSite) -> None:
    portal = report_site.portal()
    try:
        made = submit.create_report(portal, ANONYMOUS, _new(
            report_site, resource_id=report_site.owned_resource))
        assert any(made.id in m for m in report_site.mail_to("other_editor@example.org"))
        owner = report_site.site.identity("other_editor")
        assert inbox.update_status(portal, owner, made.id, "acknowledged").status == (
            "acknowledged")
        with pytest.raises(NotFound):
            inbox.get_report(portal, report_site.site.identity("editor"), made.id)
    finally:
        portal.close()


@pytest.mark.parametrize(("change", "error", "field"), [
    ({"rows": [("nosuchfield", "x")]}, Invalid, "fields[0].field"),
    ({"rows": [("country", "x"), ("country", "y")]}, Invalid, "fields[1].field"),
    ({"rows": []}, Invalid, "fields"),
    ({"rows": [("country", "")], "explanation": ""}, Invalid, "explanation"),
    ({"rows": [(OTHER, "")], "explanation": ""}, Invalid, "explanation"),
    ({"notify": True}, Invalid, "email"),
    ({"email": "not an address"}, Invalid, "email"),
    ({"name": "two\nlines"}, Invalid, "name"),
    ({"rows": [("country", "a\x00b")]}, Invalid, "fields[0].proposed"),
    ({"explanation": "see http://a.example https://b.example www.c.example"}, Invalid,
     "explanation"),
    ({"record_id": "no-such-record"}, NotFound, "record_id"),
    ({"version": 1}, NotFound, "record_id"),  # before the record existed
    ({"resource_id": "no-such-resource"}, NotFound, None),
])
def test_bad_reports_are_refused_naming_the_part_and_nothing_is_stored(
        report_site: ReportSite, change: dict[str, object], error: type[Exception],
        field: str | None) -> None:
    before = _count(report_site)
    portal = report_site.portal()
    try:
        with pytest.raises(error) as refused:
            submit.create_report(portal, ANONYMOUS, _new(report_site, **change))
        if field is not None:
            assert getattr(refused.value, "field", None) == field
    finally:
        portal.close()
    assert _count(report_site) == before


def test_a_private_record_cannot_be_reported_by_those_who_cannot_read_it(
        report_site: ReportSite) -> None:
    site = report_site.site
    portal = report_site.portal()
    try:
        for who in (ANONYMOUS, site.identity("other_editor")):
            with pytest.raises(NotFound):
                submit.create_report(portal, who, NewReport(
                    site.secret_resource, SECRET_ID, None, [("country", "x")]))
    finally:
        portal.close()
