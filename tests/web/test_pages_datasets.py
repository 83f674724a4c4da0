"""Dataset list with facets and search, and the dataset page, as HTML and JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.fixtures.pages_site import HOSTILE, PagesSite


def test_list_filters_by_facet_and_words(web: TestClient) -> None:
    everything = web.get("/datasets.json").json()
    assert everything["count"] == 4
    categories = {f["value"]: f["count"] for f in everything["facets"]["category"]}
    assert categories == {"collection": 2, "research": 2}
    research = web.get("/datasets.json?category=research").json()
    assert {d["slug"] for d in research["datasets"]} == {"hist", "demo-beetle-survey"}
    beetles = web.get("/datasets.json", params={"category": "research", "q": "beetle"}).json()
    assert [d["slug"] for d in beetles["datasets"]] == ["demo-beetle-survey"]
    licence = web.get("/datasets.json?licence=CC-BY-4.0").json()
    assert {d["slug"] for d in licence["datasets"]} == {"hist", "demo-beetle-survey"}
    keyword = web.get("/datasets.json", params={"keyword": "index lots"}).json()
    assert [d["slug"] for d in keyword["datasets"]] == ["demo-index-lots"]
    orgs = {f["value"]: f["label"] for f in everything["facets"]["organisation"]}
    assert orgs == {"demo-museum": "Demo Natural History Museum"}


def test_list_page_links_facets_and_escapes(web: TestClient) -> None:
    html = web.get("/datasets?category=research").text
    assert 'href="/datasets?category=research&amp;organisation=demo-museum"' in html
    assert '<a href="/datasets" aria-current="true" class="active">research</a>' in html
    assert '<label for="datasets-q">' in html
    assert HOSTILE not in html and "History &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_dataset_page_has_metadata_versions_api_and_download(
    web: TestClient, pages_site: PagesSite
) -> None:
    page = web.get("/dataset/hist")
    assert page.status_code == 200
    html = page.text
    assert HOSTILE not in html
    assert 'href="https://doi.org/10.1234/hist.1"' in html
    assert "https://orcid.org/0000-0002-1825-0097" in html
    assert "Creative Commons Attribution 4.0" in html
    assert "curl '" in html and "ckanapi.RemoteCKAN" in html and "library(httr)" in html
    assert "Version history (2)" in html
    assert '<form method="post" action="/download"' in html
    assert f'name="resource_ids" value="{pages_site.history_resource}"' in html
    for label in ("CSV", "TSV", "JSON Lines", "Parquet", "Excel (.xlsx)", "Darwin Core Archive"):
        assert f">{label}</option>" in html
    twin = web.get("/dataset/hist.json").json()
    assert twin["title"] == f"History {HOSTILE}"
    assert twin["records"] == 2 and twin["doi"] == "10.1234/hist.1"
    versions = twin["resources"][0]["versions"]
    assert [v["version"] for v in versions] == [pages_site.second, pages_site.first]
    assert [v["total"] for v in versions] == [2, 3]
    assert twin["citation"].startswith("Curator, A. (")  # APA: "Family, I."
    assert "https://doi.org/10.1234/hist.1" in twin["citation"]
    assert twin["citation"] == twin["cite"]["apa"] and twin["cite"]["csl-json"]["DOI"] == (
        "10.1234/hist.1")
    negotiated = web.get("/dataset/hist", headers={"Accept": "application/json"}).json()
    assert negotiated["slug"] == "hist"


def test_unknown_dataset_is_a_404(web: TestClient) -> None:
    page = web.get("/dataset/nope", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "there is no" in page.text.lower()
    assert web.get("/dataset/nope.json").status_code == 404


def test_resource_url_opens_its_search(web: TestClient, pages_site: PagesSite) -> None:
    found = web.get("/dataset/hist/resource/records", follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"] == f"/search?resource_ids={pages_site.history_resource}"


def test_resource_url_has_a_json_twin(web: TestClient, pages_site: PagesSite) -> None:
    expected = f"/search.json?resource_ids={pages_site.history_resource}"
    for path, headers in (("/dataset/hist/resource/records.json", {}),
                          ("/dataset/hist/resource/records", {"Accept": "application/json"})):
        found = web.get(path, headers=headers, follow_redirects=False)
        assert found.status_code == 303 and found.headers["location"] == expected, path
    assert web.get("/dataset/hist/resource/records.json").json()["total"] == 2
