"""The portal's icon: linked from every page, and answered at /favicon.ico too, which browsers
ask for by default (a 404 there would show as an error in the browser's console)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from holotype.web.security import CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/favicon.svg", "/favicon.ico"])
def test_the_icon_is_served(web: TestClient, path: str) -> None:
    answer = web.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.text.lstrip().startswith("<svg") and "<script" not in answer.text
    assert "max-age=" in answer.headers["cache-control"]
    assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_a_head_request_for_the_icon_has_no_body(web: TestClient) -> None:
    answer = web.head("/favicon.ico")
    assert answer.status_code == 200 and answer.content == b""


@pytest.mark.parametrize("path", ["/", "/search?q=quercus", "/dataset/hist", "/api/docs",
                                  "/no/such/page"])
def test_every_page_links_the_icon(web: TestClient, path: str) -> None:
    html = web.get(path).text
    assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in html


def test_the_policy_lets_pages_load_the_icon() -> None:
    images = re.search(r"img-src ([^;]+)", CONTENT_SECURITY_POLICY)
    assert images is not None and "'self'" in images.group(1).split()
