"""The search page: presets, words, filters, facets, views, paging, versions and sharing."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient

from holotype.web.errors import field_label
from holotype.web.pages.search_url import parse
from tests.fixtures.forms import with_token
from tests.fixtures.pages_site import HOSTILE, PagesSite

KENYA = {"and": [{"string_equals": {"fields": ["country"], "value": "Kenya"}}]}


def api_total(web: TestClient, query: dict[str, object], ids: list[str]) -> int:
    body = {"query": query, "resource_ids": ids}
    total: int = web.post("/api/3/action/vds_multi_count", json=body).json()["result"]["total"]
    return total


def test_default_search_is_specimens_and_agrees_with_the_api(web: TestClient) -> None:
    twin = web.get("/search.json").json()
    assert twin["preset"] == "specimens" and twin["total"] == 600
    assert len(twin["records"]) == 20 and twin["next"]
    forest = web.get("/search.json", params={"q": "forest"}).json()
    assert 0 < forest["total"] < 600
    assert forest["total"] == api_total(web, {"search": "forest"}, forest["resource_ids"])
    everything = web.get("/search.json?preset=everything").json()
    drawers = 2  # the demo specimens' drawer photographs, a resource of their own
    assert everything["total"] == 674 + drawers
    counts = sorted((c["dataset"], c["count"]) for c in everything["counts"])
    assert counts == [("demo-beetle-survey", 12), ("demo-index-lots", 60),
                      ("demo-specimens", drawers), ("demo-specimens", 600), ("hist", 2)]


def test_url_round_trip_restores_the_search() -> None:
    url = ("/search?preset=everything&q=oak&filters=" + json.dumps(KENYA)
           + "&view=list&cols=a,b&date=2024-05-01&size=50")
    params = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    state = parse(params)
    again = parse({k: v[0] for k, v in parse_qs(urlparse(state.url()).query).items()})
    assert again == state
    assert state.query() == {"search": "oak", "filters": KENYA}


def test_add_filter_form_and_facet_links(web: TestClient) -> None:
    added = web.get("/search", params={"add_field": "country", "add_op": "equals",
                                          "add_value": "Kenya"}, follow_redirects=False)
    assert added.status_code == 303
    location = added.headers["location"]
    assert json.loads(parse_qs(urlparse(location).query)["filters"][0]) == KENYA
    kenya = web.get(location.replace("/search", "/search.json", 1)).json()
    assert kenya["total"] == api_total(web, {"filters": KENYA}, kenya["resource_ids"])
    facet = web.get("/search.json").json()["facets"]["country"]["values"][0]
    clicked = web.get(facet["url"].replace("/search", "/search.json", 1)).json()
    assert clicked["total"] == facet["count"]
    html = web.get(location).text
    assert 'Country is &#34;Kenya&#34;' in html and "✕ remove" in html


def test_range_exists_and_near_terms(web: TestClient) -> None:
    for op, value in (("range", "1900..1950"), ("exists", ""), ("near", "0, 37, 500")):
        field = {"range": "year", "exists": "typeStatus", "near": ""}[op] or "x"
        found = web.get("/search.json", params={"add_field": field, "add_op": op,
                                                   "add_value": value})
        assert found.status_code == 200, found.text
        assert 0 < found.json()["total"] < 600
    bad = web.get("/search.json", params={"add_field": "year", "add_op": "range",
                                             "add_value": "soon"})
    assert bad.status_code == 400 and "1900..1950" in bad.json()["error"]["message"]


def test_nested_filters_and_errors(web: TestClient) -> None:
    nested = {"or": [{"string_equals": {"fields": ["country"], "value": "Kenya"}},
                     {"not": [{"exists": {"fields": ["country"]}}]}]}
    found = web.get("/search.json", params={"filters": json.dumps(nested)})
    assert found.status_code == 200
    bad = web.get("/search.json", params={"filters": '{"and": [{"nope": {}}]}'})
    assert bad.status_code == 400 and "$.filters" in bad.json()["error"]["message"]
    html = web.get("/search", params={"filters": "{"}, headers={"Accept": "text/html"})
    assert html.status_code == 400 and "not valid JSON" in html.text


def test_views_columns_and_gallery(web: TestClient) -> None:
    table = web.get("/search", params={"cols": ["catalogNumber", "year"]}).text
    year = ('<th scope="col"><span class="field-label" title="year (Darwin Core term)">Year'
            '<span class="field-name"> (<code>year</code>, Darwin Core term)</span></span></th>')
    assert year in table and '<th scope="col"><span class="field-label" title="country' not in table
    gallery = web.get("/search.json?view=gallery").json()
    assert 0 < gallery["total"] < 600
    assert all(r["images"] for r in gallery["records"])
    html = web.get("/search?view=gallery").text
    assert '<img src="/media/demo/' in html and 'alt="Image of ' in html
    listing = web.get("/search?view=list").text
    assert '<ol class="record-list">' in listing


def test_paging_walks_every_record(web: TestClient) -> None:
    seen: set[str] = set()
    url: str | None = "/search.json?preset=indexlots&size=25"
    while url:
        page = web.get(url).json()
        seen.update(r["id"] for r in page["records"])
        url = page["next"].replace("/search", "/search.json", 1) if page["next"] else None
    assert len(seen) == 60


def test_version_picker(web: TestClient, pages_site: PagesSite) -> None:
    rid = pages_site.history_resource
    now = web.get(f"/search.json?resource_ids={rid}").json()
    assert now["total"] == 2
    then = web.get(f"/search.json?resource_ids={rid}&version={pages_site.first}").json()
    assert then["total"] == 3 and then["version"] == pages_site.first
    assert all(r["url"].endswith(f"?version={pages_site.first}") for r in then["records"])
    before = web.get(f"/search.json?resource_ids={rid}&date=2000-01-01").json()
    assert before["total"] == 0
    html = web.get(f"/search?resource_ids={rid}&date=2000-01-01").text
    assert "as it was on 2000-01-01" in html and 'type="date"' in html


def test_share_makes_a_short_link_that_restores_the_search(
    web: TestClient, pages_site: PagesSite
) -> None:
    form = {"query": json.dumps({"search": "forest", "filters": KENYA}), "resource_ids": "",
            "version": str(pages_site.second), "view": "list"}
    made = web.post("/search/share", data=with_token(web, form), follow_redirects=False)
    assert made.status_code == 303
    location = made.headers["location"]
    assert location.startswith("/search/") and location.endswith("?view=list")
    again = web.post("/search/share", data=with_token(web, form), follow_redirects=False)
    assert again.headers["location"] == location  # same search, same slug
    slug = location.split("/")[2].split("?")[0]
    restored = web.get(f"/search/{slug}.json").json()
    assert restored["slug"] == slug and restored["preset"] == "everything"
    assert restored["query"] == {"search": "forest", "filters": KENYA}
    assert restored["version"] == pages_site.second
    direct = web.get("/search.json", params={"preset": "everything", "q": "forest",
                                                "filters": json.dumps(KENYA),
                                                "version": pages_site.second}).json()
    assert restored["total"] == direct["total"]
    html = web.get(location).text
    assert f"/search/{slug}</a>" in html and "Short link" in html
    assert web.get("/search/no-such-slug", headers={"Accept": "text/html"}).status_code == 404


def test_download_form_carries_the_search(web: TestClient) -> None:
    html = web.get("/search", params={"q": "forest", "preset": "indexlots"}).text
    assert '<form method="post" action="/download"' in html
    assert 'name="query" value="{&#34;search&#34;:&#34;forest&#34;}"' in html
    assert 'name="format"' in html and ">Download</button>" in html
    # This portal has no mail server: no email field, and the status page is the way back.
    assert 'name="email"' not in html and "bookmark that page" in html


def test_hostile_values_are_escaped(web: TestClient, pages_site: PagesSite) -> None:
    html = web.get("/search", params={"q": HOSTILE, "resource_ids": pages_site.history_resource,
                                         "cols": "scientificName,locality"}).text
    assert HOSTILE not in html
    html = web.get(f"/search?resource_ids={pages_site.history_resource}"
                      "&cols=scientificName,locality").text
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt; valley" in html
    assert "javascript:" not in html


def test_unknown_preset_and_view_are_400(web: TestClient) -> None:
    assert web.get("/search.json?preset=nope").status_code == 400
    assert web.get("/search.json?view=globe").status_code == 400


DEEP = '{"and":' + '[{"and":' * 600 + "[]" + "}]" * 600 + "}"


def test_bad_parameters_are_400_naming_the_parameter(web: TestClient) -> None:
    for params, field in (
        ({"size": "-5"}, "size"), ({"size": "0"}, "size"), ({"size": "101"}, "size"),
        ({"size": "9" * 30}, "size"), ({"version": "-1"}, "version"),
        ({"version": "9" * 23}, "version"), ({"version": "9" * 16}, "version"),
        ({"filters": "[" * 5000}, "filters"), ({"filters": DEEP}, "filters"),
        ({"filters": '{"and":[{"number_range":{"fields":["year"],"greater_than":NaN}}]}'},
         "filters"),
        ({"add_field": "year", "add_op": "range", "add_value": "nan..1950"}, "add_value"),
        ({"add_field": "year", "add_op": "range", "add_value": "1e400.."}, "add_value"),
        ({"add_field": "x", "add_op": "near", "add_value": "inf, 0, 10"}, "add_value"),
        ({"cols": ",".join(f"c{i}" for i in range(201))}, "cols"),
    ):
        found = web.get("/search.json", params=params, follow_redirects=False)
        assert found.status_code == 400, (params, found.text[:200])
        assert found.json()["error"]["field"] == field, params
        page = web.get("/search", params=params, headers={"Accept": "text/html"},
                       follow_redirects=False)
        assert page.status_code == 400, params  # the HTML page too, never a 500
        label = field_label(field)  # and it names the part of the page, in its words
        assert f"<strong>{label}</strong>:" in page.text, params
    shared = web.post("/search/share", data=with_token(web, {"query": "[" * 5000}),
                      follow_redirects=False)
    assert shared.status_code == 400
    shared = web.post("/search/share", data=with_token(web, {"query": "{}", "version": "-3"}),
                      follow_redirects=False)
    assert shared.status_code == 400


def test_columns_are_listed_once() -> None:
    assert parse({"cols": "year,country,year"}).cols == ("year", "country")


def test_dates_at_both_ends_of_the_calendar(web: TestClient) -> None:
    last = web.get("/search.json", params={"date": "9999-12-31"})
    assert last.status_code == 200 and last.json()["total"] == 600
    assert last.json()["version"] == 253_402_300_799_999
    early = web.get("/search.json", params={"date": "1960-01-01"}).json()
    assert early["total"] == 0 and early["version"] == 0
    html = web.get("/search", params={"date": "1960-01-01"}).text
    assert "as it was on 1960-01-01" in html and "Show the latest data" in html


def test_share_keeps_columns_and_page_size(web: TestClient) -> None:
    form = {"query": "{}", "resource_ids": "", "version": "",
            "view": "table", "cols": "catalogNumber,year", "size": "50"}
    made = web.post("/search/share", data=with_token(web, form), follow_redirects=False)
    assert made.status_code == 303
    location = made.headers["location"]
    assert parse_qs(urlparse(location).query) == {"cols": ["catalogNumber,year"], "size": ["50"]}
    slug = urlparse(location).path.split("/")[2]
    restored = web.get(f"/search/{slug}.json?" + urlparse(location).query).json()
    assert restored["columns"] == ["catalogNumber", "year"] and len(restored["records"]) == 50
    html = web.get("/search", params={"cols": "catalogNumber,year", "size": "50"}).text
    share_form = html.split('action="/search/share"')[1].split("</form>")[0]
    assert '<input type="hidden" name="cols" value="catalogNumber,year">' in share_form
    assert '<input type="hidden" name="size" value="50">' in share_form


def test_a_chosen_facet_value_is_marked_and_removes_its_filter(web: TestClient) -> None:
    first = web.get("/search.json").json()["facets"]["country"]["values"][0]
    assert first["active"] is False
    chosen = web.get(first["url"].replace("/search", "/search.json", 1)).json()
    value = next(v for v in chosen["facets"]["country"]["values"]
                 if v["value"] == first["value"])
    assert value["active"] is True and value["url"] == "/search?preset=specimens"
    html = web.get(first["url"]).text
    assert 'aria-current="true" class="active"><span class="visually-hidden">Remove filter: ' \
        '</span>' + first["value"] in html


def test_the_result_count_stays_a_heading(web: TestClient) -> None:
    html = web.get("/search").text
    assert '<h2 id="results-heading"><span role="status">600 records</span></h2>' in html


def test_a_resource_named_twice_is_searched_once(web: TestClient, pages_site: PagesSite) -> None:
    rid = pages_site.history_resource
    twice = web.get(f"/search.json?resource_ids={rid},hist/records,{rid}").json()
    assert twice["total"] == 2 == api_total(web, {}, [rid, rid])
    assert twice["resource_ids"] == [rid] and [c["count"] for c in twice["counts"]] == [2]
    assert len(twice["records"]) == 2
