"""An ingest killed (SIGKILL) at any step leaves nothing behind once the site restarts or the
next ingest runs: no work folder, no file of an unfinished commit, no temporary index or row
file; and every committed version is still served by the store and the search index."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from holotype.config import load_settings
from holotype.index import indexed_versions
from holotype.services import catalogue, correction_guard
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.indexing import index_missing
from holotype.services.records import ingest

ROOT = Path(__file__).resolve().parents[2]
RESOURCE = "kills/records"
ROWS = 2_000
CATALOGUE = ("catalogue.db", "migrate.lock")  # SQLite's file with its -wal and -shm

# The ingest, in a process of its own, printing each step and pausing (until killed) at one:
# the progress steps of staging, commit and index build, plus two points inside the build that
# no progress line marks (while the row file's postings are written; between the row file's
# rename and its index file's).
CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import holotype.index.rows as rows
    from holotype.config import load_settings
    from holotype.services.context import Portal
    from holotype.services.identity import OPERATOR
    from holotype.services.records import ingest

    point, data_dir, resource, path = sys.argv[1:]

    def step(name):
        print(name, flush=True)
        if name == point:
            time.sleep(600)

    write_postings = rows.write_postings
    def postings(*args, **kwargs):
        step("writing postings")
        return write_postings(*args, **kwargs)
    rows.write_postings = postings

    replace = os.replace
    def renaming(source, target):
        replace(source, target)
        if str(target).endswith(".rows.sqlite"):
            step("row file renamed")
    os.replace = renaming

    portal = Portal.open(load_settings(data_dir=Path(data_dir)))
    ingest(portal, OPERATOR, resource, Path(path), progress=step)
    print("finished", flush=True)
""")

# (where the kill lands, whether the version was committed by then, what it leaves behind),
# in an order that lets no ingest clean up all the one before it left: the recovery must.
KILLS = [
    ("indexing records", True, r"/\.\d+-\w+\.duckdb\.tmp$"),  # committed; index being written
    ("writing postings", True, r"/\.\d+\.rows\.sqlite-\w+\.tmp$"),  # and the row file too
    ("row file renamed", True, r"/\d+\.rows\.sqlite$"),  # the row file in place, not its index
    ("updating statistics", False, r"^store/.*/segments/"),  # written, but named by no manifest
    ("reading the file", False, r"^tmp/ingest-\w+/"),  # staging in its work folder
]
LAST_COMMITTED = 3  # the generation of the last version a killed ingest committed


def write_csv(path: Path, generation: int) -> Path:
    """Records 0..ROWS-1; a tenth of them change with each generation, and one is added."""
    lines = ["occurrenceID,scientificName,year"]
    for i in range(ROWS + generation):
        year = 1900 + generation if i % 10 == generation % 10 else 1900
        lines.append(f"occ-{i},Species {i % 37} name{i},{year}")
    path.write_text("\n".join(lines) + "\n")
    return path


def kill_during(point: str, data_dir: Path, data: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, point, str(data_dir), RESOURCE, str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"},
    )
    assert child.stdout is not None
    seen = []
    for line in child.stdout:
        seen.append(line.strip())
        if seen[-1] == point:
            child.send_signal(signal.SIGKILL)
            break
    _, errors = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, (seen, errors)


def leftovers(portal: Portal, resource_id: str) -> list[str]:
    """Every file of the data folder that no committed version or kept index accounts for."""
    data = portal.settings.data_dir
    store = portal.store.resource(resource_id)
    expected = {store.root / "manifest.json", store.root / "lock",
                store.root / correction_guard.LOCK_FILE}  # the locks' files stay, empty
    for version in store.versions():
        expected.update(store.root / p for p in (version.segment, version.ends) if p)
        if version.source is not None and version.source.path:
            expected.add(store.root / version.source.path)
    # the statistics' counts of a committed version, named by it
    committed = {str(v.version) for v in store.versions()}
    expected.update(p for p in (data / "stats" / resource_id).glob("*.json")
                    if p.name.split("-", 1)[0] in committed)
    index = portal.index_dir / resource_id
    expected.add(index / "lock")
    for version in indexed_versions(index):
        expected.update({index / f"{version}.duckdb", index / f"{version}.rows.sqlite"})
    found = {p for p in data.rglob("*") if p.is_file()}
    left = (str(p.relative_to(data)) for p in found - expected)
    return sorted(p for p in left if not p.startswith(CATALOGUE))


def served_counts(portal: Portal, resource_id: str) -> dict[int, tuple[int, int]]:
    """For every committed version: (records the store holds, records the index finds)."""
    counts = {}
    for version in portal.store.resource(resource_id).versions():
        attached = portal.indexes.attach(resource_id, version.version)
        assert attached is not None, f"no index serves version {version.version}"
        row = portal.indexes.cursor().execute(
            f"SELECT count(*) FROM {attached.records} WHERE _from <= ? AND _to > ?",
            [version.version, version.version],
        ).fetchone()
        assert row is not None
        counts[version.version] = (version.total, int(row[0]))
    return counts


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    opened = Portal.open(load_settings(data_dir=tmp_path / "site"))
    with opened.session() as session:
        catalogue.create_dataset(session, slug="kills", title="Kills", licence="CC0-1.0")
        catalogue.create_resource(session, "kills", slug="records", name="Records")
    yield opened
    opened.close()


@pytest.mark.parametrize("recovery", ["restart", "next ingest"])
def test_killed_ingests_leave_nothing_behind(
    portal: Portal, tmp_path: Path, recovery: str
) -> None:
    found = ingest(portal, OPERATOR, RESOURCE, write_csv(tmp_path / "v0.csv", 0)).resource
    data_dir = portal.settings.data_dir
    assert leftovers(portal, found.id) == []
    committed = 1
    for generation, (point, commits, leaves) in enumerate(KILLS, start=1):
        kill_during(point, data_dir, write_csv(tmp_path / f"v{generation}.csv", generation))
        committed += commits
        assert len(portal.store.resource(found.id).versions()) == committed
        left = leftovers(portal, found.id)
        assert any(re.search(leaves, p) for p in left), (point, left)
    assert left

    if recovery == "restart":  # as `holotype serve` does at start-up, and `holotype index`
        restarted = Portal.open(portal.settings)
        try:
            assert index_missing(restarted) == [found.id]  # the killed builds' version
            assert leftovers(restarted, found.id) == []
            counts = served_counts(restarted, found.id)
        finally:
            restarted.close()
    else:
        ingest(portal, OPERATOR, RESOURCE, write_csv(tmp_path / "last.csv", len(KILLS) + 1))
        committed += 1
        assert leftovers(portal, found.id) == []
        counts = served_counts(portal, found.id)
    assert len(counts) == committed
    assert all(stored == indexed for stored, indexed in counts.values()), counts
    last = LAST_COMMITTED if recovery == "restart" else len(KILLS) + 1
    assert list(counts.values())[-1][0] == ROWS + last
