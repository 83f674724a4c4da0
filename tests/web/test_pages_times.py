"""Versions on pages are <time> elements: an ISO 8601 UTC datetime, the UTC text for readers
without JavaScript, the exact version on hover, and links and JSON twins keep the numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from holotype.web.pages.render import iso_time, version_time
from tests.fixtures.forms import with_token
from tests.fixtures.pages_site import PagesSite

TIME = re.compile(r'<time class="local" datetime="([^"]+)" title="([^"]*)">([^<]*)</time>')


def time_of(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return (f'<time class="local" datetime="{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z" '
            f'title="version {ms} ({moment:%Y-%m-%d %H:%M:%S} UTC)">'
            f"{moment:%Y-%m-%d %H:%M:%S} UTC</time>")


def test_a_version_is_a_time_element() -> None:
    assert str(version_time(1796505383788)) == (
        '<time class="local" datetime="2026-12-05T21:16:23.788Z" '
        'title="version 1796505383788 (2026-12-05 21:16:23 UTC)">2026-12-05 21:16:23 UTC</time>')
    assert str(version_time(None)) == ""
    assert str(iso_time("2026-12-05T21:16:23.5+01:00")) == (
        '<time class="local" datetime="2026-12-05T20:16:23.500Z" '
        'title="2026-12-05 20:16:23 UTC">2026-12-05 20:16:23 UTC</time>')
    assert str(iso_time("2026-12-05T21:16:23")).startswith(
        '<time class="local" datetime="2026-12-05T21:16:23.000Z"')  # naive: UTC
    assert str(iso_time("<b>soon</b>")) == "&lt;b&gt;soon&lt;/b&gt;"


def test_the_record_page_shows_versions_as_times(web: TestClient, pages_site: PagesSite) -> None:
    rid, first, second = pages_site.history_resource, pages_site.first, pages_site.second
    html = web.get(f"/record/{rid}/occ-1").text
    assert f'<a href="/record/{rid}/occ-1?version={second}">{time_of(second)}</a>' in html
    assert f'<a href="/record/{rid}/occ-1?version={first}">{time_of(first)}</a>' in html
    assert f">{second}<" not in html and f">{first}<" not in html  # no bare numbers
    old = web.get(f"/record/{rid}/occ-1?version={first}").text
    assert f"This is the record as it was from {time_of(first)}." in old
    removed = web.get(f"/record/{rid}/occ-3?version={first}").text
    assert f"removed from the dataset at {time_of(second)}" in removed
    assert '<script src="/static/local-time.js" defer></script>' in html
    twin = web.get(f"/record/{rid}/occ-1.json").json()
    assert twin["version"] == second and twin["history"][0]["version"] == second


def test_the_dataset_page_shows_versions_as_times(web: TestClient, pages_site: PagesSite) -> None:
    html = web.get("/dataset/hist").text
    for version in (pages_site.first, pages_site.second):
        assert f"<td>{time_of(version)}</td>" in html
    twin = web.get("/dataset/hist.json").json()
    versions = [v["version"] for r in twin["resources"] for v in r.get("versions", [])]
    assert sorted(versions) == [pages_site.first, pages_site.second]


def test_the_search_page_shows_its_version_as_a_time(
    web: TestClient, pages_site: PagesSite
) -> None:
    rid, first = pages_site.history_resource, pages_site.first
    html = web.get("/search", params={"resource_ids": rid, "version": first}).text
    assert f"Showing the data as it was at {time_of(first)}." in html
    assert f'<input type="hidden" name="version" value="{first}">' in html
    assert f'href="/record/{rid}/occ-1?version={first}"' in html
    twin = web.get("/search.json", params={"resource_ids": rid, "version": first}).json()
    assert twin["version"] == first


def test_the_download_status_page_shows_times(web: TestClient, pages_site: PagesSite) -> None:
    rid, first = pages_site.history_resource, pages_site.first
    queued = web.post("/download", data=with_token(web, {"query": "", "resource_ids": rid,
                                         "version": str(first), "format": "csv"}),
                      follow_redirects=False)
    assert queued.status_code == 303, queued.text
    html = web.get(queued.headers["location"]).text
    status = web.get(queued.headers["location"] + ".json").json()
    assert status["resources"][0]["version"] == first
    assert f"3 records as of {time_of(first)}" in html
    created = [m for m in TIME.finditer(html) if not m.group(2).startswith("version")]
    assert len(created) == 1
    when = datetime.fromisoformat(status["created"])
    assert datetime.fromisoformat(created[0].group(1)) == when.replace(
        tzinfo=when.tzinfo or UTC, microsecond=when.microsecond // 1000 * 1000)
