"""The statistics page and a dataset's statistics panel in a real browser: every chart drawn
by Vega under the Content-Security-Policy (no violation, no error), each table still there for
screen readers, a bar leading to the search that counts it, and axe-core's WCAG checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_accessibility import FAILING, RUN_AXE, WCAG, _readable, axe_source
from tests.browser.test_content_security_policy import watched
from tests.fixtures.site import LiveServer, make_site

__all__ = ["axe_source"]  # the fixture, used by name


@pytest.fixture(scope="module")
def stats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = make_site(tmp_path_factory.mktemp("stats-site"), records=1_000,
                         rate_limit_per_minute=0)
    with LiveServer(settings) as server:
        yield server.url


def _drawn(page: Any) -> int:
    """Wait until every figure with a chart is drawn; how many there are."""
    charts = page.locator("figure.stat .stat-chart")
    count = int(charts.count())
    assert count > 0
    page.wait_for_function(
        "n => document.querySelectorAll('figure.stat.stat-drawn').length === n", arg=count)
    return count


def _check(page: Any, axe: str, problems: list[str]) -> None:
    assert page.evaluate("window.__violations") == []
    assert problems == []
    page.evaluate(axe + "\n;undefined")
    failing = [v for v in page.evaluate(RUN_AXE, WCAG) if v["impact"] in FAILING]
    assert not failing, _readable(failing)


def test_statistics_page_draws_every_chart_under_the_policy(
        browser: Any, stats_server: str, axe_source: str, shot: Any) -> None:
    page, problems = watched(browser)
    page.goto(stats_server + "/statistics")
    drawn = _drawn(page)
    assert page.locator(".stat-chart svg").count() == drawn
    # Each table is hidden from sight but not from screen readers; a button shows it.
    basis = page.locator("#figure-basis")
    table = basis.locator(".stat-table")
    assert "visually-hidden" in (table.get_attribute("class") or "")
    assert basis.get_by_role("table").count() == 1  # still in the accessibility tree
    basis.get_by_role("button", name="Show the table").click()
    assert table.is_visible()
    # The map fetched its atlas; each chart carries its text alternative.
    countries = page.locator("#figure-countries .stat-chart svg")
    assert countries.locator("path").count() > 50
    assert "records" in (page.locator("#figure-basis .stat-chart svg")
                         .get_attribute("aria-label") or "").lower()
    shot(page, "statistics")
    _check(page, axe_source, problems)
    page.close()


def test_a_bar_leads_to_the_search_that_counts_it(browser: Any, stats_server: str) -> None:
    page, problems = watched(browser)
    page.goto(stats_server + "/statistics/basis")
    _drawn(page)
    first = page.evaluate("""() => {
        const spec = JSON.parse(document.querySelector('.stat-spec').textContent);
        return spec.data.values[0];
    }""")
    bar = page.locator(".stat-chart svg .mark-rect path").first
    bar.click()
    page.wait_for_url("**/search?**")
    answer = page.request.get(page.url.replace("/search?", "/search.json?")).json()
    assert answer["total"] == first["records"]
    assert problems == []
    page.close()


def test_dataset_panel_draws_the_dataset_figures(
        browser: Any, stats_server: str, axe_source: str, shot: Any) -> None:
    page, problems = watched(browser)
    listing = page.request.get(stats_server + "/datasets.json").json()
    slug = max(listing["datasets"], key=lambda d: d["records"])["slug"]
    page.goto(stats_server + f"/dataset/{slug}")
    panel = page.locator("section.dataset-statistics")
    assert panel.get_by_role("heading", name="Statistics").count() == 1
    _drawn(page)
    assert panel.get_by_role("heading", name="Usage").count() == 0  # not a maintainer
    panel.scroll_into_view_if_needed()
    shot(page, "dataset-statistics")
    _check(page, axe_source, problems)
    page.close()
