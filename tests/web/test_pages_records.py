"""Record pages, their history and versions, the stable URI redirect and the error report."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

from holotype.services.record_view import grouped_fields, image_urls, record_title
from tests.fixtures.pages_site import HOSTILE, PagesSite


def test_record_page_groups_fields_and_cites(web: TestClient, pages_site: PagesSite) -> None:
    page = web.get(f"/record/{pages_site.history_resource}/occ-1")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Quercus petraea (HT-1)</h1>" in html
    for heading in ("Taxonomy", "Locality", "Type status", "Other fields", "Version history"):
        assert f">{heading}</h2>" in html
    assert '<img src="/media/demo/HT-1.svg"' in html
    assert "Cite this record" in html and "/object/occ-1" in html
    assert f'href="/report-error/{pages_site.history_resource}/occ-1"' in html
    assert "<del>Quercus robur</del>" in html and "<ins>Quercus petraea</ins>" in html
    assert '<form method="post" action="/download"' in html


def test_record_json_twin_and_past_version(web: TestClient, pages_site: PagesSite) -> None:
    rid = pages_site.history_resource
    twin = web.get(f"/record/{rid}/occ-1.json").json()
    assert twin["latest"] and twin["version"] == pages_site.second
    assert twin["title"] == "Quercus petraea (HT-1)"
    assert [h["version"] for h in twin["history"]] == [pages_site.second, pages_site.first]
    assert twin["history"][0]["changes"] == {
        "scientificName": {"before": "Quercus robur", "after": "Quercus petraea"}}
    assert twin["citation"].startswith("HTM. (") and "Quercus petraea" in twin["citation"]
    assert "Accessed" in twin["cite"]["harvard"]  # APA gives no access date to an archive
    api = web.get("/api/3/action/vds_version_record",
                     params={"resource_id": rid, "record_id": "occ-1"}).json()["result"]
    assert [h["changes"] for h in reversed(api)] == [h["changes"] for h in twin["history"]]
    old = web.get(twin["history"][1]["url"])
    assert old.status_code == 200 and "<h1>Quercus robur (HT-1)</h1>" in old.text
    assert "See the current version" in old.text
    removed = web.get(f"/record/{rid}/occ-3.json?version={pages_site.first}").json()
    assert removed["data"]["scientificName"] == "Fagus sylvatica"
    assert removed["history"][0]["deleted"] is True
    assert web.get(f"/record/{rid}/occ-3.json").status_code == 404
    assert web.get(f"/record/{rid}/occ-1.json", params={"version": "x"}).status_code == 400


def test_unknown_records_are_404(web: TestClient, pages_site: PagesSite) -> None:
    assert web.get(f"/record/{pages_site.history_resource}/nope.json").status_code == 404
    page = web.get("/record/nope/nope", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "there is no" in page.text.lower()


def test_hostile_record_values_are_escaped(web: TestClient, pages_site: PagesSite) -> None:
    html = web.get(f"/record/{pages_site.history_resource}/occ-2").text
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'src="javascript:' not in html and 'href="javascript:' not in html


def test_object_uri_redirects_to_the_record(web: TestClient, pages_site: PagesSite) -> None:
    found = web.get("/object/occ-1", follow_redirects=False)
    assert found.status_code == 303
    assert found.headers["location"] == f"/record/{pages_site.history_resource}/occ-1"
    as_json = web.get("/object/occ-1", headers={"Accept": "application/json"},
                         follow_redirects=False)
    assert as_json.headers["location"].endswith("/occ-1.json")
    suffixed = web.get("/object/occ-1.json", follow_redirects=False)
    assert suffixed.headers["location"] == as_json.headers["location"]
    demo_id = web.get("/search.json?size=1").json()["records"][0]["data"]["occurrenceID"]
    demo = web.get(f"/object/{demo_id}", follow_redirects=False)
    assert demo.status_code == 303 and demo.headers["location"].endswith(f"/{demo_id}")
    assert web.get("/object/no-such-thing", follow_redirects=False).status_code == 404


def test_report_error_is_a_form_for_the_records_fields(
    web: TestClient, pages_site: PagesSite
) -> None:
    page = web.get(f"/report-error/{pages_site.history_resource}/occ-1")
    assert page.status_code == 200 and 'name="proposed"' in page.text
    twin = web.get(f"/report-error/{pages_site.history_resource}/occ-1.json").json()
    assert twin["record_id"] == "occ-1" and twin["fields"]


def test_record_helpers() -> None:
    data = {"scientificName": "A b", "catalogNumber": "C1", "country": "X", "typeStatus": "type",
            "associatedMedia": "https://i/1.jpg | javascript:alert(1) | /m/2.svg | //evil/3"}
    assert record_title(data, "r") == "A b (C1)"
    assert record_title({}, "r") == "Record r"
    assert [g for g, _ in grouped_fields(data)] == ["Taxonomy", "Locality", "Type status",
                                                    "Specimen"]
    assert image_urls(data) == ["https://i/1.jpg", "/m/2.svg"]


def test_fields_are_grouped_in_the_order_a_curator_reads_them() -> None:
    data = {"typeStatus": "holotype", "identifiedBy": "A. Smith", "dateIdentified": "1901",
            "eventDate": "1900-01-02", "locality": "Hill", "genus": "Ab", "notes": "kept"}
    groups = grouped_fields(data)
    assert [g for g, _ in groups] == ["Taxonomy", "Locality", "Collection event",
                                      "Identification", "Type status"]
    assert dict(groups)["Identification"] == [("identifiedBy", "A. Smith"),
                                              ("dateIdentified", "1901")]


def test_demo_images_are_drawn(web: TestClient) -> None:
    image = web.get("/media/demo/NHMUK010000017-1.svg")
    assert image.status_code == 200 and image.headers["content-type"] == "image/svg+xml"
    assert "NHMUK010000017-1" in image.text
    assert web.get("/media/demo/bad%20name.svg").status_code == 404


def test_a_removed_record_says_so_at_its_past_version(
    web: TestClient, pages_site: PagesSite
) -> None:
    rid, first = pages_site.history_resource, pages_site.first
    twin = web.get(f"/record/{rid}/occ-3.json?version={first}").json()
    assert twin["removed"] == pages_site.second and twin["latest"] is False
    assert twin["report_url"] == f"/report-error/{rid}/occ-3?version={first}"
    html = web.get(f"/record/{rid}/occ-3?version={first}").text
    assert "This record was removed from the dataset" in html
    assert "See the current version" not in html  # there is none: that page is a 404
    report = web.get(twin["report_url"])
    assert report.status_code == 200 and 'name="proposed"' in report.text
    assert f'href="/record/{rid}/occ-3?version={first}"' in report.text
    # ... but a report on it is refused: the record is no longer in the dataset
    token = re.search(r'name="csrf_token" value="([^"]+)"', report.text)
    stamp = re.search(r'name="form_stamp" value="([^"]+)"', report.text)
    assert token and stamp
    time.sleep(pages_site.settings.error_report_min_seconds)  # the spam guard's least wait
    sent = web.post(f"/report-error/{rid}/occ-3", data={
        "csrf_token": token.group(1), "form_stamp": stamp.group(1), "version": str(first),
        "field": "country", "proposed": "x"})
    assert sent.status_code == 404 and "no longer in the dataset" in sent.text
    current = web.get(f"/record/{rid}/occ-1.json").json()
    assert current["removed"] is None and "?" not in current["report_url"]


def test_record_versions_out_of_range_are_400(web: TestClient, pages_site: PagesSite) -> None:
    rid = pages_site.history_resource
    for version in ("-1", "9" * 16, "9" * 23, "1.5"):
        found = web.get(f"/record/{rid}/occ-1.json", params={"version": version})
        assert found.status_code == 400, version
        assert found.json()["error"]["field"] == "version"
        page = web.get(f"/record/{rid}/occ-1", params={"version": version},
                       headers={"Accept": "text/html"})
        assert page.status_code == 400, version
