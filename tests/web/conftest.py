"""Fixtures for the page tests: a small shared site (see tests/fixtures/pages_site.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from holotype.web.app import create_app
from tests.fixtures.iiif_site import ALLOWED_HOST, IIIFSite, add_iiif_datasets
from tests.fixtures.pages_site import (
    HOSTILE,
    OddSite,
    PagesSite,
    add_history_dataset,
    add_private_and_odd,
)
from tests.fixtures.site import make_site

__all__ = ["HOSTILE", "OddSite", "PagesSite"]


@pytest.fixture(scope="session")
def pages_site(tmp_path_factory: pytest.TempPathFactory) -> PagesSite:
    folder = tmp_path_factory.mktemp("pages-site")
    settings = make_site(folder / "site", records=600, rate_limit_per_minute=0)
    return add_history_dataset(settings, folder)


@pytest.fixture(scope="session")
def web(pages_site: PagesSite) -> Iterator[TestClient]:
    with TestClient(create_app(pages_site.settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def odd_site(tmp_path_factory: pytest.TempPathFactory) -> OddSite:
    """A small demo site with a private dataset and a record id that needs quoting."""
    folder = tmp_path_factory.mktemp("odd-site")
    settings = make_site(folder / "site", records=40, rate_limit_per_minute=0)
    return add_private_and_odd(settings, folder)


@pytest.fixture(scope="session")
def odd_web(odd_site: OddSite) -> Iterator[TestClient]:
    with TestClient(create_app(odd_site.settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def iiif_site(tmp_path_factory: pytest.TempPathFactory) -> IIIFSite:
    """Records with images the portal serves, a drawer with hotspots, a private dataset."""
    folder = tmp_path_factory.mktemp("iiif-site")
    settings = make_site(folder / "site", records=20, rate_limit_per_minute=0,
                         media_allowed_hosts=[ALLOWED_HOST])
    return add_iiif_datasets(settings, folder)


@pytest.fixture(scope="session")
def iiif_web(iiif_site: IIIFSite) -> Iterator[TestClient]:
    with TestClient(create_app(iiif_site.settings)) as test_client:
        yield test_client
