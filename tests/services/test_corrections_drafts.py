"""A draft whose file would undo accepted corrections: its review warns (rows and fields), its
publish is refused until the editor chooses, and keep or source then do what they say."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from holotype.services import corrections, drafts
from holotype.services.accounts import sessions
from holotype.services.correction_guard import CorrectionsUndone
from holotype.services.identity import OPERATOR
from holotype.web.app import create_app
from tests.fixtures.corrections_site import (
    RESOURCE,
    ROWS,
    CorrectionsSite,
    cookie_for,
    make_corrections_site,
)
from tests.services.drafts_helpers import reviewed


@pytest.fixture
def site(tmp_path: Path) -> Iterator[CorrectionsSite]:
    made = make_corrections_site(tmp_path)
    corrections.accept(made.portal, OPERATOR, RESOURCE, "h-1", {"country": "France"})
    yield made
    made.portal.close()


def draft_of_the_first_file(site: CorrectionsSite) -> drafts.DraftInfo:
    rows = [list(r) for r in ROWS]
    rows[1][4] = "Compiègne"  # h-2 gets a locality: something else to publish
    path = site.write("again.csv", rows)
    return reviewed(site.portal, site.people["editor"], "herb", "specimens", path, new=False)


def test_the_review_warns_and_publish_needs_a_choice(site: CorrectionsSite) -> None:
    draft = draft_of_the_first_file(site)
    assert draft.review is not None and not draft.review.errors
    [warning] = [f for f in draft.review.findings if f.check.startswith("correction_")]
    assert (warning.severity, warning.check, warning.column, warning.rows, warning.count) == (
        "warning", "correction_undo", "country", [2], 1)
    assert "record 'h-1'" in warning.message and "'France'" in warning.message
    before = len(site.portal.store.resource(site.resource_id).versions())
    with pytest.raises(CorrectionsUndone) as refused:
        drafts.publish(site.portal, site.people["editor"], draft.id)
    assert refused.value.field == "on_corrections"
    assert len(site.portal.store.resource(site.resource_id).versions()) == before
    assert drafts.show(site.portal, site.people["editor"], draft.id).status == "ready"
    outcome = drafts.publish(site.portal, site.people["editor"], draft.id,
                             on_corrections="keep")
    assert outcome.result.changed == 1  # h-2's locality; h-1 kept its correction
    h1, h2 = site.record("h-1"), site.record("h-2")
    assert h1 is not None and h1["country"] == "France"
    assert h2 is not None and h2["locality"] == "Compiègne"


def test_publish_taking_the_source(site: CorrectionsSite) -> None:
    draft = draft_of_the_first_file(site)
    outcome = drafts.publish(site.portal, site.people["editor"], draft.id,
                             on_corrections="source")
    assert outcome.result.changed == 2
    assert site.record("h-1") is not None and site.record("h-1")["country"] == "Frnace"
    again = draft_of_the_first_file(site)  # nothing guarded any more
    assert again.review is not None
    assert not [f for f in again.review.findings if f.check.startswith("correction_")]


def test_the_review_page_asks_for_the_choice(site: CorrectionsSite) -> None:
    draft = draft_of_the_first_file(site)
    with TestClient(create_app(site.portal.settings)) as client:
        client.cookies.set(sessions.COOKIE, cookie_for(site, "editor"))
        page = client.get(f"/dataset/herb/drafts/{draft.id}")
        assert page.status_code == 200
        assert 'name="on_corrections" value="keep" required' in page.text
        assert 'name="on_corrections" value="source"' in page.text
