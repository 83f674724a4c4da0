"""Fixtures for DOI tests: the fake DataCite registrar and a portal that mints DOIs with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import Settings, load_settings
from holotype.services.context import Portal
from tests.fixtures.datacite import PASSWORD, PREFIX, USERNAME, FakeDataCite, fake_datacite

BASE_URL = "https://data.example.org"


@pytest.fixture
def datacite() -> Iterator[FakeDataCite]:
    with fake_datacite() as fake:
        yield fake


def minting_settings(data_dir: Path, registrar_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        data_dir=data_dir, doi_provider="datacite", datacite_url=registrar_url,
        datacite_prefix=PREFIX, datacite_username=USERNAME, datacite_password=PASSWORD,
        public_base_url=BASE_URL)
    return load_settings(**{**values, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def portal(tmp_path: Path, datacite: FakeDataCite, catalogue_url: str) -> Iterator[Portal]:
    """A portal minting DOIs with the fake registrar, its catalogue on SQLite and PostgreSQL."""
    opened = Portal.open(minting_settings(tmp_path / "site", datacite.url,
                                          database_url=catalogue_url))
    try:
        yield opened
    finally:
        opened.close()
