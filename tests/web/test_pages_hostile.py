"""Pages against a site with a private dataset and a record id that needs quoting: nothing
private shows anywhere, and every link to an odd record id works."""

from __future__ import annotations

import json
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.fixtures.pages_site import ODD_ID, SECRET, OddSite

HTML = {"Accept": "text/html"}
PRIVATE_MARKS = ("Secret holdings", SECRET, "SECRETINST", "secretkw", "/dataset/secret")


def assert_private_absent(text: str, where: str) -> None:
    for mark in PRIVATE_MARKS:
        assert mark not in text, f"{mark!r} leaks on {where}"


def test_private_dataset_is_invisible_on_every_page(
    odd_web: TestClient, odd_site: OddSite
) -> None:
    for path in ("/", "/index.json", "/datasets", "/datasets.json",
                 "/search?preset=everything", "/search.json?preset=everything",
                 "/search.json?preset=collections", "/search.json?preset=specimens",
                 "/search.json?preset=everything&q=secretus",
                 "/search.json?preset=everything&size=100&cols=institutionCode,scientificName"):
        page = odd_web.get(path, headers=HTML)
        assert page.status_code == 200, path
        assert_private_absent(page.text, path)
    public = odd_web.get("/datasets.json").json()
    home = odd_web.get("/index.json").json()
    assert home["records"] == sum(d["records"] for d in public["datasets"])
    everything = odd_web.get("/search.json?preset=everything").json()
    assert everything["total"] == home["records"]
    assert all(c["dataset"] != "secret" for c in everything["counts"])
    assert odd_web.get("/search.json?preset=everything&q=secretus").json()["total"] == 0
    for facet in ("keyword", "category", "licence"):
        assert all(f["value"] != "secretkw" for f in public["facets"][facet])
    assert odd_web.get("/datasets.json?keyword=secretkw").json()["count"] == 0


def test_private_dataset_pages_are_404(odd_web: TestClient, odd_site: OddSite) -> None:
    rid = odd_site.secret_resource
    for path in ("/dataset/secret", "/dataset/secret.json", "/dataset/secret/resource/records",
                 f"/search.json?resource_ids={rid}", "/search.json?resource_ids=secret/records",
                 f"/record/{rid}/sec-1", f"/record/{rid}/sec-1.json",
                 "/record/secret/records/sec-1", "/object/sec-1", "/object/sec-1.json",
                 f"/report-error/{rid}/sec-1"):
        page = odd_web.get(path, follow_redirects=False, headers=HTML)
        assert page.status_code == 404, path
        assert_private_absent(page.text, path)


def test_a_private_dataset_answers_as_an_unknown_one(odd_web: TestClient) -> None:
    """Not only a 404: the same words, so the answer does not tell that it exists."""
    for private, unknown in (("/dataset/secret.json", "/dataset/secrez.json"),
                             ("/dataset/secret/resource/records.json",
                              "/dataset/secrez/resource/records.json")):
        hidden, missing = odd_web.get(private), odd_web.get(unknown)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.text == missing.text.replace("secrez", "secret"), private
    for name in ("secret", "secrez"):
        answer = odd_web.post("/api/3/action/package_show", json={"id": name}).json()
        assert answer["error"]["message"] == f"there is no dataset {name!r}"


def test_links_to_a_record_quote_its_id(odd_web: TestClient, odd_site: OddSite) -> None:
    rid = odd_site.odd_resource
    expected = f"/record/{rid}/{quote(ODD_ID, safe='')}"
    twin = odd_web.get(f"/search.json?resource_ids={rid}").json()
    assert [r["url"] for r in twin["records"]] == [expected]
    record = odd_web.get(expected + ".json")
    assert record.status_code == 200 and record.json()["id"] == ODD_ID
    html = odd_web.get(f"/search?resource_ids={rid}").text
    assert f'href="{expected.replace("&", "&amp;")}"' in html
    then = odd_web.get(f"/search.json?resource_ids={rid}&date=9999-12-30").json()
    assert then["records"][0]["url"] == f"{expected}?version={then['version']}"
    found = odd_web.get(f"/object/{quote(ODD_ID, safe='')}", follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == expected


def test_images_that_a_browser_would_fetch_from_elsewhere_are_dropped(
    odd_web: TestClient, odd_site: OddSite
) -> None:
    twin = odd_web.get(f"/record/{odd_site.odd_resource}/{quote(ODD_ID, safe='')}.json").json()
    assert twin["images"] == ["/media/demo/OD-1.svg"]
    html = odd_web.get(f"/record/{odd_site.odd_resource}/{quote(ODD_ID, safe='')}").text
    assert "evil.example" not in html.split(">Other fields</h2>")[0]  # only as values, as text
    assert json.dumps(ODD_ID)[1:-1].replace("&", "&amp;") in html


def test_the_citation_links_to_the_quoted_stable_uri(
    odd_web: TestClient, odd_site: OddSite
) -> None:
    twin = odd_web.get(f"/record/{odd_site.odd_resource}/{quote(ODD_ID, safe='')}.json").json()
    path = f"/object/{quote(ODD_ID, safe='')}"
    assert twin["object_url"] == f"http://testserver{path}"
    assert twin["citation"].endswith(f" http://testserver{path}")
    assert twin["cite"]["csl-json"]["URL"] == f"http://testserver{path}"
    found = odd_web.get(path, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == twin["url"]
