"""The NHM download transform ``id_as_url``: a field's ids become the records' stable URIs."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any
from urllib.parse import quote

import pytest
from dwca.read import DwCAReader

from holotype.errors import Invalid
from holotype.services.context import Portal
from holotype.services.downloads import parse_request
from tests.downloads.conftest import MEDIA, Download
from tests.downloads.helpers import searched

QUERY = {"search": "forest"}


def _csv_rows(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in archive.namelist():
        if name.endswith(".csv"):
            text = io.StringIO(archive.read(name).decode("utf-8"), newline="")
            rows += list(csv.DictReader(text))
    return rows


def test_ids_become_stable_uris_and_nothing_else_changes(
    download: Download, portal: Portal
) -> None:
    plain = _csv_rows(download("csv", QUERY))
    linked = _csv_rows(download("csv", QUERY, file={
        "transform": {"id_as_url": {"field": "occurrenceID"}}}))
    base = portal.settings.base_url
    assert len(plain) == len(linked) == len(searched(portal, QUERY)) > 0
    by_id = {row["_id"]: row for row in plain}
    changed = 0
    for row in linked:
        before = by_id[row["_id"]]
        if before.get("occurrenceID"):
            assert row["occurrenceID"] == f"{base}/object/{quote(before['occurrenceID'], safe='')}"
            changed += 1
        else:
            assert not row.get("occurrenceID")
        assert {k: v for k, v in row.items() if k != "occurrenceID"} == {
            k: v for k, v in before.items() if k != "occurrenceID"}
    assert changed > 0


def test_the_archive_core_carries_the_uris(download: Download, portal: Portal) -> None:
    # one resource, so the core ids are the records' own (several get a resource prefix)
    archive = download("dwca", {}, resource_ids=[MEDIA],
                       file={"transform": {"id_as_url": {"field": "_id"}}})
    assert archive.filename is not None
    with DwCAReader(archive.filename) as reader:
        ids = [row.id for row in reader]
    assert ids and all(i.startswith(f"{portal.settings.base_url}/object/") for i in ids)


@pytest.mark.parametrize(("transform", "field"), [
    ({"stem": {}}, "file.transform"),
    ("id_as_url", "file.transform"),
    ({"id_as_url": "occurrenceID"}, "file.transform.id_as_url"),
    ({"id_as_url": {"field": "x", "base": "y"}}, "file.transform.id_as_url"),
    ({"id_as_url": {}}, "file.transform.id_as_url.field"),
    ({"id_as_url": {"field": ""}}, "file.transform.id_as_url.field"),
    ({"id_as_url": {"field": 3}}, "file.transform.id_as_url.field"),
])
def test_bad_transforms_are_refused_naming_the_path(transform: Any, field: str) -> None:
    with pytest.raises(Invalid) as raised:
        parse_request({"query": {}}, {"format": "csv", "transform": transform}, None)
    assert raised.value.field == field
