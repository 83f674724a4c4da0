"""No index is built on a read: a resource without one is 'being indexed' until the indexer
(run by the server at start-up) builds it."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import true

from holotype.config import Settings
from holotype.errors import Unavailable
from holotype.services import catalogue, indexing, search
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from holotype.web.app import create_app
from tests.fixtures.site import make_site

RESOURCE = "demo-specimens/records"


@pytest.fixture
def unindexed(tmp_path: Path) -> Settings:
    """A small demo site whose search indexes were all removed (as after a format change)."""
    settings = make_site(tmp_path / "site", records=50, rate_limit_per_minute=0)
    portal = Portal.open(settings)
    try:
        shutil.rmtree(portal.index_dir)
    finally:
        portal.close()
    return settings


def test_a_read_never_builds_an_index(unindexed: Settings) -> None:
    portal = Portal.open(unindexed)
    try:
        with pytest.raises(Unavailable, match="being indexed"):
            search.resource_views(portal, ANONYMOUS, [RESOURCE], None)
        assert not portal.index_dir.exists() or not any(portal.index_dir.iterdir())
        with portal.session() as session:
            every = sorted(r.id for d in catalogue.list_datasets(session, true())
                           for r in catalogue.list_resources(session, d.slug)
                           if r.kind == "records")
        assert indexing.missing(portal) == every  # every record resource, by id
        assert sorted(indexing.index_missing(portal)) == every
        assert indexing.missing(portal) == []
        views = search.resource_views(portal, ANONYMOUS, [RESOURCE], None)
        assert sum(portal.searcher.count(views, {}).values()) > 0
    finally:
        portal.close()


def test_the_server_indexes_what_is_missing_at_start_up(unindexed: Settings) -> None:
    with TestClient(create_app(unindexed)) as client:
        deadline = time.monotonic() + 60
        while True:
            answer = client.get("/api/3/action/vds_multi_count",
                                params={"resource_ids": RESOURCE})
            if answer.status_code == 200 or time.monotonic() > deadline:
                break
            assert answer.status_code == 503, answer.text
            assert "being indexed" in answer.json()["error"]["message"]
            time.sleep(0.2)
        assert answer.status_code == 200, answer.text
        assert answer.json()["result"]["total"] > 0


def test_the_index_command_builds_what_is_missing(unindexed: Settings) -> None:
    from typer.testing import CliRunner

    from holotype.cli.main import app

    runner = CliRunner()
    env = {"HOLOTYPE_DATA_DIR": str(unindexed.data_dir)}
    first = runner.invoke(app, ["index"], env=env)
    assert first.exit_code == 0, first.output
    # the demo's three record resources and its drawers
    assert "Indexed 4 resources." in first.output
    again = runner.invoke(app, ["index"], env=env)
    assert "Every resource is indexed." in again.output
