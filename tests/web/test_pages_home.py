"""The home page: counts, featured collections, recent datasets and a search box, plus JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.fixtures.pages_site import HOSTILE


def test_home_shows_counts_featured_and_recent(web: TestClient) -> None:
    page = web.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    assert "Featured collections" in html and 'href="/search?preset=specimens"' in html
    assert 'href="/search?preset=indexlots"' in html
    assert 'role="search"' in html and 'name="q"' in html and '<label for="home-q">' in html
    assert 'href="/dataset/hist"' in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert '<a class="skip" href="#main">' in html and '<main id="main"' in html


def test_home_json_twin_matches_the_page(web: TestClient) -> None:
    twin = web.get("/index.json").json()
    assert twin["specimens"] == 600
    drawers = 2  # the demo specimens' drawer photographs, a resource of their own
    assert twin["records"] == 600 + drawers + 60 + 12 + 2
    featured = {f["preset"]: f["records"] for f in twin["featured"]}
    assert featured == {"specimens": 600, "indexlots": 60, "collections": 660 + drawers,
                        "everything": 674 + drawers}
    assert twin["recent"][0] == "hist"  # most recently modified first
    assert web.get("/", headers={"Accept": "application/json"}).json() == twin
