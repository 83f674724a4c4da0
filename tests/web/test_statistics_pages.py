"""The statistics pages: HTML and JSON twins, each figure's CSV, JSON, PNG and SVG, the API
actions, bad input answered 400 in HTML and JSON, and a private dataset's counts never shown
to an anonymous reader."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.fixtures.pages_site import OddSite

PNG = b"\x89PNG\r\n\x1a\n"


def _search_total(web: TestClient, url: str) -> int:
    answer = web.get(url.replace("/search?", "/search.json?"))
    assert answer.status_code == 200, answer.text
    return int(answer.json()["total"])


def test_statistics_page_and_its_twin(web: TestClient) -> None:
    page = web.get("/statistics")
    assert page.status_code == 200
    assert '<a href="/statistics">Statistics</a>' in page.text  # the nav link
    twin = web.get("/statistics.json").json()
    ids = [f["figure"] for f in twin["figures"]]
    for figure in ("taxonomy", "countries", "years", "basis", "type-status", "completeness",
                   "records-over-time", "datasets-over-time", "downloads-over-time"):
        assert figure in ids
        assert f'id="figure-{figure}"' in page.text
    for figure in twin["figures"]:
        assert figure["spec"]["description"] == figure["description"]
        assert figure["spec"]["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
        assert figure["links"]["csv"] == f"/statistics/{figure['figure']}.csv"
        assert str(escape(figure["description"])) in page.text
    assert "<script>" not in page.text  # no inline script: the CSP forbids it


def test_each_row_links_to_the_search_that_counts_it(web: TestClient) -> None:
    figure = web.get("/statistics/basis.json").json()
    assert figure["rows"], figure
    for row in figure["rows"][:3]:
        assert _search_total(web, row["search_url"]) == row["records"]
    spec_rows = figure["spec"]["data"]["values"]
    assert spec_rows[0]["link"] == figure["rows"][0]["search_url"]


def test_figure_page_twin_csv_json_png_svg(web: TestClient) -> None:
    twin = web.get("/statistics/basis.json").json()
    assert web.get("/statistics/basis", headers={"Accept": "application/json"}).json() == twin
    page = web.get("/statistics/basis")
    assert page.headers["content-type"].startswith("text/html")
    assert twin["title"] in page.text and "stat-spec" in page.text

    answer = web.get("/statistics/basis.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="basis.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [c["name"] for c in twin["columns"]] + ["search"] == list(rows[0])
    assert [int(r["records"]) for r in rows[: len(twin["rows"])]] == \
        [r["records"] for r in twin["rows"]]
    assert rows[0]["search"].startswith("http://testserver/search?")

    png = web.get("/statistics/basis.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(PNG)
    # What is drawn depends on who asks: shared caches keep only an anonymous copy, by cookie.
    assert png.headers["cache-control"].startswith("public")
    assert png.headers["vary"] == "Cookie, Authorization"
    svg = web.get("/statistics/basis.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and twin["rows"][0]["value"] in svg.text
    again = web.get("/statistics/basis.svg")  # from the folder of drawn images
    assert again.content == svg.content


def test_a_map_of_countries_and_a_line_over_time_draw_on_the_server(web: TestClient) -> None:
    countries = web.get("/statistics/countries.json").json()
    assert countries["chart"] == "choropleth"
    layers = countries["spec"]["layer"]
    assert layers[1]["data"]["url"] == "/static/vendor/world-atlas/countries-110m.json"
    svg = web.get("/statistics/countries.svg")
    assert svg.status_code == 200 and svg.text.count("<path") > 100  # every country drawn
    line = web.get("/statistics/records-over-time.svg?granularity=year")
    assert line.status_code == 200 and line.text.startswith("<svg")


def test_dataset_figures_and_panel(web: TestClient) -> None:
    listing = web.get("/datasets.json").json()["datasets"]
    slug = max(listing, key=lambda d: d["records"])["slug"]
    whole = web.get("/statistics/basis.json").json()
    mine = web.get(f"/statistics/basis.json?dataset={slug}").json()
    assert sum(r["records"] for r in mine["rows"]) + mine["others"] <= \
        sum(r["records"] for r in whole["rows"]) + whole["others"]
    url = mine["rows"][0]["search_url"]
    assert "resource_ids" in parse_qs(urlsplit(url).query)
    assert _search_total(web, url) == mine["rows"][0]["records"]
    assert mine["links"]["csv"] == f"/statistics/basis.csv?dataset={slug}"

    page = web.get(f"/dataset/{slug}")
    assert 'id="statistics-heading"' in page.text and "Usage" not in page.text
    twin = web.get(f"/dataset/{slug}.json").json()
    panel = [f["figure"] for f in twin["statistics"]]
    assert "basis" in panel and "downloads-over-time" not in panel  # usage: maintainers'
    usage = web.get(f"/statistics/downloads-over-time.json?dataset={slug}")
    assert usage.status_code == 403


@pytest.mark.parametrize(("url", "field", "words"), [
    ("/statistics/nope", "figure", "there is no figure 'nope'"),
    ("/statistics/basis.xlsx", "figure", ".csv, .json, .png or .svg"),
    ("/statistics/basis?dataset=no-such-dataset", "dataset", "no dataset"),
    ("/statistics/field?field=noSuchField", "field", "noSuchField"),
    ("/statistics/years?since=2020&until=2010", "since", "after until"),
    ("/statistics/records-over-time?since=1200", "since", "between"),
    ("/statistics/records-over-time?since=2020-13", "since", "no month 13"),
    ("/statistics/records-over-time?granularity=week", "granularity", "month, year"),
    ("/statistics/basis?granularity=year", "granularity", "does not read"),
    ("/statistics/basis?limit=0", "limit", "between 1 and"),
    ("/statistics/basis?colour=red", "colour", "unknown parameter"),
    ("/statistics?since=2020", "since", "open one figure"),
])
def test_bad_input_is_a_400_in_html_and_json(web: TestClient, url: str, field: str,
                                             words: str) -> None:
    page = web.get(url)
    assert page.status_code == 400, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    twin = web.get(url, headers={"Accept": "application/json"})
    assert twin.status_code == 400
    error: dict[str, Any] = twin.json()["error"]
    assert error["field"] == field and words in error["message"], error


def test_api_actions(web: TestClient) -> None:
    listing = web.post("/api/3/action/statistics_list", json={}).json()["result"]
    assert {"taxonomy", "field", "top-datasets-citations"} <= {f["id"] for f in
                                                                listing["figures"]}
    answer = web.post("/api/3/action/statistics_figure",
                      json={"figure": "field", "field": "country", "limit": 3}).json()
    result = answer["result"]
    given = [r for r in result["rows"] if r["value"] is not None]  # and the records without
    assert result["figure"] == "field" and len(given) <= 3
    assert result["links"]["png"] == "/statistics/field.png?field=country&limit=3"
    bad = web.post("/api/3/action/statistics_figure", json={"figure": "nope"})
    assert bad.status_code == 400 and "figure" in json.dumps(bad.json()["error"])
    bad = web.post("/api/3/action/statistics_figure",
                   json={"figure": "records-over-time", "granularity": "week"})
    assert bad.status_code == 400 and "granularity" in json.dumps(bad.json()["error"])


def test_a_private_dataset_is_never_counted_for_anonymous(odd_web: TestClient,
                                                          odd_site: OddSite) -> None:
    del odd_site
    # Atlantis: one public record (the odd dataset's) and two private ones.
    countries = odd_web.get("/statistics/countries.json").json()
    atlantis = [r["records"] for r in countries["rows"] if r["value"] == "Atlantis"]
    assert atlantis == [1]
    assert "Atlantis,1," in odd_web.get("/statistics/countries.csv").text
    everything = odd_web.get("/statistics.json").text
    assert "SECRETINST" not in everything and "Secret holdings" not in everything
    institutions = odd_web.get("/statistics/field.json?field=institutionCode&limit=200")
    assert "SECRETINST" not in institutions.text
    assert "SECRETINST" not in odd_web.get("/statistics/field.svg?field=institutionCode").text
    hidden = odd_web.get("/statistics/countries.json?dataset=secret")
    unknown = odd_web.get("/statistics/countries.json?dataset=no-such")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json()["error"]["message"].replace("secret", "X") == \
        unknown.json()["error"]["message"].replace("no-such", "X")
    listed = odd_web.post("/api/3/action/statistics_list", json={"dataset": "secret"})
    assert listed.status_code == 400
