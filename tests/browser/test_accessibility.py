"""Every page type, at desktop and phone width, passes axe-core's WCAG 2 A/AA rules with no
serious or critical violation, and logs no console error and no uncaught script error.

axe-core comes from npm (package.json; ``make test`` installs it into node_modules) and is run
inside the page through the DevTools protocol, which the portal's Content-Security-Policy does
not govern. Screenshots go to test-artifacts/screenshots; with ``HOLOTYPE_SCREENSHOTS_DIR`` set
(``make screenshots``) they are written there as JPEGs instead, for the docs.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.fixtures.pages_site import PagesSite, add_history_dataset, add_private_and_odd
from tests.fixtures.site import LiveServer, make_site

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# The pages photographed (the docs' set is kept small): all of these at desktop width, the
# first three at phone width too; Swagger UI's long page only down to the first screen.
SHOTS = ("home", "search", "record", "datasets", "dataset", "search-filtered",
         "record-past-version", "report-error", "download-status", "api-docs", "not-found",
         "dataset-cite-menu", "dataset-changelog", "cited-search", "how-to-cite", "search-map",
         "record-map")
PHONE_SHOTS = SHOTS[:3]
FIRST_SCREEN_ONLY = {"api-docs"}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = {"serious", "critical"}
HAS_POINT = quote(json.dumps({"and": [{"exists": {"geo_field": True}}]}))
KENYA = quote(json.dumps({"and": [{"string_equals": {"fields": ["country"], "value": "Kenya"}}]}))

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                              summary: n.failureSummary}))}));
}"""


@dataclass(frozen=True)
class Site:
    url: str
    pages: PagesSite
    secret_resource: str
    demo_record: str  # the path of a demo record: long field names, images
    point_record: str  # the path of a demo record with a point (its page has a mini map)


@dataclass(frozen=True)
class Visit:
    name: str
    path: str  # formatted with the Site's fields
    status: int = 200
    ready: Callable[[Any], None] | None = None  # brings the page to the state checked


def _open_download_form(page: Any) -> None:
    page.locator("details.download-box summary").click()
    page.get_by_label("Format").wait_for()


def _finished_download(page: Any) -> None:
    _open_download_form(page)
    page.get_by_role("button", name="Download").click()
    page.wait_for_url(re.compile(r"/status/download/"))
    page.wait_for_selector("a.button[download]", timeout=30_000)


def _open_cite_menu(page: Any) -> None:
    page.locator("section.cite summary").click()
    page.locator("section.cite").get_by_label("Format").select_option("bibtex")


def _open_changelog(page: Any) -> None:
    page.locator("section.changelog details summary").first.click()
    page.locator("section.changelog table").first.wait_for()


def _cited_search(page: Any) -> None:
    page.get_by_role("button", name="Cite this search").click()
    page.wait_for_url(re.compile(r"/citation/"))
    page.locator("section.cite summary").click()


def _grid_map(page: Any) -> None:
    page.get_by_label("Grid of counts").check()
    page.locator("#map-legend ul.legend li").first.wait_for()


def _mini_map(page: Any) -> None:
    page.locator("#record-map path.record-point").wait_for()


def _swagger_rendered(page: Any) -> None:
    page.locator("#swagger-ui .opblock").first.wait_for()


