"""One draft published twice at once (a double click, a retried script): one publish commits
it, the other is refused and changes nothing; a failed publish leaves the draft ready to publish
again; a publish never commits into, or deletes, a resource it did not make. A draft is queued
only once its file is in its folder."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from holotype.catalog.drafts import Draft
from holotype.errors import Conflict
from holotype.services import catalogue, drafts, publishing, records, uploads
from holotype.services.context import Portal
from holotype.services.drafts import files, uploaded
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site
from tests.fixtures.threads import in_thread
from tests.services.drafts_helpers import reviewed, write_csv

HEADER = ["occurrenceID", "catalogNumber", "scientificName", "locality"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> AccountsSite:
    return make_accounts_site(tmp_path_factory.mktemp("drafts-concurrent"), records=5)


@pytest.fixture
def portal(site: AccountsSite) -> Iterator[Portal]:
    opened = Portal.open(site.settings)
    yield opened
    opened.close()


def rows(word: str, n: int) -> list[list[str]]:
    return [[f"{word}-{i}", f"C-{i}", f"{word} species", "Hill"] for i in range(n)]


def resources_named(portal: Portal, name: str) -> list[str]:
    with portal.session() as session:
        dataset = catalogue.get_dataset(session, "secret")
        return [r.id for r in catalogue.list_resources(session, dataset.id) if r.name == name]


def test_a_second_publish_while_the_first_commits_is_refused(
        site: AccountsSite, portal: Portal, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    editor = site.identity("editor")
    draft = reviewed(portal, editor, "secret", "Twice",
                     write_csv(tmp_path / "twice.csv", HEADER, rows("Bis", 3)))
    commit = records.commit_staged
    second: list[Any] = []

    def commit_while_published_again(*args: Any, **kwargs: Any) -> Any:
        if not second:  # the first publish is committing: the same draft is published again
            second.append(None)  # once: the other request comes through here too
            second[0] = in_thread(lambda: drafts.publish(portal, editor, draft.id))
        return commit(*args, **kwargs)

    monkeypatch.setattr(records, "commit_staged", commit_while_published_again)
    first = drafts.publish(portal, editor, draft.id)
    assert isinstance(second[0], Conflict) and "being published" in str(second[0])
    assert first.result.added == 3
    assert resources_named(portal, "Twice") == [first.resource.id]  # one resource, not two
    assert len(portal.store.resource(first.resource.id).versions()) == 1


def test_a_failed_publish_leaves_the_draft_ready_to_publish_again(
        site: AccountsSite, portal: Portal, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    editor = site.identity("editor")
    draft = reviewed(portal, editor, "secret", "Again",
                     write_csv(tmp_path / "again.csv", HEADER, rows("Iterum", 2)))
    commit = records.commit_staged

    def fail_once(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(records, "commit_staged", commit)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(records, "commit_staged", fail_once)
    with pytest.raises(RuntimeError, match="disk is full"):
        drafts.publish(portal, editor, draft.id)
    assert resources_named(portal, "Again") == []  # the resource it made is gone again
    shown = drafts.show(portal, editor, draft.id)
    assert (shown.status, shown.step) == ("ready", "ready for review")
    assert drafts.publish(portal, editor, draft.id).result.added == 2


def test_a_publish_never_takes_over_a_resource_it_did_not_make(
        site: AccountsSite, portal: Portal, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    editor = site.identity("editor")
    draft = reviewed(portal, editor, "secret", "Taken",
                     write_csv(tmp_path / "taken.csv", HEADER, rows("Captus", 2)))
    [existing] = resources_named(portal, "Records")
    before = len(portal.store.resource(existing).versions())
    # another request made a resource of the free slug between the choice and the creation
    monkeypatch.setattr(publishing, "resource_slug", lambda *_args: "records")
    with pytest.raises(Conflict, match="meanwhile"):
        drafts.publish(portal, editor, draft.id)
    assert resources_named(portal, "Records") == [existing]
    assert len(portal.store.resource(existing).versions()) == before
    assert drafts.show(portal, editor, draft.id).status == "ready"
    drafts.discard(portal, editor, draft.id)


def test_a_draft_is_queued_only_once_its_file_is_in_its_folder(
        site: AccountsSite, portal: Portal, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    editor = site.identity("editor")
    take = files.take
    queued_before_the_file: list[int] = []

    def counting_take(path: Path, folder: Path, name: str) -> Path:
        with portal.session() as session:
            queued_before_the_file.append(session.scalar(
                select(func.count()).select_from(Draft).where(Draft.id == folder.name)) or 0)
        return take(path, folder, name)

    monkeypatch.setattr(files, "take", counting_take)
    started = drafts.start(portal, editor, "secret", "Early",
                           write_csv(tmp_path / "early.csv", HEADER, rows("Mane", 2)),
                           "early.csv", new_resource=True)
    assert queued_before_the_file == [0]
    assert started.status == "queued" and files.original(files.folder(portal, started.id))
    drafts.discard(portal, editor, started.id)


def test_a_draft_that_cannot_be_recorded_gives_its_file_back(
        site: AccountsSite, portal: Portal, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    editor = site.identity("editor")
    path = write_csv(tmp_path / "back.csv", HEADER, rows("Redditus", 2))
    content = path.read_bytes()
    with portal.session() as session:
        count = session.scalar(select(func.count()).select_from(Draft))
    folders = set(files.root(portal).iterdir()) if files.root(portal).is_dir() else set()
    opened = portal.write_session

    def broken() -> Any:
        raise RuntimeError("the catalogue is gone")

    monkeypatch.setattr(portal, "write_session", broken)
    with pytest.raises(RuntimeError, match="catalogue is gone"):
        drafts.start(portal, editor, "secret", "Back", path, "back.csv", new_resource=True)
    monkeypatch.setattr(portal, "write_session", opened)
    assert path.read_bytes() == content  # where it was
    with portal.session() as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == count
    assert set(files.root(portal).iterdir()) == folders  # no folder left of it


def test_an_upload_is_given_back_whatever_stops_its_draft(
        site: AccountsSite, portal: Portal, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    editor = site.identity("editor")
    upload_id = uuid.uuid4().hex
    own = uploads.folder(portal, editor)
    own.mkdir(parents=True, exist_ok=True)
    content = write_csv(tmp_path / "sent.csv", HEADER, rows("Missus", 2)).read_bytes()
    (own / upload_id).write_bytes(content)
    uploads.finish(portal, editor, upload_id, dataset="secret", name="sent.csv")

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("not a refusal: something broke")

    monkeypatch.setattr(uploaded, "start", broken)
    with pytest.raises(RuntimeError, match="something broke"):
        uploaded.start_upload(portal, editor, "secret", upload_id, new_resource=True)
    # finished again, with its bytes, and nothing left in the claimed folder
    assert uploads.finished(portal, editor, upload_id).name == "sent.csv"
    assert (own / upload_id).read_bytes() == content
    claimed = site.settings.data_dir / "uploads" / "claimed"
    assert not claimed.exists() or not any(claimed.iterdir())
