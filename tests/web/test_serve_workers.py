"""`holotype serve --workers 4`: four server processes behind one port, over one data directory
and one PostgreSQL catalogue, with a separate `holotype worker` making the downloads.

Each request is attributed to the process that answered it: a fresh connection first asks
``/healthz`` (which names its process with a random token), and the request that follows on
the same kept-alive connection is answered by the same process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.fixtures.site import free_port, make_site

SRC = Path(__file__).resolve().parents[2] / "src"
PROCESSES = 4
SEARCH = {"resource_id": "demo-specimens/records", "q": "forest", "limit": 5,
          "facets": ["country"]}


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@contextmanager
def _process(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([sys.executable, "-m", "holotype", *args], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)  # uvicorn's supervisor stops its processes too
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def _on(url: str) -> Iterator[tuple[str, httpx.Client]]:
    """A new connection and the name of the process answering on it."""
    with httpx.Client(base_url=url, timeout=60) as client:
        yield client.get("/healthz").json()["process"], client


def _post(client: httpx.Client, action: str, body: dict[str, Any]) -> Any:
    response = client.post(f"/api/3/action/{action}", json=body)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def test_four_server_processes_share_one_site(tmp_path: Path, postgres_database: str) -> None:
    settings = make_site(tmp_path / "site", records=300, database_url=postgres_database)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOLOTYPE_")}
    env |= {"HOLOTYPE_DATA_DIR": str(settings.data_dir),
            "HOLOTYPE_DATABASE_URL": postgres_database, "HOLOTYPE_PORT": str(port),
            "HOLOTYPE_RATE_LIMIT_PER_MINUTE": "0", "HOLOTYPE_DOWNLOAD_WORKERS": "0",
            "HOLOTYPE_IMAGE_WORKERS": "0", "HOLOTYPE_MAP_TILE_URL": "",
            "HOLOTYPE_GEO_AREAS_DIR": str(settings.geo_areas_dir or "")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    with _process(["serve", "--workers", str(PROCESSES)], env) as server, \
            _process(["worker", "--poll", "0.2"], env) as worker:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "no server"
            time.sleep(0.2)
        # Every process answers: new connections until each has been seen (they start apace).
        answers: dict[str, Any] = {}
        deadline = time.monotonic() + 120
        while len(answers) < PROCESSES and time.monotonic() < deadline:
            with _on(url) as (process, client):
                if process not in answers:
                    answers[process] = _post(client, "datastore_search", SEARCH)
        assert len(answers) == PROCESSES, f"only {len(answers)} processes answered"
        assert len(_children(server.pid)) >= PROCESSES  # the supervisor's own processes
        # The same search gives the same answer whichever process runs it.
        first = next(iter(answers.values()))
        assert first["total"] > 0 and first["records"]
        assert all(answer == first for answer in answers.values())

        # A download queued through one process, made by the worker, served by another.
        with _on(url) as (queued_by, client):
            queued = _post(client, "vds_download_queue", {
                "query": {"query": {"search": "forest"},
                          "resource_ids": ["demo-specimens/records"]},
                "file": {"format": "csv"}})
        status: dict[str, Any] = {}
        deadline = time.monotonic() + 120
        while status.get("status") != "complete":
            assert time.monotonic() < deadline, f"the download did not complete: {status}"
            assert worker.poll() is None, "the download worker exited"
            with _on(url) as (_process_name, client):
                status = client.get(f"/status/download/{queued['download_id']}.json").json()
            time.sleep(0.2)
        files = {}
        deadline = time.monotonic() + 120
        while len(files) < 2 and time.monotonic() < deadline:
            with _on(url) as (process, client):
                if process == queued_by and queued_by in files:
                    continue
                response = client.get(status["url"])
                assert response.status_code == 200
                files[process] = response.content
        others = set(files) - {queued_by}
        assert others, "no other process served the file"
        assert len(set(files.values())) == 1 and status["total"] == first["total"]
    with psycopg.connect(postgres_database.replace("+psycopg", "")) as conn:
        row = conn.execute("SELECT worker FROM download_jobs WHERE id = %s",
                           (queued["download_id"],)).fetchone()
    assert row is not None and f":{worker.pid}:" in row[0]  # made by the worker process
