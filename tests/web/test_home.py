"""The home page lists datasets with record counts, as HTML and as its JSON twin."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from holotype.config import load_settings
from holotype.services import catalogue
from holotype.services.context import Portal
from holotype.services.demo import load_demo
from holotype.services.identity import OPERATOR
from holotype.services.records import ingest
from holotype.web.app import create_app


def test_home_lists_demo_datasets_with_counts(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    portal = Portal.open(settings)
    load_demo(portal, OPERATOR, 2_000)
    with portal.session() as session:
        catalogue.create_dataset(
            session,
            slug="xss",
            title="<script>alert(1)</script>",
            licence="CC0-1.0",
        )
        catalogue.create_resource(session, "xss", slug="rows", name="Rows")
    rows = tmp_path / "x.csv"
    rows.write_text("occurrenceID,name\n1,<b>bold</b>\n")
    ingest(portal, OPERATOR, "xss/rows", rows)
    portal.close()

    with TestClient(create_app(settings)) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Specimens (demo)" in page.text and "2,000" in page.text
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        twin = client.get("/index.json").json()
        drawers = 2  # the demo specimens' drawer photographs, a resource of their own
        assert twin["records"] == 2_000 + drawers + 200 + 40 + 1
        by_slug = {d["slug"]: d for d in twin["datasets"]}
        assert by_slug["demo-specimens"]["records"] == 2_000 + drawers
        assert by_slug["xss"]["title"] == "<script>alert(1)</script>"
        negotiated = client.get("/", headers={"Accept": "application/json"})
        assert negotiated.json() == twin
        health = client.get("/healthz").json()
        assert health["status"] == "ok" and set(health) == {"status", "process"}
        assert health == client.get("/healthz").json()  # the same process, the same name
        missing = client.get("/no/such/page", headers={"Accept": "text/html"})
        assert missing.status_code == 404 and "There is no page at this address." in missing.text
        assert missing.headers["content-type"].startswith("text/html")
        assert client.get("/no/such/page.json").json()["error"]["message"]
