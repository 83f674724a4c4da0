"""Warm statistics pages: each figure's finished JSON (spec and search links) is made once per
table kept in memory and shared by the pages asking again, and a new version of a resource is
shown at once on the statistics page, its twin, a figure's JSON and the dataset's panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from holotype.services.identity import ANONYMOUS, OPERATOR
from holotype.services.records import ingest
from holotype.web.app import create_app
from holotype.web.pages.statistics import figures_data
from tests.services.two_resources import open_site, write


def _rows(country: str, n: int) -> list[dict[str, str]]:
    return [{"occurrenceID": f"occ-{i:04d}", "country": country, "basisOfRecord": "Specimen"}
            for i in range(n)]


def _countries(figures: list[dict[str, Any]]) -> list[tuple[str, int]]:
    found = next(f for f in figures if f["figure"] == "countries")
    return [(r["value"], r["records"]) for r in found["rows"]]


def test_a_warm_page_shares_its_figures_and_shows_a_new_version_at_once(
    tmp_path: Path
) -> None:
    opened = open_site(tmp_path / "site")
    try:
        ingest(opened, OPERATOR, "ds/res-a", write(tmp_path / "1.csv", _rows("Peru", 40)))
        with TestClient(create_app(opened.settings)) as web:
            portal = web.app.state.portal  # type: ignore[attr-defined]
            for _ in range(2):  # the second answer is warm
                home = web.get("/statistics.json").json()["figures"]
                panel = web.get("/dataset/ds.json").json()["statistics"]
                page = web.get("/statistics")
            assert _countries(home) == _countries(panel) == [("Peru", 40)]
            assert "Peru" in page.text
            once, again = (figures_data(portal, ANONYMOUS, "ds") for _ in range(2))
            shared = [a is b for a, b in zip(once, again, strict=True)]
            by_id = dict(zip((f["figure"] for f in once), shared, strict=True))
            assert by_id["countries"] and by_id["completeness"]  # made once, then shared

            ingest(opened, OPERATOR, "ds/res-a", write(tmp_path / "2.csv", _rows("Chile", 30)),
                   mode="replace")
            home = web.get("/statistics.json").json()["figures"]
            panel = web.get("/dataset/ds.json").json()["statistics"]
            one = web.get("/statistics/countries.json?dataset=ds").json()
            page = web.get("/statistics")
            assert _countries(home) == _countries(panel) == [("Chile", 30)]
            assert [(r["value"], r["records"]) for r in one["rows"]] == [("Chile", 30)]
            assert "Chile" in page.text and ">Peru<" not in page.text
            completeness = next(f for f in panel if f["figure"] == "completeness")
            assert completeness["rows"][0]["records"] == 30
    finally:
        opened.close()
