"""Security headers on every kind of answer, and HEAD answered as GET without a body."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import holotype.web
from holotype.web.app import create_app
from holotype.web.security import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from tests.fixtures.pages_site import PagesSite
from tests.fixtures.site import make_site


def _csp(policy: str) -> dict[str, list[str]]:
    directives = (part.split() for part in policy.split(";") if part.strip())
    return {d[0]: d[1:] for d in directives}


def test_the_policy_runs_only_the_portals_own_scripts() -> None:
    csp = _csp(CONTENT_SECURITY_POLICY)
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no other site
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "https:" in csp["img-src"]  # records' associatedMedia may live on other sites


@pytest.mark.parametrize("path", [
    "/",  # a page
    "/search?q=quercus",
    "/search.json?q=quercus",  # a JSON twin
    "/index.json",
    "/api/3/action/status_show",  # an API answer
    "/api/3/action/no_such_action",  # an API error
    "/api/openapi.json",
    "/api/docs",
    "/no/such/page",  # an error page
    "/static/holotype.css",
    "/media/demo/HT-1.svg",
])
def test_every_answer_carries_the_security_headers(web: TestClient, path: str) -> None:
    answer = web.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, (path, name)
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_a_rate_limited_answer_carries_them_too(tmp_path: Path) -> None:
    settings = make_site(tmp_path, records=20, rate_limit_per_minute=1)
    with TestClient(create_app(settings)) as client:
        client.get("/api/3/action/status_show")
        refused = client.get("/api/3/action/status_show")
    assert refused.status_code == 429
    assert refused.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_a_page_that_fails_unexpectedly_carries_them_too(
    pages_site: PagesSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    import holotype.web.pages.datasets as datasets_page

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(datasets_page, "dataset_data", broken)
    with TestClient(create_app(pages_site.settings), raise_server_exceptions=False) as client:
        answer = client.get("/dataset/hist")
    assert answer.status_code == 500 and "secret" not in answer.text
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, name


def test_the_api_docs_page_has_no_inline_script(web: TestClient) -> None:
    html = web.get("/api/docs").text
    assert "<script>" not in html and "<script " in html
    for tag in html.split("<script")[1:]:
        assert tag.lstrip().startswith("src=") and tag.split(">", 1)[1].startswith("</script")


@pytest.mark.parametrize("path", [
    "/",
    "/search?q=quercus",
    "/search.json?q=quercus",
    "/datasets",
    "/dataset/hist",
    "/api/docs",
    "/api/openapi.json",
    "/api/3/action/status_show",
    "/api/action/package_list",
    "/api/3/action/status_show/help",
    "/healthz",
    "/static/holotype.css",
])
def test_head_answers_as_get_without_a_body(web: TestClient, path: str) -> None:
    get = web.get(path)
    head = web.head(path)
    assert head.status_code == get.status_code == 200, path
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_head_on_a_record_page_and_a_missing_one(web: TestClient, pages_site: PagesSite) -> None:
    found = web.head(f"/record/{pages_site.history_resource}/occ-1")
    assert found.status_code == 200 and found.content == b""
    assert int(found.headers["content-length"]) > 0  # the length a GET's body has
    missing = web.head("/no/such/page")
    assert missing.status_code == 404 and missing.content == b""


def test_head_is_not_post(web: TestClient) -> None:
    """What only takes POST refuses HEAD as it refuses GET."""
    for path in ("/download", "/search/share"):
        head, get = web.head(path), web.get(path)
        assert head.status_code == get.status_code >= 400 and head.content == b"", path


def test_no_template_has_an_inline_style() -> None:
    """The policy refuses inline styles (style-src 'self'): a <style> block or style attribute
    in a template would be dropped by the browser with a console error."""
    folder = Path(holotype.web.__file__).parent / "templates"
    for template in sorted(folder.glob("*.html")):
        html = template.read_text()
        assert "<style" not in html, template.name
        assert not re.search(r"\sstyle\s*=", html), template.name


def test_the_web_layer_never_opens_a_catalogue_session() -> None:
    """Every catalogue read goes through a service that applies the policy (the layers of
    docs/development.md); a session opened in a route could skip it."""
    web = Path(holotype.web.__file__).parent
    opened = [f"{path.relative_to(web)}:{number}"
              for path in sorted(web.rglob("*.py"))
              for number, line in enumerate(path.read_text().splitlines(), 1)
              if re.search(r"\.(write_)?session\(\)", line)]
    assert opened == []
