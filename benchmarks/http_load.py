"""Holotype over HTTP: a real uvicorn server in its own process, a client engine, a load test.

The server is ``create_app(settings)`` served by uvicorn on a free loopback port, one process,
as ``holotype serve`` runs it, with rate limiting off. ``python -m benchmarks.http_load serve
DATA_DIR PORT`` is the server process; the benchmark starts and stops it by its process id.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from benchmarks.search_queries import DEPARTMENT, FACETS, Query, nhm_query

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """The portal at ``data_dir`` served over HTTP on 127.0.0.1 for the benchmark's duration."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.http_load", "serve", str(self.data_dir),
             str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode})")
            try:
                if httpx.get(f"{self.url}/api/3/action/status_show", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("the server did not start within 60 s")
            time.sleep(0.1)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def request_for(
    query: Query, resource_id: str, versions: dict[str, int], cursor: str | None
) -> tuple[str, dict[str, Any]]:
    """The action and JSON body a CKAN/NHM client would send for ``query``."""
    if not query.page and not query.facets:  # a count, at a version
        body: dict[str, Any] = {"resource_ids": [resource_id], "query": nhm_query(query)}
        if query.version is not None:
            body["version"] = versions[query.version]
        return "vds_multi_count", body
    body = {"resource_id": resource_id, "limit": query.page, "include_total": query.count}
    if query.word:
        body["q"] = query.word
    if query.filters:  # CKAN's filters for the exact match, the NHM query for the range
        body["filters"] = {"department": DEPARTMENT}
        body["query"] = {"filters": {"and": [nhm_query(query)["filters"]["and"][1]]}}
    if query.facets:
        body["facets"] = list(FACETS)
    if query.after is not None:
        body["after"] = cursor
    return "datastore_search", body


def outcome_of(action: str, result: dict[str, Any]) -> dict[str, Any]:
    """The parts of an answer compared across engines."""
    if action == "vds_multi_count":
        return {"count": int(result["total"])}
    out: dict[str, Any] = {}
    if "total" in result:
        out["count"] = int(result["total"])
    if "facets" in result:
        out["facets"] = {
            name: [[str(v), int(n)] for v, n in facet["values"].items()]
            for name, facet in result["facets"].items()
        }
    if result["records"]:
        out["ids"] = [r["_id"] for r in result["records"]]
    return out


class HolotypeHTTP:
    """Runs benchmark queries through the action API, one client, one connection."""

    name = "holotype-http"

    def __init__(
        self, url: str, resource_id: str, versions: dict[str, int], cursor: str | None
    ) -> None:
        self.client = httpx.Client(base_url=url, timeout=120)
        self.resource_id = resource_id
        self.versions = versions
        self.cursor = cursor

    def close(self) -> None:
        self.client.close()

    def run(self, query: Query) -> dict[str, Any]:
        action, body = request_for(query, self.resource_id, self.versions, self.cursor)
        response = self.client.post(f"/api/3/action/{action}", json=body)
        if response.status_code != 200 or not response.json().get("success"):
            raise RuntimeError(f"{action} failed ({response.status_code}): {response.text[:500]}")
        answer = response.json()
        return outcome_of(action, answer["result"])


def load_test(
    url: str,
    requests: list[tuple[str, dict[str, Any]]],
    *,
    clients: int = 8,
    per_client: int = 25,
    max_seconds: float = 180.0,
) -> dict[str, Any]:
    """``clients`` threads, each sending up to ``per_client`` requests back to back (cycling
    through ``requests`` from its own starting point) until ``max_seconds`` have passed.

    A request is an action and its JSON body (POSTed to the action API), or ``("GET",
    {"url": path})`` for a plain GET."""
    latencies: list[float] = []
    by_action: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)
    deadline = time.monotonic() + max_seconds

    def client(number: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            start.wait()
            for i in range(per_client):
                if time.monotonic() > deadline:
                    break
                action, body = requests[(number * 7 + i) % len(requests)]
                began = time.perf_counter()
                problem = None
                try:
                    if action == "GET":  # a plain GET of body["url"] (map tiles), 200 = fine
                        response = http.get(body["url"])
                        if response.status_code != 200:
                            problem = f"HTTP {response.status_code}: {response.text[:200]}"
                    else:
                        response = http.post(f"/api/3/action/{action}", json=body)
                        if response.status_code != 200 or not response.json().get("success"):
                            problem = f"HTTP {response.status_code}: {response.text[:200]}"
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed)
                    by_action.setdefault(action, []).append(elapsed * 1000)
                    if problem:
                        errors.append(f"{action}: {problem}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_s": wall,
        "throughput_per_s": len(latencies) / wall if wall else 0.0,
        "samples_ms": [x * 1000 for x in latencies],
        "samples_ms_by_action": by_action,
    }


def serve(data_dir: Path, port: int) -> None:
    import uvicorn

    from holotype.config import load_settings
    from holotype.web.app import create_app

    settings = load_settings(data_dir=data_dir, rate_limit_per_minute=0)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit("usage: python -m benchmarks.http_load serve DATA_DIR PORT")
