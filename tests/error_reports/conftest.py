"""A site with accounts (tests/fixtures/accounts_site.py), a real SMTP server on loopback, and
two more datasets to report on: museum's public ``museum-open`` (its maintainer: ``editor``)
and ``owned``, of no organisation, owned by ``other_editor``."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site
from tests.fixtures.mail import Inbox, mail_server

ROWS = [{"occurrenceID": f"open-{i}", "catalogNumber": f"OPEN-{i}",
         "scientificName": "Apis mellifera", "country": "Kenya", "locality": f"Hill {i}"}
        for i in range(1, 4)]


@dataclass(frozen=True)
class ReportSite:
    site: AccountsSite
    inbox: Inbox
    open_resource: str  # museum's public dataset
    owned_resource: str  # of no organisation, owned by other_editor

    def portal(self) -> Portal:
        return Portal.open(self.site.settings)

    def mail_to(self, address: str) -> list[str]:
        """The bodies of the messages sent to ``address``."""
        return [str(m.get_payload(decode=True), "utf-8") for to, m in self.inbox.messages
                if address in to]


def _dataset(portal: Portal, folder: Path, slug: str, organisation: str | None,
             owner: str | None) -> str:
    with portal.write_session() as session:
        catalogue.create_dataset(session, slug=slug, title=f"Open {slug}", licence="CC0-1.0",
                                 organisation=organisation, owner=owner)
        resource = catalogue.create_resource(session, slug, slug="records", name="Records",
                                             id_field="occurrenceID")
    path = folder / f"{slug}.csv"
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
    ingest(portal, OPERATOR, f"{slug}/records", path)
    return resource.id


def make_report_site(directory: Path, inbox: Inbox, port: int, **overrides: object
                     ) -> ReportSite:
    settings: dict[str, object] = {
        "smtp_host": "127.0.0.1", "smtp_port": port, "error_report_min_seconds": 0,
        "error_reports_per_hour": 0, "public_base_url": "http://portal.test", **overrides}
    site = make_accounts_site(directory, records=10, **settings)
    portal = Portal.open(site.settings)
    try:
        opened = _dataset(portal, directory, "museum-open", "museum", None)
        owned = _dataset(portal, directory, "owned", None, "other_editor")
    finally:
        portal.close()
    return ReportSite(site, inbox, opened, owned)


@pytest.fixture(scope="module")
def report_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportSite]:
    with mail_server() as (inbox, port):
        yield make_report_site(tmp_path_factory.mktemp("reports"), inbox, port)
