"""A Spark cluster that is not there, or loses its worker in the middle of a job, fails the
download with a clear reason, and leaves no file, partial or whole (the zip is only ever
renamed into place once complete)."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from holotype.config import load_settings
from holotype.search.spark import bulk, stop_all
from holotype.services import downloads
from holotype.services.context import Portal
from holotype.services.identity import ANONYMOUS
from tests.downloads.conftest import Site, drain, queue
from tests.fixtures.site import AREAS, free_port
from tests.fixtures.sparkcluster import start_cluster


def _portal(site: Site, directory: Path, master: str, **overrides: Any) -> Portal:
    shutil.copytree(site.settings.data_dir, directory)
    return Portal.open(load_settings(
        data_dir=directory, geo_areas_dir=AREAS, download_workers=0, rate_limit_per_minute=0,
        download_max_attempts=1, bulk_engine="spark", spark_master=master,
        spark_driver_host="127.0.0.1", spark_executor_memory="512m", **overrides))


def _failed(portal: Portal) -> str:
    download_id = queue(portal, "csv", {})
    drain(portal)
    found = downloads.status(portal, ANONYMOUS, download_id)
    assert found["status"] == "failed", found
    assert found["file_name"] is None
    files = portal.settings.downloads_dir / "files" / download_id
    assert not files.exists() or not any(files.iterdir())  # no zip, no part file
    assert not any((portal.settings.downloads_dir / "work").glob(f"{download_id}-*"))
    return str(found["reason"])


def test_a_master_that_is_down_fails_the_download_at_once(base_site: Site,
                                                          tmp_path: Path) -> None:
    master = f"spark://127.0.0.1:{free_port()}"  # nothing listens there
    portal = _portal(base_site, tmp_path / "site", master)
    try:
        reason = _failed(portal)
    finally:
        portal.close()
    assert f"the Spark master at {master} is not answering" in reason


@pytest.mark.slow
def test_a_worker_that_dies_mid_job_fails_the_download_after_the_timeout(
        base_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = start_cluster(tmp_path / "cluster")
    read = bulk.version_frame
    resources: list[str] = []

    def read_then_lose_the_worker(spark: Any, root: Path, *args: Any) -> Any:
        resources.append(root.name)
        if len(resources) == 2:  # the first resource's rows are written: kill the worker
            os.killpg(cluster.worker.process.pid, signal.SIGKILL)  # and its executor
            cluster.worker.process.wait(15)
        return read(spark, root, *args)

    try:
        warm = _portal(base_site, tmp_path / "warm", cluster.master_url)
        try:  # the cluster works (and its executor is up, so the deadline below is the job's)
            download_id = queue(warm, "tsv", {})
            drain(warm)
            assert downloads.status(warm, ANONYMOUS, download_id)["status"] == "complete"
        finally:
            warm.close()
        monkeypatch.setattr(bulk, "version_frame", read_then_lose_the_worker)
        resources.clear()
        portal = _portal(base_site, tmp_path / "site", cluster.master_url,
                         spark_job_timeout_seconds=20)
        try:
            reason = _failed(portal)
        finally:
            portal.close()
    finally:
        stop_all()  # the next test's session is made afresh on its own cluster
        cluster.stop()
    assert len(resources) == 2  # the job was under way when the worker went
    assert "did not finish within 20 s (spark_job_timeout_seconds)" in reason
    assert cluster.master_url in reason
