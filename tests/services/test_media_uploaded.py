"""Finished image uploads attached to records by their file names
(:func:`holotype.services.media.uploaded.attach_uploads`): one new version; the files whose
names match no record stay the user's uploads; someone else's, an unfinished, a non-image or
another dataset's upload refuses the whole request before anything is claimed; and when the
adding refuses the files, every upload is given back: nothing is lost."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyvips

from holotype.errors import Conflict, Invalid, NotFound
from holotype.services import uploads
from holotype.services.context import Portal
from holotype.services.media.adding import Credits
from holotype.services.media.uploaded import attach_uploads
from holotype.services.records import versions
from tests.fixtures.accounts_site import AccountsSite, make_accounts_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> AccountsSite:
    return make_accounts_site(tmp_path_factory.mktemp("attach-site"), records=5)


@pytest.fixture
def portal(site: AccountsSite) -> Iterator[Portal]:
    opened = Portal.open(site.settings)
    try:
        yield opened
    finally:
        opened.close()


def _jpeg(width: int = 20) -> bytes:
    return bytes(pyvips.Image.black(width, 12).write_to_buffer(".jpg"))


def _upload(portal: Portal, site: AccountsSite, who: str, name: str, data: bytes,
            dataset: str = "secret", finished: bool = True) -> str:
    """A tus upload as the tus server leaves it: the bytes, and the finish note when all came."""
    identity = site.identity(who)
    upload_id = uuid.uuid4().hex
    own = uploads.folder(portal, identity)
    own.mkdir(parents=True, exist_ok=True)
    (own / upload_id).write_bytes(data)
    if finished:
        uploads.finish(portal, identity, upload_id, dataset=dataset, name=name)
    return upload_id


def _version_count(portal: Portal, site: AccountsSite) -> int:
    return len(versions(portal, site.identity("sysadmin"), site.secret_resource)[1])


def _record(portal: Portal, site: AccountsSite, record_id: str) -> dict[str, str]:
    got = portal.store.resource(site.secret_resource).get(record_id)
    assert got is not None
    return got


def _claimed(site: AccountsSite) -> list[Path]:
    base = site.settings.data_dir / "uploads" / "claimed"
    return list(base.iterdir()) if base.exists() else []


def test_images_are_attached_as_one_version_and_unmatched_ones_kept(
        portal: Portal, site: AccountsSite) -> None:
    first, second = _jpeg(20), _jpeg(30)
    sent = [_upload(portal, site, "editor", "SEC-2.jpg", first),
            _upload(portal, site, "editor", "SEC-2_2.jpg", second),
            _upload(portal, site, "editor", "NOPE-9.jpg", _jpeg(40))]
    before = _version_count(portal, site)
    attached = attach_uploads(portal, site.identity("editor"), "secret", "Records", sent,
                              credits=Credits("A. Photographer", None, "CC-BY-4.0"))
    shown = attached.as_dict()
    assert (shown["images_added"], shown["records_changed"]) == (2, 1)
    assert shown["records"] == [{"value": "SEC-2", "record_id": "sec-museum-2",
                                 "files": ["SEC-2.jpg", "SEC-2_2.jpg"]}]
    assert shown["unmatched"] == [{"file_name": "NOPE-9.jpg", "upload_id": sent[2]}]
    assert shown["version"] is not None and _version_count(portal, site) == before + 1
    rows = json.loads(_record(portal, site, "sec-museum-2")["Multimedia"])
    assert [(r["title"], r["creator"], r["license"]) for r in rows] == [
        ("SEC-2.jpg", "A. Photographer", "CC-BY-4.0"),
        ("SEC-2_2.jpg", "A. Photographer", "CC-BY-4.0")]
    stored = site.settings.data_dir / "media" / "stored"
    assert {p.read_bytes() for p in stored.iterdir()} >= {first, second}
    editor = site.identity("editor")
    for upload_id in sent[:2]:  # taken: gone from the uploads
        with pytest.raises(NotFound):
            uploads.finished(portal, editor, upload_id)
    assert uploads.finished(portal, editor, sent[2]).name == "NOPE-9.jpg"  # kept, to retry
    assert [u for u, _ in uploads.finished_list(portal, editor, "secret", "media")] == [sent[2]]
    assert _claimed(site) == []
    again = attach_uploads(portal, editor, "secret", "", [sent[2]], match="occurrenceID")
    assert again.outcome.added == 0 and again.version is None  # matches nothing there either
    assert uploads.finished(portal, editor, sent[2]).name == "NOPE-9.jpg"


def test_someone_elses_unfinished_non_image_or_other_datasets_upload_claims_nothing(
        portal: Portal, site: AccountsSite) -> None:
    editor = site.identity("editor")
    mine = _upload(portal, site, "editor", "SEC-1.jpg", _jpeg())
    theirs = _upload(portal, site, "sysadmin", "SEC-1_2.jpg", _jpeg())
    half = _upload(portal, site, "editor", "SEC-1_3.jpg", _jpeg(), finished=False)
    sheet = _upload(portal, site, "editor", "SEC-1.csv", b"a,b\n1,2\n")
    elsewhere = _upload(portal, site, "sysadmin", "SEC-1_4.jpg", _jpeg(), dataset="othersecret")
    before = _version_count(portal, site)
    with pytest.raises(NotFound, match="there is no upload"):
        attach_uploads(portal, editor, "secret", "records", [mine, theirs])
    with pytest.raises(Conflict, match="is not finished"):
        attach_uploads(portal, editor, "secret", "records", [mine, half])
    with pytest.raises(Invalid, match=r"\(SEC-1.csv\) is not an image") as caught:
        attach_uploads(portal, editor, "secret", "records", [mine, sheet])
    assert caught.value.field == "upload_ids"
    with pytest.raises(Invalid, match="was sent for dataset 'othersecret', not 'secret'"):
        attach_uploads(portal, site.identity("sysadmin"), "secret", "records", [elsewhere])
    with pytest.raises(Invalid, match="not 'nonesuch'") as caught:
        attach_uploads(portal, editor, "secret", "nonesuch", [mine])
    assert caught.value.field == "resource"
    with pytest.raises(Invalid, match="name the finished image uploads"):
        attach_uploads(portal, editor, "secret", "records", [" "])
    twin = _upload(portal, site, "editor", "SEC-1.jpg", _jpeg(60))
    with pytest.raises(Invalid, match=r"are both named 'SEC-1\.jpg'"):
        attach_uploads(portal, editor, "secret", "records", [mine, twin])
    hidden = _upload(portal, site, "editor", ".SEC-1.jpg", _jpeg(61))
    with pytest.raises(Invalid, match="cannot name a record"):
        attach_uploads(portal, editor, "secret", "records", [hidden])
    assert _version_count(portal, site) == before
    for upload_id in (mine, twin):  # never claimed
        assert uploads.finished(portal, editor, upload_id).name == "SEC-1.jpg"
    assert uploads.finished(portal, site.identity("sysadmin"), theirs).name == "SEC-1_2.jpg"
    assert _claimed(site) == []


def test_a_refusal_gives_every_upload_back(portal: Portal, site: AccountsSite) -> None:
    editor = site.identity("editor")
    good, bad = _jpeg(50), b"\xff\xd8\xff\xe0 not much of a JPEG"
    sent = [_upload(portal, site, "editor", "SEC-2_5.jpg", good),
            _upload(portal, site, "editor", "SEC-2_6.jpg", bad)]
    before = _version_count(portal, site)
    with pytest.raises(Invalid, match=r"SEC-2_6\.jpg") as caught:
        attach_uploads(portal, editor, "secret", "records", sent)
    assert "nothing was added" in caught.value.message
    with pytest.raises(Invalid, match="no field 'nonesuch'"):
        attach_uploads(portal, editor, "secret", "records", sent[:1], match="nonesuch")
    assert _version_count(portal, site) == before
    own = uploads.folder(portal, editor)
    for upload_id, data, name in zip(sent, (good, bad), ("SEC-2_5.jpg", "SEC-2_6.jpg"),
                                     strict=True):
        assert uploads.finished(portal, editor, upload_id).name == name
        assert (own / upload_id).read_bytes() == data  # the very bytes, to attach again
    assert _claimed(site) == []
    attached = attach_uploads(portal, editor, "secret", "records", sent[:1])
    assert attached.outcome.added == 1
