"""After signing in, the visitor goes back where they were, but never to another site."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from holotype.services.context import Portal
from holotype.web.pages.accounts import safe_next
from tests.accounts.conftest import make_user, sign_in

ELSEWHERE = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
             "javascript:alert(1)", "http:/evil.example", "/ok\r\nSet-Cookie: x=1",
             "evil.example", " //evil.example"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_another_site_is_never_a_destination(target: str) -> None:
    assert safe_next(target) == "/user/me"


def test_a_path_on_the_portal_is_kept() -> None:
    assert safe_next("/search?q=quercus&view=list") == "/search?q=quercus&view=list"
    assert safe_next("") == "/user/me"


def test_signing_in_goes_back_but_not_away(client: TestClient, portal: Portal) -> None:
    make_user(portal)
    page = client.get("/user/login", params={"next": "//evil.example"}).text
    assert 'name="next" value="/user/me"' in page and "evil.example" not in page
    for target in ELSEWHERE[:3]:
        answer = sign_in(client, next=target)
        assert answer.status_code == 303 and answer.headers["location"] == "/user/me", target
    back = sign_in(client, next="/datasets?page=2")
    assert back.headers["location"] == "/datasets?page=2"
