"""Publishing and discarding drafts, who sees them (nobody but those who may change the
dataset), and their durability (a worker that dies mid-draft is replaced by the queue)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.catalog.drafts import Draft
from holotype.errors import Forbidden, Invalid, NotFound, SignInRequired
from holotype.jobs import queue
from holotype.services import catalogue, drafts
from holotype.services.context import Portal
from holotype.services.drafts import files
from holotype.services.identity import ANONYMOUS, Identity
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site
from tests.services.drafts_helpers import found, reviewed, run_workers, write_csv

HEADER = ["occurrenceID", "catalogNumber", "scientificName", "Lat", "locality"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> AccountsSite:
    return make_accounts_site(tmp_path_factory.mktemp("drafts-site"), records=30)


@pytest.fixture
def portal(site: AccountsSite) -> Iterator[Portal]:
    opened = Portal.open(site.settings)
    yield opened
    opened.close()


def _rows(word: str, n: int, start: int = 0) -> list[list[str]]:
    return [[f"{word}-{i}", f"C-{i}", f"{word} species", "10.5", "Hill"]
            for i in range(start, start + n)]


def test_publish_makes_the_next_version_that_search_finds(
        site: AccountsSite, portal: Portal, tmp_path: Path) -> None:
    editor = site.identity("editor")
    path = write_csv(tmp_path / "first.csv", HEADER, _rows("Draftus primus", 12))
    draft = reviewed(portal, editor, "secret", "Drafted", path)
    folder = files.folder(portal, draft.id)
    assert draft.status == "ready" and folder.is_dir()
    assert found(portal, editor, "Draftus") == 0  # not in the store before publishing
    outcome = drafts.publish(portal, editor, draft.id, renames={"Lat": "decimalLatitude"})
    assert outcome.result.added == 12 and outcome.resource.name == "Drafted"
    assert found(portal, editor, "Draftus") == 12
    assert not folder.exists()
    with pytest.raises(NotFound):
        drafts.show(portal, editor, draft.id)
    store = portal.store.resource(outcome.resource.id)
    assert "decimalLatitude" in store.manifest().columns and "Lat" not in store.manifest().columns
    # a second draft of the same resource: its next version
    path = write_csv(tmp_path / "second.csv", ["occurrenceID", "catalogNumber",
                                               "scientificName", "decimalLatitude",
                                               "locality"],
                     _rows("Draftus primus", 15))
    second = reviewed(portal, editor, "secret", outcome.resource.id, path, new=False)
    assert second.review is not None and second.review.id_field_fixed
    published = drafts.publish(portal, editor, second.id)
    assert (published.result.added, published.result.total) == (3, 15)
    assert len(store.versions()) == 2


def test_errors_refuse_publishing_and_commit_nothing(
        site: AccountsSite, portal: Portal, tmp_path: Path) -> None:
    editor = site.identity("editor")
    rows = _rows("Duplicatus", 4)
    rows.append(["Duplicatus-1", "C-9", "x", "1", "y"])  # row 6 repeats row 3's id
    draft = reviewed(portal, editor, "secret", "Duplicates", write_csv(
        tmp_path / "dup.csv", HEADER, rows))
    assert draft.errors == 1
    with pytest.raises(drafts.DraftHasErrors, match=rf"draft {draft.id} .*row 6, column "
                                                     "'occurrenceID'") as refused:
        drafts.publish(portal, editor, draft.id)
    assert refused.value.field == "draft" and refused.value.findings[0].rows == [6]
    with portal.session() as session:
        assert "Duplicates" not in {r.name for r in catalogue.list_resources(session, "secret")}
    assert found(portal, editor, "Duplicatus") == 0
    assert drafts.show(portal, editor, draft.id).status == "ready"  # kept, to fix or discard
    # another id field without duplicates may be chosen: then it publishes
    outcome = drafts.publish(portal, editor, draft.id, id_field="catalogNumber")
    assert outcome.resource.id_field == "catalogNumber" and outcome.result.total == 5


def test_discard_leaves_nothing(site: AccountsSite, portal: Portal, tmp_path: Path) -> None:
    editor = site.identity("editor")
    draft = reviewed(portal, editor, "secret", "Discarded",
                     write_csv(tmp_path / "gone.csv", HEADER, _rows("Discardus", 3)))
    assert any(d.id == draft.id for d in drafts.list_drafts(portal, editor, "secret"))
    drafts.discard(portal, editor, draft.id)
    assert not files.folder(portal, draft.id).exists()
    assert all(d.id != draft.id for d in drafts.list_drafts(portal, editor, "secret"))
    with portal.session() as session:
        assert session.get(Draft, draft.id) is None
        assert "Discarded" not in {r.name for r in catalogue.list_resources(session, "secret")}
    assert found(portal, editor, "Discardus") == 0


def test_nobody_else_sees_a_draft(site: AccountsSite, portal: Portal, tmp_path: Path) -> None:
    editor = site.identity("editor")
    draft = reviewed(portal, editor, "secret", "Hidden",
                     write_csv(tmp_path / "hidden.csv", HEADER, _rows("Occultus", 3)))
    sysadmin = site.identity("sysadmin")
    assert drafts.show(portal, sysadmin, draft.id).status == "ready"
    others: list[Identity] = [site.identity("member"), site.identity("other_editor")]
    for who in others:  # a reader of the dataset, and an editor elsewhere
        for call in (lambda w=who: drafts.show(portal, w, draft.id),
                     lambda w=who: drafts.publish(portal, w, draft.id),
                     lambda w=who: drafts.discard(portal, w, draft.id),
                     lambda w=who: drafts.list_drafts(portal, w, "secret")):
            with pytest.raises(NotFound):
                call()
        assert found(portal, who, "Occultus") == 0
    with pytest.raises(SignInRequired):
        drafts.show(portal, ANONYMOUS, draft.id)
    with pytest.raises(SignInRequired):
        drafts.list_drafts(portal, ANONYMOUS, "secret")
    with pytest.raises(Forbidden):  # a reader may not start one either (audited refusal)
        drafts.start(portal, site.identity("member"), "secret", "X", tmp_path / "hidden.csv",
                     "hidden.csv", new_resource=True)
    assert found(portal, editor, "Occultus") == 0
    assert drafts.show(portal, editor, draft.id).status == "ready"


def test_a_draft_of_another_dataset_is_not_found_under_this_one(
        site: AccountsSite, portal: Portal, tmp_path: Path) -> None:
    sysadmin = site.identity("sysadmin")
    draft = reviewed(portal, sysadmin, "secret", "Elsewhere",
                     write_csv(tmp_path / "else.csv", HEADER, _rows("Alibi", 2)))
    with pytest.raises(NotFound):
        drafts.show(portal, sysadmin, draft.id, dataset="othersecret")
    drafts.discard(portal, sysadmin, draft.id)


def test_a_worker_that_dies_mid_draft_is_replaced(
        site: AccountsSite, portal: Portal, tmp_path: Path) -> None:
    editor = site.identity("editor")
    started = drafts.start(portal, editor, "secret", "Durable",
                           write_csv(tmp_path / "durable.csv", HEADER, _rows("Durabilis", 4)),
                           "durable.csv", new_resource=True)
    claim = queue.claim_next(portal.write_sessions, "dying-worker", 0.05, table=Draft)
    assert claim is not None and claim.job_id == started.id
    assert drafts.show(portal, editor, started.id).status == "reading"
    portal.close()  # "the server restarts": the draft is in the catalogue and its folder
    reopened = Portal.open(site.settings)
    try:
        time.sleep(0.1)  # the dead worker's lease runs out
        run_workers(reopened)
        draft = drafts.show(reopened, editor, started.id)
        assert draft.status == "ready" and draft.rows_read == 4
        with reopened.session() as session:
            assert session.get(Draft, started.id).attempts == 2  # type: ignore[union-attr]
        drafts.discard(reopened, editor, started.id)
    finally:
        reopened.close()


def test_a_draft_waiting_for_its_worker_cannot_be_published(
        site: AccountsSite, portal: Portal, tmp_path: Path) -> None:
    editor = site.identity("editor")
    started = drafts.start(portal, editor, "secret", "Waiting",
                           write_csv(tmp_path / "wait.csv", HEADER, _rows("Exspectans", 2)),
                           "wait.csv", new_resource=True)
    with pytest.raises(Invalid, match="still being read"):
        drafts.publish(portal, editor, started.id)
    with pytest.raises(NotFound, match="no resource 'Nonesuch'"):
        drafts.start(portal, editor, "secret", "Nonesuch", tmp_path / "wait.csv", "wait.csv")
    with pytest.raises(Invalid, match=r"wait\.csv: no such file"):  # the draft took it
        drafts.start(portal, editor, "secret", "Waiting", tmp_path / "wait.csv", "wait.csv",
                     new_resource=True)
    drafts.discard(portal, editor, started.id)
