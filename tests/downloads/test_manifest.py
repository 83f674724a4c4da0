"""manifest.json: the query, versions, counts per resource, licences, citation and time."""

from __future__ import annotations

from datetime import datetime

import pytest

from holotype.services.context import Portal
from tests.downloads.conftest import MEDIA, Download, Site, manifest_of
from tests.downloads.helpers import searched


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "dwca", "parquet"])
def test_every_zip_says_what_it_holds(fmt: str, download: Download, portal: Portal,
                                      site: Site) -> None:
    query = {"search": "forest"}
    archive = download(fmt, query, resource_ids=["demo-specimens/records", MEDIA],
                       version=site.media_first)
    data = manifest_of(archive)
    assert data["query"] == query and data["query_version"] == "v1.0.0"
    assert data["version"] == site.media_first
    assert len(data["query_hash"]) >= 32
    expected = searched(portal, query, ["demo-specimens/records", MEDIA], site.media_first)
    counts = {r["name"]: r["records"] for r in data["resources"]}
    assert counts == {
        "demo-specimens/records": sum(1 for k in expected if k[0] != site.media_id),
        "media-survey/records": sum(1 for k in expected if k[0] == site.media_id),
    }
    assert counts["media-survey/records"] == 1  # m-3, "Old forest", only in the first version
    assert data["total"] == len(expected)
    media = next(r for r in data["resources"] if r["id"] == site.media_id)
    assert media["version"] == site.media_first
    assert {(lic["id"], lic["url"]) for lic in data["licences"]} == {
        ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    }
    assert data["download_id"] in data["citation"]
    assert f"{data['total']:,} records" in data["citation"]
    citations = {d["slug"]: d["citation"] for d in data["datasets"]}
    assert citations["media-survey"].startswith("Ada Lovelace (")
    assert "Media survey <2024>" in citations["media-survey"]
    generated = datetime.fromisoformat(data["generated"])
    assert generated.tzinfo is not None
    assert set(data["files"]) == set(archive.namelist())
