"""Deleting data, leftovers of killed processes, and an interrupted demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.errors import NotFound
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.demo import has_demo, load_demo
from holotype.services.identity import OPERATOR
from holotype.services.records import delete_dataset, delete_resource, ingest
from holotype.services.workdirs import sweep_work_dirs, work_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site"))
    yield opened
    opened.close()


def test_deleting_removes_records_and_index(portal: Portal, tmp_path: Path) -> None:
    with portal.session() as session:
        catalogue.create_dataset(session, slug="gone", title="Gone", licence="CC0-1.0")
        first = catalogue.create_resource(session, "gone", slug="one", name="One")
        second = catalogue.create_resource(session, "gone", slug="two", name="Two")
    data = tmp_path / "d.csv"
    data.write_text("occurrenceID,x\n1,a\n")
    for ref in ("gone/one", "gone/two"):
        ingest(portal, OPERATOR, ref, data)
    assert (portal.settings.store_dir / first.id).exists()
    assert (portal.index_dir / first.id).exists()
    delete_resource(portal, OPERATOR, "gone/one")
    assert not (portal.settings.store_dir / first.id).exists()
    assert not (portal.index_dir / first.id).exists()
    delete_dataset(portal, OPERATOR, "gone")
    assert not (portal.settings.store_dir / second.id).exists()
    with portal.session() as session, pytest.raises(NotFound):
        catalogue.get_dataset(session, "gone")


def test_work_dirs_of_dead_processes_are_swept(tmp_path: Path) -> None:
    with work_dir(tmp_path) as alive:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time; from pathlib import Path; "
                "from holotype.services.workdirs import work_dir\n"
                f"with work_dir(Path({str(tmp_path)!r})) as d:\n"
                "    print(d, flush=True); time.sleep(60)",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        assert child.stdout is not None
        orphan = Path(child.stdout.readline().strip())
        assert sweep_work_dirs(tmp_path) == []  # both are in use
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert orphan.exists()
        assert sweep_work_dirs(tmp_path) == [orphan]
        assert alive.exists() and not orphan.exists()


def test_interrupted_demo_is_not_taken_for_a_loaded_one(tmp_path: Path) -> None:
    data_dir = tmp_path / "site"
    child = subprocess.Popen(
        [sys.executable, "-m", "holotype", "demo", "--records", "400000"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "HOLOTYPE_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (data_dir / "catalogue.db").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    portal = Portal.open(load_settings(data_dir=data_dir))
    try:
        assert not has_demo(portal)
        load_demo(portal, OPERATOR, 300)
        assert has_demo(portal)
    finally:
        portal.close()
