"""The portal's pages work under its Content-Security-Policy, and the policy does bite."""

from __future__ import annotations

from typing import Any

DESKTOP = {"width": 1280, "height": 800}
# Added through the DevTools protocol, which the page's policy does not govern.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def watched(browser: Any, viewport: dict[str, int] = DESKTOP) -> tuple[Any, list[str]]:
    """A new page that records CSP violations (``window.__violations``), uncaught errors and
    the console's policy messages."""
    page = browser.new_page(viewport=viewport)
    page.add_init_script(WATCH)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}")
            if "Content Security Policy" in msg.text else None)
    return page, problems


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__violations"))


def test_api_docs_run_under_the_policy(browser: Any, live_server: str, shot: Any) -> None:
    page, problems = watched(browser)
    response = page.goto(live_server + "/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    operation = page.locator('[id$="-status_show_get"]')
    operation.locator(".opblock-summary").click()  # Swagger UI rendered the document
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()  # a fetch from the page: connect-src
    status = operation.locator(".live-responses-table tbody .response-col_status")
    status.first.wait_for()
    assert status.first.inner_text().strip() == "200"
    shot(page, "api-docs-under-csp")
    assert _violations(page) == [] and problems == []
    page.close()


def test_search_page_and_filter_builder_run_under_the_policy(
        browser: Any, live_server: str) -> None:
    page, problems = watched(browser)
    page.goto(live_server + "/search?q=forest")
    page.locator(".builder > summary").click()
    page.get_by_role("button", name="Add condition").click()  # the builder's script runs
    assert page.locator("#filter-builder .fb-term").count() >= 1
    seen = _violations(page)  # each document keeps its own list
    page.goto(live_server + "/search?q=forest&view=gallery")
    image = page.locator("ul.gallery img").first
    image.scroll_into_view_if_needed()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle())
    seen += _violations(page)
    page.goto(live_server + str(page.locator("ul.gallery a").first.get_attribute("href")))
    assert page.locator("h1").count() == 1  # a record page, with its images
    assert seen + _violations(page) == [] and problems == []
    page.close()


def test_an_injected_inline_script_does_not_run(browser: Any, live_server: str) -> None:
    page, _problems = watched(browser)
    page.goto(live_server + "/search?q=forest")
    page.evaluate("""() => {
      const s = document.createElement("script");
      s.textContent = "window.__pwned = 1";
      document.body.appendChild(s);
      document.body.insertAdjacentHTML(
        "beforeend", '<img src="/nothing-here" onerror="window.__pwned = 2">');
    }""")
    page.wait_for_function("() => window.__violations.length >= 2")
    assert page.evaluate("window.__pwned") is None
    assert all(v.startswith("script-src") for v in _violations(page))
    page.close()
