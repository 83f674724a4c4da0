"""Creators through the API (CKAN has no such field): package_create and package_patch take
``creators`` with checked ORCID iDs; every bad field is named at once and nothing is written;
a package_update without creators keeps them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from holotype.web.app import create_app
from tests.fixtures.token_site import TokenSite, make_token_site

ORCID = "0000-0002-1825-0097"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TokenSite:
    return make_token_site(tmp_path_factory.mktemp("ckan-creators"))


@pytest.fixture(scope="module")
def api(site: TokenSite) -> Iterator[TestClient]:
    with TestClient(create_app(site.settings),
                    headers={"Authorization": site.tokens["editor-write"]}) as client:
        yield client


def _call(api: TestClient, action: str, **body: Any) -> dict[str, Any]:
    answer: dict[str, Any] = api.post(f"/api/3/action/{action}", json=body).json()
    return answer


def test_creators_are_written_and_shown(api: TestClient) -> None:
    made = _call(api, "package_create", name="with-creators", title="With creators",
                 license_id="CC0-1.0", owner_org="museum", private=True,
                 creators=[{"name": "Ada Smith", "orcid": f"https://orcid.org/{ORCID}",
                            "affiliation": "NHM"}, {"name": "Bo Lee"}])
    assert made["success"], made
    assert made["result"]["creators"] == [
        {"name": "Ada Smith", "orcid": ORCID, "affiliation": "NHM"},
        {"name": "Bo Lee", "orcid": None, "affiliation": None}]
    assert made["result"]["author"] == "Ada Smith; Bo Lee"
    updated = _call(api, "package_update", id="with-creators", title="Still with creators")
    assert [c["name"] for c in updated["result"]["creators"]] == ["Ada Smith", "Bo Lee"]
    patched = _call(api, "package_patch", id="with-creators", creators=[{"name": "Cy Wu"}])
    assert [c["name"] for c in patched["result"]["creators"]] == ["Cy Wu"]


def test_every_bad_field_is_named_and_nothing_is_written(api: TestClient) -> None:
    refused = _call(api, "package_create", name="bad-creators", license_id="CC0-1.0",
                    owner_org="museum", title="x\ny", creators=[
                        {"name": "Ada", "orcid": "0000-0002-1825-0098"},
                        {"orcid": ORCID}, {"name": "Cy", "email": "cy@example.org"}],
                    tags=[{"name": "ok"}, {"name": "bad\nkeyword"}])
    assert refused["success"] is False
    error = refused["error"]
    assert "check digit is wrong" in " ".join(error["creators[0].orcid"])
    assert error["creators[1].name"] == ["is required"]
    assert "unknown field(s) email" in " ".join(error["creators[2]"])
    assert "title" in error and "tags[1]" in error
    assert _call(api, "package_show", id="bad-creators")["success"] is False
    reserved = _call(api, "package_create", name="new", license_id="CC0-1.0",
                     owner_org="museum")
    assert "reserved" in " ".join(reserved["error"]["name"])
    kept = _call(api, "package_patch", id="secret", title="Changed",
                 creators=[{"name": "Ada", "orcid": "not an orcid"}])
    assert kept["success"] is False and "creators[0].orcid" in kept["error"]
    assert _call(api, "package_show", id="secret")["result"]["title"] == "Private secret"
