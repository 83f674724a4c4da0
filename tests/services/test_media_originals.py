"""original_for: the file of a medium for those who may see it; not found for the others."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.errors import Invalid, NotFound, Unavailable
from holotype.media.refs import media_id
from holotype.media.stored import store_file
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.media.originals import fetched_dir, original_for
from holotype.services.records import ingest
from tests.fixtures.media_datasets import open_and_shut


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(
        data_dir=tmp_path / "site", media_allowed_hosts=["localhost", "127.0.0.1", "10.0.0.1"]))
    open_and_shut(opened)
    yield opened
    opened.close()


def _add(portal: Portal, tmp_path: Path, resource: str, source: str) -> str:
    path = tmp_path / f"{media_id(source)}.jsonl"
    path.write_text(json.dumps({"occurrenceID": "1", "Multimedia": json.dumps(
        [{"identifier": source, "format": "image/jpeg"}])}) + "\n")
    ingest(portal, OPERATOR, resource, path)
    return media_id(source)


def test_a_stored_medium_is_its_file(portal: Portal, tmp_path: Path) -> None:
    image = tmp_path / "a.jpg"
    image.write_bytes(b"\xff\xd8\xff some image")
    source = store_file(portal.settings.data_dir, image)
    key = _add(portal, tmp_path, "open/rows", source)
    found = original_for(portal, ANONYMOUS, key)
    assert found.read_bytes() == image.read_bytes()
    assert found.parent == portal.settings.data_dir / "media" / "stored"


def test_a_private_medium_is_not_found_as_an_unknown_one_is(
    portal: Portal, tmp_path: Path
) -> None:
    image = tmp_path / "b.png"
    image.write_bytes(b"\x89PNG private")
    key = _add(portal, tmp_path, "shut/rows", store_file(portal.settings.data_dir, image))
    assert original_for(portal, OPERATOR, key).is_file()
    with pytest.raises(NotFound) as hidden:
        original_for(portal, ANONYMOUS, key)
    with pytest.raises(NotFound) as unknown:
        original_for(portal, ANONYMOUS, "0" * 32)
    assert str(hidden.value).replace(key, "X") == str(unknown.value).replace("0" * 32, "X")
    with pytest.raises(NotFound):
        original_for(portal, OPERATOR, "../../etc/passwd")


def test_a_missing_stored_file_is_unavailable(portal: Portal, tmp_path: Path) -> None:
    key = _add(portal, tmp_path, "open/rows", "stored:" + "d" * 64 + ".jpg")
    with pytest.raises(Unavailable, match=r"stored file of medium .* is missing"):
        original_for(portal, ANONYMOUS, key)


@pytest.mark.parametrize("source", ["http://localhost/a.jpg", "http://127.0.0.1/a.jpg",
                                    "http://10.0.0.1/a.jpg"])
def test_a_listed_private_host_is_refused(portal: Portal, tmp_path: Path, source: str) -> None:
    key = _add(portal, tmp_path, "open/rows", source)
    with pytest.raises(Invalid, match="private, loopback, link-local or reserved"):
        original_for(portal, ANONYMOUS, key)
    assert not (portal.settings.data_dir / "media" / "fetched" / key).exists()


def test_an_unlisted_host_is_refused(portal: Portal, tmp_path: Path) -> None:
    key = _add(portal, tmp_path, "open/rows", "https://images.example.org/a.jpg")
    with pytest.raises(Invalid, match=r"images\.example\.org is not allowed"):
        original_for(portal, ANONYMOUS, key)


def test_a_fetched_copy_is_not_served_once_its_host_is_no_longer_allowed(
    portal: Portal, tmp_path: Path
) -> None:
    key = _add(portal, tmp_path, "open/rows", "https://images.example.org/x.jpg")
    copy = fetched_dir(portal.settings.data_dir) / key  # as if fetched while allowed
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"\xff\xd8\xff fetched")
    allowed = Portal.open(load_settings(data_dir=portal.settings.data_dir,
                                        media_allowed_hosts=["images.example.org"]))
    try:
        assert original_for(allowed, ANONYMOUS, key) == copy
    finally:
        allowed.close()
    with pytest.raises(Invalid, match=r"images\.example\.org is not allowed"):
        original_for(portal, ANONYMOUS, key)  # this portal does not list that host
