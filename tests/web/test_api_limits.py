"""Rate limiting, private datasets and searching past versions through the API."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from holotype.catalog.downloads import DownloadJob
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from holotype.web.app import create_app
from holotype.web.ratelimit import RateLimiter
from tests.fixtures.forms import with_token
from tests.fixtures.site import make_site


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    settings = make_site(tmp_path, records=50, rate_limit_per_minute=5)
    with TestClient(create_app(settings)) as client:
        codes = [client.get("/api/3/action/status_show").status_code for _ in range(7)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
        limited = client.get("/api/3/action/status_show")
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["error"]["__type"] == "Rate Limit Error"
        assert client.get("/").status_code == 200  # pages are not API calls


def test_download_requests_have_a_tighter_limit_of_their_own(tmp_path: Path) -> None:
    """Each download queues minutes of work: a client gets a few an hour, from the API and
    the form together; searches are not counted, and a refused request queues nothing."""
    settings = make_site(tmp_path, records=50, rate_limit_per_minute=0,
                         download_requests_per_hour=3, download_workers=0)
    body = {"query": {"search": "helix"}, "file": {"format": "csv"}}
    with TestClient(create_app(settings)) as client:
        api = [client.post("/api/3/action/vds_download_queue", json=body) for _ in range(2)]
        assert [r.status_code for r in api] == [200, 200]
        form = {"query": "", "resource_ids": "", "version": "", "format": "tsv"}
        made = client.post("/download", data=with_token(client, form), follow_redirects=False)
        assert made.status_code == 303
        refused = client.post("/download", data=with_token(client, form), follow_redirects=False)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["content-type"].startswith("text/html")
        assert "many downloads in a short time" in refused.text
        by_api = client.post("/api/3/action/vds_download_queue", json=body)
        assert by_api.status_code == 429 and int(by_api.headers["Retry-After"]) >= 1
        assert by_api.json()["error"]["__type"] == "Rate Limit Error"
        assert client.post("/api/3/action/vds_multi_count", json={}).status_code == 200
        assert client.get("/download").status_code != 429  # the form itself is not counted
    portal = Portal.open(settings)
    try:
        with portal.session() as session:
            assert session.scalar(select(func.count()).select_from(DownloadJob)) == 2
    finally:
        portal.close()


def test_rate_limiter_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    assert all(limiter.take("a") == 0 for _ in range(60))
    assert limiter.take("a") > 0 and limiter.take("b") == 0
    now[0] += 1.0
    assert limiter.take("a") == 0


def test_private_and_past_versions(tmp_path: Path) -> None:
    settings = make_site(tmp_path, records=50, rate_limit_per_minute=0)
    portal = Portal.open(settings)
    with portal.session() as session:
        catalogue.create_dataset(session, slug="hidden", title="Hidden", licence="CC0-1.0",
                                 visibility="private")
        hidden = catalogue.create_resource(session, "hidden", slug="rows", name="Rows")
        catalogue.create_dataset(session, slug="birds", title="Birds", licence="CC0-1.0")
        birds = catalogue.create_resource(session, "birds", slug="rows", name="Rows")
    data = tmp_path / "v.csv"
    data.write_text("occurrenceID,name\n1,secret heron\n")
    ingest(portal, OPERATOR, "hidden/rows", data)
    data.write_text("occurrenceID,name\n1,grey heron\n2,blue tit\n")
    first = ingest(portal, OPERATOR, "birds/rows", data).result.version
    data.write_text("occurrenceID,name\n1,grey heron\n")
    ingest(portal, OPERATOR, "birds/rows", data, mode="replace")
    portal.close()
    with TestClient(create_app(settings)) as client:
        def post(name: str, **params: object) -> dict[str, object]:
            return dict(client.post(f"/api/3/action/{name}", json=params).json())

        everything = post("vds_multi_count", query={"search": "heron"})["result"]
        assert everything["total"] == 1  # type: ignore[index]
        counts = everything["counts"]  # type: ignore[index]
        assert counts[birds.id] == 1 and hidden.id not in counts
        assert post("datastore_search", resource_id=hidden.id)["success"] is False
        assert "hidden" not in post("package_list")["result"]  # type: ignore[operator]
        now = post("datastore_search", resource_id=birds.id)["result"]
        then = post("datastore_search", resource_id=birds.id, version=first)["result"]
        assert now["total"] == 1 and then["total"] == 2  # type: ignore[index]
        past = post("vds_multi_count", query={"search": "tit"}, version=first)["result"]
        assert past["total"] == 1  # type: ignore[index]