VISITS = [
    Visit("home", "/"),
    Visit("datasets", "/datasets"),
    Visit("dataset", "/dataset/hist"),
    Visit("dataset-cite-menu", "/dataset/hist", ready=_open_cite_menu),
    Visit("how-to-cite", "/how-to-cite"),
    Visit("dataset-changelog", "/dataset/hist", ready=_open_changelog),
    Visit("private-dataset", "/dataset/secret", 404),
    Visit("search", "/search?q=forest"),
    Visit("search-filtered", "/search?q=forest&filters=" + KENYA),
    Visit("search-gallery", "/search?q=forest&view=gallery"),
    Visit("search-map", "/search?q=forest&view=map", ready=_grid_map),
    Visit("record-map", "{point_record}", ready=_mini_map),
    Visit("record", "{demo_record}"),
    Visit("record-past-version", "/record/{history}/occ-1?version={first}"),
    Visit("private-record", "/record/{secret}/sec-1", 404),
    Visit("report-error", "/report-error/{history}/occ-1"),
    Visit("download-form", "/search?q=forest", ready=_open_download_form),
    Visit("download-status", "/search?q=forest", ready=_finished_download),
    Visit("cited-search", "/search?q=forest", ready=_cited_search),
    Visit("unknown-doi", "/doi/10.5072/none-such", 404),
    Visit("api-docs", "/api/docs", ready=_swagger_rendered),
    Visit("not-found", "/no/such/page", 404),
    # Accounts (pages of a signed-in user are checked by test_accounts.py, signed in)
    Visit("login", "/user/login"),
    Visit("register", "/user/register"),
    Visit("password-reset", "/user/reset"),
    Visit("organisations", "/organisations"),
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (or `make assets`), which installs "
                    "axe-core from npm")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("a11y")
    settings = make_site(folder / "site", records=1_000, download_workers=1,
                         rate_limit_per_minute=0)
    pages = add_history_dataset(settings, folder)
    odd = add_private_and_odd(settings, folder)
    with LiveServer(settings) as server:
        yield Site(server.url, pages, odd.secret_resource, _demo_record(browser, server.url),
                   _demo_record(browser, server.url, HAS_POINT))


def _demo_record(browser: Any, url: str, filters: str = "") -> str:
    page = browser.new_page()
    page.goto(url + "/search.json?size=1&q=forest" + (f"&filters={filters}" if filters else ""))
    path = str(page.evaluate("JSON.parse(document.body.innerText).records[0].url"))
    page.close()
    return path


def _save(page: Any, visit: Visit, viewport: str, shot: Any) -> None:
    if visit.name not in (SHOTS if viewport == "desktop" else PHONE_SHOTS):
        return
    name = f"{visit.name}-{viewport}"
    folder = os.environ.get("HOLOTYPE_SCREENSHOTS_DIR")
    if not folder:
        shot(page, f"a11y-{name}")
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(folder) / f"{name}.jpg"), type="jpeg", quality=50,
                    full_page=visit.name not in FIRST_SCREEN_ONLY)


def _readable(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}  {node['html']}")
            lines.append("       " + node["summary"].replace("\n", "\n       "))
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("visit", VISITS, ids=[v.name for v in VISITS])
def test_page_is_accessible_and_quiet(browser: Any, site: Site, axe_source: str, shot: Any,
                                      visit: Visit, viewport: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    page.on("console", lambda msg: problems.append(
        f"console error: {msg.text} ({msg.location.get('url')})") if msg.type == "error"
        else None)
    path = visit.path.format(history=site.pages.history_resource, first=site.pages.first,
                             secret=site.secret_resource,
                             demo_record=site.demo_record, point_record=site.point_record)
    response = page.goto(site.url + path)
    assert response.status == visit.status, f"{path} answered {response.status}"
    if visit.ready:
        visit.ready(page)
    page.wait_for_load_state("networkidle")
    _save(page, visit, viewport, shot)

    page.evaluate(axe_source + "\n;undefined")
    assert page.evaluate("typeof window.axe") == "object", "axe-core did not load in the page"
    violations = page.evaluate(RUN_AXE, WCAG)
    failing = [v for v in violations if v["impact"] in FAILING]
    assert not failing, f"{page.url} at {viewport} width:\n{_readable(failing)}"

    if visit.status == 404:  # the browser reports the page's own status as a failed load
        own = f"status of 404 (Not Found) ({page.url})"
        problems = [p for p in problems if not p.endswith(own)]
    assert problems == [], f"{page.url} at {viewport} width:\n" + "\n".join(problems)
    page.close()


def test_the_check_finds_a_planted_violation(browser: Any, site: Site, axe_source: str) -> None:
    """The check above can fail: axe-core, run the same way, reports an unlabelled field and an
    image without a text alternative added to a page that passes."""
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(site.url + "/")
    page.evaluate("""() => document.querySelector("main").insertAdjacentHTML("beforeend",
        '<input type="text"><img src="/favicon.svg">')""")
    page.evaluate(axe_source + "\n;undefined")
    found = {v["id"]: v["impact"] for v in page.evaluate(RUN_AXE, WCAG)}
    assert found.get("label") == "critical" and found.get("image-alt") == "critical", found
    page.close()
