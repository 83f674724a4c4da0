"""Citation landing pages, "Cite this search" and the query_doi_* actions, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import holotype.store.commit as commit
from holotype.catalog.citations import DoiKind, DoiState
from holotype.services import catalogue
from holotype.services.citations import dois
from holotype.services.identity import OPERATOR
from holotype.services.records import delete_dataset, ingest
from holotype.web.app import create_app
from tests.fixtures.citations_site import DOIS, csv, make
from tests.fixtures.forms import with_token


def client_for(tmp_path: Path, **settings: Any) -> TestClient:
    portal = make(tmp_path, rate_limit_per_minute=0, **settings)
    portal.close()
    return TestClient(create_app(portal.settings))


@pytest.fixture
def web(tmp_path: Path) -> Iterator[TestClient]:
    with client_for(tmp_path) as client:
        yield client


@pytest.fixture
def web_dois(tmp_path: Path) -> Iterator[TestClient]:
    with client_for(tmp_path, **DOIS) as client:
        yield client


def action(client: TestClient, name: str, status: int = 200, **params: Any) -> dict[str, Any]:
    response = client.post(f"/api/3/action/{name}", json=params)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body["result"] if status == 200 else body["error"]


def search_ids(client: TestClient, url: str) -> list[str]:
    data = client.get(url.replace("/search?", "/search.json?", 1)).json()
    return [f'{r["resource"]}/{r["id"]}' for r in data["records"]]


def test_cite_this_search_lands_on_a_page_that_reruns_it(
    web: TestClient, tmp_path: Path
) -> None:
    searched = web.get("/search.json", params={"q": "quercus"}).json()
    response = web.post("/search/cite", data=with_token(web, {
        "query": '{"search": "quercus"}', "resource_ids": ",".join(searched["resource_ids"]),
        "version": ""}), follow_redirects=False)
    assert response.status_code == 303
    landing = response.headers["location"]
    assert landing.startswith("/citation/")
    page = web.get(landing)
    assert page.status_code == 200
    html = page.text
    assert "Records with the words “quercus”" in html and "Run this search as it was" in html
    assert "Download exactly this data" in html and "Oak trees" in html
    data = web.get(landing + ".json").json()
    assert data["total"] == 3 and data["complete"] and data["doi"] is None
    assert {d["title"]: d["count"] for d in data["datasets"]} == {"Oak trees": 2, "Elm trees": 1}
    before = search_ids(web, data["rerun_url"])
    # New data arrives; the citation still re-runs to the same records in the same order.
    with TestClient(web.app) as again:  # a fresh client on the same app
        portal = again.app.state.portal  # type: ignore[attr-defined]
        ingest(portal, OPERATOR, "oaks/trees", csv(tmp_path / "more.csv", [
            "o9,Quercus suber,Portugal"]), mode="update")
        assert search_ids(again, data["rerun_url"]) == before
        assert len(search_ids(again, "/search?q=quercus")) == 4


def test_the_api_mints_once_and_shows_by_id(web: TestClient) -> None:
    made = action(web, "query_doi_create", query={"search": "kenya"})
    assert made["new"] is True and made["total"] == 4
    again = action(web, "query_doi_create", query={"search": "kenya"})
    assert again["new"] is False and again["id"] == made["id"]
    shown = action(web, "query_doi_show", id=made["id"])
    assert shown["query"] == {"search": "kenya"}
    assert shown["url"].endswith(f"/citation/{made['id']}")


def test_bad_input_is_named(web: TestClient) -> None:
    error = action(web, "query_doi_create", 400,
                   query={"filters": {"and": [{"string_equals": {"fields": ["a"]}}]}})
    assert "query" in error and "filters" in " ".join(error["query"])
    error = action(web, "query_doi_show", 404, id="10.5072/none-such")
    assert "doi" in error
    for path in ("/doi/10.5072/none-such", "/doi/10.5072/none-such.json", "/citation/nope"):
        response = web.get(path)
        assert response.status_code == 404, path
    for odd in ("/doi/10.5072/ab%00cd", "/doi/10.5072/ab%00cd.json", "/citation/ab%00cd"):
        assert web.get(odd).status_code in (400, 404), odd
    action(web, "query_doi_show", 404, id="ab\x00cd")
    action(web, "query_doi_show", 400, id="10.5072/ab\x00cd")
    bad = web.get("/doi/10.x/abc.json")
    assert bad.status_code == 400 and "is not a DOI" in bad.text
    html = web.get("/doi/hello", headers={"accept": "text/html"})
    assert html.status_code == 400 and "10.1234/abcd-5678" in html.text


def test_query_dois_and_dataset_tombstones(web_dois: TestClient) -> None:
    made = action(web_dois, "query_doi_create", query={"search": "quercus"})
    doi = made["doi"]
    assert doi.startswith("10.5072/") and made["url"].endswith(f"/doi/{doi}")
    assert web_dois.get(f"/doi/{doi}").status_code == 200
    old = web_dois.get(f"/citation/{made['id']}", follow_redirects=False)
    assert old.status_code == 308 and old.headers["location"] == f"/doi/{doi}"
    portal = web_dois.app.state.portal  # type: ignore[attr-defined]
    with portal.write_session() as session:
        elms = catalogue.get_dataset(session, "elms")
        dois.record_doi(session, doi="10.5072/elms-0001", kind=DoiKind.DATASET,
                        state=DoiState.FINDABLE, url="https://data.example.org/dataset/elms",
                        metadata={"titles": [{"title": "Elm trees"}],
                                  "creators": [{"name": "Ali Khan"}],
                                  "publicationYear": "2026"}, dataset_id=elms.id)
    found = web_dois.get("/doi/10.5072/ELMS-0001", follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == "/dataset/elms"
    delete_dataset(portal, OPERATOR, "elms")
    gone = web_dois.get("/doi/10.5072/elms-0001")
    assert gone.status_code == 410 and "Elm trees" in gone.text and "Ali Khan" in gone.text
    # The query citation stays, and says its elm records are no longer available.
    data = web_dois.get(f"/doi/{doi}.json").json()
    assert not data["complete"]
    assert [d["available"] for d in data["datasets"]] == [False, True] or \
        sorted(d["available"] for d in data["datasets"]) == [False, True]
    assert "no longer available" in web_dois.get(f"/doi/{doi}").text


def test_an_ingest_that_began_before_the_citation_does_not_change_it(
    web: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version is numbered when its ingest begins and seen when it commits, so one resource
    can gain a version numbered before the citation's moment after the citation was made. The
    re-run, the landing page's link and the download then go by each resource's own pin."""
    made = action(web, "query_doi_create", query={"search": "quercus"})
    pins = {(d["title"], r["name"]): r["version"] for d in made["datasets"]
            for r in d["resources"]}
    oaks, elms = pins[("Oak trees", "Trees")], pins[("Elm trees", "Trees")]
    assert oaks < elms == made["moment"]
    before = search_ids(web, made["rerun_url"])
    assert "%40" not in made["rerun_url"]
    monkeypatch.setattr(commit.time, "time", lambda: (oaks + 1) / 1000)  # began back then
    portal = web.app.state.portal  # type: ignore[attr-defined]
    ingest(portal, OPERATOR, "oaks/trees", csv(tmp_path / "late.csv", [
        "o7,Quercus frainetto,Greece"]), mode="update")
    monkeypatch.undo()
    shown = action(web, "query_doi_show", id=made["id"])
    assert "%40" in shown["rerun_url"]  # per-resource versions now (resource_ids=<id>@<version>)
    assert search_ids(web, shown["rerun_url"]) == before
    naive = search_ids(web, "/search?q=quercus&resource_ids=oaks/trees,elms/trees"
                            f"&version={made['moment']}")
    assert len(naive) == len(before) + 1  # the late version is seen at the moment
    job = web.post("/download", data=with_token(web, {"slug_or_doi": made["id"], "format": "csv"}),
                   follow_redirects=False)
    assert job.status_code == 303, job.text
    status = web.get(job.headers["location"] + ".json").json()
    assert sorted((r["version"], r["count"]) for r in status["resources"]) == [
        (oaks, 2), (elms, 1)]
