"""Citations over HTTP: content negotiation on the dataset and record landing URLs, ``?cite=``
downloads, the Cite menu in the pages and their JSON twins, and the How to cite page."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import rispy
from fastapi.testclient import TestClient
from pybtex.database import parse_string

from holotype.web.pages.cite import accepted_format
from tests.fixtures.pages_site import ODD_ID
from tests.web.conftest import HOSTILE, OddSite, PagesSite

CSL = "application/vnd.citationstyles.csl+json"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/x-bibtex", "bibtex"),
    ("application/x-research-info-systems", "ris"),
    (CSL, "csl-json"),
    ("text/x-bibliography", "apa"),
    ("text/x-bibliography; style=apa", "apa"),
    ('text/x-bibliography; style="harvard-cite-them-right"; locale=en-GB', "harvard"),
    ("application/x-bibtex;q=0.5, application/x-research-info-systems", "ris"),
    ("application/x-bibtex, text/html;q=0.5", "bibtex"),
    ("text/html, application/x-bibtex;q=0.5", None),  # the page is preferred
    ("application/x-bibtex;q=0", None),
    ("application/x-bibtex;q=oops", None),
    ("text/x-bibliography; style=chicago", None),
    (BROWSER, None),
    ("*/*", None),
    ("application/json", None),
    ("", None),
])
def test_accept_headers_choose_a_citation_format_or_none(accept: str,
                                                         expected: str | None) -> None:
    assert accepted_format(accept) == expected


def test_the_dataset_page_answers_each_citation_format(web: TestClient) -> None:
    bib = web.get("/dataset/hist", headers={"Accept": "application/x-bibtex"})
    assert bib.status_code == 200 and bib.headers["vary"] == "Accept"
    assert bib.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    assert "content-disposition" not in bib.headers  # negotiated: an answer, not a file
    entry = parse_string(bib.text, "bibtex").entries["dataset-hist"]
    assert str(entry.persons["author"][0]) == "Curator, A."
    assert entry.fields["doi"] == "10.1234/hist.1"
    assert entry.fields["url"] == "http://testserver/dataset/hist"

    ris = web.get("/dataset/hist", headers={"Accept": "application/x-research-info-systems"})
    assert ris.headers["content-type"] == "application/x-research-info-systems; charset=utf-8"
    [record] = rispy.loads(ris.text)
    assert record["type_of_reference"] == "DATA" and record["title"] == f"History {HOSTILE}"

    csl = web.get("/dataset/hist", headers={"Accept": CSL})
    assert csl.headers["content-type"] == f"{CSL}; charset=utf-8"
    assert csl.json()["type"] == "dataset" and csl.json()["DOI"] == "10.1234/hist.1"

    apa = web.get("/dataset/hist", headers={"Accept": "text/x-bibliography"})
    assert apa.headers["content-type"] == "text/x-bibliography; style=apa; charset=utf-8"
    assert apa.text.startswith("Curator, A. (") and "[Dataset]" in apa.text
    harvard = web.get("/dataset/hist",
                      headers={"Accept": "text/x-bibliography; style=harvard-cite-them-right"})
    assert harvard.text.startswith("Curator, A. (") and "Available at:" in harvard.text
    assert harvard.text != apa.text
    twin = web.get("/dataset/hist.json").json()
    assert apa.text == twin["cite"]["apa"] and harvard.text == twin["cite"]["harvard"]
    assert bib.text == twin["cite"]["bibtex"] and csl.json() == twin["cite"]["csl-json"]


def test_other_accept_headers_get_the_page_as_before(web: TestClient) -> None:
    page = web.get("/dataset/hist", headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"
    assert web.get("/dataset/hist", headers={"Accept": "*/*"}).headers[
        "content-type"].startswith("text/html")
    assert web.get("/dataset/hist", headers={"Accept": "application/json"}).json()[
        "slug"] == "hist"
    preferred = web.get("/dataset/hist",
                        headers={"Accept": "text/html, application/x-bibtex;q=0.5"})
    assert preferred.headers["content-type"].startswith("text/html")
    twin = web.get("/dataset/hist.json", headers={"Accept": "application/x-bibtex"})
    assert twin.json()["slug"] == "hist"  # the .json address is always the JSON twin


def test_cite_parameter_downloads_a_file(web: TestClient) -> None:
    for fmt, name, media in (("bibtex", "dataset-hist.bib", "application/x-bibtex"),
                             ("ris", "dataset-hist.ris", "application/x-research-info-systems"),
                             ("csl-json", "dataset-hist.json", CSL)):
        found = web.get(f"/dataset/hist?cite={fmt}", headers={"Accept": BROWSER})
        assert found.status_code == 200
        assert found.headers["content-type"].startswith(media)
        assert found.headers["content-disposition"] == f'attachment; filename="{name}"'
    text = web.get("/dataset/hist?cite=harvard")
    assert "content-disposition" not in text.headers and "Available at:" in text.text


def test_an_unknown_cite_parameter_is_a_clear_400(web: TestClient) -> None:
    refused = web.get("/dataset/hist.json?cite=chicago")
    assert refused.status_code == 200  # the JSON twin ignores it
    refused = web.get("/dataset/hist?cite=chicago", headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert "cite" in json.dumps(refused.json()) and "bibtex" in json.dumps(refused.json())


def test_the_record_page_and_its_stable_uri_answer_citations(
        web: TestClient, pages_site: PagesSite) -> None:
    rid = pages_site.history_resource
    page = f"/record/{rid}/occ-1"
    csl = web.get(page, headers={"Accept": CSL}).json()
    assert csl["title"] == "HT-1 Quercus petraea" and csl["publisher"] == "HTM"
    assert csl["container-title"] == f"History {HOSTILE}"
    assert csl["URL"] == "http://testserver/object/occ-1"
    old = web.get(f"{page}?version={pages_site.first}", headers={"Accept": CSL}).json()
    assert old["title"] == "HT-1 Quercus robur"  # the version shown is the one cited
    stable = web.get("/object/occ-1", headers={"Accept": "application/x-bibtex"},
                     follow_redirects=False)
    assert stable.status_code == 200 and stable.headers["vary"] == "Accept"
    entry = next(iter(parse_string(stable.text, "bibtex").entries.values()))
    assert entry.fields["url"] == "http://testserver/object/occ-1"
    assert entry.fields["howpublished"] == "History <script>alert(1)</script>"
    moved = web.get("/object/occ-1", headers={"Accept": BROWSER}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == page
    downloaded = web.get(f"{page}?version={pages_site.first}&cite=ris")
    assert "Quercus robur" in downloaded.text
    assert downloaded.headers["content-disposition"].endswith('.ris"')


def test_a_private_record_or_dataset_cites_nothing(odd_web: TestClient,
                                                   odd_site: OddSite) -> None:
    hidden = odd_web.get(f"/record/{odd_site.secret_resource}/sec-1",
                         headers={"Accept": "application/x-bibtex"})
    assert hidden.status_code == 404 and "Secretus" not in hidden.text
    assert odd_web.get("/object/sec-1", headers={"Accept": CSL}).status_code == 404


def test_the_pages_show_the_cite_menu(web: TestClient, pages_site: PagesSite) -> None:
    html = web.get("/dataset/hist").text
    assert 'data-cite' in html and '<script src="/static/cite.js" defer></script>' in html
    assert HOSTILE not in html  # every format's text is escaped like any value
    for label in ("APA", "Harvard", "BibTeX", "RIS", "CSL-JSON"):
        assert f">{label}</option>" in html
        assert f">Copy {label}</button>" in html
    assert 'href="/dataset/hist?cite=bibtex" download="dataset-hist.bib"' in html
    assert 'href="/dataset/hist?cite=ris" download="dataset-hist.ris"' in html
    assert 'href="/dataset/hist?cite=csl-json" download="dataset-hist.json"' in html
    record = web.get(f"/record/{pages_site.history_resource}/occ-1?version="
                     f"{pages_site.first}").text
    assert ">Cite this record</h2>" in record
    assert (f'href="/record/{pages_site.history_resource}/occ-1?version={pages_site.first}'
            f'&amp;cite=bibtex"') in record


def test_download_links_keep_a_quoted_record_id(odd_web: TestClient, odd_site: OddSite) -> None:
    path = f"/record/{odd_site.odd_resource}/{quote(ODD_ID, safe='')}"
    html = odd_web.get(path).text
    assert f'href="{path}?cite=ris"'.replace("&", "&amp;") in html
    assert odd_web.get(f"{path}?cite=ris").status_code == 200


def test_how_to_cite_page_and_its_twin(web: TestClient) -> None:
    html = web.get("/how-to-cite").text
    assert "<h1>How to cite</h1>" in html and "Cite this search" in html
    assert "curl -L -H &#39;Accept: application/x-bibtex&#39;" in html
    assert 'href="/how-to-cite"' in web.get("/").text  # linked from every page's footer
    twin = web.get("/how-to-cite.json").json()
    assert [f["name"] for f in twin["formats"]] == ["apa", "harvard", "bibtex", "ris",
                                                     "csl-json"]
    assert twin["formats"][1]["accept"] == "text/x-bibliography; style=harvard-cite-them-right"
