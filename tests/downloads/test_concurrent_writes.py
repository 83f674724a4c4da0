"""Every writing endpoint under concurrent load, on a real server with its download worker
running: download requests (API and form), short links (API and search page). On SQLite a
transaction that reads and then writes must take the write lock up front, or a concurrent writer
makes it fail with "database is locked" (issue 21); on PostgreSQL the same requests must pass."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import func, select

from holotype.catalog.downloads import DownloadJob
from holotype.catalog.models import QuerySlug
from holotype.config import Settings
from holotype.services.context import Portal
from tests.downloads.conftest import Site, copy_site
from tests.fixtures.forms import with_token
from tests.fixtures.site import LiveServer, make_site

EACH = 32  # requests per endpoint, all sent at once
CLIENTS = 16  # threads, each with its own HTTP connection
RESOURCE = "demo-specimens/records"  # on both sites
# Every limit off, so that only the catalogue can refuse a request.
NO_LIMITS = {"download_workers": 1, "rate_limit_per_minute": 0, "download_requests_per_hour": 0}


@dataclass(frozen=True)
class Answer:
    endpoint: str
    status: int
    made: str  # the download id or slug the answer names


def _api_download(client: httpx.Client, n: int) -> Answer:
    response = client.post("/api/3/action/vds_download_queue", json={
        "query": {"query": {"search": f"api{n}"}, "resource_ids": [RESOURCE]},
        "file": {"format": "csv"}, "notifier": {"type": "none"}})
    made = response.json()["result"]["download_id"] if response.status_code == 200 else ""
    return Answer("vds_download_queue", response.status_code, made)


def _form_download(client: httpx.Client, n: int) -> Answer:
    response = client.post("/download", data=with_token(client, {
        "query": json.dumps({"search": f"form{n}"}), "resource_ids": RESOURCE, "version": "",
        "format": "csv", "email": ""}))
    return Answer("POST /download", response.status_code,
                  response.headers.get("location", "").rsplit("/", 1)[-1])


def _api_slug(client: httpx.Client, n: int) -> Answer:
    response = client.post("/api/3/action/vds_slug_create",
                           json={"query": {"search": f"slug{n}"}, "resource_ids": [RESOURCE]})
    made = response.json()["result"]["slug"] if response.status_code == 200 else ""
    return Answer("vds_slug_create", response.status_code, made)


def _share(client: httpx.Client, n: int) -> Answer:
    response = client.post("/search/share", data=with_token(client, {
        "query": json.dumps({"search": f"share{n}"}), "resource_ids": RESOURCE, "version": ""}))
    location = response.headers.get("location", "")
    return Answer("POST /search/share", response.status_code,
                  location.split("?", 1)[0].rsplit("/", 1)[-1])


ENDPOINTS: list[Callable[[httpx.Client, int], Answer]] = [
    _api_download, _form_download, _api_slug, _share]


def _hammer(url: str) -> list[Answer]:
    """Every endpoint EACH times, interleaved, from CLIENTS threads that start together."""
    work = [(call, n) for n in range(EACH) for call in ENDPOINTS]
    answers: list[Answer] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as http:
            start.wait()
            for call, n in work[offset::CLIENTS]:
                try:
                    answer = call(http, n)
                except httpx.HTTPError as exc:  # a dropped connection is an error too
                    answer = Answer(call.__name__, 0, repr(exc))
                with lock:
                    answers.append(answer)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def _check(settings: Settings) -> None:
    with LiveServer(settings) as server:
        answers = _hammer(server.url)
    failed = [a for a in answers if a.status not in (200, 303)]
    by_endpoint: dict[str, int] = {}
    for answer in failed:
        by_endpoint[answer.endpoint] = by_endpoint.get(answer.endpoint, 0) + 1
    assert not failed, f"{len(failed)} of {len(answers)} failed: {by_endpoint}"
    assert len(answers) == EACH * len(ENDPOINTS)
    made: dict[str, set[str]] = {}
    for answer in answers:
        made.setdefault(answer.endpoint, set()).add(answer.made)
    assert {name: len(ids) for name, ids in made.items()} == {
        "vds_download_queue": EACH, "POST /download": EACH,
        "vds_slug_create": EACH, "POST /search/share": EACH}
    portal = Portal.open(settings, migrate=False)
    try:
        with portal.session() as session:
            jobs = session.scalar(select(func.count()).select_from(DownloadJob))
            slugs = session.scalar(select(func.count()).select_from(QuerySlug))
    finally:
        portal.close()
    assert jobs == 2 * EACH
    assert slugs == 2 * EACH


def test_concurrent_writes_on_sqlite(base_site: Site, tmp_path: Path) -> None:
    site = copy_site(base_site, tmp_path / "site", **NO_LIMITS)
    _check(site.settings)


def test_concurrent_writes_on_postgresql(postgres_database: str, tmp_path: Path) -> None:
    settings = make_site(tmp_path / "site", records=300, database_url=postgres_database,
                         **NO_LIMITS)
    _check(settings)
