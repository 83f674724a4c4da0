"""Field labels on the pages: people read labels, the exact field name is a hover (and a screen
reader) away, the record's other fields do not repeat its groups, and JSON keeps field names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from holotype.services.record_view import GROUPS
from holotype.web.app import create_app
from tests.fixtures.pages_site import PagesSite
from tests.fixtures.site import make_site

# A field as _fields.html writes it: the label, then the visually hidden exact name.
FIELD = re.compile(r'<span class="field-label" title="([^"]*) \(((?:not a )?Darwin Core term)\)">'
                   r'([^<]*)<span class="field-name"> \(<code>([^<]*)</code>, ([^)]*)\)</span>'
                   r"</span>")


def fields_in(html: str) -> list[tuple[str, str, str]]:
    """(field name, label, kind) of every labelled field, checking the hover and the hidden
    text name the same field."""
    found = []
    for hover, kind, label, name, hidden_kind in FIELD.findall(html):
        assert hover == name and kind == hidden_kind
        found.append((name, label, kind))
    return found


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def demo_record_url(client: TestClient) -> str:
    """A demo specimen with an author, a department, coordinates and an image count (not a
    group's)."""
    both = {"and": [{"exists": {"fields": ["scientificNameAuthorship"]}},
                    {"exists": {"fields": ["department"]}},
                    {"exists": {"fields": ["decimalLatitude"]}},
                    {"exists": {"fields": ["associatedMediaCount"]}}]}
    found = client.get("/search.json", params={"size": 1, "filters": json.dumps(both)}).json()
    return str(found["records"][0]["url"])


def test_record_fields_show_labels_with_the_term_name_exposed(web: TestClient) -> None:
    url = demo_record_url(web)
    html = web.get(url).text
    groups = fields_in(section(html, 'id="group-1"', 'id="others-heading"'))
    assert ("scientificNameAuthorship", "Scientific name authorship",
            "Darwin Core term") in groups
    assert ("occurrenceID", "Occurrence ID", "Darwin Core term") in groups
    assert ("decimalLatitude", "Decimal latitude", "Darwin Core term") in groups
    assert ("department", "Department", "not a Darwin Core term") in groups
    assert '<input type="checkbox" id="show-field-names">' in html
    assert '<label for="show-field-names">Show field names as published</label>' in html
    assert "<dt>scientificName</dt>" not in html  # no bare field names


def test_other_fields_do_not_repeat_the_groups(web: TestClient) -> None:
    url = demo_record_url(web)
    html = web.get(url).text
    twin = web.get(url.replace(url.split("?")[0], url.split("?")[0] + ".json")).json()
    grouped = [name for name, _, _ in fields_in(section(html, 'id="group-1"',
                                                        'id="others-heading"'))]
    others_html = section(html, 'id="others-heading"', '<details class="published">')
    others = [name for name, _, _ in fields_in(others_html)]
    assert grouped and others
    assert not set(grouped) & set(others)
    assert len(others) == len(set(others)) and len(grouped) == len(set(grouped))
    with_values = {k for k, v in twin["data"].items() if v}
    assert set(grouped) | set(others) == with_values
    assert "associatedMediaCount" in others and "department" in grouped
    assert {name for _, names in GROUPS for name in names} >= set(grouped)
    assert twin["other_fields"] == others
    # every field exactly as published, tucked away, and the JSON twin linked
    published = section(html, '<details class="published">', "</details>")
    assert "<summary>Every field as published</summary>" in published
    assert re.findall(r'<th scope="row"><code>([^<]*)</code></th>', published) == list(
        twin["data"])
    assert f'href="{url.split("?")[0]}.json"' in published


def test_the_history_diff_names_fields_by_label(web: TestClient, pages_site: PagesSite) -> None:
    html = web.get(f"/record/{pages_site.history_resource}/occ-1").text
    diff = section(html, '<table class="compact diff">', "</table>")
    assert fields_in(diff) == [("scientificName", "Scientific name", "Darwin Core term")]


def test_record_json_keeps_field_names_and_adds_labels(
    web: TestClient, pages_site: PagesSite
) -> None:
    twin = web.get(f"/record/{pages_site.history_resource}/occ-1.json").json()
    assert "scientificName" in twin["data"] and "Scientific name" not in twin["data"]
    assert twin["groups"][0]["fields"]["scientificName"] == "Quercus petraea"
    assert twin["labels"]["occurrenceID"] == "Occurrence ID"
    assert twin["labels"]["institutionCode"] == "Institution code"
    assert list(twin["history"][0]["changes"]) == ["scientificName"]


def test_search_columns_facets_and_field_names_are_labelled(web: TestClient) -> None:
    html = web.get("/search", params={"cols": ["catalogNumber", "coordinateUncertaintyInMeters",
                                               "department"]}).text
    head = section(html, '<table class="results">', "</thead>")
    assert [(n, lab) for n, lab, _ in fields_in(head)] == [
        ("catalogNumber", "Catalog number"),
        ("coordinateUncertaintyInMeters", "Coordinate uncertainty in meters"),
        ("department", "Department")]
    facets = section(html, 'id="refine-heading"', "</aside>")
    assert ("typeStatus", "Type status", "Darwin Core term") in fields_in(facets)
    assert ("institutionCode", "Institution code", "Darwin Core term") in fields_in(facets)
    assert '<option value="scientificNameAuthorship">Scientific name authorship</option>' in html
    chooser = section(html, '<details class="columns">', "</details>")
    assert ("decimalLatitude", "Decimal latitude", "Darwin Core term") in fields_in(chooser)
    assert 'name="cols" value="department" checked' in chooser
    twin = web.get("/search.json", params={"cols": "department"}).json()
    assert twin["columns"] == ["department"] and "department" in twin["records"][0]["data"]
    assert twin["labels"]["department"] == "Department"
    assert twin["labels"]["typeStatus"] == "Type status"


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A demo site whose settings name two fields its own way."""
    folder: Path = tmp_path_factory.mktemp("labelled-site")
    settings = make_site(folder, records=40, rate_limit_per_minute=0,
                         field_labels={"department": "Museum department",
                                       "country": "Nation"})
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_sites_own_labels_override_the_defaults(labelled: TestClient) -> None:
    url = demo_record_url(labelled)
    html = labelled.get(url).text
    shown = fields_in(html)
    assert ("department", "Museum department", "not a Darwin Core term") in shown
    assert ("country", "Nation", "Darwin Core term") in shown
    assert ("family", "Family", "Darwin Core term") in shown
    search = labelled.get("/search", params={"cols": "department"}).text
    assert ("department", "Museum department", "not a Darwin Core term") in fields_in(search)
    assert ("country", "Nation", "Darwin Core term") in fields_in(search)  # the facet
    assert '<option value="department">Museum department</option>' in search
    kenya = labelled.get("/search", params={"add_field": "country", "add_op": "equals",
                                            "add_value": "Kenya"})
    assert "Nation is &#34;Kenya&#34;" in kenya.text
    twin = labelled.get("/search.json", params={"cols": "department"}).json()
    assert twin["labels"]["department"] == "Museum department"
    assert "department" in twin["records"][0]["data"]
